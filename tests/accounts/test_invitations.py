"""Invitations: accounts made without a password (officials import, a unit's people page,
the admin) get a one-time link to set one; "gửi lời mời" to everyone still without one."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import AccountEvent, EventKind, InvitationBatch
from accounts.tokens import invitation_tokens
from exchange import services as exchange_services
from exchange.models import ImportKind
from scoring.models import Official, Role
from tests.accounts.helpers import last_link_to, links_to
from tests.exchange.helpers import upload
from tests.exchange.workbooks import xlsx
from tests.helpers import run_jobs

pytestmark = pytest.mark.django_db

HEADER = ["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã đơn vị", "Vai trò", "Bộ phận", "Chức vụ"]
PASSWORD = "Phuong-1-mat-khau"


def _import_officials(admin_user, rows):
    record = upload(ImportKind.OFFICIALS, xlsx([HEADER, *rows]), user=admin_user)
    assert record.get_preview().errors == []
    with run_jobs():
        exchange_services.import_record_apply(record=record, user=admin_user)


def _invite_everyone(client, user) -> InvitationBatch:
    client.force_login(user)
    with run_jobs():  # the batch is sent on the worker once the request has committed
        answer = client.post(reverse("accounts:invitations"))
    batch = InvitationBatch.objects.filter(requested_by=user).latest("pk")
    assert answer["Location"] == reverse("accounts:invitation_batch", args=[batch.pk])
    return batch


def _accept(client, link: str, password: str = PASSWORD):
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    return client.post(
        form_url, {"new_password1": password, "new_password2": password}, follow=True
    )


def test_imported_officials_are_invited_and_sign_in_with_the_password_they_set(client, admin_user):
    _import_officials(
        admin_user,
        [
            ["diachinh.p1", "Nguyễn Văn An", "an.dc@quangtri.gov.vn", "TXQT-P1", "staff",
             "Địa chính - Xây dựng", "Công chức Địa chính"],
            ["ketoan.p1", "Trần Thị Bình", "", "TXQT-P1", "staff", "", "Kế toán"],
        ],
    )  # fmt: skip
    an = get_user_model().objects.get(username="diachinh.p1")
    assert an.email == "an.dc@quangtri.gov.vn" and not an.has_usable_password()

    batch = _invite_everyone(client, admin_user)
    batch.refresh_from_db()
    assert (batch.status, batch.sent, batch.failed, batch.no_email) == ("done", 1, 0, 1)
    page = client.get(reverse("accounts:invitation_batch", args=[batch.pk])).content.decode()
    assert '<dd class="count-sent">1</dd>' in page
    assert '<dd class="count-no-email">1</dd>' in page
    invitation = mail.outbox[-1]
    assert invitation.to == ["an.dc@quangtri.gov.vn"]
    assert "Tên đăng nhập: diachinh.p1" in invitation.body
    assert "Công chức Địa chính, Phường 1" in invitation.body

    client.logout()
    done = _accept(client, last_link_to(an.email))
    assert "Đã đặt mật khẩu; bạn đã đăng nhập." in done.content.decode()
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "diachinh.p1", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    kinds = set(AccountEvent.objects.filter(user=an).values_list("kind", flat=True))
    assert {EventKind.INVITATION_SENT, EventKind.INVITATION_ACCEPTED, EventKind.SIGNED_IN} <= kinds


def test_an_invitation_link_works_once(client, admin_user):
    _import_officials(
        admin_user,
        [["vhxh.moi", "Lê Văn Cường", "cuong@quangtri.gov.vn", "TXQT-P1", "staff", "", ""]],
    )
    _invite_everyone(client, admin_user)
    client.logout()
    link = last_link_to("cuong@quangtri.gov.vn")
    _accept(client, link)
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "Liên kết này không còn dùng được" in again
    assert 'name="new_password1"' not in again
    # Asked again, nobody who has set a password is invited twice.
    mail.outbox.clear()
    batch = _invite_everyone(client, admin_user)
    batch.refresh_from_db()
    assert batch.sent == 0 and mail.outbox == []


def test_an_invitation_link_expires_after_seven_days(client, admin_user, monkeypatch):
    _import_officials(
        admin_user, [["tre.han", "Phan Văn Trễ", "tre@quangtri.gov.vn", "TXQT-P1", "staff", "", ""]]
    )
    _invite_everyone(client, admin_user)
    client.logout()
    later = invitation_tokens._now() + datetime.timedelta(days=7, minutes=1)
    monkeypatch.setattr(type(invitation_tokens), "_now", lambda self: later)
    page = client.get(last_link_to("tre@quangtri.gov.vn"), follow=True).content.decode()
    assert "Liên kết này đã hết hạn (chỉ dùng được trong 7 ngày)." in page
    assert not get_user_model().objects.get(username="tre.han").has_usable_password()


def test_a_reset_link_does_not_open_an_invitation_nor_the_other_way_round(client, admin_user):
    _import_officials(
        admin_user, [["hai.link", "Hai Link", "hai@quangtri.gov.vn", "TXQT-P1", "staff", "", ""]]
    )
    _invite_everyone(client, admin_user)
    client.logout()
    invitation = last_link_to("hai@quangtri.gov.vn")
    as_reset = invitation.replace("/loi-moi/", "/dat-lai-mat-khau/")
    assert "Liên kết này không còn dùng được" in client.get(as_reset, follow=True).content.decode()


def test_the_batch_counts_sent_failed_and_not_sent(client, admin_user, settings):
    settings.EMAIL_BACKEND = "tests.accounts.helpers.RefusingBackend"
    _import_officials(
        admin_user,
        [
            ["co.thu", "Có Thư", "co@quangtri.gov.vn", "TXQT-P1", "staff", "", ""],
            ["hong.thu", "Hỏng Thư", "x@hong.quangtri.gov.vn", "TXQT-P1", "staff", "", ""],
            ["khong.thu", "Không Thư", "", "TXQT-P1", "staff", "", ""],
        ],
    )
    batch = _invite_everyone(client, admin_user)
    batch.refresh_from_db()
    assert (batch.total, batch.sent, batch.failed, batch.no_email) == (3, 1, 1, 1)
    failure = AccountEvent.objects.get(kind=EventKind.INVITATION_FAILED)
    assert failure.user.username == "hong.thu" and failure.actor == admin_user
    page = client.get(reverse("accounts:invitation_batch", args=[batch.pk])).content.decode()
    assert '<dd class="count-failed">1</dd>' in page


def test_a_coordinator_adds_a_person_to_the_unit_who_is_invited(client, coordinator):
    client.force_login(coordinator)
    people = reverse("accounts:unit_people", args=[coordinator.officials.get().unit_id])
    answer = client.post(
        people,
        {
            "username": "vanthu.p1",
            "full_name": "Đặng Thị Thư",
            "email": "thu.vt@quangtri.gov.vn",
            "role": Role.STAFF,
            "title": "Văn thư",
            "invite": "on",
        },
        follow=True,
    )
    text = answer.content.decode()
    assert "Đã tạo tài khoản “vanthu.p1” cho Đặng Thị Thư." in text
    assert "Đã gửi lời mời tới thu.vt@quangtri.gov.vn." in text
    official = Official.objects.get(user__username="vanthu.p1")
    assert official.unit.code == "TXQT-P1" and not official.user.has_usable_password()
    assert links_to("thu.vt@quangtri.gov.vn")


def test_a_coordinator_may_not_make_a_council_member(client, coordinator):
    client.force_login(coordinator)
    people = reverse("accounts:unit_people", args=[coordinator.officials.get().unit_id])
    answer = client.post(people, {"username": "x.p1", "full_name": "X", "role": Role.APPRAISER})
    assert answer.status_code == 400
    assert "Hãy chọn một lựa chọn hợp lệ" in answer.content.decode()
    assert not get_user_model().objects.filter(username="x.p1").exists()


def test_a_user_name_already_taken_is_refused_and_nothing_is_made(client, coordinator):
    client.force_login(coordinator)
    people = reverse("accounts:unit_people", args=[coordinator.officials.get().unit_id])
    before = Official.objects.count()
    answer = client.post(people, {"username": "chutich.p2", "full_name": "Y", "role": "staff"})
    assert answer.status_code == 400
    assert "Tên đăng nhập “chutich.p2” đã có người dùng" in answer.content.decode()
    assert Official.objects.count() == before


def test_the_admin_creates_an_account_without_a_password_and_invites_it(admin_client):
    answer = admin_client.post(
        reverse("admin:cchc_user_add"),
        {
            "username": "thamdinh.moi",
            "full_name": "Võ Văn Mới",
            "email": "moi@quangtri.gov.vn",
            "usable_password": "false",
        },
    )
    assert answer.status_code == 302
    user = get_user_model().objects.get(username="thamdinh.moi")
    assert not user.has_usable_password()
    admin_client.post(
        reverse("admin:cchc_user_changelist"),
        {"action": "send_invitations", "_selected_action": [user.pk]},
    )
    assert links_to("moi@quangtri.gov.vn")
    assert AccountEvent.objects.filter(user=user, kind=EventKind.INVITATION_SENT).exists()
