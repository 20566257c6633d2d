"""A worksheet as plain values: what every parser here reads. openpyxl, no Django.

Parsers take a `Grid`, not an openpyxl sheet, so they can be tested on lists typed in a test,
and so a workbook is opened once and closed before any checking starts.

Reading is bounded while it happens, so a hostile file costs little: the zip's directory is
checked part by part before any XML is parsed, then each sheet is streamed row by row
(openpyxl's read-only parser) and refused as soon as it crosses the row, cell, merge or time
limit, without ever holding more than the rows it keeps.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

MAX_ROWS = 5000
MAX_COLUMNS = 40
# Non-empty cells kept over the whole workbook (as many as MAX_ROWS full rows).
MAX_CELLS = 200_000
# Cell elements read, empty ones included (a styled but empty range still costs parsing).
MAX_CELL_ELEMENTS = 400_000
MAX_ROW_ELEMENTS = 100_000
MAX_MERGES = 5000
MAX_PARTS = 500
# Unpacked size of each part of the .xlsx (a zip): a sheet of 5,000 rows × 40 cells is under
# 10 MB of XML; shared strings and the rest are held in memory whole by openpyxl.
MAX_SHEET_BYTES = 16 * 1024 * 1024
MAX_STRINGS_BYTES = 4 * 1024 * 1024
MAX_OTHER_PART_BYTES = 4 * 1024 * 1024
MAX_UNPACKED_BYTES = 48 * 1024 * 1024
# Wall-clock budget for reading one workbook; a real one takes well under a second.
READ_SECONDS = 20.0
CHECK_EVERY_EVENTS = 4096
PROGRESS_EVERY_ROWS = 500
# Inside one cell: how deep its XML may nest and how many parts (rich-text runs) a level holds.
MAX_CELL_DEPTH = 4
MAX_CELL_PARTS = 1000
MERGE_CELL_TAG = f"{{{SHEET_MAIN_NS}}}mergeCell"


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


def _part_limit(name: str) -> int:
    if name.startswith("xl/worksheets/"):
        return MAX_SHEET_BYTES
    if name == "xl/sharedStrings.xml":
        return MAX_STRINGS_BYTES
    return MAX_OTHER_PART_BYTES


def _check_zip(data: bytes) -> None:
    """Refuse, from the zip's own directory and before any XML is parsed, a file that is not
    an .xlsx or whose parts would unpack past the limits (a "zip bomb").

    The sizes a zip declares bind: Python's zipfile never returns more than the declared size
    of a part, and a part whose content does not match it fails its checksum.
    """
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileProblem(
                "Tệp là định dạng Excel cũ (.xls). Hãy mở tệp bằng Excel và lưu lại dưới dạng "
                "Sổ làm việc Excel (.xlsx) rồi tải lên lại."
            )
        raise FileProblem("Tệp không phải là tệp Excel .xlsx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise FileProblem("Tệp Excel bị hỏng hoặc không đọc được.") from None
    if len(parts) > MAX_PARTS:
        raise FileProblem(f"Tệp Excel có {len(parts)} thành phần; chỉ nhận tối đa {MAX_PARTS}.")
    for part in parts:
        limit = _part_limit(part.filename)
        if part.file_size > limit:
            raise FileProblem(
                f"Tệp Excel quá lớn để đọc: thành phần “{part.filename[:80]}” giải nén ra "
                f"{_megabytes(part.file_size)} MB, vượt giới hạn {_megabytes(limit)} MB. "
                "Hãy xóa các trang, dòng, cột không dùng rồi tải lên lại."
            )
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise FileProblem(
            f"Tệp Excel quá lớn để đọc (giải nén vượt {_megabytes(MAX_UNPACKED_BYTES)} MB)."
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


class _SheetReader:
    """Streams one sheet's XML, keeping only the values of the first MAX_COLUMNS columns.

    Each element is dropped from the tree as soon as it has been read (a cell once its value
    is taken, a row once it is kept), so memory holds the rows kept and nothing else,
    whatever the file's shape; the limits are checked as each row, cell and merge goes by.
    """

    def __init__(
        self, reader: ExcelReader, sheet, part: str, deadline: float, budget: dict, progress=None
    ):
        self.progress = progress
        self.reader, self.part = reader, part
        self.title, self.hidden = sheet.name, sheet.state != "visible"
        self.deadline, self.budget = deadline, budget
        workbook = reader.wb
        self.parser = WorkSheetParser(
            None,
            reader.shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        self.rows: list[tuple] = []
        self.merges: list[Merge] = []
        self.values: list = []
        self.filled = 0

    def read(self) -> Grid:
        open_elements: list = []
        inside_cell, cell_depth = 0, 0
        with self.reader.archive.open(self.part) as source:
            for count, (event, element) in enumerate(iterparse(source, ("start", "end"))):
                if count % CHECK_EVERY_EVENTS == 0 and time.monotonic() > self.deadline:
                    raise FileProblem(
                        f"Đọc tệp Excel quá lâu (quá {READ_SECONDS:.0f} giây); tệp quá lớn "
                        "hoặc có cấu trúc bất thường."
                    )
                if event == "start":
                    open_elements.append(element)
                    if element.tag == CELL_TAG:
                        inside_cell, cell_depth = 1, len(open_elements)
                    elif element.tag == ROW_TAG:
                        self._row_start(element)
                    elif inside_cell:
                        inside_cell += 1
                        if (
                            inside_cell > MAX_CELL_PARTS
                            or len(open_elements) - cell_depth > MAX_CELL_DEPTH
                        ):
                            raise FileProblem("Tệp Excel có ô dữ liệu cấu trúc bất thường.")
                    continue
                open_elements.pop()
                tag = element.tag
                if tag == CELL_TAG:
                    inside_cell = 0
                    self._cell(element)
                elif tag == ROW_TAG:
                    self._row_end()
                elif tag == MERGE_CELL_TAG:
                    self._merge(element.get("ref", ""))
                elif inside_cell:
                    continue  # the cell reads its parts when it ends
                if open_elements:
                    del open_elements[-1][-1]  # the element just ended is its parent's last
        return Grid(
            name=self.title,
            rows=_narrowed(self.rows),
            merges=self.merges,
            hidden=self.hidden,
        )

    def _row_start(self, element) -> None:
        self.budget["rows"] -= 1
        if self.budget["rows"] < 0:
            raise FileProblem(
                "Tệp Excel có quá nhiều dòng (kể cả dòng trống); chỉ nhận tối đa "
                f"{MAX_ROW_ELEMENTS}."
            )
        number = element.get("r")
        parser = self.parser
        parser.row_counter = int(number) if number and number.isdigit() else parser.row_counter + 1
        parser.col_counter = 0
        self.values, self.filled = [None] * MAX_COLUMNS, 0

    def _cell(self, element) -> None:
        self.budget["elements"] -= 1
        if self.budget["elements"] < 0:
            raise FileProblem(
                f"Tệp Excel có quá nhiều ô (kể cả ô trống); chỉ nhận tối đa {MAX_CELL_ELEMENTS}."
            )
        cell = self.parser.parse_cell(element)
        column, value = cell["column"], cell["value"]
        if column <= MAX_COLUMNS and not _is_blank(value):
            self.values[column - 1] = value
            self.filled += 1

    def _row_end(self) -> None:
        if not self.filled:
            return
        index = self.parser.row_counter
        if index > MAX_ROWS:
            raise FileProblem(
                f"Trang “{self.title}” có dữ liệu ở dòng {index}; chỉ nhận tối đa {MAX_ROWS} dòng."
            )
        self.budget["cells"] -= self.filled
        if self.budget["cells"] < 0:
            raise FileProblem(
                f"Tệp Excel có quá nhiều ô có dữ liệu; chỉ nhận tối đa {MAX_CELLS} ô."
            )
        if self.progress is not None and len(self.rows) % PROGRESS_EVERY_ROWS == 0:
            self.progress(MAX_CELLS - self.budget["cells"])
        while len(self.rows) < index - 1:
            self.rows.append(())
        if len(self.rows) >= index:
            raise FileProblem(f"Trang “{self.title}” có dòng {index} lặp lại hoặc sai thứ tự.")
        self.rows.append(tuple(self.values))

    def _merge(self, ref: str) -> None:
        if len(self.merges) >= MAX_MERGES:
            raise FileProblem(
                f"Trang “{self.title}” có hơn {MAX_MERGES} vùng gộp ô; không đọc được."
            )
        bounds = range_boundaries(ref)
        if None in bounds:
            raise FileProblem(f"Trang “{self.title}” có vùng gộp ô sai: “{ref[:20]}”.")
        min_col, min_row, max_col, max_row = bounds
        self.merges.append(Merge(min_row, min_col, max_row, max_col))


def _narrowed(rows: list[tuple]) -> list[tuple]:
    """Every row as wide as the sheet's widest data, as Excel shows it."""
    width = max((_last_filled(r) for r in rows), default=0)
    return [tuple(r[:width]) + (None,) * (width - len(r[:width])) for r in rows]


def _last_filled(row: tuple) -> int:
    for col in range(len(row), 0, -1):
        if row[col - 1] is not None:
            return col
    return 0


def read_workbook(
    data: bytes, *, seconds: float = READ_SECONDS, progress: Callable[[int], None] | None = None
) -> list[Grid]:
    """Every worksheet of an .xlsx as a Grid: cached values of formulas, merges, hidden flag.

    Raises FileProblem, in Vietnamese, for a file that is not a readable workbook or that
    crosses a limit; it stops reading at the first limit crossed. openpyxl reads the
    workbook's small parts (content types, shared strings, styles, sheet list); the sheets are
    streamed here, since its own read-only sheets parse a whole sheet when it lacks the
    `<dimension>` element. `progress`, if given, hears the number of cells read so far now
    and then.
    """
    _check_zip(data)
    deadline = time.monotonic() + seconds
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _broken(exc) from None
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        budget = {"cells": MAX_CELLS, "elements": MAX_CELL_ELEMENTS, "rows": MAX_ROW_ELEMENTS}
        grids = []
        for sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            sheet_reader = _SheetReader(reader, sheet, rel.target, deadline, budget, progress)
            grids.append(sheet_reader.read())
        return grids
    except FileProblem:
        raise
    except Exception as exc:  # malformed XML, a bad cell reference, a missing part, …
        raise _broken(exc) from None
    finally:
        reader.archive.close()


def _broken(exc: Exception) -> FileProblem:
    return FileProblem(f"Tệp Excel bị hỏng hoặc không đọc được ({exc.__class__.__name__}).")
