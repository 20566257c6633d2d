from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.assessment_list, name="assessments"),
    path("tham-dinh/", views.appraisal_queue, name="queue"),
    path("<int:pk>/", views.assessment_detail, name="assessment"),
    path("<int:pk>/tinh-diem/", views.assessment_preview, name="preview"),
    path("<int:pk>/thao-tac/<slug:action>/", views.assessment_action, name="action"),
    path("<int:pk>/tieu-chi/<int:score_pk>/", views.criterion_detail, name="criterion"),
    path("<int:pk>/tai-lieu/<int:evidence_pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/tai-lieu/<int:evidence_pk>/xoa/", views.evidence_remove, name="evidence_remove"),
    path(
        "<int:pk>/tieu-chi/<int:score_pk>/tai-len/", views.evidence_upload, name="evidence_upload"
    ),
    path(
        "<int:pk>/tai-lieu/<int:evidence_pk>/dung-chung/",
        views.evidence_share,
        name="evidence_share",
    ),
    path(
        "<int:pk>/tai-lieu/<int:evidence_pk>/go/<int:score_pk>/",
        views.evidence_unshare,
        name="evidence_unshare",
    ),
]
