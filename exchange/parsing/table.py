"""Finding a table's header in a sheet: titles above it, one or two header lines, merged cells.

Columns are recognised by their folded text ("Điểm thẩm định" -> "diem tham dinh"), so the
order of columns, extra columns and line breaks inside header cells do not matter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from exchange.parsing.grid import Grid
from exchange.parsing.text import cell_text, fold, is_code

HEADER_SEARCH_ROWS = 30
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")


@dataclass(frozen=True)
class Header:
    first_row: int
    last_row: int
    columns: dict[str, int]  # key -> Excel column number

    @property
    def data_start(self) -> int:
        return self.last_row + 1


Patterns = Sequence[tuple[str, Sequence[str]]]


def _match(text: str, patterns: Patterns, taken: set[str]) -> str | None:
    for key, regexes in patterns:
        if key in taken:
            continue
        if any(re.search(rx, text) for rx in regexes):
            return key
    return None


def _row_keys(grid: Grid, row: int, patterns: Patterns) -> dict[str, int]:
    """Keys named by the row's own cells (a title merged across the page counts once)."""
    found: dict[str, int] = {}
    for col in range(1, grid.width + 1):
        text = fold(grid.cell(row, col))
        if not text:
            continue
        key = _match(text, patterns, set(found))
        if key:
            found[key] = col
    return found


def _is_header_line(grid: Grid, row: int, code_col: int | None) -> bool:
    """A second header line holds only text (no code, no number), and nothing under the code
    column's heading: "I | CÔNG TÁC CHỈ ĐẠO" below the header is a section, not a heading."""
    if code_col is not None and cell_text(grid.cell(row, code_col)):
        return False
    values = [grid.cell(row, col) for col in range(1, grid.width + 1)]
    texts = [cell_text(v) for v in values if cell_text(v)]
    if not texts:
        return False
    return all(isinstance(v, str) and not is_code(cell_text(v).rstrip(".")) for v in values if v)


def is_numbering_row(grid: Grid, row: int) -> bool:
    """The "(1) (2) (3) …" line many tables print under the header."""
    texts = [cell_text(grid.cell(row, col)) for col in range(1, grid.width + 1)]
    filled = [t for t in texts if t]
    if len(filled) < 3 or not all(_NUMBERING.match(t) for t in filled):
        return False
    numbers = [int(t.strip("()")) for t in filled]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def find_header(
    grid: Grid,
    patterns: Patterns,
    required: Sequence[str],
    *,
    minimum: int = 3,
    fallbacks: dict[str, str] | None = None,
) -> Header | None:
    """The first row (within the first 30) naming at least `minimum` known columns, including
    every `required` one, joined with the header line below it when the header spans two.

    `fallbacks` names a column to use when another is missing: {"code": "seq"} takes the "STT"
    column for codes when there is no "Mã" / "Mục" column.
    """
    for row in range(1, min(grid.height, HEADER_SEARCH_ROWS) + 1):
        single = _row_keys(grid, row, patterns)
        if len(single) < minimum - 1:
            continue
        last = row
        if row + 1 <= grid.height and _is_header_line(grid, row + 1, single.get("code")):
            last = row + 1
        columns = _band_keys(grid, row, last, patterns)
        for key, other in (fallbacks or {}).items():
            if key not in columns and other in columns:
                columns = {(key if k == other else k): col for k, col in columns.items()}
        if len(columns) >= minimum and all(key in columns for key in required):
            while last + 1 <= grid.height and is_numbering_row(grid, last + 1):
                last += 1
            return Header(first_row=row, last_row=last, columns=columns)
    return None


def _band_keys(grid: Grid, first: int, last: int, patterns: Patterns) -> dict[str, int]:
    """Keys of the columns of a header band: each column's text is its cells top to bottom,
    a merged cell counted once (so "Điểm" over "Tối đa" reads "điểm tối đa")."""
    columns: dict[str, int] = {}
    for col in range(1, grid.width + 1):
        parts: list[str] = []
        for row in range(first, last + 1):
            text = cell_text(grid.shown(row, col))
            if text and text not in parts:
                parts.append(text)
        key = _match(fold(" ".join(parts)), patterns, set(columns))
        if key:
            columns[key] = col
    return columns
