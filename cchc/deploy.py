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


def client_ip(request) -> str | None:
    """The client's address: behind our proxy, the hop the proxy itself appended.

    Only the last X-Forwarded-For entry is written by the trusted proxy; earlier ones come from
    the client and could be forged to dodge the login lockout.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
