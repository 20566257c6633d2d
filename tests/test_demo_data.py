"""The demo data reproduces seed 002: Phường 1, 2023, 91,00 points, Tốt, 3rd of 5, +9,18."""

from decimal import Decimal as D

import pytest

from scoring.demo import load_demo
from scoring.models import Assessment, Criterion, Department, Framework, Official, Score, Unit
from scoring.selectors import assessment_sheet, framework_problems, period_results
from tests.seed002 import ROWS, TOTALS

pytestmark = pytest.mark.django_db


def test_phuong_1_2023_totals_91_classified_tot_ranked_3_of_5_up_9_18(phuong1_2023):
    results = assessment_sheet(phuong1_2023).results
    assert results.total == D("91.00")
    assert results.percentage == D("91.00")
    assert results.classification == "Tốt"
    assert (results.rank, results.rank_of) == (3, 5)
    assert results.previous_total == D("81.82")
    assert results.change == D("9.18")
    assert results.points_lost == D("9.00")


def test_phuong_1_2023_loses_points_exactly_on_the_seed_appendix_rows(phuong1_2023):
    sheet = assessment_sheet(phuong1_2023)
    published = [
        (row.criterion.code, row.maximum, row.self_value, row.appraised, row.lost)
        for row in sheet.lost_rows
    ]
    assert published == ROWS
    totals = tuple(sum((r[i] for r in published), D(0)) for i in range(1, 5))
    assert totals == TOTALS


def test_the_seed_reasons_and_responsibilities_are_kept(phuong1_2023):
    score = phuong1_2023.scores.get(criterion__code="3.12.2")
    assert score.appraisal_comment == "73/757 hồ sơ có thanh toán trực tuyến"
    assert score.responsible_note == "Công chức Văn phòng - Thống kê (phụ trách CCHC)"
    assert score.responsible_department.name == "Văn phòng - Thống kê"
    assert (score.appraised_b, score.appraised_a) == (73, 757)
    assert phuong1_2023.published_decision.startswith("Quyết định số 1299/QĐ-UBND")


def test_where_the_entered_score_differs_from_what_the_counts_give_the_sheet_says_so(
    phuong1_2023,
):
    # The sample framework cuts off at two decimals; the council printed 782/903 as 0,87.
    flagged = {
        row.criterion.code: row.counts_suggest
        for row in assessment_sheet(phuong1_2023).rows
        if row.counts_suggest is not None
    }
    assert flagged == {"3.13.3": D("0.86")}


def test_the_2023_ranking_of_the_five_communes(phuong1_2023):
    rows = period_results(phuong1_2023.framework, phuong1_2023.period)
    assert [(r.assessment.unit.code, r.total, r.rank) for r in rows] == [
        ("TXQT-P2", D("94.25"), 1),
        ("TXQT-P3", D("92.50"), 2),
        ("TXQT-P1", D("91.00"), 3),
        ("TXQT-AD", D("88.75"), 4),
        ("TXQT-HL", D("86.40"), 5),
    ]


def test_the_sample_framework_is_sound_and_labelled_as_a_sample():
    framework = Framework.objects.get()
    assert framework_problems(framework) == []
    assert framework.is_active
    assert framework.max_total == D("100.00")
    assert "mẫu" in framework.name
    fields = framework.criteria.filter(parent=None).order_by("sort_key")
    assert [f.code for f in fields] == ["1", "2", "3", "4", "5", "6", "7"]
    for code, maximum, *_ in ROWS:
        criterion = framework.criteria.get(code=code)
        assert criterion.maximum == maximum
        assert not criterion.children.exists()


def test_the_demo_has_the_five_communes_of_thi_xa_quang_tri_with_their_departments():
    town = Unit.objects.get(code="TXQT")
    assert sorted(town.children.values_list("name", flat=True)) == [
        "Phường 1",
        "Phường 2",
        "Phường 3",
        "Phường An Đôn",
        "Xã Hải Lệ",
    ]
    names = set(Department.objects.filter(unit__code="TXQT-P1").values_list("name", flat=True))
    assert {
        "Văn phòng - Thống kê",
        "Tư pháp - Hộ tịch",
        "Bộ phận tiếp nhận và trả kết quả",
    } <= names


def test_loading_the_demo_again_changes_nothing():
    models = (Unit, Department, Official, Framework, Criterion, Assessment, Score)
    before = {m: m.objects.count() for m in models}
    history_before = Score.history.count()
    report = load_demo()
    assert report.created == []
    assert {m: m.objects.count() for m in models} == before
    assert Score.history.count() == history_before


def test_loading_the_demo_again_keeps_what_users_changed(phuong1_2023):
    score = phuong1_2023.scores.get(criterion__code="1.5.4")
    score.appraisal_comment = "Đã sửa"
    score.save()
    load_demo()
    score.refresh_from_db()
    assert score.appraisal_comment == "Đã sửa"
