"""Refuse to serve in production with development settings."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def assert_ready_to_serve() -> None:
    """Called by the WSGI/ASGI entry points (gunicorn): with DEBUG off, the secret key and
    the host names must come from the environment, never from development defaults."""
    if settings.DEBUG:
        return
    problems = []
    if settings.SECRET_KEY.startswith("django-insecure-"):
        problems.append("SECRET_KEY chưa được đặt (đang dùng khóa phát triển)")
    if not os.environ.get("ALLOWED_HOSTS"):
        problems.append("ALLOWED_HOSTS chưa được đặt (tên miền của máy chủ)")
    if problems:
        raise ImproperlyConfigured(
            "Không khởi động ở chế độ vận hành (DEBUG=false): " + "; ".join(problems) + "."
        )
