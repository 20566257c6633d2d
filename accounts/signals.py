"""Sign-ins and failed sign-ins go into the account record, whichever door they come
through (the login page, the admin's login, single sign-on, a reset or invitation link)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.audit import event_record
from accounts.models import EventKind
from accounts.twofactor import SESSION_NEED, need_of


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        # What this sign-in owes (a code, a setup, nothing) is worked out now, within the
        # session write signing in makes anyway, so that later pages cost no query for it.
        request.session[SESSION_NEED] = need_of(user)
    backend = getattr(user, "backend", "") or ""
    detail = "đăng nhập một lần (SSO)" if "oidc" in backend.lower() else ""
    event_record(kind=EventKind.SIGNED_IN, user=user, request=request, detail=detail)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    typed = str(credentials.get("username") or "")
    if not typed:
        return  # e.g. a single sign-on attempt, recorded with its own reason
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=typed).first()
    event_record(kind=EventKind.SIGN_IN_FAILED, user=user, request=request, typed=typed)
