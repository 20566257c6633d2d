"""Hostile workbooks built in code: small files that unpack into huge sheets.

Each is a real .xlsx (the parts Excel needs and one worksheet), written part by part so that
building a 76 MB sheet costs the test a fraction of a second and no memory to speak of.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_OOXML = "http://schemas.openxmlformats.org"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELATIONSHIP = f"{_OOXML}/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SPREADSHEET}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_SPREADSHEET}.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_OOXML}/spreadsheetml/2006/main" xmlns:r="{_RELATIONSHIP}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_OPEN = f'{_XML}<worksheet xmlns="{_OOXML}/spreadsheetml/2006/main"><sheetData>'


def workbook(rows_xml: Iterable[str], tail: str = "") -> bytes:
    """An .xlsx whose one sheet holds the given `<row>` elements (and `tail` after them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_OPEN.encode())
            chunk = []
            for row in rows_xml:
                chunk.append(row)
                if len(chunk) == 2000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write("".join(chunk).encode())
            sheet.write(f"</sheetData>{tail}</worksheet>".encode())
    return out.getvalue()


def numbers_sheet(rows: int, columns: int) -> bytes:
    """`rows` × `columns` cells of small numbers: 100,000 × 50 is a 76 MB sheet in ~0.3 MB."""

    def row(r: int) -> str:
        cells = "<c><v>1</v></c>" * columns
        return f'<row r="{r}">{cells}</row>'

    return workbook(row(r) for r in range(1, rows + 1))


def empty_rows_sheet(rows: int) -> bytes:
    """`rows` row elements with nothing in them, then one value on the last."""
    body = (f'<row r="{r}"/>' for r in range(1, rows))
    last = f'<row r="{rows}"><c r="A{rows}"><v>1</v></c></row>'
    return workbook([*body, last])


def far_row_sheet(row: int) -> bytes:
    """One value at row `row` (a 1,048,576-row sheet in a few hundred bytes)."""
    return workbook([f'<row r="{row}"><c r="A{row}"><v>1</v></c></row>'])


def merges_sheet(count: int) -> bytes:
    """One value and `count` merged ranges."""
    merges = "".join(f'<mergeCell ref="A{r}:B{r}"/>' for r in range(1, count + 1))
    return workbook(
        ['<row r="1"><c r="A1"><v>1</v></c></row>'],
        f'<mergeCells count="{count}">{merges}</mergeCells>',
    )


def wide_row_sheet(cells: int) -> bytes:
    """One row of `cells` empty cells (4 bytes of XML each)."""
    return workbook([f'<row r="1">{"<c/>" * cells}<c r="A1"><v>1</v></c></row>'])


def rich_cell_sheet(runs: int) -> bytes:
    """One inline string cell made of `runs` rich-text runs."""
    body = "<r><t>a</t></r>" * runs
    return workbook([f'<row r="1"><c r="A1" t="inlineStr"><is>{body}</is></c></row>'])
