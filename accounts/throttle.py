"""Forgotten-password requests are limited, like sign-in attempts, from the account record.

Per address: past PASSWORD_RESET_LIMIT_PER_ADDRESS requests within the window, the form is
refused with the time to try again (someone walking through a list of addresses). Per typed
e-mail address: past PASSWORD_RESET_LIMIT_PER_EMAIL, nothing more is sent, yet the answer is
the same as ever, so that it reveals nothing (someone flooding one person's mailbox).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from accounts.models import AccountEvent, EventKind


def _recent(**where):
    since = timezone.now() - settings.PASSWORD_RESET_LIMIT_WINDOW
    return AccountEvent.objects.filter(kind=EventKind.RESET_REQUESTED, at__gte=since, **where)


def address_wait(ip_address: str | None) -> datetime.timedelta | None:
    """How long this address must wait before asking again; None if it may ask now."""
    if not ip_address:
        return None
    # Refused requests are not recorded, so the count stops at the limit and the address may
    # ask again once the oldest request in the window has aged out of it.
    recent = _recent(ip_address=ip_address).aggregate(count=Count("id"), first=Min("at"))
    if recent["count"] < settings.PASSWORD_RESET_LIMIT_PER_ADDRESS:
        return None
    return recent["first"] + settings.PASSWORD_RESET_LIMIT_WINDOW - timezone.now()


def email_may_receive(email: str) -> bool:
    """Whether another reset e-mail may go to the address (requests so far, this included)."""
    return _recent(typed__iexact=email).count() <= settings.PASSWORD_RESET_LIMIT_PER_EMAIL


# A wrong current password on "Đổi mật khẩu" is a guess at it (a session left open on a
# shared computer): after this many within the window, the form waits like the sign-in does.
CHANGE_FAILURES_ALLOWED = 5
CHANGE_WINDOW = datetime.timedelta(minutes=15)
CHANGE_FAILED_DETAIL = "đổi mật khẩu: mật khẩu hiện tại không đúng"


def change_wait(user) -> datetime.timedelta | None:
    """How long the user must wait before trying their current password again; None: now."""
    since = timezone.now() - CHANGE_WINDOW
    recent = AccountEvent.objects.filter(
        kind=EventKind.SIGN_IN_FAILED, user=user, detail=CHANGE_FAILED_DETAIL, at__gte=since
    ).aggregate(count=Count("id"), first=Min("at"))
    if recent["count"] < CHANGE_FAILURES_ALLOWED:
        return None
    return recent["first"] + CHANGE_WINDOW - timezone.now()
