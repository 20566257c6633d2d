"""The account record: what happened to each account, visible to administrators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AccountEvent, EventKind

pytestmark = pytest.mark.django_db

PASSWORD = "cchc-demo-2024"
OFFICE = "203.113.10.20"


def _kinds(**where) -> list[str]:
    return list(
        AccountEvent.objects.filter(**where).order_by("at", "id").values_list("kind", flat=True)
    )


def test_a_sign_in_and_a_failed_one_are_recorded_with_the_address(client, coordinator):
    client.post(reverse("login"), {"username": "cchc.p1", "password": "sai"}, REMOTE_ADDR=OFFICE)
    client.post(reverse("login"), {"username": "cchc.p1", "password": PASSWORD}, REMOTE_ADDR=OFFICE)
    assert _kinds(user=coordinator) == [EventKind.SIGN_IN_FAILED, EventKind.SIGNED_IN]
    assert set(AccountEvent.objects.values_list("ip_address", flat=True)) == {OFFICE}


def test_a_failed_sign_in_for_a_name_nobody_has_is_recorded_as_typed(client):
    client.post(reverse("login"), {"username": "ke.gian", "password": "x"}, REMOTE_ADDR=OFFICE)
    event = AccountEvent.objects.get(kind=EventKind.SIGN_IN_FAILED)
    assert (event.kind, event.user, event.typed) == (EventKind.SIGN_IN_FAILED, None, "ke.gian")


def test_the_admins_own_login_is_recorded_too(client, admin_user):
    client.post(reverse("admin:login"), {"username": admin_user.username, "password": "sai"})
    assert _kinds(user=admin_user) == [EventKind.SIGN_IN_FAILED]


def test_an_administrator_setting_a_password_is_recorded_with_who_did_it(admin_client, staff):
    admin_client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": "Mat-khau-moi-2026", "password2": "Mat-khau-moi-2026"},
    )
    event = AccountEvent.objects.get(kind=EventKind.PASSWORD_SET_BY_ADMIN)
    assert event.user == staff and event.actor.is_superuser


def test_administrators_read_the_record_in_the_admin_and_nobody_edits_it(
    client, admin_client, coordinator
):
    client.post(reverse("login"), {"username": "cchc.p1", "password": "sai"})
    page = admin_client.get(reverse("admin:accounts_accountevent_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Đăng nhập không thành công" in text and "cchc.p1" in text
    event = AccountEvent.objects.get(kind=EventKind.SIGN_IN_FAILED)
    assert (
        admin_client.post(
            reverse("admin:accounts_accountevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.force_login(coordinator)
    assert client.get(reverse("admin:accounts_accountevent_changelist")).status_code == 302
