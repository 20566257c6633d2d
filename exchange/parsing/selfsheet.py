"""The offline self-assessment sheet the app hands out, filled in and uploaded back. No Django.

The sheet carries a hidden page "_cchc" naming the unit, period and assessment it belongs to,
and a hidden "Phiên bản" column with each criterion's edit version at download time, so an
upload can tell a value changed in the file from one changed in the app since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from exchange.parsing.grid import Grid
from exchange.parsing.table import Header, find_header
from exchange.parsing.text import (
    CellError,
    cell_code,
    cell_count,
    cell_name,
    cell_number,
    cell_text,
    fold,
    is_code,
)
from exchange.preview import Problem, error, warning

META_SHEET = "_cchc"
PATTERNS = (
    ("version", (r"\bphien ban\b",)),
    ("self", (r"\btu danh gia\b",)),
    ("b", (r"^so b\b",)),
    ("a", (r"^so a\b",)),
    ("note", (r"\bgiai thich\b", r"\bthuyet minh\b")),
    ("maximum", (r"\btoi da\b",)),
    ("code", (r"^(ma|ma tieu chi|muc|stt)\b",)),
    ("title", (r"\bnoi dung\b",)),
)


@dataclass
class SelfRow:
    row: int
    code: str
    value: Decimal | None = None
    b: int | None = None
    a: int | None = None
    note: str | None = None  # None: the file has no explanation column
    version: int | None = None
    # Text in the value cell that is no number: a named value ("Đạt", a level name) the plan
    # maps by the criterion's method, or, when it names nothing, `value_error`.
    value_text: str = ""
    value_error: str = ""
    errors: list[str] = field(default_factory=list)  # cells that cannot be read at all


@dataclass
class SelfSheet:
    meta: dict[str, str] = field(default_factory=dict)
    header: Header | None = None
    rows: list[SelfRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_meta(grids: list[Grid]) -> dict[str, str]:
    """Key/value pairs of the hidden "_cchc" page, {} when the file has none."""
    for grid in grids:
        if grid.name == META_SHEET:
            return {
                cell_text(grid.cell(r, 1)): cell_text(grid.cell(r, 2))
                for r in range(1, grid.height + 1)
                if cell_text(grid.cell(r, 1))
            }
    return {}


def parse_self_sheet(grids: list[Grid]) -> SelfSheet:
    sheet = SelfSheet(meta=read_meta(grids))
    for grid in grids:
        if grid.name == META_SHEET:
            continue
        header = find_header(grid, PATTERNS, required=("code", "self"))
        if header is not None:
            sheet.header = header
            _read_rows(grid, header, sheet)
            return sheet
    sheet.problems.append(
        error(
            "Không tìm thấy bảng tự đánh giá: cần dòng tiêu đề có cột “Mã” và cột “Điểm tự "
            "đánh giá”. Hãy dùng tệp tải về từ trang Trao đổi Excel của bản đánh giá."
        )
    )
    return sheet


def _read_rows(grid: Grid, header: Header, sheet: SelfSheet) -> None:
    cols = header.columns
    for row in range(header.data_start, grid.height + 1):
        code, _ = cell_code(grid.cell(row, cols["code"]))
        if not code:
            continue
        if fold(code).startswith("tong"):
            break  # the totals line ends the table
        if not is_code(code):
            sheet.problems.append(warning(f"Dòng “{code}” không có mã tiêu chí, bỏ qua.", row))
            continue
        entry = SelfRow(row=row, code=code)
        # A cell that cannot be read stays with its row, so the preview shows it there.
        raw = grid.cell(row, cols["self"])
        try:
            entry.value = cell_number(raw, cell_name(row, cols["self"]))
        except CellError as exc:
            if isinstance(raw, str):
                entry.value_text, entry.value_error = cell_text(raw), str(exc)
            else:
                entry.errors.append(str(exc))
        for key in ("b", "a", "version"):
            if key not in cols:
                continue
            try:
                count = cell_count(grid.cell(row, cols[key]), cell_name(row, cols[key]))
            except CellError as exc:
                entry.errors.append(str(exc))
            else:
                setattr(entry, key, count)
        if "note" in cols:
            entry.note = cell_text(grid.cell(row, cols["note"]))
        sheet.rows.append(entry)
    if not sheet.rows:
        sheet.problems.append(error("Bảng tự đánh giá không có dòng nào mang mã tiêu chí."))
