"""URLs of the rounds area, under /dot-danh-gia/. Each page family adds its own block."""

from django.urls import path

app_name = "rounds"

urlpatterns: list = []

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
