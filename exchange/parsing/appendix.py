"""The appraisal table as councils publish it (the phụ lục of seed 002). No Django.

`Mục | Nội dung | Điểm tối đa | Điểm tự đánh giá | Điểm thẩm định | Số điểm bị trừ |
Ghi chú (Lý do giảm điểm) | Trách nhiệm`, found wherever it sits on the sheet: titles above it,
a header over one or two lines, the later columns present or not, every criterion or only those
that lost points, blank rows, cells merged down where a reason runs long, and possibly a totals
row ("Tổng cộng", "Tổng điểm") that ends the table.

This module only reads; what the numbers mean against a framework is `exchange.plans`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from exchange.parsing.grid import Grid
from exchange.parsing.table import Header, find_header, is_numbering_row
from exchange.parsing.text import (
    CellError,
    cell_code,
    cell_name,
    cell_number,
    cell_text,
    fold,
    is_code,
)
from exchange.preview import Problem, error, warning
from scoring.engine import is_none_word

# Order matters: the first pattern a header matches wins, so "Ý kiến hội đồng thẩm định"
# is the reason column, not the appraised score.
PATTERNS = (
    ("lost", (r"\bbi tru\b", r"\bdiem tru\b", r"\bso diem tru\b")),
    ("note", (r"\bghi chu\b", r"\bly do\b", r"\by kien\b")),
    ("responsible", (r"\btrach nhiem\b", r"\bnguoi thuc hien\b", r"\bphu trach\b")),
    ("self", (r"\btu danh gia\b", r"\btu cham\b", r"\btu dg\b")),
    ("appraised", (r"\btham dinh\b",)),
    ("maximum", (r"\btoi da\b", r"\bdiem chuan\b")),
    ("code", (r"^(muc|ma|ma so|ma tieu chi)\b",)),
    ("seq", (r"^(stt|tt|so tt)\b",)),  # the codes' column when there is no "Mục" / "Mã"
    ("title", (r"\bnoi dung\b", r"\btieu chi\b", r"\blinh vuc\b")),
)
NUMBER_KEYS = ("maximum", "self", "appraised", "lost")
TOTAL_EXACT = frozenset({"tong", "cong", "tong cong", "tong diem", "tong so", "tong so diem"})
TOTAL_PREFIXES = ("tong cong", "tong diem", "tong so diem")

COLUMN_LABELS = {
    "code": "Mục",
    "title": "Nội dung",
    "maximum": "Điểm tối đa",
    "self": "Điểm tự đánh giá",
    "appraised": "Điểm thẩm định",
    "lost": "Số điểm bị trừ",
    "note": "Ghi chú (Lý do giảm điểm)",
    "responsible": "Trách nhiệm",
}


@dataclass
class AppendixRow:
    row: int
    code: str
    title: str = ""
    maximum: Decimal | None = None
    self_value: Decimal | None = None
    appraised: Decimal | None = None
    lost: Decimal | None = None
    note: str | None = None  # None: the file has no such column
    responsible: str | None = None
    code_was_number: bool = False
    unreadable: bool = False  # a number cell could not be read (reported as an error)
    appraised_none: bool = False  # "Không phát sinh" / "KPS" in the appraised column


@dataclass
class TotalsRow:
    row: int
    maximum: Decimal | None = None
    self_value: Decimal | None = None
    appraised: Decimal | None = None
    lost: Decimal | None = None


@dataclass
class AppendixTable:
    sheet: str = ""
    header: Header | None = None
    columns: tuple[str, ...] = ()
    rows: list[AppendixRow] = field(default_factory=list)
    totals: TotalsRow | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the table cannot tell


def find_appendix(grids: list[Grid]) -> AppendixTable:
    """The first visible sheet that holds an appraisal table, read."""
    for grid in grids:
        if grid.hidden:
            continue
        header = find_header(
            grid, PATTERNS, required=("code", "appraised"), fallbacks={"code": "seq"}
        )
        if header is not None:
            return parse_appendix(grid, header)
    return AppendixTable(
        problems=[
            error(
                "Không tìm thấy bảng kết quả thẩm định: cần một dòng tiêu đề có cột “Mục” (mã "
                "tiêu chí) và cột “Điểm thẩm định”, ví dụ: Mục | Nội dung | Điểm tối đa | "
                "Điểm tự đánh giá | Điểm thẩm định | Số điểm bị trừ | Ghi chú | Trách nhiệm."
            )
        ]
    )


def _is_total(text: str) -> bool:
    folded = fold(text).rstrip(":")
    return folded in TOTAL_EXACT or folded.startswith(TOTAL_PREFIXES)


def _numbers(grid: Grid, row: int, columns: dict[str, int], problems: list[Problem]) -> dict:
    values: dict[str, Decimal | None] = {}
    for key in NUMBER_KEYS:
        col = columns.get(key)
        if col is None:
            continue
        if key == "appraised" and is_none_word(grid.cell(row, col)):
            values[key], values["appraised_none"] = None, True
            continue
        try:
            values[key] = cell_number(grid.cell(row, col), cell_name(row, col))
        except CellError as exc:
            problems.append(error(str(exc), row))
            values[key] = None
            values["unreadable"] = True
    return values


def _text(grid: Grid, row: int, col: int | None) -> str | None:
    return None if col is None else cell_text(grid.cell(row, col))


def _append(previous: str | None, more: str) -> str | None:
    if previous is None or not more:
        return previous
    return f"{previous}\n{more}" if previous else more


def parse_appendix(grid: Grid, header: Header) -> AppendixTable:
    columns = header.columns
    table = AppendixTable(sheet=grid.name, header=header, columns=tuple(columns))
    for key in ("maximum", "lost", "note"):
        if key not in columns:
            table.notes.append(
                f"Bảng không có cột “{COLUMN_LABELS[key]}”; phần đó không được đối chiếu."
            )
    for row in range(header.data_start, grid.height + 1):
        values = [grid.cell(row, col) for col in range(1, grid.width + 1)]
        if all(cell_text(v) == "" for v in values) or is_numbering_row(grid, row):
            continue
        if _read_totals(grid, row, table):
            break  # what follows a totals row (signatures, notes) is not the table
        _read_row(grid, row, table)
    if not table.rows:
        table.problems.append(
            error(
                f"Bảng trên trang “{grid.name}” (tiêu đề ở dòng {header.first_row}) không có "
                "dòng nào mang mã tiêu chí."
            )
        )
    return table


def _read_totals(grid: Grid, row: int, table: AppendixTable) -> bool:
    """Read the row as the totals row if it is one ("Tổng cộng" and numbers)."""
    columns = dict(
        zip(table.columns, (table.header.columns[k] for k in table.columns), strict=True)
    )
    code_text = cell_text(grid.cell(row, columns["code"]))
    title = _text(grid, row, columns.get("title")) or ""
    if not (_is_total(code_text) or (not code_text and _is_total(title))):
        return False
    numbers = _numbers(grid, row, columns, table.problems)
    if not any(numbers.get(k) is not None for k in NUMBER_KEYS):
        return False
    table.totals = TotalsRow(
        row=row,
        maximum=numbers.get("maximum"),
        self_value=numbers.get("self"),
        appraised=numbers.get("appraised"),
        lost=numbers.get("lost"),
    )
    return True


def _read_row(grid: Grid, row: int, table: AppendixTable) -> None:
    """A criterion's row, the continuation of the row above, or a row to report and skip."""
    columns = table.header.columns
    code_value = grid.cell(row, columns["code"])
    code, was_number = cell_code(code_value)
    problems: list[Problem] = []
    numbers = _numbers(grid, row, columns, problems)
    has_numbers = any(numbers.get(k) is not None for k in NUMBER_KEYS) or bool(
        numbers.get("appraised_none")
    )
    if not code and table.rows and not has_numbers and not problems:
        _continue(table.rows[-1], grid, row, columns)
        return
    table.problems.extend(problems)
    if not code:
        table.problems.append(
            error("Dòng có điểm nhưng không có mã tiêu chí ở cột “Mục”.", row)
            if has_numbers
            else warning("Dòng không có mã tiêu chí, bỏ qua.", row)
        )
        return
    if not is_code(code):
        text = cell_text(code_value)
        table.problems.append(
            error(
                f"Mã “{text}” không phải mã tiêu chí (mã gồm các số cách nhau bởi dấu chấm, "
                "ví dụ 3.12.2).",
                row,
            )
            if has_numbers
            else warning(f"Dòng “{text}” không có mã tiêu chí, bỏ qua.", row)
        )
        return
    table.rows.append(
        AppendixRow(
            row=row,
            code=code,
            title=_text(grid, row, columns.get("title")) or "",
            maximum=numbers.get("maximum"),
            self_value=numbers.get("self"),
            appraised=numbers.get("appraised"),
            lost=numbers.get("lost"),
            note=_text(grid, row, columns.get("note")),
            responsible=_text(grid, row, columns.get("responsible")),
            code_was_number=was_number,
            unreadable=bool(numbers.get("unreadable")),
            appraised_none=bool(numbers.get("appraised_none")),
        )
    )


def _continue(last: AppendixRow, grid: Grid, row: int, columns: dict[str, int]) -> None:
    """The rest of a long title or reason, in the row below (merged or simply continued)."""
    last.title = _append(last.title, _text(grid, row, columns.get("title")) or "") or last.title
    last.note = _append(last.note, _text(grid, row, columns.get("note")) or "")
    last.responsible = _append(last.responsible, _text(grid, row, columns.get("responsible")) or "")
