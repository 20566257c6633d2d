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
