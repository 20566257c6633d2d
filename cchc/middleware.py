"""Site-wide middleware: idle sessions end, private answers are never cached."""

from __future__ import annotations

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

# Session keys: when the user signed in and when they were last seen (seconds since the epoch).
SIGNED_IN_AT = "cchc_signed_in_at"
LAST_SEEN = "cchc_last_seen"
# Last-seen is written back at most this often, so that reading pages does not write the
# session row on every request; the idle timeout is therefore exact to within a minute.
LAST_SEEN_RESOLUTION = 60


def duration_vi(seconds: int) -> str:
    """ "8 giờ", "90 phút", "45 giây": the largest whole unit."""
    if seconds % 3600 == 0:
        return f"{seconds // 3600} giờ"
    if seconds % 60 == 0:
        return f"{seconds // 60} phút"
    return f"{seconds} giây"


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    """Both clocks start at sign-in, within the session write that signing in makes anyway."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SIGNED_IN_AT] = session[LAST_SEEN] = int(time.time())


class SessionTimeoutMiddleware:
    """Signs out a session idle for longer than SESSION_IDLE_TIMEOUT, or older than
    SESSION_COOKIE_AGE since sign-in, and says why on the login page.

    Django's own SESSION_COOKIE_AGE is pushed forward every time the session is saved, so on
    its own it is neither an idle timeout nor a cap; both are kept here, in the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        response = self.get_response(request)
        if getattr(request, "htmx", False) and self._to_login(response):
            return self._client_redirect(request)
        return response

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if signed_in_at is None or last_seen is None:
            # A session from before this check: start counting now.
            session[SIGNED_IN_AT] = signed_in_at or now
            session[LAST_SEEN] = now
            return
        idle = settings.SESSION_IDLE_TIMEOUT
        if now - last_seen > idle:
            self._sign_out(
                request,
                f"Phiên làm việc đã hết hạn do không hoạt động quá {duration_vi(idle)}; "
                "hãy đăng nhập lại.",
            )
        elif now - signed_in_at > settings.SESSION_COOKIE_AGE:
            self._sign_out(
                request,
                f"Phiên đăng nhập đã quá {duration_vi(settings.SESSION_COOKIE_AGE)}; "
                "hãy đăng nhập lại.",
            )
        elif now - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now

    @staticmethod
    def _sign_out(request: HttpRequest, reason: str) -> None:
        logout(request)  # a new, empty session: the reason is kept in it for the login page
        messages.warning(request, reason)

    @staticmethod
    def _to_login(response: HttpResponse) -> bool:
        login_url = resolve_url(settings.LOGIN_URL)
        location = response.get("Location", "") if response.status_code == 302 else ""
        return location == login_url or location.startswith(login_url + "?")

    @staticmethod
    def _client_redirect(request: HttpRequest) -> HttpResponse:
        """An htmx request that found its session gone: htmx would follow a redirect and
        swap the login form into a fragment of the page. Send the whole page to the login
        instead (HX-Redirect), coming back to the page the user was on."""
        page = request.htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(
            f"{resolve_url(settings.LOGIN_URL)}?next={quote(page, safe='/')}"
        )


class PrivateNoStoreMiddleware:
    """Cache-Control: no-store, private on every answer to a signed-in user and on every
    file download: unit data and uploaded files must not stay in a shared computer's browser
    cache or in a proxy. Static files are served by WhiteNoise before this runs and stay
    cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.has_header("Content-Disposition"):
            if "max-age" in response.get("Cache-Control", ""):
                del response["Cache-Control"]
            patch_cache_control(response, no_store=True, private=True)
        return response
