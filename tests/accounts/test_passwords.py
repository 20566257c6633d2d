"""Forgotten password and change password: Vietnamese, validated, revealing nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import AccountEvent, EventKind
from tests.accounts.helpers import last_link_to
from tests.helpers import run_jobs

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "Hai-Le-2026-moi"


@pytest.fixture
def huong(django_user_model):
    """A ward official with an e-mail address and a password."""
    return django_user_model.objects.create_user(
        "vanthu.p1",
        email="vanthu.p1@quangtri.gov.vn",
        password="mat-khau-cu-2025",
        full_name="Nguyễn Thị Hương",
    )


def _request_reset(client, email: str, address: str = "203.113.10.20"):
    with run_jobs():  # the e-mail is made on the worker once the request has committed
        return client.post(RESET, {"email": email}, REMOTE_ADDR=address, follow=True)


def _set_password(client, link: str, password: str = NEW_PASSWORD):
    page = client.get(link, follow=True)
    return client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": password, "new_password2": password},
        follow=True,
    )


def test_the_login_page_offers_quen_mat_khau(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{RESET}"' in page and "Quên mật khẩu?" in page


def test_a_reset_link_sets_a_new_password_and_signs_the_person_in(client, huong):
    _request_reset(client, "VANTHU.P1@quangtri.gov.vn")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Chỉ số CCHC] Đặt lại mật khẩu"
    assert "vanthu.p1" in mail.outbox[0].body
    done = _set_password(client, last_link_to(huong.email))
    assert "Đã đặt mật khẩu mới; bạn đã đăng nhập." in done.content.decode()
    assert done.wsgi_request.user == huong
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "vanthu.p1", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    assert AccountEvent.objects.filter(user=huong, kind=EventKind.PASSWORD_RESET).exists()


def test_a_reset_for_an_unknown_address_looks_the_same_as_for_a_known_one(client, huong):
    known = _request_reset(client, huong.email)
    unknown = _request_reset(client, "khong-co-ai@quangtri.gov.vn", address="203.113.10.21")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("accounts:reset_sent"), 302)]
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [[huong.email]]


def test_a_used_reset_link_is_refused_with_a_message(client, huong):
    _request_reset(client, huong.email)
    link = last_link_to(huong.email)
    _set_password(client, link)
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "Liên kết này không còn dùng được" in again
    assert 'name="new_password1"' not in again


def test_an_expired_reset_link_says_it_expired(client, huong, settings, monkeypatch):
    _request_reset(client, huong.email)
    link = last_link_to(huong.email)
    from accounts.tokens import reset_tokens

    later = reset_tokens._now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(type(reset_tokens), "_now", lambda self: later)
    page = client.get(link, follow=True).content.decode()
    assert "Liên kết này đã hết hạn (chỉ dùng được trong 24 giờ)." in page
    assert 'name="new_password1"' not in page


def test_a_weak_new_password_is_refused_in_vietnamese_and_nothing_changes(client, huong):
    _request_reset(client, huong.email)
    page = _set_password(client, last_link_to(huong.email), password="1234567")
    text = page.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in text
    assert "Mật khẩu này hoàn toàn là số." in text
    huong.refresh_from_db()
    assert huong.check_password("mat-khau-cu-2025")


def test_an_account_made_without_a_password_can_set_one_through_quen_mat_khau(client):
    user = get_user_model()(username="moi.p1", email="moi.p1@quangtri.gov.vn")
    user.set_unusable_password()
    user.save()
    _request_reset(client, user.email)
    _set_password(client, last_link_to(user.email))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_locked_account_gets_no_reset_e_mail(client, huong):
    huong.is_active = False
    huong.save()
    _request_reset(client, huong.email)
    assert mail.outbox == []


def test_one_address_asking_again_and_again_is_told_to_wait(client, huong, settings):
    for i in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        assert _request_reset(client, f"thu{i}@quangtri.gov.vn").status_code == 200
    refused = client.post(RESET, {"email": huong.email}, REMOTE_ADDR="203.113.10.20")
    assert refused.status_code == 429
    assert "đã yêu cầu đặt lại mật khẩu nhiều lần" in refused.content.decode()
    assert mail.outbox == []
    # Another address is not held up by it.
    assert _request_reset(client, huong.email, address="113.160.1.1").status_code == 200
    assert len(mail.outbox) == 1


def test_one_mailbox_gets_at_most_three_reset_e_mails_an_hour(client, huong, settings):
    for i in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 2):
        answer = _request_reset(client, huong.email, address=f"198.51.100.{i + 1}")
        assert answer.redirect_chain == [(reverse("accounts:reset_sent"), 302)]
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_EMAIL


def test_change_password_needs_the_old_one_and_is_recorded(client, huong):
    client.force_login(huong)
    url = reverse("accounts:password_change")
    wrong = client.post(
        url,
        {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Mật khẩu cũ không chính xác" in wrong.content.decode()
    done = client.post(
        url,
        {
            "old_password": "mat-khau-cu-2025",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "Đã đổi mật khẩu." in done.content.decode()
    huong.refresh_from_db()
    assert huong.check_password(NEW_PASSWORD)
    assert AccountEvent.objects.filter(user=huong, kind=EventKind.PASSWORD_CHANGED).count() == 1


def test_guessing_the_current_password_on_the_change_page_is_made_to_wait(client, huong):
    client.force_login(huong)
    url = reverse("accounts:password_change")
    wrong = {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(5):
        assert "Mật khẩu cũ không chính xác" in client.post(url, wrong).content.decode()
    # The right one now waits too, and changes nothing: the guesses are what is refused.
    right = {**wrong, "old_password": "mat-khau-cu-2025"}
    refused = client.post(url, right)
    assert refused.status_code == 429
    assert "Đã nhập sai mật khẩu hiện tại nhiều lần; hãy thử lại sau khoảng 15 phút" in (
        refused.content.decode()
    )
    huong.refresh_from_db()
    assert huong.check_password("mat-khau-cu-2025")
    assert AccountEvent.objects.filter(user=huong, kind=EventKind.SIGN_IN_FAILED).count() == 5


def test_every_page_offers_the_change_password_link_in_the_user_menu(client, huong):
    client.force_login(huong)
    page = client.get(reverse("notices:index")).content.decode()
    assert f'href="{reverse("accounts:password_change")}"' in page
    assert f'href="{reverse("accounts:profile")}"' in page
