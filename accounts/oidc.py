"""Single sign-on with the province's OpenID Connect provider (mozilla-django-oidc).

Off unless OIDC_RP_CLIENT_ID is set. The provider's user signs in as the *existing* account
with the same user name (claim `preferred_username`), or else the one active account with
the same e-mail address. Nothing is ever created: an account, and the posts that give it
access, come from the officials list or an administrator, never from the provider.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.audit import event_record
from accounts.models import EventKind

REFUSED = (
    "Không đăng nhập được bằng tài khoản của tỉnh: tài khoản “{who}” chưa được gắn với "
    "tài khoản nào trong hệ thống Chỉ số CCHC. Hãy đăng nhập bằng mật khẩu, hoặc nhờ quản "
    "trị hệ thống tạo tài khoản với tên đăng nhập hoặc thư điện tử này."
)
FAILED = "Không đăng nhập được bằng tài khoản của tỉnh; hãy thử lại hoặc đăng nhập bằng mật khẩu."
SESSION_REFUSED = "cchc_sso_refused"


class ProvinceOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        return bool(claims.get("preferred_username") or claims.get("email"))

    def filter_users_by_claims(self, claims):
        users = get_user_model().objects.filter(is_active=True)
        username = (claims.get("preferred_username") or "").strip()
        if username:
            by_name = users.filter(username__iexact=username)
            if by_name.exists():
                return by_name
        email = (claims.get("email") or "").strip()
        if email:
            by_email = users.filter(email__iexact=email)
            if by_email.count() == 1:  # two accounts with one address: say no, not guess
                return by_email
        who = username or email or str(claims.get("sub", ""))
        event_record(
            kind=EventKind.SSO_REFUSED,
            request=self.request,
            typed=who,
            detail="không khớp tài khoản nào (theo tên đăng nhập, rồi thư điện tử)",
        )
        self.request.session[SESSION_REFUSED] = who
        return users.none()

    def create_user(self, claims):
        return None  # never: accounts come from the officials list or an administrator

    def update_user(self, user, claims):
        return user  # the person's details are theirs to edit here, not the provider's

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class _Enabled:
    def __init__(self, **kwargs):
        # Checked before mozilla-django-oidc's views read their (then missing) settings.
        if not settings.OIDC_ENABLED:
            raise Http404("Chưa cấu hình đăng nhập một lần.")
        super().__init__(**kwargs)


class SSOStartView(_Enabled, OIDCAuthenticationRequestView):
    """ "Đăng nhập bằng tài khoản của tỉnh": off to the provider."""


class SSOCallbackView(_Enabled, OIDCAuthenticationCallbackView):
    """Back from the provider: signed in as the matching account, or refused with why."""

    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_URL)

    def login_failure(self):
        who = self.request.session.pop(SESSION_REFUSED, None)
        messages.error(self.request, REFUSED.format(who=who) if who else FAILED)
        return super().login_failure()
