"""Recording what happens to accounts (admin → Nhật ký tài khoản)."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.models import AccountEvent, EventKind
from cchc.deploy import client_ip


def event_record(
    *,
    kind: EventKind,
    user=None,
    request: HttpRequest | None = None,
    actor=None,
    typed: str = "",
    detail: str = "",
) -> AccountEvent:
    """One line of the account record; the address is the request's client, if any."""
    if actor is not None and user is not None and actor.pk == user.pk:
        actor = None
    return AccountEvent.objects.create(
        kind=kind,
        user=user,
        actor=actor,
        typed=typed[:254],
        ip_address=client_ip(request) if request is not None else None,
        detail=detail[:300],
    )
