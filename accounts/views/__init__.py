"""The account pages: passwords, invitations, profile and people, two-factor sign-in."""

from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest) -> str:
    """The site's address for links in e-mails: SITE_URL, else the address the request came
    to (a host Django accepted through ALLOWED_HOSTS)."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
