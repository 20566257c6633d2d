"""Workbooks the app hands out. Each export reads back through its import unchanged.

Scores are written as numbers with two decimals; texts as text, through `cchc.spreadsheet`, so a
note typed as "=HYPERLINK(…)" is never a live formula. Nothing the import reads is a formula
(openpyxl cannot compute one, so a file never opened in Excel would read as empty).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from cchc.spreadsheet import write

FONT = "Times New Roman"
SCORE_FORMAT = "0.00"
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E7E9EE")
INPUT_FILL = PatternFill("solid", fgColor="FFF4C2")
PARENT_FILL = PatternFill("solid", fgColor="F3F4F7")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    return workbook, sheet


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def font(*, bold: bool = False, italic: bool = False, size: int = 12) -> Font:
    return Font(name=FONT, bold=bold, italic=italic, size=size)


def title_line(sheet: Worksheet, row: int, text: str, width: int, **style) -> None:
    """A line of text centred across the table's width."""
    cell = write(sheet, row, 1, text)
    cell.font = font(**style)
    cell.alignment = CENTER
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def header_row(sheet: Worksheet, row: int, labels: Sequence[str]) -> None:
    for col, label in enumerate(labels, start=1):
        cell = write(sheet, row, col, label)
        cell.font = font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER


def widths(sheet: Worksheet, values: Iterable[float]) -> None:
    from openpyxl.utils import get_column_letter

    for col, width in enumerate(values, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width


def landscape(sheet: Worksheet, title_rows: str | None = None) -> None:
    """A4 landscape, scaled to the page width, header lines repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if title_rows:
        sheet.print_title_rows = title_rows


def fit_rows(sheet: Worksheet, first_row: int, line_height: float = 15.75) -> None:
    """Row heights for wrapped text (Excel does not grow rows of a generated file by itself):
    the most lines any cell of the row needs at its column's width."""
    from math import ceil

    from openpyxl.utils import get_column_letter

    widths_by_col = {}
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if cell.value is None or cell.data_type != "s":
                continue  # numbers, dates and the app's own formulas fit on one line
            text = str(cell.value)
            col = cell.column
            if col not in widths_by_col:
                dim = sheet.column_dimensions[get_column_letter(col)]
                widths_by_col[col] = 0 if dim.hidden else (dim.width or 10)
            width = widths_by_col[col]
            if not width:
                continue
            chars = max(1.0, width * 1.15)
            lines = max(lines, sum(ceil(max(len(part), 1) / chars) for part in text.split("\n")))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = line_height * lines


def put(sheet: Worksheet, row: int, col: int, value, *, bold: bool = False, score: bool = False):
    """One body cell: bordered, wrapped, scores as numbers with two decimals, text as text
    (a `Formula` for the app's own sums)."""
    if isinstance(value, Decimal):
        value = value.quantize(Decimal("0.01"))
    cell = write(sheet, row, col, value)
    cell.font = font(bold=bold)
    cell.border = BORDER
    cell.alignment = WRAP
    if score:
        cell.number_format = SCORE_FORMAT
    return cell
