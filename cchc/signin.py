"""Sign-in: password guessing spread over many addresses is slowed per user name.

django-axes already locks a (user name, address) pair after 5 failures. This adds the second
layer described in settings.py: failures for one user name from all addresses are counted in
axes' failure log, and past SIGNIN_SPRAY_LIMIT of them each further attempt from an address
the user has not signed in from waits a short, growing time after the last failure.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count, Max
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from cchc.deploy import client_ip
from cchc.middleware import wants_json

INVALID_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng nhập lại."


@dataclass(frozen=True)
class Cooloff:
    until: datetime.datetime

    @property
    def seconds(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds() + 0.999))

    def message(self) -> str:
        local = timezone.localtime(self.until)
        minutes = (self.seconds + 59) // 60
        wait = f"{self.seconds} giây" if self.seconds < 60 else f"khoảng {minutes} phút"
        return (
            "Tài khoản này vừa bị nhập sai mật khẩu nhiều lần từ nhiều nơi, nên tạm thời chỉ "
            f"nhận đăng nhập sau {local:%H:%M:%S} ({wait} nữa). Nếu không phải bạn nhập sai, "
            "hãy báo quản trị hệ thống."
        )


def spray_wait(failures: int) -> datetime.timedelta:
    """The wait after the last failure once a user name has `failures` (≥ the limit) in the
    window: 30 s at the limit, doubling with each further failure, at most 15 minutes."""
    doublings = min(failures - settings.SIGNIN_SPRAY_LIMIT, 16)
    return min(settings.SIGNIN_SPRAY_FIRST_WAIT * 2**doublings, settings.SIGNIN_SPRAY_MAX_WAIT)


def username_cooloff(username: str, ip_address: str | None) -> Cooloff | None:
    """When attempts for `username` from `ip_address` are accepted again; None if now."""
    if not username:
        return None
    now = timezone.now()
    recent = AccessFailureLog.objects.filter(
        username=username, attempt_time__gte=now - settings.SIGNIN_SPRAY_WINDOW
    ).aggregate(failures=Count("id"), last=Max("attempt_time"))
    if recent["failures"] < settings.SIGNIN_SPRAY_LIMIT:
        return None
    until = recent["last"] + spray_wait(recent["failures"])
    if until <= now:
        return None
    trusted = AccessLog.objects.filter(
        username=username,
        ip_address=ip_address,
        attempt_time__gte=now - settings.SIGNIN_TRUSTED_FOR,
    ).exists()
    return None if trusted else Cooloff(until)


def purge_old_failures() -> None:
    """The failure log is kept SIGNIN_FAILURES_KEPT, so that it stays small."""
    AccessFailureLog.objects.filter(
        attempt_time__lt=timezone.now() - settings.SIGNIN_FAILURES_KEPT
    ).delete()


class ThrottledSignInMixin:
    """Refuses an attempt during the user name's cool-off before checking the password (so
    it is not counted as a failure and costs no password hashing)."""

    cooloff: Cooloff | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        self.cooloff = username_cooloff(username, client_ip(self.request)) if username else None
        if self.cooloff is not None:
            raise forms.ValidationError(self.cooloff.message(), code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            purge_old_failures()
            raise


class SignInForm(ThrottledSignInMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": INVALID_LOGIN,
        "inactive": "Tài khoản này đã bị khóa. Hãy liên hệ quản trị hệ thống.",
    }


class AdminSignInForm(ThrottledSignInMixin, AdminAuthenticationForm):
    """The admin site's login, throttled the same way (it is another door to the same
    accounts)."""


class SignInView(auth_views.LoginView):
    """The login page; also the sign-in dialog of a page whose session ended, which posts
    here asking for JSON and stays on its page."""

    form_class = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Someone sent here from a page (?next=) without a more precise reason on screen.
        context["sent_from_page"] = bool(context.get("next"))
        # Single sign-on (accounts.oidc) is offered beside the password when configured.
        context["sso_enabled"] = settings.OIDC_ENABLED
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        if wants_json(self.request):
            # Signing in rotates the CSRF token: the page needs the new one for its forms.
            return JsonResponse(
                {"user": self.request.user.get_username(), "csrf_token": get_token(self.request)}
            )
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.cooloff is not None:
            response.status_code = 429
            response["Retry-After"] = str(form.cooloff.seconds)
        if wants_json(self.request):
            errors = [e for field_errors in form.errors.values() for e in field_errors]
            json = JsonResponse({"errors": errors or [INVALID_LOGIN]}, status=400)
            if form.cooloff is not None:
                json.status_code = 429
                json["Retry-After"] = response["Retry-After"]
            return json
        return response
