"""Workbooks for the exchange tests, typed the way people type them.

`seed002_rows()` is the phụ lục of seed 002 (Báo cáo 20/BC-UBND of UBND Phường 1, 27/02/2024)
exactly as printed: its title lines, the header over two lines, every reason and responsibility
as written (typos included), decimals with a dot as printed and therefore stored as text (what a
Vietnamese-locale Excel does with "1.91"), whole numbers as numbers, and the totals row
20 / 18.5 / 11 / 9. fixtures/exchange/seed002_phu_luc.xlsx is this workbook, saved with
column widths for reading (regenerate: `.venv/bin/python -m tests.exchange.workbooks`); a test
checks the two agree.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "exchange" / "seed002_phu_luc.xlsx"

TITLE = [
    ["PHỤ LỤC"],
    ["TỔNG HỢP CÁC NỘI DUNG THỰC HIỆN CẢI CÁCH HÀNH CHÍNH BỊ TRỪ ĐIỂM NĂM 2023"],
    ["(Kèm theo Báo cáo số 20/BC-UBND ngày 27 tháng 02 năm 2024)"],
    [],
]
HEADER = [
    [
        "Mục",
        "Nội dung",
        "Điểm\ntối đa",
        "Điểm tự\nđánh giá",
        "Điểm\nthẩm\nđịnh",
        "Số\nđiểm\nbị trừ",
        "Ghi chú\n(Lý do giảm điểm)",
        "Trách nhiệm bộ\nphận phụ trách",
    ],
    [None, "Lĩnh vực/ Tiêu chí/Tiêu chí thành\nphần", None, None, None, None, None, None],
]
# Everything but "Nội dung" spans both header lines.
HEADER_MERGES = [(5, col, 6, col) for col in (1, 3, 4, 5, 6, 7, 8)]

ROWS = [
    [
        "1.1.3",
        "Mức độ thực hiện kế hoạch CCHC",
        2,
        2,
        "1.91",
        "0.09",
        "Hoàn thành 44/46 nhiệm vụ, đạt 95,68%\n"
        "- Các bộ phận chưa đề xuất cắt giảm thủ tục hành chính (LĐ TBXH, Tư pháp - Hộ tịch).\n"
        "- Chưa đề ra giải pháp cụ thể và báo cáo kết quả nâng cao các chỉ số",
        None,
    ],
    [
        "1.5.3",
        "Tổ chức thực hiện đánh giá chỉ số đã công bố và kết quả khắc phục tồn tại, hạn chế",
        1,
        1,
        0,
        1,
        "Chưa tổ chức đánh giá chỉ số CCHC 6 tháng đầu năm 2023 và báo cáo kết quả khắc phục "
        "chỉ số CCHC 2022, 6 tháng đầu năm 2023",
        "- Văn phòng - Thống kê (phụ trách CCHC)",
    ],
    [
        "1.5.4",
        "Sáng kiến trong triển khai CCHC",
        2,
        "0.5",
        "0.5",
        "1.5",
        "Trong năm chỉ có 01/4 sáng kiến trong công tác CCHC được công nhận",
        "Công chức phụ trách CCHC và công chức chuyên môn",
    ],
    [
        "1.6",
        "Thực hiện cam kết cải thiện, nâng cao các chỉ số",
        1,
        1,
        "0.8",
        "0.2",
        "Hoàn thành 4/5 nội dung cam kết, đạt 80% (tỷ lệ thanh toán trực tuyến không đạt)",
        "Bộ phận tiếp nhận và trả kết quả phường",
    ],
    [
        "1.7",
        "Đối thoại của Lãnh đạo UBND xã với người dân, doanh nghiệp",
        1,
        1,
        0,
        1,
        "Trong năm có 01/02 cuộc đối thoại, nhưng không ban hành văn bản chỉ đạo, giải quyết "
        "những kiến nghị và báo cáo kết quả giải quyết kiến nghị, đề xuất",
        "Bộ phận tiếp nhận và trả kết quả phường",
    ],
    [
        "3.11.1",
        "Tỷ lệ hồ sơ giải quyết TTHC được luân chuyển trong nội bộ giữa các cơ quan có thẩm "
        "quyền giải quyết hoặc các cơ quan có liên quan được thực hiện bằng phương thức điên tử",
        1,
        1,
        "0.96",
        "0.04",
        "Trong năm có 870/901 hồ sơ, đạt 96,56%",
        "Bộ phận tiếp nhận và trả kết quả phường",
    ],
    [
        "3.11.2",
        "Tỷ lệ hồ sơ thủ tục hành chính có cấp kết quả giải quyết TTHC điện tử",
        1,
        1,
        "0.99",
        "0.01",
        "896/900 hồ sơ, đạt tỷ lệ 99,56%",
        "Công chức VH-XH (Phụ trách LĐ TBXH)",
    ],
    [
        "3.12.1",
        "Tỷ lệ TTHC có phát sinh giao dịch thanh toán trực tuyến",
        1,
        1,
        "0.1",
        "0.9",
        "3 TTHC phát sinh giao dịch thanh toán trực tuyến/30TTHC đang triển khai thanh toán "
        "trực tuyến",
        "Bộ phận tiếp nhận và trả kết quả phường",
    ],
    [
        "3.12.2",
        "Tỷ lệ hồ sơ thanh toán trực tuyến",
        1,
        1,
        "0.32",
        "0.68",
        "73/757 hồ sơ có thanh toán trực tuyến",
        "Công chức Văn phòng - Thống kê (phụ trách CCHC)",
    ],
    [
        "3.13.2",
        "Tỷ lệ DVCTT có phát sinh hồ sơ trực tuyến",
        1,
        1,
        "0.94",
        "0.06",
        "18/19 phát sinh hồ sơ trực tuyến",
        "Bộ phận tiếp nhận và trả kết quả phường",
    ],
    [
        "3.13.3",
        "Tỷ lệ hồ sơ DVCTT",
        1,
        1,
        "0.87",
        "0.13",
        "782/903, đạt tỷ lệ 86.6%",
        "Bộ phận tiếp nhận và trả kết quả phường",
    ],
    [
        "4.4",
        "Thực hiện phân cấp quản lý do UBND cấp huyện ban hành",
        1,
        1,
        0,
        1,
        "Chưa có báo cáo thực hiện nhiệm vụ về phân cấp quản lý nhà nước theo đúng quy định",
        "Công chức Văn phòng - Thống kê",
    ],
    [
        "7.1.4",
        "Triển khai xử lý văn bản và hồ sơ công việc trên môi trường mạng theo đúng quy trình "
        "từ khâu tiếp nhận văn bản, chuyển xử lý, taaoj lập hồ sơ, trình qua các cấp thaarm "
        "quyền phê duyệt và ký số văn bản trên phần mềm QLVB và HSCV (trừ văn bản mật)",
        2,
        2,
        1,
        1,
        "Đã triển khai thực hiện nhưng chưa đầy đủ",
        "Các công chức liên quan",
    ],
    [
        "7.2",
        "Thông tin cung cấp trên Cổng/Trang thông tin điện tử",
        1,
        1,
        0,
        1,
        "Chức cung cấp đầy đủ theo Quy định tại Nghị định số 42",
        "Công chức VH-XH",
    ],
    [
        "7.3.1",
        "UBND cấp xã áp dụng chữ ký số",
        1,
        1,
        "0.69",
        "0.31",
        "319/461, đạt 69.2%",
        "Các công chức liên quan",
    ],
    [
        "7.3.2",
        "Lãnh đạo đơn vị áp dụng chữ ký số",
        2,
        2,
        "1.92",
        "0.08",
        "307/319, đạt 96.24%",
        "Các công chức liên quan",
    ],
]
TOTALS = ["Tổng cộng", None, 20, "18.5", 11, 9, None, None]

FIRST_DATA_ROW = len(TITLE) + len(HEADER) + 1  # Excel row of 1.1.3
TOTALS_ROW = FIRST_DATA_ROW + len(ROWS)


def row_of(code: str) -> int:
    """The Excel row of a criterion in the seed workbook."""
    return FIRST_DATA_ROW + [r[0] for r in ROWS].index(code)


def xlsx(rows: list[list], merges=(), *, sheet: str = "Phụ lục") -> bytes:
    """A workbook whose first sheet holds `rows` from A1, with the given merged ranges."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for values in rows:
        ws.append(list(values) if values else [None])
    for min_row, min_col, max_row, max_col in merges:
        ws.merge_cells(start_row=min_row, start_column=min_col, end_row=max_row, end_column=max_col)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed002_rows(rows=None, totals=TOTALS) -> list[list]:
    body = [list(r) for r in (ROWS if rows is None else rows)]
    return [*TITLE, *HEADER, *body, *([list(totals)] if totals else [])]


def seed002_merges(rows=None, totals=TOTALS) -> list[tuple]:
    count = len(ROWS if rows is None else rows)
    merges = [(1, 1, 1, 8), (2, 1, 2, 8), (3, 1, 3, 8), *HEADER_MERGES]
    if totals:
        merges.append((FIRST_DATA_ROW + count, 1, FIRST_DATA_ROW + count, 2))
    return merges


def seed002_xlsx(rows=None, totals=TOTALS) -> bytes:
    """The seed 002 phụ lục as an .xlsx, or a variant with other data rows or totals."""
    return xlsx(seed002_rows(rows, totals), seed002_merges(rows, totals))


# A float openpyxl can write; `overflowing` turns it into one Excel reads back as infinity.
OVERFLOW_MARK = 1e308


def overflowing(data: bytes) -> bytes:
    """The workbook with every cell holding OVERFLOW_MARK stored as 1e+309 instead, a number
    too large for a float (openpyxl reads it as infinity; Excel shows #NUM!)."""
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(b"1e+308</v>", b"1e+309</v>")
            new.writestr(item, content)
    return target.getvalue()


def save_fixture() -> None:
    """Write fixtures/exchange/seed002_phu_luc.xlsx, laid out for reading (widths, wrapping)."""
    workbook = load_workbook(io.BytesIO(seed002_xlsx()))
    ws = workbook.active
    for col, width in zip("ABCDEFGH", (8, 42, 8, 9, 9, 8, 34, 24), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in (1, 2, 5, 6, TOTALS_ROW):
        for cell in ws[row]:
            cell.font = Font(bold=True)
    workbook.save(FIXTURE)


if __name__ == "__main__":
    save_fixture()
