"""A round's survey sheet: one row per unit (code, name, ranking group), one column per survey
or outside criterion (its code and title), the rule of each in the line under the header, the
results already entered in yellow input cells. It reads back through `parsing.survey`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl.styles import Protection

from cchc.spreadsheet import write
from exchange.parsing.survey import META_SHEET, RULE_ROW_LABEL
from exchange.writers import (
    BORDER,
    INPUT_FILL,
    WRAP,
    font,
    header_row,
    landscape,
    new_workbook,
    put,
    title_line,
    to_bytes,
    widths,
)

HEADER_ROW = 5
GUIDE = (
    "Nhập kết quả (%) của từng đơn vị vào các ô nền vàng: số từ 0 đến 100, tối đa bốn chữ số "
    "thập phân, ví dụ 87,35 hoặc 87,3512 (có thể ghi dấu %). Ô để trống thì giữ nguyên kết "
    "quả đã có. Không sửa mã đơn vị, không đổi tiêu đề cột. Điểm được tính theo cách tính ghi "
    "dưới tiêu đề mỗi cột. Tải tệp lên ở trang Kết quả điều tra của đợt."
)


@dataclass(frozen=True)
class SheetColumn:
    code: str
    title: str
    rule: str


@dataclass(frozen=True)
class SheetUnit:
    code: str
    name: str
    group: str
    measures: dict[str, Decimal | None]  # criterion code -> current result


def survey_workbook(
    *, round_id: int, round_name: str, columns: list[SheetColumn], units: list[SheetUnit]
) -> bytes:
    workbook, ws = new_workbook("Kết quả điều tra")
    width = 3 + len(columns)
    title_line(
        ws, 1, "KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC, CHỈ SỐ TỪ NGUỒN BÊN NGOÀI", width, bold=True, size=13
    )
    title_line(ws, 2, f"Đợt đánh giá: {round_name}", width, bold=True)
    title_line(ws, 3, GUIDE, width, italic=True, size=11)
    ws.row_dimensions[3].height = 60
    labels = ["Mã đơn vị", "Tên đơn vị", "Nhóm xếp hạng"]
    header_row(ws, HEADER_ROW, labels + [f"{c.code}. {c.title}" for c in columns])
    rule_row = HEADER_ROW + 1
    put(ws, rule_row, 1, RULE_ROW_LABEL, bold=True)
    for col, column in enumerate(columns, start=4):
        put(ws, rule_row, col, column.rule).font = font(italic=True, size=11)
    for row, unit in enumerate(units, start=rule_row + 1):
        put(ws, row, 1, unit.code)
        put(ws, row, 2, unit.name)
        put(ws, row, 3, unit.group)
        for col, column in enumerate(columns, start=4):
            cell = write(ws, row, col, unit.measures.get(column.code))
            cell.font, cell.border, cell.alignment = font(), BORDER, WRAP
            cell.fill = INPUT_FILL
            # Typed as text ("87,35 %"), so Excel turns no percentage into 0,8735.
            cell.number_format = "@"
            cell.protection = Protection(locked=False)
    widths(ws, (14, 34, 18, *([24] * len(columns))))
    ws.row_dimensions[HEADER_ROW].height = 75
    ws.row_dimensions[rule_row].height = 60
    ws.freeze_panes = f"D{rule_row + 1}"
    landscape(ws, f"{HEADER_ROW}:{rule_row}")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _meta(workbook, round_id, round_name)
    return to_bytes(workbook)


def _meta(workbook, round_id: int, round_name: str) -> None:
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    lines = [
        ("kind", "survey"),
        ("round_id", str(round_id)),
        ("round", round_name),
        ("exported_at", timezone.localtime().strftime("%d/%m/%Y %H:%M")),
    ]
    for row, (key, value) in enumerate(lines, start=1):
        write(meta, row, 1, key)
        write(meta, row, 2, value)
