"""Moving an open round to a framework issued in its place (issue 16, item 8): what is carried,
what is listed as not carried with its old values, where files go, what the history says, and
every refusal changing nothing."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notices.models import Notice
from rounds import services as round_services
from scoring import services
from scoring.models import (
    AppraisalPart,
    Assessment,
    AssessmentStatus,
    Criterion,
    Evidence,
    EvidenceStage,
    GroupPublication,
    Round,
    RoundFrameworkChange,
    Score,
)
from scoring.publication_selectors import group_preview
from scoring.selectors import assessment_sheet
from tests.factories import UnitFactory
from tests.helpers import appraise_all, pdf, score_of, snapshot
from tests.rounds.conftest import YEAR, days
from tests.rounds.replacement import make_replacement, replacement_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_framework(db):
    return make_replacement()


@pytest.fixture
def p1(round_) -> Assessment:
    return Assessment.objects.select_related("unit", "period", "framework").get(
        round=round_, unit__code="TXQT-P1"
    )


@pytest.fixture
def entered(p1, coordinator):
    """Phường 1 has entered part of its self-assessment, with files."""
    services.score_set_self(
        score=score_of(p1, "1.1.1"), value=D("1"), note="Kế hoạch số 12", user=coordinator
    )
    services.score_set_self(score=score_of(p1, "1.1.2"), value=D("0.75"), user=coordinator)
    services.score_set_self(score=score_of(p1, "1.6"), value=None, b=4, a=5, user=coordinator)
    services.score_set_self(score=score_of(p1, "1.1.3"), value=None, b=46, a=46, user=coordinator)
    services.score_set_self(
        score=score_of(p1, "1.3.1"), value=D("0.5"), note="Có quy chế", user=coordinator
    )
    services.score_set_self(
        score=score_of(p1, "1.7"), value=D("0.5"), note="Họp giao ban", user=coordinator
    )
    services.score_set_self(score=score_of(p1, "2.4"), value=D("1"), user=coordinator)
    files = {}
    for code in ("1.1.2", "1.3.1", "1.7"):
        files[code] = services.evidence_add(
            score=score_of(p1, code),
            upload=pdf(f"tai-lieu-{code}.pdf"),
            stage=EvidenceStage.SELF,
            user=coordinator,
        )
    # One file of 1.1.2 also proves 1.7.
    services.evidence_link(evidence=files["1.1.2"], scores=[score_of(p1, "1.7")], user=coordinator)
    return files


def _change(round_, framework, **kwargs):
    return services.round_change_framework(round=round_, framework=framework, **kwargs)


def _entry(report_or_change, code: str, unit: str = "Phường 1") -> dict:
    [entry] = [e for e in report_or_change.not_carried if e["code"] == code and e["unit"] == unit]
    return entry


def test_scores_of_the_same_code_and_method_are_carried_whole(
    round_, p1, entered, new_framework, secretary
):
    report = _change(round_, new_framework, user=secretary)
    p1.refresh_from_db()
    assert p1.framework == new_framework
    assert Round.objects.get(pk=round_.pk).framework == new_framework
    kept = score_of(p1, "1.1.1")
    assert kept.criterion.framework == new_framework
    assert (kept.self_value, kept.self_note) == (D("1.00"), "Kế hoạch số 12")
    ratio = score_of(p1, "1.6")
    assert (ratio.self_b, ratio.self_a, ratio.self_value, ratio.maximum) == (
        4,
        5,
        D("0.80"),
        D("2.00"),
    )
    judged = score_of(p1, "1.1.2")
    assert (judged.self_value, judged.maximum) == (D("0.75"), D("2.00"))
    assert [e.original_name for e in judged.evidence.all()] == ["tai-lieu-1.1.2.pdf"]
    # Every score of every unit now belongs to the new framework, one per leaf.
    leaves = Criterion.objects.filter(framework=new_framework, children__isnull=True).count()
    for assessment in Assessment.objects.filter(round=round_):
        scores = Score.objects.filter(assessment=assessment)
        assert scores.count() == leaves
        assert not scores.exclude(criterion__framework=new_framework).exists()
    old_leaves = Criterion.objects.filter(framework=round_.framework, children__isnull=True)
    # All but 1.3.1 (method changed), 1.7 and 2.4 (gone as leaves), and Phường 1's 1.1.3.
    assert report.carried == 5 * old_leaves.count() - 5 * 3 - 1
    assert report.created == 5 * 2  # 2.4.1 and 2.4.2 for every unit


def test_a_changed_method_or_a_removed_code_is_listed_with_its_old_values(
    round_, p1, entered, new_framework, secretary
):
    change = _change(round_, new_framework, user=secretary).change
    method = _entry(change, "1.3.1")
    assert method["reason"].startswith("Tiêu chí 1.3.1: phương pháp chấm đổi từ")
    assert (method["self_value"], method["self_note"]) == ("0.50", "Có quy chế")
    assert method["files"] == 1 and method["files_kept_at"] == "1.3.1"
    again = score_of(p1, "1.3.1")
    assert (again.self_value, again.self_note, again.criterion.method) == (None, "", "judgement")
    gone = _entry(change, "1.7")
    assert "không còn tiêu chí này" in gone["reason"]
    assert (gone["self_value"], gone["self_note"]) == ("0.50", "Họp giao ban")
    assert not p1.scores.filter(criterion__code="1.7").exists()
    split = _entry(change, "2.4")
    assert "chia thành tiêu chí con" in split["reason"] and split["self_value"] == "1.00"
    # Units that entered nothing lose nothing: they are not listed.
    assert {e["unit"] for e in change.not_carried} == {"Phường 1"}


def test_a_value_over_the_new_maximum_is_not_carried(round_, p1, entered, new_framework):
    report = _change(round_, new_framework)
    over = _entry(report, "1.1.3")
    assert over["reason"] == (
        "Tiêu chí 1.1.3: điểm tự đánh giá 2,00 vượt quá điểm tối đa 1,00; hãy nhập từ 0 đến 1,00."
    )
    assert (over["self_b"], over["self_a"], over["self_value"]) == (46, 46, "2.00")
    score = score_of(p1, "1.1.3")
    assert (score.self_value, score.self_b, score.maximum) == (None, None, D("1.00"))


def test_no_file_is_lost_files_of_a_removed_criterion_move_to_its_field(
    round_, p1, entered, new_framework
):
    before = {e.pk: e.file.name for e in Evidence.objects.filter(score__assessment=p1)}
    report = _change(round_, new_framework)
    after = {e.pk: e.file.name for e in Evidence.objects.filter(score__assessment=p1)}
    assert after == before
    moved = Evidence.objects.get(pk=entered["1.7"].pk)
    assert moved.score.criterion.code == "1.1.1"  # first leaf of field 1, where 1.7 was
    assert moved.file.storage.exists(moved.file.name)
    assert _entry(report, "1.7")["files_kept_at"] == "1.1.1"
    # The file shared from 1.1.2 with 1.7 is now shared with 1.1.1.
    shared = Evidence.objects.get(pk=entered["1.1.2"].pk)
    assert shared.shared_codes() == ["1.1.1"]


def test_the_history_keeps_every_row_as_it_was_and_the_change_is_recorded(
    round_, p1, entered, new_framework, secretary
):
    gone_pk = score_of(p1, "1.7").pk
    kept_pk = score_of(p1, "1.1.1").pk
    _change(round_, new_framework, user=secretary)
    deleted = Score.history.filter(id=gone_pk).latest("history_id")
    assert deleted.history_type == "-"
    assert (deleted.self_value, deleted.self_note) == (D("0.50"), "Họp giao ban")
    assert deleted.history_user == secretary
    moved = Score.history.filter(id=kept_pk).latest("history_id")
    assert moved.history_type == "~" and "Chuyển sang bộ chỉ số" in moved.history_change_reason
    assert Criterion.objects.get(pk=moved.criterion_id).framework == new_framework
    assert p1.history.latest("history_id").framework_id == new_framework.pk
    assert round_.history.latest("history_id").framework_id == new_framework.pk
    [change] = RoundFrameworkChange.objects.filter(round=round_)
    assert (change.old_framework.name, change.new_framework, change.changed_by) == (
        "Bộ chỉ số CCHC cấp xã (mẫu minh họa)",
        new_framework,
        secretary,
    )
    assert change.carried > 0 and len(change.not_carried) == 4


def test_units_leads_and_the_council_are_told(round_, p1, entered, new_framework, appraiser):
    _change(round_, new_framework)
    told = Notice.objects.filter(text__contains="chuyển sang bộ chỉ số")
    assert told.filter(user__username="cchc.p1", text__contains="4 mục không chuyển được").exists()
    assert told.filter(user__username="chutich.p2", text__contains="không có mục nào").exists()
    assert told.filter(user=appraiser).exists()


def test_a_submitted_unit_stays_submitted_and_keeps_its_values(
    round_, p1, new_framework, coordinator
):
    for score in p1.scores.select_related("criterion", "assessment__framework"):
        value = None if score.criterion.method.startswith("ratio") else score.maximum
        counts = (5, 5) if value is None else (None, None)
        services.score_set_self(
            score=score, value=value, b=counts[0], a=counts[1], note="Đã làm", user=coordinator
        )
    Assessment.objects.filter(pk=p1.pk).update(status=AssessmentStatus.SUBMITTED)
    _change(round_, new_framework)
    p1.refresh_from_db()
    assert p1.status == AssessmentStatus.SUBMITTED
    assert score_of(p1, "3.6").self_value == D("2.00")


def test_appraisal_parts_follow_the_codes(round_, new_framework, appraiser):
    field_1 = Criterion.objects.get(framework=round_.framework, code="1")
    gone = Criterion.objects.get(framework=round_.framework, code="1.7")
    part = AppraisalPart.objects.create(round=round_, name="Văn phòng", appraiser=appraiser)
    part.criteria.set([field_1, gone])
    dry = _change(round_, new_framework, dry_run=True)
    assert _entry(dry, "1.7", unit="")["title"] == "Phân công thẩm định “Văn phòng”"
    assert set(part.criteria.all()) == {field_1, gone}
    report = _change(round_, new_framework)
    assert [c.code for c in part.criteria.all()] == ["1"]
    assert part.criteria.get().framework == new_framework
    assert _entry(report, "1.7", unit="")["reason"].endswith("phân công lại phần việc “Văn phòng”.")


def test_results_afterwards_are_computed_on_the_new_framework(
    round_, p1, new_framework, appraiser, groups
):
    _change(round_, new_framework)
    p1 = Assessment.objects.select_related("framework").get(pk=p1.pk)
    appraise_all(p1, appraiser, lose={"1.6": "1.00", "2.4.2": "0.25"})
    results = assessment_sheet(p1).results
    assert results.leaf_count == 87
    assert (results.maximum, results.appraised_total) == (D("100.00"), D("98.75"))
    assert results.points_lost == D("1.25")
    Assessment.objects.filter(pk=p1.pk).update(status=AssessmentStatus.APPRAISED)
    round_.refresh_from_db()
    wards = next(g for g in groups if p1.ranking_group_id == g.pk)
    [row] = [r for r in group_preview(round_=round_, group=wards).rows if r.assessment == p1]
    assert (row.total, row.classification) == (D("98.75"), "Loại A")


def test_a_dry_run_says_the_same_and_changes_nothing(round_, p1, entered, new_framework):
    before = snapshot(p1)
    dry = _change(round_, new_framework, dry_run=True)
    assert snapshot(p1) == before
    assert Round.objects.get(pk=round_.pk).framework != new_framework
    assert not RoundFrameworkChange.objects.exists()
    assert not Notice.objects.filter(text__contains="chuyển sang bộ chỉ số").exists()
    real = _change(round_, new_framework)
    assert (dry.carried, dry.created, dry.not_carried) == (
        real.carried,
        real.created,
        real.not_carried,
    )
    assert dry.removed_codes == ["1.7", "2.4"] and dry.changed_codes == ["1.3.1"]
    assert dry.added_codes == ["2.4.1", "2.4.2"]


def _refused(round_, p1, framework, words: str) -> None:
    before = snapshot(p1)
    old = Round.objects.get(pk=round_.pk).framework_id
    with pytest.raises(ValidationError) as refused:
        _change(round_, framework)
    assert words in refused.value.messages[0]
    assert snapshot(p1) == before
    assert Round.objects.get(pk=round_.pk).framework_id == old
    assert not RoundFrameworkChange.objects.exists()


def test_a_closed_round_is_refused(round_, p1, entered, new_framework, secretary):
    services.round_close(round_=round_, note="Tạm dừng", user=secretary)
    _refused(round_, p1, new_framework, "đã đóng; hãy mở lại đợt")


def test_a_published_round_is_refused(round_, p1, entered, new_framework, groups):
    GroupPublication.objects.create(
        round=round_, group=groups[0], decision="QĐ 1/QĐ-UBND", decided_on=days(0).date()
    )
    _refused(round_, p1, new_framework, "đã công bố kết quả")


def test_a_framework_not_in_force_is_refused(round_, p1, entered, new_framework):
    type(new_framework).objects.filter(pk=new_framework.pk).update(is_active=False)
    new_framework.refresh_from_db()
    _refused(round_, p1, new_framework, "chưa được đưa vào áp dụng; hãy kích hoạt")


def test_a_framework_of_another_level_is_refused(round_, p1, entered):
    district = services.framework_create(
        data=replacement_data(name="Bộ chỉ số cấp huyện (thử)", unit_level="district")
    )
    _refused(round_, p1, district, "hãy chọn bộ chỉ số cùng cấp")


def test_a_framework_of_another_year_is_refused(round_, p1, entered):
    later = make_replacement(name="Bộ chỉ số 2028 (thử)", year_from=2028)
    _refused(round_, p1, later, f"không áp dụng cho năm {YEAR}")


def test_the_same_framework_is_refused(round_, p1, entered):
    _refused(round_, p1, round_.framework, "hãy chọn một bộ chỉ số khác")


def _round_of(town, framework, groups, units: int) -> Round:
    """A 2027 round of `units` communes of the town (the demo's five, and more made here)."""
    for i in range(max(0, units - 5)):
        UnitFactory(code=f"TXQT-Y{i:02d}", name=f"Phường Thêm {i:02d}", kind="phuong", parent=town)
    communes = list(town.children.order_by("name"))
    round_, report = round_services.round_create_and_open(
        council_unit=town,
        framework=framework,
        year=YEAR,
        period_kind="annual",
        name="Đợt thử",
        groups=groups,
        excluded=communes[units:],
        self_deadline=days(10),
    )
    assert len(report.created) == units
    return round_


@pytest.mark.parametrize("units", [3, 7])
def test_the_change_costs_the_same_queries_for_3_units_as_for_7(
    town, framework, groups, new_framework, coordinator, units
):
    round_ = _round_of(town, framework, groups, units)
    for assessment in Assessment.objects.filter(round=round_):
        score = assessment.scores.get(criterion__code="1.7")
        Score.objects.filter(pk=score.pk).update(self_value=D("1"), self_note="x")
        Evidence.objects.create(
            score=score, original_name="a.pdf", content_type="application/pdf", size=1
        )
    with CaptureQueriesContext(connection) as queries:
        report = _change(round_, new_framework)
    assert len(report.not_carried) == units
    # Pinned: the same for 3 units as for 7 (and for 87 criteria as for 2).
    assert len(queries) == EXPECTED_QUERIES, [q["sql"][:80] for q in queries]


EXPECTED_QUERIES = 34


def test_bonus_points_over_the_new_cap_are_listed_and_cleared(round_, p1):
    Assessment.objects.filter(pk=p1.pk).update(bonus=D("2"), bonus_note="Sáng kiến cấp tỉnh")
    stricter = make_replacement(name="Bộ chỉ số điểm thưởng thấp (thử)", bonus_cap="1.00")
    report = _change(round_, stricter)
    entry = _entry(report, "Điểm thưởng")
    assert (
        entry["reason"] == "Điểm thưởng 2,00 vượt mức tối đa 1,00 của bộ chỉ số mới; hãy nhập lại."
    )
    assert (entry["bonus"], entry["title"]) == ("2.00", "Sáng kiến cấp tỉnh")
    p1.refresh_from_db()
    assert p1.bonus == 0 and p1.framework == stricter
    assert p1.history.latest("history_id").bonus == 0
