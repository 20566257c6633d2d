"""A worksheet as plain values: what every parser here reads. openpyxl, no Django.

Parsers take a `Grid`, not an openpyxl sheet, so they can be tested on lists typed in a test,
and so a workbook is opened once and closed before any checking starts.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook

MAX_ROWS = 5000
MAX_COLUMNS = 40
# An .xlsx is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 80 * 1024 * 1024


class FileProblem(ValueError):
    """The file cannot be read as a workbook at all; the message is Vietnamese."""


@dataclass(frozen=True)
class Merge:
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def covers(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col


@dataclass
class Grid:
    """One worksheet: `rows[0]` is Excel row 1; `cell(row, col)` takes Excel's 1-based numbers."""

    name: str
    rows: list[tuple] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    hidden: bool = False

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, col: int) -> object:
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[col - 1] if col <= len(values) else None

    def merge_at(self, row: int, col: int) -> Merge | None:
        for merge in self.merges:
            if merge.covers(row, col):
                return merge
        return None

    def shown(self, row: int, col: int) -> object:
        """The value a reader sees at (row, col): a merged range shows its top-left cell."""
        merge = self.merge_at(row, col)
        if merge is not None:
            return self.cell(merge.min_row, merge.min_col)
        return self.cell(row, col)


def grid_from_rows(rows: list[list], name: str = "Sheet1", merges=()) -> Grid:
    """A grid typed in code (tests, and the CLI's dry runs of generated data)."""
    return Grid(name=name, rows=[tuple(r) for r in rows], merges=[Merge(*m) for m in merges])


def _check_zip(data: bytes) -> None:
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileProblem(
                "Tệp là định dạng Excel cũ (.xls). Hãy mở tệp bằng Excel và lưu lại dưới dạng "
                "Sổ làm việc Excel (.xlsx) rồi tải lên lại."
            )
        raise FileProblem("Tệp không phải là tệp Excel .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileProblem("Tệp Excel bị hỏng hoặc không đọc được.") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem("Tệp Excel quá lớn để đọc (giải nén vượt 80 MB).")


def read_workbook(data: bytes) -> list[Grid]:
    """Every worksheet of an .xlsx as a Grid: cached values of formulas, merges, hidden flag."""
    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileProblem(
            f"Tệp Excel bị hỏng hoặc không đọc được ({exc.__class__.__name__})."
        ) from None
    try:
        grids = []
        for sheet in workbook.worksheets:
            if sheet.max_row > MAX_ROWS:
                raise FileProblem(
                    f"Trang “{sheet.title}” có {sheet.max_row} dòng; chỉ nhận tối đa {MAX_ROWS}."
                )
            width = min(sheet.max_column, MAX_COLUMNS)
            rows = [
                tuple(row) for row in sheet.iter_rows(min_row=1, max_col=width, values_only=True)
            ]
            while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
                rows.pop()
            merges = [
                Merge(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges
            ]
            grids.append(
                Grid(
                    name=sheet.title,
                    rows=rows,
                    merges=merges,
                    hidden=sheet.sheet_state != "visible",
                )
            )
        return grids
    finally:
        workbook.close()
