"""Site-wide middleware: idle sessions end, private answers are never cached."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control

# Session keys: when the user signed in and when they were last seen (seconds since the epoch).
SIGNED_IN_AT = "cchc_signed_in_at"
LAST_SEEN = "cchc_last_seen"
# Last-seen is written back at most this often, so that reading pages does not write the
# session row on every request; the idle timeout is therefore exact to within a minute.
LAST_SEEN_RESOLUTION = 60
# Said on the login page to someone whose browser still held a session the server no longer
# knows (signed out in another tab, flushed, expired), and to the page's scripts in a 401.
SESSION_ENDED = "Phiên làm việc đã hết hạn, hãy đăng nhập lại."


def wants_json(request: HttpRequest) -> bool:
    """Whether the request is a script's (fetch with Accept: application/json), not a page's:
    a browser navigating asks for text/html first."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


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

    A request of a page's script (htmx, or fetch asking for JSON) that finds no session is
    answered 401 instead of being sent to the login page, so that the page can sign in again
    in a dialog without losing what was typed.

    Django's own SESSION_COOKIE_AGE is pushed forward every time the session is saved, so on
    its own it is neither an idle timeout nor a cap; both are kept here, in the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = self._check(request) if request.user.is_authenticated else None
        anonymous = not request.user.is_authenticated  # also when just signed out above
        response = self.get_response(request)
        if not (anonymous and self._to_login(response)):
            if reason:
                messages.warning(request, reason)
            return response
        if getattr(request, "htmx", False) or wants_json(request):
            return self._unauthorized(request, reason)
        if reason is None and settings.SESSION_COOKIE_NAME in request.COOKIES:
            reason = SESSION_ENDED  # the browser held a session that is gone
        if reason:
            messages.warning(request, reason)
        return response

    def _check(self, request: HttpRequest) -> str | None:
        """Sign out a session past either limit; the reason, to be told once the view has
        answered (on the login page, or in the 401 a script gets)."""
        session = request.session
        now = int(time.time())
        signed_in_at = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if signed_in_at is None or last_seen is None:
            # A session from before this check: start counting now.
            session[SIGNED_IN_AT] = signed_in_at or now
            session[LAST_SEEN] = now
            return None
        idle = settings.SESSION_IDLE_TIMEOUT
        if now - last_seen > idle:
            logout(request)
            return (
                f"Phiên làm việc đã hết hạn do không hoạt động quá {duration_vi(idle)}; "
                "hãy đăng nhập lại."
            )
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            logout(request)
            return (
                f"Phiên đăng nhập đã quá {duration_vi(settings.SESSION_COOKIE_AGE)}; "
                "hãy đăng nhập lại."
            )
        if now - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN] = now
        return None

    @staticmethod
    def _to_login(response: HttpResponse) -> bool:
        login_url = resolve_url(settings.LOGIN_URL)
        location = response.get("Location", "") if response.status_code == 302 else ""
        return location == login_url or location.startswith(login_url + "?")

    @staticmethod
    def _unauthorized(request: HttpRequest, reason: str | None) -> HttpResponse:
        """An htmx or script request without a session: a 401 rather than the login page
        (htmx would swap it into a fragment; a script cannot tell it from an answer). The
        page keeps what was typed and signs in again in a dialog; the answer carries the
        reason and a CSRF token to sign in with (the one the page holds may be stale if the
        user signed in again elsewhere)."""
        return JsonResponse(
            {
                "error": "unauthenticated",
                "message": reason or SESSION_ENDED,
                "login_url": resolve_url(settings.LOGIN_URL),
                "csrf_token": get_token(request),
            },
            status=401,
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
