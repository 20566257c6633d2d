"""Reading cells and tables as people fill them in. Pure functions: no database here."""

from datetime import datetime
from decimal import Decimal as D

import pytest

from exchange.parsing.appendix import find_appendix
from exchange.parsing.counts import counts_in
from exchange.parsing.framework import parse_levels
from exchange.parsing.grid import FileProblem, grid_from_rows, read_workbook
from exchange.parsing.text import (
    CellError,
    cell_code,
    cell_count,
    cell_number,
    fold,
    percent_value,
)
from tests.exchange.workbooks import seed002_rows, xlsx

HEADER = ["Mục", "Nội dung", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0,5", D("0.5")),
        ("2,00", D("2.00")),
        ("0.32", D("0.32")),
        ("- 0,5", D("-0.5")),
        ("-1,00", D("-1.00")),
        (" 1,91 ", D("1.91")),
        (2, D("2")),
        (1.91, D("1.91")),
        (2 - 1.91, D("0.09")),  # what =2-1.91 leaves in a cell
        ("1.234,5", D("1234.5")),
    ],
)
def test_numbers_are_read_with_a_decimal_comma_or_dot_signs_and_spaces(typed, expected):
    assert cell_number(typed, "E7") == expected


@pytest.mark.parametrize("typed", [None, "", "  ", "-", "—"])
def test_an_empty_cell_or_a_lone_dash_is_no_number(typed):
    assert cell_number(typed, "E7") is None


def test_a_word_in_a_number_cell_names_the_cell():
    with pytest.raises(CellError, match="Ô E7: “đạt” không phải là số"):
        cell_number("đạt", "E7")


def test_a_number_excel_turned_into_a_date_says_so():
    with pytest.raises(CellError, match="Ô C9: Excel đã hiểu giá trị thành ngày tháng"):
        cell_number(datetime(2024, 6, 1), "C9")


@pytest.mark.parametrize("typed", [float("inf"), float("-inf"), float("nan")])
def test_a_cell_excel_reads_as_infinity_is_refused_naming_the_cell(typed):
    # Found by fuzzing: a cell stored as 1E+309 reads as infinity, and a count of infinity
    # stopped the upload with a server error.
    with pytest.raises(CellError, match="Ô F7: số quá lớn hoặc không phải là số"):
        cell_count(typed, "F7")


@pytest.mark.parametrize("typed", [10**12, "1000000000", 1e20])
def test_a_count_too_large_to_store_is_refused_in_the_preview(typed):
    with pytest.raises(CellError, match=r"Ô F7: số lượng .* quá lớn\."):
        cell_count(typed, "F7")


def test_codes_are_read_as_text_and_a_number_code_is_flagged():
    assert cell_code(" 3.12.2. ") == ("3.12.2", False)
    assert cell_code(7) == ("7", False)
    assert cell_code(1.6) == ("1.6", True)
    assert cell_code(None) == ("", False)


def test_header_text_is_compared_without_diacritics_or_line_breaks():
    assert fold("Điểm\nthẩm  định") == "diem tham dinh"
    assert fold("Số điểm bị trừ") == "so diem bi tru"


def test_shares_are_read_as_percent_or_fraction():
    assert percent_value("70%", "E2") == D("0.70")
    assert percent_value("75,5%", "E2") == D("0.755")
    assert percent_value("0,3", "E2") == D("0.3")
    assert percent_value(30, "E2") == D("0.30")
    assert percent_value("", "E2") is None


def test_levels_are_read_from_one_cell():
    assert parse_levels("Tốt: 100%; Khá: 75%\nĐạt: 50%", "F3") == [
        {"label": "Tốt", "percent": "100"},
        {"label": "Khá", "percent": "75"},
        {"label": "Đạt", "percent": "50"},
    ]
    with pytest.raises(CellError, match="Ô F3: mức “Tốt 100%” cần ghi dạng"):
        parse_levels("Tốt 100%", "F3")


@pytest.mark.parametrize(
    ("reason", "counts"),
    [
        ("Hoàn thành 44/46 nhiệm vụ, đạt 95,68%", (44, 46)),
        ("73/757 hồ sơ có thanh toán trực tuyến", (73, 757)),
        ("782/903, đạt tỷ lệ 86.6%", (782, 903)),
        ("Trong năm có 870 / 901 hồ sơ", (870, 901)),
        (
            "3 TTHC phát sinh giao dịch thanh toán trực tuyến/30TTHC đang triển khai",
            (3, 30),
        ),
        ("Trong năm chỉ có 01/4 sáng kiến", (1, 4)),
        ("Theo Quyết định 1299/QĐ-UBND ngày 29/12/2023, đạt 5/6 nội dung", (5, 6)),
        ("Nghị định số 42/2022/NĐ-CP", None),
        ("Báo cáo tháng 6/2023 chậm", None),
        ("Đã triển khai thực hiện nhưng chưa đầy đủ", None),
        ("đạt 95,68%", None),
        (None, None),
    ],
)
def test_counts_are_found_in_a_reason_but_not_in_dates_or_document_numbers(reason, counts):
    found = counts_in(reason)
    assert (None if found is None else (found.b, found.a)) == counts


def test_the_seed_table_is_found_under_its_title_with_a_two_line_header():
    table = find_appendix(read_workbook(xlsx(seed002_rows())))
    assert (table.header.first_row, table.header.last_row) == (5, 6)
    assert set(table.columns) == {
        "code",
        "title",
        "maximum",
        "self",
        "appraised",
        "lost",
        "note",
        "responsible",
    }
    assert table.rows[0].code == "1.1.3" and table.rows[0].row == 7
    assert table.totals.row == 23 and table.totals.lost == D("9")


def test_a_table_without_the_later_columns_is_read_and_says_what_it_cannot_check():
    grid = grid_from_rows(
        [["Mục", "Nội dung", "Điểm tối đa", "Điểm thẩm định"], ["1.6", "Cam kết", 1, "0,8"]]
    )
    table = find_appendix([grid])
    assert table.rows[0].appraised == D("0.8")
    assert table.rows[0].note is None  # no column: the comment is left alone
    assert table.problems == []
    assert "Bảng không có cột “Số điểm bị trừ”; phần đó không được đối chiếu." in table.notes


def test_a_grouped_header_reads_each_column_under_its_group():
    rows = [
        ["STT", "Tiêu chí", "Điểm", None, None, "Ý kiến hội đồng thẩm định"],
        [None, None, "Tối đa", "Tự đánh giá", "Thẩm định", None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        ["3.13.3", "Tỷ lệ hồ sơ DVCTT", "1,00", "1,00", "0,87", "782/903"],
    ]
    grid = grid_from_rows(rows, merges=[(1, 3, 1, 5), (1, 1, 2, 1), (1, 2, 2, 2), (1, 6, 2, 6)])
    table = find_appendix([grid])
    assert table.columns == ("code", "title", "maximum", "self", "appraised", "note")
    assert [(r.row, r.code, r.maximum, r.appraised, r.note) for r in table.rows] == [
        (4, "3.13.3", D("1.00"), D("0.87"), "782/903")
    ]


def test_blank_rows_are_skipped_and_a_reason_merged_over_two_rows_is_joined():
    rows = [
        [*HEADER, "Ghi chú"],
        [],
        ["1.7", "Đối thoại", 1, 1, 0, "Trong năm có 01/02 cuộc đối thoại,"],
        [None, None, None, None, None, "nhưng không ban hành văn bản chỉ đạo"],
        [],
        ["7.2", "Cổng thông tin", 1, 1, 0, "Chưa cung cấp đầy đủ"],
    ]
    table = find_appendix([grid_from_rows(rows, merges=[(3, 1, 4, 1)])])
    assert [r.code for r in table.rows] == ["1.7", "7.2"]
    assert (
        table.rows[0].note
        == "Trong năm có 01/02 cuộc đối thoại,\nnhưng không ban hành văn bản chỉ đạo"
    )
    assert table.problems == []


@pytest.mark.parametrize("label", ["Tổng cộng", "Tổng điểm", "TỔNG CỘNG:"])
def test_a_totals_row_ends_the_table(label):
    rows = [HEADER, ["1.6", "Cam kết", 1, 1, "0,8"], [label, None, 1, 1, "0,8"], ["Người lập"]]
    table = find_appendix([grid_from_rows(rows)])
    assert table.totals.row == 3 and table.totals.appraised == D("0.8")
    assert [r.code for r in table.rows] == ["1.6"]


def test_a_totals_label_in_the_title_column_is_recognised():
    rows = [HEADER, ["1.6", "Cam kết", 1, 1, "0,8"], [None, "Tổng cộng", 1, 1, "0,8"]]
    assert find_appendix([grid_from_rows(rows)]).totals.row == 3


def test_rows_without_a_code_are_skipped_with_a_warning_or_refused_when_they_carry_scores():
    rows = [
        HEADER,
        ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", None, None, None],
        ["A", "Lĩnh vực lạ", 2, 2, 1],
        ["1.6", "Cam kết", 1, 1, "0,8"],
    ]
    table = find_appendix([grid_from_rows(rows)])
    assert [(p.severity, p.row) for p in table.problems] == [("warning", 2), ("error", 3)]
    assert "Mã “A” không phải mã tiêu chí" in table.problems[1].message


def test_an_unreadable_number_is_an_error_naming_the_cell():
    table = find_appendix([grid_from_rows([HEADER, ["1.6", "Cam kết", 1, 1, "không đạt"]])])
    assert table.problems[0].row == 2
    assert table.problems[0].message.startswith("Ô E2: “không đạt” không phải là số")


def test_a_sheet_without_the_table_says_which_columns_it_needs():
    table = find_appendix([grid_from_rows([["Báo cáo"], ["Nội dung"]])])
    assert table.rows == []
    assert "cần một dòng tiêu đề có cột “Mục”" in table.problems[0].message


def test_an_old_xls_file_is_refused_with_what_to_do():
    with pytest.raises(FileProblem, match=r"định dạng Excel cũ \(.xls\)"):
        read_workbook(b"\xd0\xcf\x11\xe0" + b"\0" * 100)


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(FileProblem, match="không phải là tệp Excel"):
        read_workbook("Mục;Nội dung\n1.6;0,8".encode())


def test_the_commune_letter_layout_with_codes_under_stt_is_read():
    header = [
        "STT",
        "Lĩnh vực / tiêu chí / tiêu chí thành phần",
        "Điểm chuẩn",
        "Điểm tự đánh giá",
        "Điểm thẩm định",
        "Điểm trừ",
        "Ý kiến hội đồng thẩm định",
        "Người thực hiện chính",
    ]
    rows = [
        header,
        ["3.11.1", "Luân chuyển hồ sơ điện tử", 1, 1, 0, 1, "164/739 hồ sơ", "Bộ phận một cửa"],
    ]
    table = find_appendix([grid_from_rows(rows)])
    assert table.columns == (
        "code",
        "title",
        "maximum",
        "self",
        "appraised",
        "lost",
        "note",
        "responsible",
    )
    assert (table.rows[0].code, table.rows[0].note, table.rows[0].responsible) == (
        "3.11.1",
        "164/739 hồ sơ",
        "Bộ phận một cửa",
    )


def test_a_numbering_column_next_to_the_code_column_is_not_taken_for_codes():
    rows = [["STT", "Mã tiêu chí", "Nội dung", "Điểm thẩm định"], [1, "1.6", "Cam kết", "0,8"]]
    table = find_appendix([grid_from_rows(rows)])
    assert [r.code for r in table.rows] == ["1.6"]
