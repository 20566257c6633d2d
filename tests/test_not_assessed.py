"""Không phát sinh (nothing arose) and điểm quy đổi (issue 16, item 2): the rules in the engine,
their entry by the unit and the council, and results rescaled to the framework's total."""

from __future__ import annotations

import datetime
import io
from datetime import timedelta
from decimal import Decimal

import pdfplumber
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from documents.drafting import results_text
from documents.render.pdf import table_pdf
from documents.render.xlsx import table_xlsx
from documents.tables import Table, cell_text, ranking_table, score_sheet_table
from scoring import engine, services
from scoring.models import Assessment, AssessmentStatus, Period, RankingGroup, Round, Unit
from scoring.parts import DONE
from scoring.selectors import assessment_sheet, period_results, sheet_filter_matches
from scoring.services.cycle import appraisal_missing, self_assessment_missing
from tests.factories import UnitFactory, small_framework_data
from tests.helpers import score_of, snapshot

D = Decimal
TODAY = datetime.date.today() - datetime.timedelta(days=1)


# --- the engine ----------------------------------------------------------------------------


def test_a_ratio_with_nothing_arisen_is_refused_under_the_default_rule():
    with pytest.raises(engine.ScoringError, match="số a \\(tổng số\\) phải lớn hơn 0"):
        engine.none_score("1.1", engine.NoneRule.REFUSE, D("4"))
    assert engine.nothing_arose(0, 0) and engine.nothing_arose(None, 0)
    assert not engine.nothing_arose(1, 0) and not engine.nothing_arose(0, 5)


def test_full_gives_the_maximum_and_not_assessed_gives_no_value():
    assert engine.none_score("1.1", "full", D("2.50")) == D("2.50")
    assert engine.none_score("1.1", "not_assessed", D("2.50")) is None


def test_the_rule_in_words():
    assert engine.none_rule_text("full") == "Khi không phát sinh: đạt điểm tối đa."
    assert "quy đổi về tổng điểm tối đa" in engine.none_rule_text("not_assessed", rescales=True)
    assert "không quy đổi" in engine.none_rule_text("not_assessed", rescales=False)
    assert "không chấp nhận" in engine.none_rule_text("refuse")
    assert engine.is_none_word(" KPS ") and engine.is_none_word("Không  phát sinh")
    assert not engine.is_none_word("0")


def test_rescale_with_several_criteria_not_assessed():
    # 60 of the 80 points assessed (two criteria of 10 left out) on a framework of 100.
    assert engine.rescale(D("60"), D("100"), D("20")) == D("75.00")
    assert engine.rescale(D("5"), D("10"), D("4")) == D("8.33")
    assert engine.rescale(D("5"), D("10"), D("4"), rounding="cut") == D("8.33")
    assert engine.rescale(D("2"), D("3"), D("0")) == D("2.00")
    assert engine.rescale(D("2"), D("100"), D("97"), rounding="half_up") == D("66.67")
    assert engine.rescale(D("2"), D("100"), D("97"), rounding="cut") == D("66.66")


def test_rescale_is_none_when_every_criterion_was_not_assessed():
    assert engine.rescale(D("0"), D("100"), D("100")) is None
    with pytest.raises(engine.ScoringError):
        engine.rescale(D("0"), D("100"), D("-1"))


def test_the_outcome_rescales_only_where_the_framework_does():
    kept = engine.outcome(D("5"), framework_max=D("10"), not_assessed_max=D("4"))
    assert (kept.total, kept.rescaled, kept.percentage) == (D("5"), None, D("50.00"))
    scaled = engine.outcome(
        D("5"), framework_max=D("10"), not_assessed_max=D("4"), rescales=True, bonus=D("1")
    )
    # The criteria's 5 of 6 become 8,33 of 10; the bonus stands outside and is added after.
    assert (scaled.total, scaled.rescaled, scaled.percentage) == (D("6"), D("9.33"), D("93.30"))
    assert scaled.basis == D("9.33")
    nothing_left_out = engine.outcome(D("7"), framework_max=D("10"), rescales=True)
    assert nothing_left_out.rescaled is None and nothing_left_out.basis == D("7")


cents = st.integers(min_value=0, max_value=100_000).map(lambda n: D(n) / 100)


@given(framework_max=cents.filter(bool), data=st.data())
def test_a_rescaled_total_never_exceeds_the_framework_total(framework_max, data):
    not_assessed = data.draw(st.integers(0, int(framework_max * 100)).map(lambda n: D(n) / 100))
    assessed = framework_max - not_assessed
    earned = data.draw(st.integers(0, int(assessed * 100)).map(lambda n: D(n) / 100))
    for rounding in ("half_up", "cut"):
        result = engine.rescale(earned, framework_max, not_assessed, rounding=rounding)
        if assessed == 0:
            assert result is None
        else:
            assert D(0) <= result <= framework_max


@given(sums=st.lists(st.tuples(st.integers(0, 600), st.sampled_from([0, 200, 400])), max_size=8))
def test_equal_inputs_give_equal_ranks(sums):
    """Units with the same earned points and the same criteria left out share a rank, and a
    unit ranks by its converted total."""
    outcomes = {
        i: engine.outcome(
            D(earned) / 100,
            framework_max=D("10"),
            not_assessed_max=D(left_out) / 100,
            rescales=True,
        )
        for i, (earned, left_out) in enumerate(sums)
        if earned <= 1000 - left_out
    }
    ranks = engine.rank({i: o.basis for i, o in outcomes.items()})
    for i, first in enumerate(sums):
        for j, second in enumerate(sums):
            if i in outcomes and j in outcomes and first == second:
                assert ranks[i] == ranks[j]
            if i in outcomes and j in outcomes and outcomes[i].basis > outcomes[j].basis:
                assert ranks[i] < ranks[j]


# --- a framework with the rules ------------------------------------------------------------


def _framework(*, rescales: bool):
    data = small_framework_data(name=f"Bộ chỉ số có quy đổi {rescales}", rescales=rescales)
    first = data["criteria"][0]["children"]
    first[0]["when_none"] = "not_assessed"  # 1.1, ratio, 4 points
    first[1]["when_none"] = "full"  # 1.2, yes/no, 2 points
    return services.framework_create(data=data)


@pytest.fixture
def framework(db):
    return _framework(rescales=True)


@pytest.fixture
def unit(db) -> Unit:
    return UnitFactory(code="XKPS", name="Xã Không Phát Sinh")


@pytest.fixture
def assessment(framework, unit) -> Assessment:
    period = Period.objects.get_or_create(year=2026, kind="annual")[0]
    return services.assessment_create(unit=unit, framework=framework, period=period)


def test_the_framework_keeps_its_rules(framework):
    rules = dict(framework.criteria.values_list("code", "when_none"))
    assert rules == {"1": "refuse", "1.1": "not_assessed", "1.2": "full", "2": "refuse"}
    assert framework.rescales


# --- entry by the unit ---------------------------------------------------------------------


def test_a_ratio_with_a_zero_and_a_reason_is_not_assessed(assessment):
    score = services.score_set_self(
        score=score_of(assessment, "1.1"), value=None, b=0, a=0, note="Không có hồ sơ nào"
    )
    score.refresh_from_db()
    assert score.self_not_assessed and score.self_value is None
    assert (score.self_b, score.self_a) == (None, None)
    assert score.self_note == "Không có hồ sơ nào"


def test_not_arisen_without_a_reason_is_refused_and_changes_nothing(assessment):
    before = snapshot(assessment)
    with pytest.raises(ValidationError, match=r"Tiêu chí 1\.1: báo không phát sinh cần ghi lý do"):
        services.score_set_self(score=score_of(assessment, "1.1"), value=None, b=0, a=0)
    with pytest.raises(ValidationError, match="cần ghi lý do"):
        services.score_set_self(
            score=score_of(assessment, "1.2"), value=None, nothing_arose=True, note="  "
        )
    assert snapshot(assessment) == before


def test_a_criterion_that_refuses_it_keeps_refusing(assessment):
    before = snapshot(assessment)
    with pytest.raises(ValidationError, match="không chấp nhận “không phát sinh”"):
        services.score_set_self(
            score=score_of(assessment, "2"), value=None, nothing_arose=True, note="Không có"
        )
    assert snapshot(assessment) == before


def test_a_zero_under_the_refuse_rule_keeps_the_old_refusal(unit):
    period = Period.objects.get_or_create(year=2026, kind="annual")[0]
    plain = services.framework_create(data=small_framework_data(name="Không quy đổi"))
    assessment = services.assessment_create(unit=unit, framework=plain, period=period)
    with pytest.raises(ValidationError, match="Số a \\(tổng số\\) phải lớn hơn 0"):
        services.score_set_self(score=score_of(assessment, "1.1"), value=None, b=0, a=0, note="x")


def test_full_points_when_nothing_arose_under_the_full_rule(assessment):
    score = services.score_set_self(
        score=score_of(assessment, "1.2"), value=None, nothing_arose=True, note="Không có vụ việc"
    )
    assert score.self_value == D("2.00") and score.self_not_assessed


def test_a_value_beside_not_arisen_is_refused(assessment):
    with pytest.raises(ValidationError, match="đã báo không phát sinh thì không nhập điểm"):
        services.score_set_self(
            score=score_of(assessment, "1.1"), value=D("1"), nothing_arose=True, note="Không có"
        )


def test_a_value_afterwards_clears_the_report(assessment):
    services.score_set_self(
        score=score_of(assessment, "1.1"), value=None, b=0, a=0, note="Không có hồ sơ"
    )
    score = services.score_set_self(score=score_of(assessment, "1.1"), value=None, b=3, a=4)
    assert not score.self_not_assessed and score.self_value == D("3.00")


def test_a_not_arisen_criterion_counts_as_done_and_needs_no_evidence(assessment):
    services.score_set_self(score=score_of(assessment, "1.1"), value=None, b=0, a=0, note="KPS")
    services.score_set_self(score=score_of(assessment, "1.2"), value=D("2"), note="Đã làm")
    services.score_set_self(score=score_of(assessment, "2"), value=D("3"), note="Đã làm")
    assert self_assessment_missing(assessment) == []
    services.assessment_submit(assessment=assessment)
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED


def test_a_reported_criterion_is_not_listed_as_not_entered(assessment):
    services.score_set_self(score=score_of(assessment, "1.1"), value=None, b=0, a=0, note="KPS")
    assert not sheet_filter_matches("chua-nhap", score_of(assessment, "1.1"), "self")
    assert sheet_filter_matches("chua-nhap", score_of(assessment, "2"), "self")


# --- the council ---------------------------------------------------------------------------


def _submitted(assessment) -> Assessment:
    services.score_set_self(
        score=score_of(assessment, "1.1"), value=None, b=0, a=0, note="Không có hồ sơ"
    )
    services.score_set_self(score=score_of(assessment, "1.2"), value=D("2"), note="Đã làm")
    services.score_set_self(score=score_of(assessment, "2"), value=D("3"), note="Đã làm")
    services.assessment_submit(assessment=assessment)
    return Assessment.objects.get(pk=assessment.pk)


def test_accepting_the_units_values_confirms_not_arisen(assessment):
    assessment = _submitted(assessment)
    services.assessment_accept_self_values(assessment=assessment)
    score = score_of(assessment, "1.1")
    assert score.appraised_not_assessed and score.appraised_value is None
    assert score.appraisal_comment == "Không có hồ sơ"
    assert [m for m in appraisal_missing(assessment) if "1.1" in m] == []
    assert assessment.scores.filter(DONE, criterion__code="1.1").exists()
    assert not sheet_filter_matches("chua-nhap", score, "appraised")


def test_the_council_overrules_with_a_value_and_a_reason(assessment):
    assessment = _submitted(assessment)
    services.score_set_appraised(score=score_of(assessment, "1.1"), value=None, b=1, a=4)
    assert appraisal_missing(assessment)[0] == (
        "Tiêu chí 1.1: đơn vị báo không phát sinh, hội đồng chấm điểm nhưng chưa ghi lý do; hãy "
        "ghi lý do vào ý kiến thẩm định."
    )
    services.score_set_appraised(
        score=score_of(assessment, "1.1"), value=None, b=1, a=4, comment="Có 4 hồ sơ phát sinh"
    )
    score = score_of(assessment, "1.1")
    assert not score.appraised_not_assessed and score.appraised_value == D("1.00")


def test_the_sheet_leaves_the_criterion_out_and_shows_the_converted_total(assessment):
    assessment = _submitted(assessment)
    services.assessment_accept_self_values(assessment=assessment)
    results = assessment_sheet(assessment).results
    # 1.2 = 2 and 2 = 3 of the 6 points assessed; 5 × 10 / 6 = 8,33.
    assert results.total == D("5.00") and results.rescaled == D("8.33")
    assert results.percentage == D("83.30")
    # Neither earned nor lost: only criterion 2's one point is lost.
    assert results.points_lost == D("1.00")
    assert results.appraised_count == results.leaf_count == 3


# --- publication of a round ----------------------------------------------------------------


def _round(framework, name="Đánh giá 2026") -> tuple[Round, RankingGroup]:
    province = UnitFactory(code=f"T-{framework.pk}", name="Tỉnh Thử", kind="tinh")
    for i in (1, 2, 3):
        UnitFactory(code=f"W{framework.pk}-{i}", name=f"Phường {i}", kind="phuong", parent=province)
    group = RankingGroup.objects.create(
        council_unit=province, name="Phường", kinds=["phuong"], position=1
    )
    now = timezone.now()
    round_ = services.round_create(
        council_unit=province,
        framework=framework,
        period=Period.objects.get_or_create(year=2027, kind="annual")[0],
        name=name,
        groups=[group],
        self_deadline=now + timedelta(days=10),
        response_deadline=now + timedelta(days=20),
        appraisal_deadline=now + timedelta(days=30),
    )
    services.round_open(round_=round_)
    return round_, group


def _appraise(round_, unit_number: int, values: dict[str, str | None]) -> None:
    assessment = Assessment.objects.get(round=round_, unit__name=f"Phường {unit_number}")
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    for code, value in values.items():
        score = score_of(assessment, code)
        if value is None:
            services.score_set_appraised(
                score=score, value=None, nothing_arose=True, comment="Không phát sinh hồ sơ"
            )
        else:
            services.score_set_appraised(score=score, value=D(value), comment="Chưa đạt")
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.APPRAISED)


def _publish_three(framework) -> dict[str, tuple]:
    round_, group = _round(framework)
    _appraise(round_, 1, {"1.1": None, "1.2": "2", "2": "3"})  # 5 of 6 assessed
    _appraise(round_, 2, {"1.1": "4", "1.2": "2", "2": "4"})  # 10 of 10
    _appraise(round_, 3, {"1.1": "2", "1.2": "2", "2": "3"})  # 7 of 10
    services.group_publish(
        round_=round_, group=group, decision="Quyết định số 9/QĐ-UBND", decided_on=TODAY
    )
    return {
        a.unit.name: (
            a.result_total,
            a.result_rescaled,
            a.result_percentage,
            a.result_classification,
            a.result_rank,
        )
        for a in Assessment.objects.filter(round=round_).select_related("unit")
    }


def test_publishing_ranks_and_classifies_by_the_rescaled_result(framework):
    assert _publish_three(framework) == {
        "Phường 1": (D("5.00"), D("8.33"), D("83.30"), "Tốt", 2),
        "Phường 2": (D("10.00"), None, D("100.00"), "Tốt", 1),
        "Phường 3": (D("7.00"), None, D("70.00"), "Yếu", 3),
    }


def test_a_framework_without_rescaling_keeps_the_raw_total_against_the_full_maximum(db):
    assert _publish_three(_framework(rescales=False)) == {
        "Phường 1": (D("5.00"), None, D("50.00"), "Yếu", 3),
        "Phường 2": (D("10.00"), None, D("100.00"), "Tốt", 1),
        "Phường 3": (D("7.00"), None, D("70.00"), "Yếu", 2),
    }


def test_the_ranking_reads_the_frozen_rescaled_result(framework):
    _publish_three(framework)
    period = Period.objects.get(year=2027, kind="annual")
    rows = [
        (r.assessment.unit.name, r.total, r.rescaled, r.rank)
        for r in period_results(framework, period)
    ]
    assert rows == [
        ("Phường 2", D("10.00"), None, 1),
        ("Phường 1", D("5.00"), D("8.33"), 2),
        ("Phường 3", D("7.00"), None, 3),
    ]


# --- documents -----------------------------------------------------------------------------


def test_the_ranking_phu_luc_prints_the_total_and_the_converted_total(framework):
    _publish_three(framework)
    period = Period.objects.get(year=2027, kind="annual")
    table = ranking_table(framework, period, period_results(framework, period))
    labels = [c.label for c in table.columns]
    assert labels[2:4] == ["Tổng điểm (tối đa 10)", "Điểm quy đổi (tối đa 10)"]
    printed = [
        [cell_text(col, cell) for col, cell in zip(table.columns, row.cells, strict=True)]
        for row in table.rows
        if row.style != "heading"
    ]
    assert [p[:6] for p in printed] == [
        ["1/3", "Phường 2", "10,00", "10,00", "100,00", "Tốt"],
        ["2/3", "Phường 1", "5,00", "8,33", "83,30", "Tốt"],
        ["3/3", "Phường 3", "7,00", "7,00", "70,00", "Yếu"],
    ]


def test_a_ranking_without_any_converted_total_keeps_its_columns(db):
    plain = _framework(rescales=False)
    _publish_three(plain)
    period = Period.objects.get(year=2027, kind="annual")
    table = ranking_table(plain, period, period_results(plain, period))
    assert not any("quy đổi" in c.label for c in table.columns)


def test_the_score_sheet_and_the_letter_say_both_numbers(framework):
    _publish_three(framework)
    assessment = Assessment.objects.get(round__isnull=False, unit__name="Phường 1")
    sheet = assessment_sheet(assessment)
    table = score_sheet_table(sheet)
    assert table.notes[0] == (
        "Tổng điểm: 5,00 điểm; 1 tiêu chí không phát sinh, không đánh giá; điểm quy đổi: "
        "8,33/10 điểm (83,30%)."
    )
    assert table.notes[1] == "Xếp loại: Tốt; xếp thứ 2/3."
    row = next(r for r in table.rows if r.cells[0] == "1.1")
    assert row.cells[6] == "Không phát sinh, không đánh giá: Không phát sinh hồ sơ"
    period = Period.objects.get(year=2027, kind="annual")
    text = results_text(sheet, period_results(framework, period), cite_decision=False)
    assert "đạt 5,00/10 điểm (điểm quy đổi 8,33/10 điểm), xếp loại Tốt, đứng thứ 2/3" in text


def test_the_ranking_with_converted_totals_prints_in_pdf_and_excel_and_keeps_as_issued(framework):
    _publish_three(framework)
    period = Period.objects.get(year=2027, kind="annual")
    table = ranking_table(framework, period, period_results(framework, period))
    assert Table.from_json(table.to_json()) == table  # an issued letter keeps it as sent
    with pdfplumber.open(io.BytesIO(table_pdf(table))) as document:
        text = " ".join(page.extract_text() or "" for page in document.pages)
    assert "Điểm quy" in text  # the header wraps in its narrow column
    assert "2/3 Phường 1 5,00 8,33 83,30 Tốt" in text
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert any(isinstance(v, str) and v.startswith("Điểm quy đổi") for v in values)
    assert D("8.33") in [D(str(v)) for v in values if isinstance(v, int | float)]
