from django.urls import path, register_converter

from exchange import views

app_name = "exchange"


class AssessmentKind:
    regex = "tu-danh-gia|tham-dinh"

    def to_python(self, value: str) -> str:
        return {"tu-danh-gia": "self", "tham-dinh": "appraisal"}[value]

    def to_url(self, value: str) -> str:
        return {"self": "tu-danh-gia", "appraisal": "tham-dinh"}[value]


class AdminKind:
    regex = "bo-chi-so|don-vi|can-bo"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ListKind(AdminKind):
    regex = "don-vi|can-bo"


register_converter(AssessmentKind, "assessment_kind")
register_converter(AdminKind, "admin_kind")
register_converter(ListKind, "list_kind")

urlpatterns = [
    path("", views.index, name="index"),
    path("danh-gia/<int:pk>/", views.assessment_exchange, name="assessment"),
    path(
        "danh-gia/<int:pk>/tu-danh-gia.xlsx", views.self_sheet_download, name="self_sheet_download"
    ),
    path("danh-gia/<int:pk>/phu-luc.xlsx", views.appraisal_download, name="appraisal_download"),
    path(
        "danh-gia/<int:pk>/<assessment_kind:kind>/nhap/",
        views.assessment_upload,
        name="assessment_upload",
    ),
    path("<admin_kind:kind>/nhap/", views.admin_upload, name="admin_upload"),
    path("nhap/<int:pk>/", views.record_detail, name="record"),
    path("nhap/<int:pk>/xac-nhan/", views.record_apply, name="record_apply"),
    path("nhap/<int:pk>/huy/", views.record_cancel, name="record_cancel"),
    path("nhap/<int:pk>/tep.xlsx", views.record_file, name="record_file"),
    path("bo-chi-so/<int:pk>.xlsx", views.framework_download, name="framework_download"),
    path("bo-chi-so/<int:pk>/sao-chep/", views.framework_copy, name="framework_copy"),
    path("<list_kind:kind>.xlsx", views.list_download, name="list_download"),
]
