"""Excel output of a phụ lục table (openpyxl), set up to print right from Excel.

Merged title rows across the table, bordered cells, the same headers as the PDF, numbers kept
as numbers (so offices can still add them up) with a two-decimal format, A4 landscape (or
portrait for the ranking) fitted to the page width, the header row repeated on every page.

About the decimal comma: an .xlsx file stores numbers, and Excel draws the decimal separator
from the reader's regional settings, so "91,00" on a Vietnamese-locale machine. The number
format also carries the Vietnamese locale tag [$-42A], which LibreOffice honours whatever the
machine's settings; Excel with English regional settings shows "91.00".
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.spreadsheet import write
from documents.tables import DRAFT_MARK, NUMBER, SIGNED, TEXT, Table

NUMBER_FORMAT = "[$-42A]0.00"
SIGNED_FORMAT = "[$-42A]+0.00;-0.00;0.00"
FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LINE_HEIGHT = 15.75  # points per line of 12 pt Times
# 1 cm of page margin in inches, as Excel's page setup counts it.
CM = 1 / 2.54


def table_xlsx(table: Table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = {"lost": "Phu luc", "sheet": "Bang diem", "ranking": "Xep hang"}.get(
        table.key, "Phu luc"
    )
    header_row = _title_rows(sheet, table)
    _header(sheet, table, header_row)
    last = _body(sheet, table, header_row + 1)
    for offset, note in enumerate(table.notes, start=2):
        cell = write(sheet, last + offset, 1, note)
        cell.font = Font(name=FONT, size=12, italic=True)
    _page_setup(sheet, table, header_row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _title_rows(sheet: Worksheet, table: Table) -> int:
    """PHỤ LỤC, the title and the reference line, each merged across the table."""
    width = len(table.columns)
    row = 1
    lines = [(table.heading, True, False), (table.title, True, False)]
    if table.draft:
        lines.insert(0, (DRAFT_MARK, True, False))
    if table.reference:
        lines.append((table.reference, False, True))
    for text, bold, italic in lines:
        if not text:
            continue
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = write(sheet, row, 1, text)
        cell.font = Font(name=FONT, size=13, bold=bold, italic=italic)
        cell.alignment = CENTRE
        # A long title wraps inside its merged cells: give the row room for two lines.
        sheet.row_dimensions[row].height = 36 if len(text) > 90 else 18
        row += 1
    return row + 1  # one blank row before the table


def _header(sheet: Worksheet, table: Table, row: int) -> None:
    for index, column in enumerate(table.columns, start=1):
        cell = write(sheet, row, index, column.label.replace("\n", " "))
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = CENTRE
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(index)].width = column.xlsx_width
    sheet.row_dimensions[row].height = 48


def _body(sheet: Worksheet, table: Table, first: int) -> int:
    row = first
    for data in table.rows:
        bold = data.style in ("field", "total", "heading")
        for index, (column, value) in enumerate(zip(table.columns, data.cells, strict=True), 1):
            # Text typed by people ("=1+1", "=HYPERLINK(…)") stays text, never a formula.
            cell = write(sheet, row, index, value if value != "" else None)
            cell.border = BORDER
            cell.font = Font(name=FONT, size=12, bold=bold, italic=data.style == "group")
            if column.kind == NUMBER:
                cell.number_format = NUMBER_FORMAT
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif column.kind == SIGNED:
                cell.number_format = SIGNED_FORMAT
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif index == 2 and data.depth and column.kind == TEXT:
                cell.alignment = Alignment(wrap_text=True, vertical="top", indent=data.depth)
            elif index == 1 or data.style == "total":
                cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
            else:
                cell.alignment = WRAP_TOP
        sheet.row_dimensions[row].height = _row_height(table, data.cells)
        row += 1
    return row - 1


def _row_height(table: Table, cells: list) -> float:
    """Room for the row's wrapped text. Excel does not size rows on opening a file that
    another program wrote (nor does LibreOffice), so long reasons would be cut off."""
    lines = 1
    for column, value in zip(table.columns, cells, strict=True):
        if column.kind == TEXT and value:
            per_line = max(1, int(column.xlsx_width * 1.15))
            needed = sum(1 + len(part) // per_line for part in str(value).splitlines())
            lines = max(lines, needed)
    return lines * LINE_HEIGHT + 3


def _page_setup(sheet: Worksheet, table: Table, header_row: int) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if table.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.top, margins.bottom = 2 * CM, 2 * CM
    margins.left, margins.right = 3 * CM, 1.5 * CM
    # Page numbers centred at the top from page 2, as in the PDF.
    sheet.HeaderFooter.differentFirst = True
    sheet.oddHeader.center.text = "&P"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
