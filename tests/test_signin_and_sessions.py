"""Sign-in throttling (per address and per user name) and idle sessions."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.urls import reverse

from cchc.middleware import LAST_SEEN, SIGNED_IN_AT

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/dang-nhap/"
PASSWORD = "cchc-demo-2024"
OFFICE = "203.113.10.20"  # Phường 1's office, behind one address


def _attempt(client, username: str, password: str, address: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


def _spray(client, username: str, addresses: int, start: int = 1) -> list[int]:
    """One wrong password for `username` from each of `addresses` different addresses."""
    return [
        _attempt(client, username, "doan-mo-123", f"198.51.100.{start + i}").status_code
        for i in range(addresses)
    ]


def _age_failures(username: str, seconds: int) -> None:
    """As if the failures so far had happened `seconds` earlier."""
    for failure in AccessFailureLog.objects.filter(username=username):
        failure.attempt_time -= datetime.timedelta(seconds=seconds)
        failure.save(update_fields=["attempt_time"])


# --- per (user name, address): django-axes ------------------------------------------------------


def test_five_wrong_passwords_lock_that_user_name_from_that_address_only(client):
    for _ in range(5):
        _attempt(client, "cchc.p1", "sai-mat-khau", OFFICE)
    locked = _attempt(client, "cchc.p1", PASSWORD, OFFICE)
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # A colleague in the same office signs in; so does the user from elsewhere.
    assert _signed_in(_attempt(client, "motcua.p1", PASSWORD, OFFICE))
    client.logout()
    assert _signed_in(_attempt(client, "cchc.p1", PASSWORD, "113.160.1.1"))


# --- per user name over all addresses: cchc.signin --------------------------------------------


def test_guessing_one_user_name_from_30_addresses_is_refused_after_10_failures(client):
    answers = _spray(client, "cchc.p1", 30)
    assert answers[:10] == [200] * 10  # wrong password, said so
    assert answers[10:] == [429] * 20  # refused without even trying the password
    # The refusals are not failures: they neither count nor make the wait longer.
    assert AccessFailureLog.objects.filter(username="cchc.p1").count() == 10
    page = _attempt(client, "cchc.p1", "doan-mo-123", "198.51.100.99")
    text = page.content.decode()
    assert "vừa bị nhập sai mật khẩu nhiều lần từ nhiều nơi" in text
    assert "30 giây nữa" in text or "29 giây nữa" in text
    assert 1 <= int(page["Retry-After"]) <= 30


def test_each_further_failure_doubles_the_wait_up_to_15_minutes(client):
    _spray(client, "cchc.p1", 10)
    waits = []
    for i in range(7):
        refused = _attempt(client, "cchc.p1", "doan-mo-123", f"192.0.2.{i + 1}")
        assert refused.status_code == 429
        waits.append(int(refused["Retry-After"]))
        _age_failures("cchc.p1", waits[-1])  # wait it out, then fail once more
        assert _attempt(client, "cchc.p1", "doan-mo-123", f"192.0.2.{i + 1}").status_code == 200
    assert [round(w / 30) * 30 for w in waits] == [30, 60, 120, 240, 480, 900, 900]


def test_the_real_user_signs_in_from_an_address_they_used_before_during_a_spray(client):
    assert _signed_in(_attempt(client, "cchc.p1", PASSWORD, OFFICE))
    client.logout()
    _spray(client, "cchc.p1", 15)
    assert _signed_in(_attempt(client, "cchc.p1", PASSWORD, OFFICE))
    # Signing in cleared only the office's own failures (none); the spray still counts.
    assert AccessFailureLog.objects.filter(username="cchc.p1").count() == 10
    client.logout()
    assert _attempt(client, "cchc.p1", "doan-mo-123", "198.51.100.200").status_code == 429


def test_a_new_address_waits_out_the_short_cooloff_then_signs_in(client):
    _spray(client, "cchc.p1", 10)
    assert _attempt(client, "cchc.p1", PASSWORD, "113.160.1.1").status_code == 429
    _age_failures("cchc.p1", 31)
    assert _signed_in(_attempt(client, "cchc.p1", PASSWORD, "113.160.1.1"))


def test_another_user_at_a_sprayed_address_signs_in(client):
    _spray(client, "cchc.p1", 12)
    assert _signed_in(_attempt(client, "motcua.p1", PASSWORD, "198.51.100.1"))


def test_failures_older_than_a_day_no_longer_count(client):
    _spray(client, "cchc.p1", 10)
    _age_failures("cchc.p1", 24 * 3600 + 1)
    assert _signed_in(_attempt(client, "cchc.p1", PASSWORD, "113.160.1.1"))


def test_the_admin_login_is_throttled_the_same_way(client):
    _spray(client, "admin", 10)
    page = client.post(
        reverse("admin:login"),
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.77",
    )
    assert page.status_code == 200
    assert "từ nhiều nơi" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_failure_log_is_purged_after_a_week(client):
    _spray(client, "khongtontai", 1)
    _age_failures("khongtontai", 8 * 24 * 3600)
    _spray(client, "cchc.p1", 1)
    assert not AccessFailureLog.objects.filter(username="khongtontai").exists()
    assert AccessLog.objects.count() == 0  # nobody signed in: nothing trusted by accident


# --- idle sessions ------------------------------------------------------------------------------


def _shift_session(client, **seconds_back: int) -> None:
    session = client.session
    for key, back in seconds_back.items():
        session[key] -= back
    session.save()


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("summary")).status_code == 200  # starts the clock
    return client


def test_the_default_idle_timeout_is_8_hours(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 3600
    assert settings.SESSION_COOKIE_AGE == 24 * 3600


def test_a_session_idle_for_more_than_8_hours_is_signed_out_with_the_reason(signed_in):
    _shift_session(signed_in, cchc_last_seen=8 * 3600 + 1, cchc_signed_in_at=8 * 3600 + 1)
    response = signed_in.get(reverse("summary"), follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    page = response.content.decode()
    assert "Phiên làm việc đã hết hạn do không hoạt động quá 8 giờ; hãy đăng nhập lại." in page
    assert "_auth_user_id" not in signed_in.session


def test_a_session_used_within_8_hours_stays(signed_in):
    _shift_session(signed_in, cchc_last_seen=8 * 3600 - 60, cchc_signed_in_at=8 * 3600 - 60)
    assert signed_in.get(reverse("summary")).status_code == 200
    assert signed_in.get(reverse("summary")).status_code == 200


def test_a_session_ends_24_hours_after_sign_in_even_when_in_use(signed_in):
    _shift_session(signed_in, cchc_signed_in_at=24 * 3600 + 1)
    response = signed_in.get(reverse("summary"), follow=True)
    assert "Phiên đăng nhập đã quá 24 giờ; hãy đăng nhập lại." in response.content.decode()


def test_the_idle_timeout_is_a_setting(signed_in, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    _shift_session(signed_in, cchc_last_seen=31 * 60)
    response = signed_in.get(reverse("summary"), follow=True)
    assert "không hoạt động quá 30 phút" in response.content.decode()


def test_reading_pages_does_not_rewrite_the_session_each_time(signed_in):
    key = signed_in.session.session_key
    stored = Session.objects.get(session_key=key)
    for _ in range(3):
        assert signed_in.get(reverse("summary")).status_code == 200
    again = Session.objects.get(session_key=key)
    assert (again.session_data, again.expire_date) == (stored.session_data, stored.expire_date)
    _shift_session(signed_in, cchc_last_seen=61)
    before, signed_in_at = signed_in.session[LAST_SEEN], signed_in.session[SIGNED_IN_AT]
    signed_in.get(reverse("summary"))
    assert signed_in.session[LAST_SEEN] >= before + 61  # a minute on: written back
    assert signed_in.session[SIGNED_IN_AT] == signed_in_at  # the sign-in time never moves


def test_an_htmx_request_after_expiry_gets_401_with_the_reason_not_the_login_page(
    signed_in, current_p1
):
    _shift_session(signed_in, cchc_last_seen=9 * 3600)
    page = reverse("scoring:assessment", args=[current_p1.pk])
    response = signed_in.post(
        reverse("scoring:preview", args=[current_p1.pk]),
        {},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    # The page stays as it is (htmx swaps nothing on a 401) and signs in again in a dialog.
    assert response.status_code == 401
    assert "không hoạt động quá 8 giờ" in response.json()["message"]
    assert response.json()["csrf_token"]
    assert "_auth_user_id" not in signed_in.session
    # Said in the dialog, so not said again on the next page.
    assert "không hoạt động quá 8 giờ" not in signed_in.get(LOGIN).content.decode()


def test_a_malformed_idle_timeout_stops_start_up():
    env = {**os.environ, "SESSION_IDLE_TIMEOUT": "8h"}
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "SESSION_IDLE_TIMEOUT='8h' không hợp lệ" in run.stderr
