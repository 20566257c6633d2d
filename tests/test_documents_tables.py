"""The phụ lục tables as data, and how documents write dates, numbers and lists."""

from datetime import date
from decimal import Decimal as D

import pytest

from documents import formatting
from documents.tables import Table, lost_criteria_table, ranking_table, score_sheet_table
from scoring.selectors import assessment_sheet, period_results
from tests import seed002

# --- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (date(2022, 2, 28), "Phường 2, ngày 28 tháng 02 năm 2022"),
        (date(2024, 1, 5), "Phường 2, ngày 05 tháng 01 năm 2024"),
        (date(2022, 6, 9), "Phường 2, ngày 09 tháng 6 năm 2022"),
        (date(2023, 12, 29), "Phường 2, ngày 29 tháng 12 năm 2023"),
    ],
)
def test_the_place_and_date_line_pads_days_below_10_and_the_first_two_months(when, expected):
    assert formatting.place_date("Phường 2", when) == expected


def test_a_draft_leaves_day_and_month_blank_for_the_office_to_fill_in():
    line = formatting.place_date("Phường 1", None, 2024)
    assert line.startswith("Phường 1, ngày") and line.endswith("năm 2024")
    day_and_month = line.split("ngày", 1)[1].rsplit("năm", 1)[0]
    assert "tháng" in day_and_month and not any(ch.isdigit() for ch in day_and_month)


def test_document_numbers_pad_to_two_digits_and_stay_blank_before_issuing():
    assert formatting.document_number(105, "UBND-VP") == "105/UBND-VP"
    assert formatting.document_number(5, "BC-UBND") == "05/BC-UBND"
    assert formatting.document_number(None, "BC-UBND").strip().startswith("/BC-UBND")


def test_lists_get_a_dash_a_semicolon_and_a_final_full_stop_whatever_was_typed():
    typed = ["Như trên", "- Phòng Nội vụ thị xã;", "Lưu: VT, VP."]
    assert formatting.listed(typed) == ["- Như trên;", "- Phòng Nội vụ thị xã;", "- Lưu: VT, VP."]


def test_one_recipient_stays_on_the_kinh_gui_line_and_several_go_one_per_line():
    assert formatting.recipients_lines(["Các công chức chuyên môn"]) == [
        "Các công chức chuyên môn."
    ]
    assert formatting.recipients_lines(["A", "B"]) == ["- A;", "- B."]


def test_the_change_reads_as_the_seed_writes_it():
    assert formatting.change_phrase(D("9.18"), "năm 2022") == "tăng 9,18 điểm so với năm 2022"
    assert formatting.change_phrase(D("-1.5"), "năm 2022") == "giảm 1,50 điểm so với năm 2022"
    assert formatting.change_phrase(None, "năm 2022") == ""
    assert formatting.signed_change(D("-1.25")) == "\u22121,25"


def test_a_whole_maximum_prints_without_decimals():
    assert formatting.points(D("100.00")) == "100"
    assert formatting.points(D("54.50")) == "54,50"


def test_units_are_named_in_lower_case_in_running_text():
    assert formatting.running_name("Thị xã Quảng Trị") == "thị xã Quảng Trị"
    assert formatting.lower_first("UBND phường") == "UBND phường"
    assert formatting.peer_kinds(["Xã", "Phường", "Phường"]) == "phường, xã"


# --- the tables -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lost_criteria_table_reproduces_the_seed_002_appendix(phuong1_2023):
    table = lost_criteria_table(assessment_sheet(phuong1_2023))
    rows, total = table.rows[:-1], table.rows[-1]
    assert [tuple(r.cells[:1] + r.cells[2:6]) for r in rows] == seed002.ROWS
    assert total.style == "total" and tuple(total.cells[2:6]) == seed002.TOTALS
    assert table.landscape
    assert "BỊ TRỪ ĐIỂM NĂM 2023" in table.title
    row_153 = next(r for r in rows if r.cells[0] == "1.5.3")
    assert row_153.cells[6].startswith("Chưa tổ chức đánh giá chỉ số CCHC 6 tháng đầu năm 2023")
    assert row_153.cells[7] == "Văn phòng - Thống kê (phụ trách CCHC)"


@pytest.mark.django_db
def test_the_responsible_column_falls_back_to_the_department_name(phuong1_2023):
    table = lost_criteria_table(assessment_sheet(phuong1_2023))
    row_113 = next(r for r in table.rows if r.cells[0] == "1.1.3")  # no note in the seed
    assert row_113.cells[7] == "Văn phòng - Thống kê"


@pytest.mark.django_db
def test_the_full_sheet_groups_every_criterion_under_its_field_with_subtotals(phuong1_2023):
    sheet = assessment_sheet(phuong1_2023)
    table = score_sheet_table(sheet)
    fields = [r for r in table.rows if r.style == "field"]
    assert [r.cells[0] for r in fields] == ["1", "2", "3", "4", "5", "6", "7"]
    field_1 = fields[0]
    # field 1 lost 0,09 + 1 + 1,5 + 0,2 + 1 = 3,79 of its 16 points
    assert field_1.cells[2:6] == [D("16.00"), D("14.50"), D("12.21"), D("3.79")]
    assert len(table.rows) == len(sheet.rows) + 1
    assert table.rows[-1].cells[2:6] == [D("100.00"), D("98.50"), D("91.00"), D("9.00")]
    assert "Tổng điểm: 91,00/100 điểm (91,00%); xếp loại: Tốt; xếp thứ 3/5." in table.notes


@pytest.mark.django_db
def test_the_ranking_lists_every_unit_with_rank_total_percentage_class_and_change(phuong1_2023):
    framework, period = phuong1_2023.framework, phuong1_2023.period
    table = ranking_table(framework, period, period_results(framework, period))
    assert len(table.rows) == 5 and not table.landscape
    phuong_1 = next(r for r in table.rows if r.cells[1] == "Phường 1")
    assert phuong_1.cells == ["3/5", "Phường 1", D("91.00"), D("91.00"), "Tốt", D("9.18")]
    assert "PHƯỜNG, XÃ TRÊN ĐỊA BÀN THỊ XÃ QUẢNG TRỊ" in table.title
    assert table.columns[-1].label == "Tăng/giảm so với năm 2022"


@pytest.mark.django_db
def test_a_table_survives_the_trip_through_json_unchanged(phuong1_2023):
    table = lost_criteria_table(assessment_sheet(phuong1_2023))
    assert Table.from_json(table.to_json()) == table
