"""Không phát sinh through Excel: the offline self-assessment takes "KPS" (or a = 0) with its
reason, the council's table takes "Không phát sinh" in its appraised column (issue 16, item 2)."""

import io

import pytest
from openpyxl import load_workbook

from exchange import exports, services
from exchange.models import ImportStatus
from exchange.writers.selfsheet import HEADER_ROW
from scoring.models import Criterion, Framework
from tests.exchange.helpers import D, appraisal, scores_by_code, snapshot
from tests.exchange.test_self_assessment_import import _filled, _self
from tests.exchange.workbooks import HEADER, TITLE, xlsx

pytestmark = pytest.mark.django_db


def _rules(framework) -> None:
    """1.1.3 (a ratio, 2 points) leaves the sum when nothing arose; 1.5.3 (yes/no, 1 point)
    gets full points; the framework rescales."""
    Criterion.objects.filter(framework=framework, code="1.1.3").update(when_none="not_assessed")
    Criterion.objects.filter(framework=framework, code="1.5.3").update(when_none="full")
    Framework.objects.filter(pk=framework.pk).update(rescales=True)


@pytest.fixture
def ruled(fresh):
    _rules(fresh.framework)
    fresh.framework.refresh_from_db()
    return fresh


def test_the_sheet_says_the_rule_and_shows_a_report_as_words(ruled, coordinator):
    scoring_score = scores_by_code(ruled)["1.5.3"]
    scoring_score.self_not_assessed, scoring_score.self_value = True, D("1")
    scoring_score.self_note = "Không có vụ việc"
    scoring_score.save()
    workbook = load_workbook(io.BytesIO(exports.export_self_sheet(ruled).content))
    sheet = workbook["Tự đánh giá"]
    rows = {str(sheet.cell(r, 1).value): r for r in range(HEADER_ROW + 1, sheet.max_row + 1)}
    assert sheet.cell(rows["1.5.3"], 3).value.endswith("Khi không phát sinh: đạt điểm tối đa.")
    assert sheet.cell(rows["1.5.3"], 5).value == "Không phát sinh"
    assert "Khi không phát sinh" not in sheet.cell(rows["1.2.1"], 3).value
    # Uploaded back as it was downloaded, the report is no change.
    record = _self(to_bytes_of(workbook), ruled, coordinator)
    assert record.change_count == 0


def to_bytes_of(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_kps_and_a_zero_with_reasons_are_imported_as_reports(ruled, coordinator):
    data = _filled(
        ruled,
        {
            "1.1.3": {"F": 0, "G": 0, "H": "Năm nay không có hồ sơ"},
            "1.5.3": {"E": "KPS", "H": "Không có vụ việc"},
        },
    )
    record = _self(data, ruled, coordinator)
    assert record.get_preview().errors == []
    services.import_record_apply(record=record, user=coordinator)
    scores = scores_by_code(ruled)
    assert scores["1.1.3"].self_not_assessed and scores["1.1.3"].self_value is None
    assert scores["1.5.3"].self_not_assessed and scores["1.5.3"].self_value == D("1.00")
    assert scores["1.1.3"].self_note == "Năm nay không có hồ sơ"


def test_a_report_without_a_reason_or_where_refused_is_refused_on_its_row(ruled, coordinator):
    before = snapshot()
    data = _filled(
        ruled,
        {"1.1.3": {"F": 0, "G": 0}, "1.2.1": {"E": "Không phát sinh", "H": "Không có"}},
    )
    record = _self(data, ruled, coordinator)
    assert record.status == ImportStatus.REJECTED
    messages = [p.message for p in record.get_preview().errors]
    assert (
        "Tiêu chí 1.1.3: báo không phát sinh cần ghi lý do; hãy ghi lý do vào cột “Giải thích "
        "của đơn vị”." in messages
    )
    assert (
        "Tiêu chí 1.2.1: tiêu chí này không chấp nhận “không phát sinh”; hãy nhập số liệu."
        in messages
    )
    assert snapshot() == before


def _table(rows: list[list]) -> bytes:
    return xlsx([*TITLE, *HEADER, *rows])


def test_the_councils_table_confirms_not_arisen_with_the_units_reason(appraising, appraiser):
    _rules(appraising.framework)
    score = scores_by_code(appraising)["1.1.3"]
    score.self_not_assessed, score.self_value, score.self_note = True, None, "Không có hồ sơ"
    score.save()
    data = _table([["1.1.3", "Tỷ lệ", 2, None, "Không phát sinh", None, None, None]])
    record = appraisal(data, appraising, appraiser)
    assert record.get_preview().errors == []
    services.import_record_apply(record=record, user=appraiser)
    score = scores_by_code(appraising)["1.1.3"]
    assert score.appraised_not_assessed and score.appraised_value is None
    assert score.appraisal_comment == "Không có hồ sơ"


def test_the_councils_table_refuses_it_where_the_rule_does(appraising, appraiser):
    _rules(appraising.framework)
    before = snapshot()
    data = _table([["1.2.1", "Tỷ lệ", 1, None, "KPS", None, "Không có", None]])
    record = appraisal(data, appraising, appraiser)
    assert record.status == ImportStatus.REJECTED
    assert [p.message for p in record.get_preview().errors] == [
        "Tiêu chí 1.2.1: tiêu chí này không chấp nhận “không phát sinh”; hãy nhập điểm thẩm định."
    ]
    assert snapshot() == before
