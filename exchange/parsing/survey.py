"""A round's survey sheet: one row per unit, one column per survey or outside criterion, as
the app hands it out (`exchange.writers.survey`) and the council fills it in. No Django.

The header row starts with "Mã đơn vị"; each criterion column is headed by its code ("3.1.
Mức độ hài lòng …"). The line under the header that starts "Cách tính điểm" holds the rules
and is skipped. A blank cell leaves the unit's result as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from exchange.parsing.grid import Grid
from exchange.parsing.table import HEADER_SEARCH_ROWS
from exchange.parsing.text import CellError, cell_name, cell_number, cell_text, fold
from exchange.preview import Problem, error

META_SHEET = "_cchc"
RULE_ROW_LABEL = "Cách tính điểm"
_COLUMN_CODE = re.compile(r"^(\d+(?:\.\d+)*)\.?(?:\s|$)")


@dataclass
class SurveyCell:
    cell: str  # "D7"
    measure: Decimal | None = None
    error: str = ""
    # A number Excel kept from a cell formatted as a percentage (0,8735 for 87,35 %).
    looks_like_share: bool = False


@dataclass
class SurveyRow:
    row: int
    unit_code: str
    unit_name: str = ""
    cells: dict[str, SurveyCell] = field(default_factory=dict)  # criterion code -> cell


@dataclass
class SurveySheet:
    meta: dict[str, str] = field(default_factory=dict)
    header_row: int | None = None
    columns: dict[str, int] = field(default_factory=dict)  # criterion code -> column
    rows: list[SurveyRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def cell_measure(value: object, where: str) -> Decimal | None:
    """A percentage in a cell: 87.35, "87,35", "87,35 %"; None when empty."""
    if isinstance(value, str):
        value = value.strip().removesuffix("%").strip()
    return cell_number(value, where)


def parse_survey_sheet(grids: list[Grid]) -> SurveySheet:
    sheet = SurveySheet()
    data_grid = None
    for grid in grids:
        if grid.name == META_SHEET:
            sheet.meta = {
                cell_text(grid.cell(r, 1)): cell_text(grid.cell(r, 2))
                for r in range(1, grid.height + 1)
                if cell_text(grid.cell(r, 1))
            }
        elif not grid.hidden and data_grid is None and _header(grid) is not None:
            data_grid = grid
    if data_grid is None:
        sheet.problems.append(
            error(
                "Không tìm thấy bảng kết quả: cần dòng tiêu đề bắt đầu bằng “Mã đơn vị”, "
                "mỗi cột tiêu chí ghi mã tiêu chí ở đầu (ví dụ “3.1. Mức độ hài lòng”)."
            )
        )
        return sheet
    sheet.header_row = _header(data_grid)
    _read_columns(data_grid, sheet)
    _read_rows(data_grid, sheet)
    return sheet


def _header(grid: Grid) -> int | None:
    for row in range(1, min(grid.height, HEADER_SEARCH_ROWS) + 1):
        if fold(grid.cell(row, 1)) == "ma don vi":
            return row
    return None


def _read_columns(grid: Grid, sheet: SurveySheet) -> None:
    row = sheet.header_row
    for col in range(3, grid.width + 1):
        text = cell_text(grid.cell(row, col))
        match = _COLUMN_CODE.match(text)
        if not match:
            continue
        code = match.group(1)
        if code in sheet.columns:
            sheet.problems.append(
                error(
                    f"Tiêu chí {code}: có hai cột (ô {cell_name(row, sheet.columns[code])} và "
                    f"{cell_name(row, col)}); hãy bỏ một cột.",
                    row,
                )
            )
            continue
        sheet.columns[code] = col
    if not sheet.columns:
        sheet.problems.append(
            error(
                "Dòng tiêu đề không có cột tiêu chí nào; mỗi cột tiêu chí ghi mã tiêu chí ở đầu, "
                "ví dụ “3.1. Mức độ hài lòng”.",
                row,
            )
        )


def _read_rows(grid: Grid, sheet: SurveySheet) -> None:
    for row in range(sheet.header_row + 1, grid.height + 1):
        first = cell_text(grid.cell(row, 1))
        if fold(first).startswith(fold(RULE_ROW_LABEL)):
            continue
        cells = {code: grid.cell(row, col) for code, col in sheet.columns.items()}
        if not first and all(cell_text(v) == "" for v in cells.values()):
            continue
        entry = SurveyRow(row=row, unit_code=first, unit_name=cell_text(grid.cell(row, 2)))
        for code, col in sheet.columns.items():
            where = cell_name(row, col)
            cell = SurveyCell(cell=where)
            raw = cells[code]
            try:
                cell.measure = cell_measure(raw, where)
            except CellError as exc:
                cell.error = str(exc).removeprefix(f"Ô {where}: ")
            if isinstance(raw, float | int) and cell.measure is not None:
                cell.looks_like_share = 0 < cell.measure < 1
            entry.cells[code] = cell
        sheet.rows.append(entry)
