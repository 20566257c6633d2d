"""The phụ lục as .xlsx: read back with openpyxl, it holds the numbers and prints right."""

import io

import pytest
from openpyxl import load_workbook

from documents.render.xlsx import table_xlsx
from documents.tables import lost_criteria_table, ranking_table, score_sheet_table
from scoring.models import Unit
from scoring.selectors import assessment_sheet, period_results
from tests import seed002

pytestmark = pytest.mark.django_db


def _sheet(table):
    return load_workbook(io.BytesIO(table_xlsx(table))).active


@pytest.fixture
def lost(phuong1_2023):
    return _sheet(lost_criteria_table(assessment_sheet(phuong1_2023)))


def test_the_title_rows_are_merged_across_the_table(lost):
    merged = {str(r) for r in lost.merged_cells.ranges}
    assert {"A1:H1", "A2:H2", "A3:H3"} <= merged
    assert lost["A1"].value == "PHỤ LỤC"
    assert lost["A2"].value == (
        "TỔNG HỢP CÁC NỘI DUNG THỰC HIỆN CẢI CÁCH HÀNH CHÍNH BỊ TRỪ ĐIỂM NĂM 2023"
    )
    assert lost["A3"].value.startswith("(Theo Quyết định số 1299/QĐ-UBND")


def test_the_header_row_has_the_seeds_columns_and_repeats_on_every_printed_page(lost):
    header = [cell.value for cell in lost[5]]
    assert header[:6] == [
        "Mục",
        "Nội dung Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Số điểm bị trừ",
    ]
    assert lost.print_title_rows == "$5:$5"


def test_the_rows_hold_numbers_shown_with_two_decimals(lost):
    rows = list(lost.iter_rows(min_row=6, max_row=5 + len(seed002.ROWS), values_only=True))
    assert [(r[0], *map(float, r[2:6])) for r in rows] == [
        (code, *map(float, numbers)) for code, *numbers in seed002.ROWS
    ]
    total = [cell.value for cell in lost[6 + len(seed002.ROWS)]]
    assert total[1] == "Tổng cộng" and [float(v) for v in total[2:6]] == [20, 18.5, 11, 9]
    cell = lost["E6"]
    assert cell.number_format == "[$-42A]0.00"  # Vietnamese locale: 1,91
    assert cell.border.left.style == cell.border.bottom.style == "thin"


def test_the_page_is_a4_landscape_fitted_to_one_page_wide(lost):
    setup = lost.page_setup
    assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,  # A4
        1,
        0,
    )
    assert lost.sheet_properties.pageSetUpPr.fitToPage
    assert lost.page_margins.left == pytest.approx(3 / 2.54)


def test_the_full_sheet_marks_each_field_row_bold_with_its_subtotals(phuong1_2023):
    sheet = _sheet(score_sheet_table(assessment_sheet(phuong1_2023)))
    field_1 = next(row for row in sheet.iter_rows(min_row=6) if row[0].value == "1")
    assert [float(c.value) for c in field_1[2:6]] == [16, 14.5, 12.21, 3.79]
    assert field_1[1].font.bold
    notes = [row[0].value for row in sheet.iter_rows() if row[0].value]
    assert "Tổng điểm: 91,00/100 điểm (91,00%); xếp loại: Tốt; xếp thứ 3/5." in notes


def test_the_ranking_prints_portrait_with_signed_change(phuong1_2023):
    framework, period = phuong1_2023.framework, phuong1_2023.period
    sheet = _sheet(ranking_table(framework, period, period_results(framework, period)))
    assert sheet.page_setup.orientation == "portrait"
    row = next(r for r in sheet.iter_rows(min_row=6) if r[1].value == "Phường 1")
    assert [c.value for c in row[:2]] == ["3/5", "Phường 1"]
    assert float(row[5].value) == pytest.approx(9.18)
    assert row[5].number_format.endswith("+0.00;-0.00;0.00")


def test_a_comment_that_looks_like_a_formula_stays_text(phuong1_2023):
    score = phuong1_2023.scores.get(criterion__code="1.7")
    score.appraisal_comment = '=HYPERLINK("http://example.com","bấm vào đây")'
    score.save()
    sheet = _sheet(lost_criteria_table(assessment_sheet(phuong1_2023)))
    cell = next(row[6] for row in sheet.iter_rows(min_row=6) if row[0].value == "1.7")
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.com","bấm vào đây")'


def test_control_characters_in_a_comment_export_without_error(phuong1_2023):
    # Rows saved before the forms refused control characters still export; XML cannot hold
    # them, so a vertical tab (Word's line break) becomes a line break and the rest go.
    phuong1_2023.scores.filter(criterion__code="1.7").update(
        appraisal_comment="Thiếu\x01\x0bbáo cáo"
    )
    sheet = _sheet(lost_criteria_table(assessment_sheet(phuong1_2023)))
    cell = next(row[6] for row in sheet.iter_rows(min_row=6) if row[0].value == "1.7")
    assert cell.value == "Thiếu\nbáo cáo"


def test_a_unit_name_that_looks_like_a_formula_stays_text_in_the_ranking(phuong1_2023):
    Unit.objects.filter(pk=phuong1_2023.unit_id).update(name="-1+2")
    framework, period = phuong1_2023.framework, phuong1_2023.period
    sheet = _sheet(ranking_table(framework, period, period_results(framework, period)))
    cell = next(r[1] for r in sheet.iter_rows(min_row=6) if r[1].value == "-1+2")
    assert cell.data_type == "s" and cell.quotePrefix
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
