"""URLs of the rounds area, under /dot-danh-gia/. Each page family adds its own block."""

from django.urls import path

app_name = "rounds"

urlpatterns: list = []

# --- appraisal parts (phân công thẩm định) ------------------------------------------------------
from rounds.views import parts  # noqa: E402

urlpatterns += [
    path("<int:pk>/phan-cong/", parts.round_parts, name="parts"),
    path("<int:pk>/phan-cong/<int:part_pk>/", parts.part_edit, name="part_edit"),
    path("<int:pk>/phan-cong/<int:part_pk>/xoa/", parts.part_remove, name="part_remove"),
]
# --- end of appraisal parts ---------------------------------------------------------------------
# --- survey and outside results of a round (rounds/views/survey.py) ---------------------------
from rounds.views import survey  # noqa: E402

urlpatterns += [
    path("<int:pk>/ket-qua-dieu-tra/", survey.survey_grid, name="survey"),
    path("<int:pk>/ket-qua-dieu-tra.xlsx", survey.survey_download, name="survey_download"),
    path("<int:pk>/ket-qua-dieu-tra/nhap/", survey.survey_upload, name="survey_upload"),
]
# --- end of survey and outside results ----------------------------------------------------------
# --- round pages and the council's board (issue 13) ---------------------------------------------
from rounds.views import board, rounds  # noqa: E402

urlpatterns += [
    path("", rounds.round_list, name="index"),
    path("moi/", rounds.round_create, name="create"),
    path("nhom-xep-hang/<int:unit_pk>/tao/", rounds.groups_create, name="groups_create"),
    path("<int:pk>/", rounds.round_detail, name="detail"),
    path("<int:pk>/them-don-vi/", rounds.round_add_units, name="add_units"),
    path("<int:pk>/dong/", rounds.round_status, {"action": "dong"}, name="close"),
    path("<int:pk>/mo-lai/", rounds.round_status, {"action": "mo-lai"}, name="reopen"),
    path("<int:pk>/gia-han/<int:assessment_pk>/", rounds.deadline_extend, name="extend"),
    path("<int:pk>/bang-theo-doi/", board.board, name="board"),
    path("<int:pk>/bang-theo-doi.csv", board.board_export, {"fmt": "csv"}, name="board_csv"),
    path("<int:pk>/bang-theo-doi.xlsx", board.board_export, {"fmt": "xlsx"}, name="board_xlsx"),
    path("<int:pk>/bang-theo-doi/thao-tac/", board.board_action, name="board_action"),
    path("don-vi/<int:assessment_pk>/", board.unit_progress, name="unit_progress"),
]
# --- group publication (rounds/views/publication.py) ---------------------------------------
from rounds.views import publication  # noqa: E402

urlpatterns += [
    path(
        "<int:pk>/cong-bo/<int:group_pk>/",
        publication.publication_preview,
        name="publication_preview",
    ),
    path(
        "<int:pk>/cong-bo/<int:group_pk>/thuc-hien/",
        publication.publication_publish,
        name="publication_publish",
    ),
    path(
        "<int:pk>/cong-bo/<int:group_pk>/cong-bo-lai/",
        publication.publication_republish,
        name="publication_republish",
    ),
]
# --- end of group publication ----------------------------------------------------------------
# --- a framework issued in place of the round's (rounds/views/framework_change.py) ----------
from rounds.views import framework_change  # noqa: E402

urlpatterns += [
    path("<int:pk>/doi-bo-chi-so/", framework_change.framework_change, name="framework_change"),
    path(
        "<int:pk>/doi-bo-chi-so/thuc-hien/",
        framework_change.framework_change_confirm,
        name="framework_change_confirm",
    ),
    path(
        "<int:pk>/doi-bo-chi-so/<int:change_pk>.xlsx",
        framework_change.framework_change_xlsx,
        name="framework_change_xlsx",
    ),
]
# --- end of framework change ---------------------------------------------------------------
