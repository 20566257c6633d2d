"""URLs of the rounds area, under /dot-danh-gia/. Each page family adds its own block."""

from django.urls import path  # noqa: F401 (the blocks below use it)

app_name = "rounds"

urlpatterns: list = []
