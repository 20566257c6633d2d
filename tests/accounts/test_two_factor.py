"""Two-factor sign-in: required for administrators and the council, optional for others."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountEvent, EventKind

pytestmark = pytest.mark.django_db

PASSWORD = "cchc-demo-2024"
SETUP = reverse("accounts:two_factor")
VERIFY = reverse("accounts:two_factor_verify")


@pytest.fixture(autouse=True)
def _required(settings):
    settings.OTP_REQUIRED = True  # as in production


def _sign_in(client, username: str):
    client.logout()
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, follow=True)


def _code(user, steps_ahead: int = 0) -> str:
    device = TOTPDevice.objects.get(user=user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + device.step * steps_ahead
    return f"{totp.token():06d}"


def _set_up(client, user) -> list[str]:
    """Through the setup page: start, scan (here: compute) the first code, confirm."""
    page = client.post(SETUP, {"action": "start"}).content.decode()
    assert "<svg" in page and "Mã QR" in page
    done = client.post(SETUP, {"action": "confirm", "token": _code(user)})
    assert "Đã bật xác thực hai bước." in done.content.decode()
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())


def test_an_administrator_without_two_factor_is_sent_to_set_it_up(client, admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    landed = _sign_in(client, admin_user.username)
    assert landed.redirect_chain[-1][0].startswith(SETUP + "?next=")
    assert "bắt buộc dùng xác thực hai bước" in landed.content.decode()
    # Every other page, the admin included, sends them back there.
    for url in (reverse("summary"), reverse("admin:index"), reverse("accounts:profile")):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"].startswith(SETUP), url
    codes = _set_up(client, admin_user)
    assert len(codes) == 10
    assert client.get(reverse("admin:index")).status_code == 200
    assert AccountEvent.objects.filter(user=admin_user, kind=EventKind.TWO_FACTOR_ENABLED).exists()


def test_a_council_member_must_set_it_up_and_ward_staff_need_not(client):
    assert _sign_in(client, "thamdinh.txqt").redirect_chain[-1][0].startswith(SETUP)
    staff = _sign_in(client, "motcua.p1")
    assert not staff.redirect_chain[-1][0].startswith(SETUP)
    assert client.get(reverse("summary")).status_code == 200


def test_an_htmx_request_is_sent_to_the_setup_page_as_a_whole(client, appraiser):
    client.force_login(appraiser)
    answer = client.get(reverse("summary"), HTTP_HX_REQUEST="true")
    assert answer["HX-Redirect"].startswith(SETUP)


def test_after_the_password_a_code_is_asked_and_a_wrong_one_refused(client, appraiser):
    _sign_in(client, "thamdinh.txqt")
    _set_up(client, appraiser)
    landed = _sign_in(client, "thamdinh.txqt")
    assert landed.redirect_chain[-1][0].startswith(VERIFY)
    wrong = client.post(VERIFY, {"token": "000000"})
    assert wrong.status_code == 400 and "Mã không đúng hoặc đã hết hạn" in wrong.content.decode()
    assert client.get(reverse("summary")).status_code == 302
    # Each wrong code doubles the wait before the next is even checked (django-otp).
    hasty = client.post(VERIFY, {"token": _code(appraiser, steps_ahead=1)})
    assert "Đã nhập sai 1 lần liên tiếp; hãy đợi đến" in hasty.content.decode()
    time.sleep(1.1)
    right = client.post(VERIFY, {"token": _code(appraiser, steps_ahead=1), "next": "/tong-quan/"})
    assert right["Location"] == "/tong-quan/"
    assert client.get(reverse("summary")).status_code == 200
    kinds = list(AccountEvent.objects.filter(user=appraiser).values_list("kind", flat=True))
    assert EventKind.TWO_FACTOR_FAILED in kinds and EventKind.TWO_FACTOR_PASSED in kinds


def test_a_recovery_code_works_once(client, appraiser):
    _sign_in(client, "thamdinh.txqt")
    codes = _set_up(client, appraiser)
    _sign_in(client, "thamdinh.txqt")
    assert client.post(VERIFY, {"token": codes[0]})["Location"] == reverse("home")
    assert StaticToken.objects.filter(device__user=appraiser).count() == 9
    _sign_in(client, "thamdinh.txqt")
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 400


def test_staff_may_turn_it_on_and_off_the_council_may_not_turn_it_off(client, staff, appraiser):
    _sign_in(client, "motcua.p1")
    _set_up(client, staff)
    wrong = client.post(SETUP, {"action": "disable", "password": "sai"}, follow=True)
    assert "Mật khẩu không đúng" in wrong.content.decode()
    off = client.post(SETUP, {"action": "disable", "password": PASSWORD}, follow=True)
    assert "Đã tắt xác thực hai bước." in off.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert client.get(reverse("summary")).status_code == 200  # not sent to a code page

    _sign_in(client, "thamdinh.txqt")
    _set_up(client, appraiser)
    kept = client.post(SETUP, {"action": "disable", "password": PASSWORD}, follow=True)
    assert "bắt buộc dùng xác thực hai bước" in kept.content.decode()
    assert TOTPDevice.objects.filter(user=appraiser, confirmed=True).exists()


def test_an_administrator_turns_it_off_for_someone_who_lost_their_phone(
    client, admin_user, appraiser, settings
):
    _sign_in(client, "thamdinh.txqt")
    _set_up(client, appraiser)
    settings.OTP_REQUIRED = False  # the administrator's own second factor is not the point here
    admin_client = Client()
    admin_client.force_login(admin_user)
    admin_client.post(
        reverse("admin:cchc_user_changelist"),
        {"action": "turn_off_two_factor", "_selected_action": [appraiser.pk]},
    )
    assert not TOTPDevice.objects.filter(user=appraiser).exists()
    event = AccountEvent.objects.get(kind=EventKind.TWO_FACTOR_DISABLED)
    assert event.user == appraiser and event.actor.is_superuser
    settings.OTP_REQUIRED = True
    assert _sign_in(client, "thamdinh.txqt").redirect_chain[-1][0].startswith(SETUP)


def test_without_otp_required_the_demo_signs_in_with_the_password_alone(client, settings):
    settings.OTP_REQUIRED = False
    landed = _sign_in(client, "thamdinh.txqt")
    assert landed.redirect_chain[-1][0] == reverse("scoring:queue")
