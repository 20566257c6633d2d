from django.urls import path, register_converter

from documents import views


class FormatConverter:
    regex = "pdf|xlsx|docx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TableFormatConverter(FormatConverter):
    regex = "pdf|xlsx"


register_converter(FormatConverter, "docfmt")
register_converter(TableFormatConverter, "tablefmt")

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("cho-ky/", views.signing_queue, name="signing_queue"),
    path("so-van-ban-di/", views.register, name="register"),
    path("kiem-tra-ky-so/", views.verify, name="verify"),
    path("so-van-ban-di.xlsx", views.register, {"fmt": "xlsx"}, name="register_xlsx"),
    path("danh-gia/<int:pk>/", views.assessment_documents, name="assessment"),
    path(
        "danh-gia/<int:pk>/<slug:table>.<tablefmt:fmt>",
        views.assessment_table,
        name="assessment_table",
    ),
    path("danh-gia/<int:pk>/soan/", views.letter_create, name="letter_create"),
    path(
        "xep-hang/<int:framework_id>/<int:period_id>.<tablefmt:fmt>",
        views.ranking,
        name="ranking",
    ),
    path(
        "xep-hang/<int:framework_id>/<int:period_id>/goi-phu-luc/",
        views.bundle_start,
        name="bundle_start",
    ),
    path("goi-phu-luc/<int:pk>/", views.bundle_detail, name="bundle_detail"),
    path("goi-phu-luc/<int:pk>/tai-ve/", views.bundle_download, name="bundle_download"),
    path("<int:pk>/", views.letter_detail, name="letter_detail"),
    path("<int:pk>/sua/", views.letter_edit, name="letter_edit"),
    path("<int:pk>/trinh-ky/", views.letter_submit, name="letter_submit"),
    path("<int:pk>/duyet-ky/", views.letter_approve, name="letter_approve"),
    path("<int:pk>/tra-lai/", views.letter_return, name="letter_return"),
    path("<int:pk>/rut-lai/", views.letter_withdraw, name="letter_withdraw"),
    path("<int:pk>/ban-hanh/", views.letter_issue, name="letter_issue"),
    path("<int:pk>/xoa/", views.letter_delete, name="letter_delete"),
    path("<int:pk>/tai-len-ban-ky-so/", views.letter_upload_signed, name="letter_upload_signed"),
    path("<int:pk>.<docfmt:fmt>", views.letter_download, name="letter_download"),
]
