"""The profile page, and posts that end on a date: access to the unit ends, history stays."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, EventKind
from scoring import access
from scoring import services as scoring_services
from scoring.models import Official
from tests.helpers import score_of

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def test_the_profile_shows_the_posts_held(client, coordinator):
    client.force_login(coordinator)
    page = client.get(PROFILE).content.decode()
    assert "Phường 1" in page and "Công chức phụ trách CCHC" in page
    assert "Văn phòng - Thống kê" in page
    # The user name is shown, not editable (the sign-in dialog every page carries holds it
    # read-only, for a session that ends).
    assert 'name="username"' not in page.replace(
        '<input type="text" name="username" id="signin-username" value="cchc.p1" readonly', ""
    )


def test_a_person_edits_their_own_details(client, coordinator):
    client.force_login(coordinator)
    answer = client.post(
        PROFILE,
        {
            "full_name": "Nguyễn Thị Thu Hà",
            "email": "ha.cchc@quangtri.gov.vn",
            "phone": "0233 3852 123",
        },
        follow=True,
    )
    assert "Đã lưu: thư điện tử, điện thoại, nhận thông báo qua thư." in answer.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.email == "ha.cchc@quangtri.gov.vn"
    assert coordinator.phone == "0233 3852 123"
    assert coordinator.notice_emails is False  # the box was left unticked
    change = AccountEvent.objects.get(kind=EventKind.EMAIL_CHANGED)
    assert (change.user, change.typed) == (coordinator, "ha.cchc@quangtri.gov.vn")


def test_a_bad_phone_number_is_refused_and_nothing_changes(client, coordinator):
    client.force_login(coordinator)
    answer = client.post(
        PROFILE, {"full_name": "Nguyễn Thị Thu Hà", "email": "ha@x.vn", "phone": "gọi tôi"}
    )
    assert answer.status_code == 200
    assert "Số điện thoại chỉ gồm chữ số" in answer.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.phone == "" and coordinator.email != "ha@x.vn"


def test_an_ended_post_closes_the_units_pages_but_keeps_the_history(
    client, coordinator, current_p1
):
    score = score_of(current_p1, "1.1.1")
    scoring_services.score_set_self(score=score, value=Decimal("1.00"), user=coordinator)
    client.force_login(coordinator)
    assessment_page = reverse("scoring:assessment", args=[current_p1.pk])
    dashboard = reverse("dashboard:unit", args=[current_p1.unit_id])
    assert client.get(assessment_page).status_code == 200

    post = Official.objects.get(user=coordinator)
    post.ended_on = timezone.localdate()  # the last working day: still in the post today
    post.save()
    assert client.get(assessment_page).status_code == 200

    post.ended_on = _yesterday()
    post.save()
    assert client.get(assessment_page).status_code == 404
    assert client.get(dashboard).status_code == 404
    assert client.get(reverse("scoring:assessments")).content.decode().count(assessment_page) == 0
    # What she did stays, under her name.
    assert score.history.filter(history_user=coordinator).exists()
    assert Official.objects.filter(pk=post.pk).exists()
    profile = client.get(PROFILE).content.decode()
    assert f"đã thôi sau {_yesterday():%d/%m/%Y}" in profile


def test_the_coordinator_ends_a_colleagues_post_from_the_people_page(client, coordinator, staff):
    client.force_login(coordinator)
    post = Official.objects.get(user=staff)
    answer = client.post(
        reverse("accounts:post_end", args=[post.unit_id, post.pk]),
        {"ended_on": _yesterday().isoformat()},
        follow=True,
    )
    assert "thôi giữ chức vụ công chức chuyên môn sau ngày" in answer.content.decode()
    assert access.officials_of(type(staff).objects.get(pk=staff.pk)) == []
    event = AccountEvent.objects.get(kind=EventKind.POST_ENDED)
    assert event.user == staff and event.actor == coordinator
    people = client.get(reverse("accounts:unit_people", args=[post.unit_id])).content.decode()
    assert "Đã thôi chức vụ (1)" in people


def test_a_post_that_has_ended_cannot_be_reopened_from_the_people_page(client, coordinator, staff):
    post = Official.objects.get(user=staff)
    post.ended_on = _yesterday()
    post.save()
    client.force_login(coordinator)
    answer = client.post(
        reverse("accounts:post_end", args=[post.unit_id, post.pk]),
        {"ended_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat()},
        follow=True,
    )
    assert "đã thôi từ sau ngày" in answer.content.decode()
    post.refresh_from_db()
    assert post.ended_on == _yesterday()


def test_a_coordinator_cannot_end_the_chairpersons_post(client, coordinator, chairperson):
    client.force_login(coordinator)
    post = Official.objects.get(user=chairperson, unit__code="TXQT-P1")
    answer = client.post(
        reverse("accounts:post_end", args=[post.unit_id, post.pk]),
        {"ended_on": _yesterday().isoformat()},
    )
    assert answer.status_code == 403
    post.refresh_from_db()
    assert post.ended_on is None


def test_someone_from_another_unit_does_not_see_its_people(client, other_chairperson):
    client.force_login(other_chairperson)
    p1 = Official.objects.filter(unit__code="TXQT-P1").first().unit_id
    assert client.get(reverse("accounts:unit_people", args=[p1])).status_code == 404


def test_a_coordinator_does_not_end_her_own_post(client, coordinator):
    client.force_login(coordinator)
    post = Official.objects.get(user=coordinator)
    answer = client.post(
        reverse("accounts:post_end", args=[post.unit_id, post.pk]),
        {"ended_on": _yesterday().isoformat()},
    )
    assert answer.status_code == 403
    post.refresh_from_db()
    assert post.ended_on is None
