"""Notices: the people concerned hear of each step of the cycle, on the bell of every page and
by e-mail (unless they turned it off), and three days before each deadline."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notices.deadlines import deadline_notices_send
from notices.models import Notice, NoticeKind
from scoring import services
from scoring.models import Assessment
from tests.helpers import fill_self_assessment, run_jobs

pytestmark = pytest.mark.django_db


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture(autouse=True)
def emails(db):
    """Give the demo people addresses (the demo has none)."""
    for user in get_user_model().objects.all():
        user.email = f"{user.username}@example.gov.vn"
        user.save(update_fields=["email"])


def _submit(current_p1, coordinator):
    fill_self_assessment(current_p1, coordinator)
    with run_jobs():
        services.assessment_submit(assessment=current_p1, user=coordinator)


def test_a_submission_reaches_the_council_on_its_bell_and_by_email(client, current_p1, coordinator):
    _submit(current_p1, coordinator)
    appraiser = _user("thamdinh.txqt")
    notice = Notice.objects.get(user=appraiser)
    assert notice.kind == NoticeKind.SUBMITTED
    assert notice.text == "Phường 1 đã gửi bản tự đánh giá Năm 2026 để thẩm định."
    assert [m.to for m in mail.outbox] == [["thamdinh.txqt@example.gov.vn"]]
    assert "Phường 1 đã gửi bản tự đánh giá" in mail.outbox[0].subject
    client.force_login(appraiser)
    page = client.get(reverse("summary")).content.decode()
    assert 'class="bell-count" aria-label="1 chưa đọc">1<' in page
    assert not Notice.objects.filter(user=coordinator).exists()  # not told of their own step


def test_a_return_for_explanations_tells_the_units_leads_with_the_deadline(
    current_p1, coordinator, appraiser
):
    _submit(current_p1, coordinator)
    for score in current_p1.scores.select_related("criterion", "assessment__framework"):
        services.score_set_appraised(score=score, value=score.maximum, user=appraiser)
    deadline = timezone.now() + timedelta(days=5)
    services.assessment_return(assessment=current_p1, response_deadline=deadline, user=appraiser)
    told = set(
        Notice.objects.filter(kind=NoticeKind.RETURNED).values_list("user__username", flat=True)
    )
    assert told == {"cchc.p1", "chutich.p1"}
    text = Notice.objects.filter(kind=NoticeKind.RETURNED).first().text
    assert f"hạn giải trình: {timezone.localtime(deadline):%H:%M ngày %d/%m/%Y}" in text


def test_someone_who_turned_emails_off_only_sees_the_bell(client, current_p1, coordinator):
    appraiser = _user("thamdinh.txqt")
    client.force_login(appraiser)
    assert client.post(reverse("notices:emails"), {}).status_code == 302
    _submit(current_p1, coordinator)
    assert Notice.objects.filter(user=appraiser).count() == 1
    assert mail.outbox == []


def test_reading_the_notices_clears_the_bell(client, current_p1, coordinator):
    _submit(current_p1, coordinator)
    client.force_login(_user("thamdinh.txqt"))
    page = client.get(reverse("notices:index")).content.decode()
    assert "Phường 1 đã gửi bản tự đánh giá Năm 2026 để thẩm định." in page
    assert f'href="{reverse("scoring:assessment", args=[current_p1.pk])}"' in page
    response = client.post(reverse("notices:read_all"), follow=True)
    page = response.content.decode()
    assert "Đã đánh dấu 1 thông báo là đã đọc." in page and "bell-count" not in page
    assert _user("thamdinh.txqt").notices_unread == 0


def test_the_bell_costs_no_query(client, current_p1, coordinator):
    _submit(current_p1, coordinator)
    client.force_login(_user("thamdinh.txqt"))
    client.get(reverse("summary"))  # warm the session
    with CaptureQueriesContext(connection) as with_unread:
        assert "bell-count" in client.get(reverse("summary")).content.decode()
    client.post(reverse("notices:read_all"))
    with CaptureQueriesContext(connection) as all_read:
        assert "bell-count" not in client.get(reverse("summary")).content.decode()
    assert len(with_unread) == len(all_read)


def test_a_deadline_three_days_away_is_announced_once(current_p1):
    Assessment.objects.filter(pk=current_p1.pk).update(
        self_deadline=timezone.now() + timedelta(days=2, hours=3)
    )
    now = timezone.now()
    made = deadline_notices_send(now=now)
    again = deadline_notices_send(now=now + timedelta(hours=2))
    notices = Notice.objects.filter(kind=NoticeKind.DEADLINE, assessment=current_p1)
    assert made >= 2 and again == 0
    assert {n.user.username for n in notices} >= {"cchc.p1", "chutich.p1"}
    assert "Còn 2 ngày đến hạn tự đánh giá Năm 2026 của Phường 1" in notices.first().text


def test_a_deadline_further_away_or_past_is_not_announced(current_p1):
    Assessment.objects.filter(pk=current_p1.pk).update(
        self_deadline=timezone.now() + timedelta(days=4)
    )
    assert not deadline_notices_send(now=timezone.now())


def test_the_demo_results_recorded_from_outside_made_no_notices():
    assert not Notice.objects.filter(kind=NoticeKind.PUBLISHED).exists()


def test_the_notices_page_needs_a_sign_in(client):
    response = client.get(reverse("notices:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_opening_a_round_tells_each_units_leads(django_assert_max_num_queries):
    from scoring.models import Period, RankingGroup, Unit

    town = Unit.objects.get(code="TXQT")
    p1 = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    wards = RankingGroup.objects.create(council_unit=town, name="Phường", kinds=["phuong"])
    round_ = services.round_create(
        council_unit=town,
        framework=p1.framework,
        period=Period.objects.create(year=2027, kind="annual"),
        name="Đánh giá CCHC năm 2027",
        groups=[wards],
        self_deadline=timezone.now() + timedelta(days=20),
    )
    with django_assert_max_num_queries(30):
        report = services.round_open(round_=round_)
    assert len(report.created) == 4
    opened = Notice.objects.filter(kind=NoticeKind.OPENED)
    assert set(opened.values_list("user__username", flat=True)) == {
        "cchc.p1",
        "chutich.p1",
        "chutich.p2",
    }
    assert (
        opened.filter(user__username="chutich.p2")
        .get()
        .text.startswith("Đợt “Đánh giá CCHC năm 2027” đã mở cho Phường 2: hạn tự đánh giá")
    )
