"""Rounds: a council opens one framework × period for every unit of its ranking groups at once,
with common deadlines; ranks and "thứ x/y" are counted within a group."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scoring import services
from scoring.models import (
    Assessment,
    AssessmentStatus,
    DeadlineExtension,
    RankingGroup,
    Round,
    RoundStatus,
    Score,
    Unit,
)
from scoring.selectors import assessment_sheet, period_results
from tests.factories import PeriodFactory, UnitFactory, small_framework_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def province() -> Unit:
    """A province after the 2025 reform: 3 wards, 4 communes, a special zone, a department
    (wrong level for a commune framework), a dissolved commune, and a district-era commune
    one level further down."""
    province = UnitFactory(code="TP", name="Tỉnh Phía Nam", kind="tinh")
    for i in range(1, 4):
        UnitFactory(code=f"P{i}", name=f"Phường {i}", kind="phuong", parent=province)
    for i in range(1, 5):
        unit = UnitFactory(code=f"X{i}", name=f"Xã {i}", kind="xa", parent=province)
        unit.departments.create(name="Văn phòng - Thống kê")
    UnitFactory(code="DK", name="Đặc khu Hòn Ngọc", kind="dac_khu", parent=province)
    UnitFactory(code="SNV", name="Sở Nội vụ", kind="so_nganh", parent=province)
    UnitFactory(code="XC", name="Xã Cũ", kind="xa", parent=province, is_active=False)
    old_district = UnitFactory(code="HC", name="Huyện Cũ", kind="huyen", parent=province)
    UnitFactory(code="X9", name="Xã 9", kind="xa", parent=old_district)
    return province


@pytest.fixture
def groups(province) -> dict[str, RankingGroup]:
    return {
        "wards": RankingGroup.objects.create(
            council_unit=province, name="Phường", kinds=["phuong"], position=1
        ),
        "communes": RankingGroup.objects.create(
            council_unit=province, name="Xã và đặc khu", kinds=["xa", "dac_khu"], position=2
        ),
    }


@pytest.fixture
def framework():
    return services.framework_create(data=small_framework_data(name="Bộ chỉ số cấp xã 2026"))


@pytest.fixture
def round_(province, groups, framework) -> Round:
    now = timezone.now()
    return services.round_create(
        council_unit=province,
        framework=framework,
        period=PeriodFactory(year=2026),
        name="Đánh giá CCHC năm 2026 – phường, xã, đặc khu",
        groups=list(groups.values()),
        self_deadline=now + timedelta(days=10),
        response_deadline=now + timedelta(days=20),
        appraisal_deadline=now + timedelta(days=30),
    )


def test_opening_a_round_creates_every_units_assessment_with_every_leaf_score(round_, groups):
    report = services.round_open(round_=round_)
    opened = Assessment.objects.filter(round=round_).select_related("unit", "ranking_group")
    assert sorted(a.unit.code for a in opened) == [
        "DK", "P1", "P2", "P3", "X1", "X2", "X3", "X4", "X9",
    ]  # fmt: skip
    assert len(report.created) == 9 and report.scores == 9 * 3
    assert {a.unit.code: a.ranking_group.name for a in opened}["DK"] == "Xã và đặc khu"
    assert {a.status for a in opened} == {AssessmentStatus.DRAFT}
    assert {a.self_deadline for a in opened} == {round_.self_deadline}
    x1 = opened.get(unit__code="X1")
    by_code = {s.criterion.code: s for s in x1.scores.select_related("responsible_department")}
    assert sorted(by_code) == ["1.1", "1.2", "2"]
    assert by_code["1.1"].responsible_department.name == "Văn phòng - Thống kê"
    assert x1.history.count() == 1  # the opening is in each assessment's history


def test_opening_costs_the_same_queries_for_9_units_as_for_49(round_, province):
    with CaptureQueriesContext(connection) as small:
        assert len(services.round_open(round_=round_).created) == 9
    Assessment.objects.filter(round=round_).delete()
    for i in range(10, 50):
        UnitFactory(code=f"X{i}", name=f"Xã {i}", kind="xa", parent=province)
    with CaptureQueriesContext(connection) as large:
        assert len(services.round_open(round_=round_).created) == 49
    # Bulk inserts are split by the database's parameter limit (SQLite's is low): a few more
    # statements for five times the units, never one per unit or per score.
    assert len(small) <= 18 and len(large) <= len(small) + 6  # with the notices to the units


def test_opening_again_creates_nothing_twice_and_a_unit_added_later_joins(round_, province):
    first = services.round_open(round_=round_)
    again = services.round_open(round_=round_)
    assert (len(again.created), len(again.already)) == (0, len(first.created))
    late = UnitFactory(code="X5", name="Xã 5", kind="xa", parent=province)
    added = services.round_open(round_=round_, units=[late])
    assert [a.unit for a in added.created] == [late]
    assert Score.objects.filter(assessment__unit=late).count() == 3


def test_a_unit_outside_the_round_cannot_be_added(round_, province):
    department = Unit.objects.get(code="SNV")
    with pytest.raises(ValidationError, match="Sở Nội vụ: không thuộc phạm vi"):
        services.round_open(round_=round_, units=[department])


def test_an_excluded_unit_is_left_out(round_):
    round_.excluded_units.add(Unit.objects.get(code="X2"))
    services.round_open(round_=round_)
    assert not Assessment.objects.filter(unit__code="X2").exists()


def test_a_closed_round_takes_no_units_until_it_is_reopened_and_both_are_recorded(round_):
    services.round_close(round_=round_, note="Chờ quyết định sáp nhập")
    with pytest.raises(ValidationError, match="đã đóng"):
        services.round_open(round_=round_)
    services.round_reopen(round_=round_, note="Đã có quyết định")
    assert services.round_open(round_=round_).created
    statuses = [(h.status, h.status_note) for h in round_.history.order_by("history_id")]
    assert statuses == [
        (RoundStatus.OPEN, ""),
        (RoundStatus.CLOSED, "Chờ quyết định sáp nhập"),
        (RoundStatus.OPEN, "Đã có quyết định"),
    ]


def test_a_group_of_another_level_is_refused(province, framework):
    departments = RankingGroup.objects.create(
        council_unit=province, name="Sở, ban, ngành", kinds=["so_nganh"]
    )
    with pytest.raises(ValidationError, match="không thuộc đối tượng của bộ chỉ số"):
        services.round_create(
            council_unit=province,
            framework=framework,
            period=PeriodFactory(year=2026),
            name="Sai nhóm",
            groups=[departments],
        )


def test_an_extension_lets_one_unit_enter_past_the_common_deadline_and_nobody_else(round_):
    services.round_open(round_=round_)
    Assessment.objects.filter(round=round_).update(
        self_deadline=timezone.now() - timedelta(hours=1)
    )
    x1, x2 = (Assessment.objects.get(unit__code=c) for c in ("X1", "X2"))
    until = timezone.now() + timedelta(days=3)
    services.deadline_extend(
        assessment=x1, deadline="self_deadline", until=until, reason="Mất điện 3 ngày"
    )
    score = x1.scores.select_related("criterion", "assessment__framework").get(criterion__code="2")
    services.score_set_self(score=score, value=Decimal("3"), note="Có hồ sơ")
    other = x2.scores.select_related("criterion", "assessment__framework").get(criterion__code="2")
    with pytest.raises(ValidationError, match="quá hạn"):
        services.score_set_self(score=other, value=Decimal("3"), note="Có hồ sơ")
    extension = DeadlineExtension.objects.get()
    assert (extension.reason, extension.extended_to) == ("Mất điện 3 ngày", until)


def test_an_extension_needs_a_reason_and_a_later_deadline(round_):
    services.round_open(round_=round_)
    x1 = Assessment.objects.get(unit__code="X1")
    with pytest.raises(ValidationError, match="lý do"):
        services.deadline_extend(
            assessment=x1, deadline="self_deadline", until=timezone.now(), reason=" "
        )
    with pytest.raises(ValidationError, match="sau hạn hiện tại"):
        services.deadline_extend(
            assessment=x1,
            deadline="self_deadline",
            until=round_.self_deadline - timedelta(days=1),
            reason="Xin thêm",
        )


def _publish(assessment: Assessment, value: Decimal) -> None:
    for score in assessment.scores.select_related("criterion", "assessment__framework"):
        cut = score.criterion.code == "2"
        services.score_set_appraised(
            score=score,
            value=value if cut else score.maximum,
            comment="Chưa đạt" if cut else "",
        )
    services.assessment_publish(assessment=assessment, from_record=True)


def test_ranks_are_counted_within_each_group(round_):
    services.round_open(round_=round_)
    points = {"P1": "4", "P2": "2", "X1": "1", "X2": "3", "DK": "3"}
    for code, value in points.items():
        _publish(Assessment.objects.get(unit__code=code), Decimal(value))
    frozen = {
        a.unit.code: (a.result_rank, a.result_rank_of)
        for a in Assessment.objects.filter(status=AssessmentStatus.PUBLISHED)
        .filter(round=round_)
        .select_related("unit")
    }
    assert frozen == {
        "P1": (1, 2),
        "P2": (2, 2),
        "X2": (1, 3),
        "DK": (1, 3),  # equal totals share a rank
        "X1": (3, 3),
    }
    rows = period_results(round_.framework, round_.period)
    assert [(r.group.name, r.assessment.unit.code, r.rank, r.rank_of) for r in rows] == [
        ("Phường", "P1", 1, 2),
        ("Phường", "P2", 2, 2),
        ("Xã và đặc khu", "X2", 1, 3),
        ("Xã và đặc khu", "DK", 1, 3),
        ("Xã và đặc khu", "X1", 3, 3),
    ]
    sheet = assessment_sheet(Assessment.objects.get(unit__code="X1"))
    assert (sheet.results.rank, sheet.results.rank_of) == (3, 3)


def test_the_demo_results_recorded_before_rounds_still_rank_together(phuong1_2023):
    sheet = assessment_sheet(phuong1_2023)
    assert (sheet.results.rank, sheet.results.rank_of) == (3, 5)
    assert (phuong1_2023.result_rank, phuong1_2023.result_rank_of) == (3, 5)


def test_the_admin_can_no_longer_create_an_empty_assessment(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="admin"))
    assert client.get(reverse("admin:scoring_assessment_add")).status_code == 403
    page = client.get(reverse("admin:scoring_assessment_changelist")).content.decode()
    assert reverse("admin:scoring_assessment_add") not in page


def test_the_admin_opens_a_round_with_its_action(client, round_):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="admin"))
    response = client.post(
        reverse("admin:scoring_round_changelist"),
        {"action": "open_selected", "_selected_action": [round_.pk]},
        follow=True,
    )
    assert "đã tạo 9 bản đánh giá (27 tiêu chí)" in response.content.decode()
