"""Sends a signed-in user who owes a second factor to the code page, and one who must use
two-factor sign-in but has not set it up to the setup page, before any other page."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts import twofactor


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            target = self._target(request, user)
            if target is not None and request.path not in self._open_paths(target):
                return self._send(request, target)
        return self.get_response(request)

    @staticmethod
    def _target(request: HttpRequest, user) -> str | None:
        """Worked out once per sign-in and kept in the session, so that the pages of the
        many who need nothing cost no query."""
        need = request.session.get(twofactor.SESSION_NEED)
        if need is None:
            need = twofactor.need_of(user)
            request.session[twofactor.SESSION_NEED] = need
        if need == twofactor.NEED_CODE:
            return reverse("accounts:two_factor_verify")
        if need == twofactor.NEED_SETUP:
            return reverse("accounts:two_factor")
        return None

    @staticmethod
    def _open_paths(target: str) -> set[str]:
        """Pages a user on the way through may still reach: the target itself and signing
        out (static files are served before this runs)."""
        return {target, reverse("logout"), reverse("health")}

    @staticmethod
    def _send(request: HttpRequest, target: str) -> HttpResponse:
        if getattr(request, "htmx", False):
            page = request.htmx.current_url_abs_path or "/"
            return HttpResponseClientRedirect(f"{target}?next={quote(page, safe='/')}")
        if request.method == "GET":
            return redirect(f"{target}?next={quote(request.get_full_path(), safe='/?=&')}")
        return redirect(target)
