"""Word (.docx) output of a letter, for offices that correct a letter in Word before signing.

The same layout as the PDF: A4 with Nghị định 30's margins, the two-column header and footer
as borderless tables, page numbers centred at the top from page 2, and the phụ lục in its own
landscape section whose header row repeats and whose rows never split across pages. Word
uses the reader's Times New Roman; nothing is embedded.
"""

from __future__ import annotations

import io
from functools import cache

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from fontTools.ttLib import TTFont

from documents.content import LetterContent
from documents.render.pdf import STATIC_ROOT
from documents.tables import DRAFT_MARK, Table, cell_text

FONT = "Times New Roman"
# Elements that follow w:pBdr in a paragraph's properties.
_AFTER_P_BDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
# Elements that follow w:pgNumType in a section's properties (the schema fixes their order).
_AFTER_PG_NUM_TYPE = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)
TEXT_WIDTH = Mm(210 - 30 - 15)
LEFT_COLUMN = Cm(6.3)
RIGHT_COLUMN = TEXT_WIDTH - LEFT_COLUMN


def letter_docx(content: LetterContent) -> bytes:
    document = Document()
    _base_style(document)
    section = document.sections[0]
    _page(section, landscape=False)
    _page_numbers(section)
    if content.provisional:
        _para(document, DRAFT_MARK, size=13, bold=True, align="center")
    _masthead(document, content)
    if content.type_name:
        _para(document, content.type_name, size=14, bold=True, align="center", before=12)
        _para(document, content.subject, size=14, bold=True, align="center")
        _rule(document, Cm(4), TEXT_WIDTH)
    if content.recipients:
        _recipients(document, content.recipients)
    for line in content.bases:
        _body_para(document, line, italic=True)
    last = None
    for block in content.body:
        last = _body_para(document, block.text, bold=block.style in ("heading", "group"))
    if last is not None:
        last.paragraph_format.keep_with_next = True  # the signature never stands alone
    _signoff(document, content)
    if content.appendix:
        appendix_section(document, content.appendix)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- styles and page -------------------------------------------------------------------


def _base_style(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0


def _page(section, *, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (
        (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    )
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)


def _page_numbers(section, restart: bool = False) -> None:
    """A centred PAGE field in the header, on every page but the section's first."""
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    if restart:
        number_type = OxmlElement("w:pgNumType")
        number_type.set(qn("w:start"), "1")
        section._sectPr.insert_element_before(number_type, *_AFTER_PG_NUM_TYPE)


# --- building blocks ---------------------------------------------------------------------


def _para(
    container,
    text: str,
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: str = "left",
    before: float = 0,
    after: float = 0,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    return paragraph


def _body_para(document, text: str, *, bold: bool = False, italic: bool = False):
    paragraph = _para(document, text, bold=bold, italic=italic, align="justify", after=6)
    paragraph.paragraph_format.first_line_indent = Cm(1.27)
    paragraph.paragraph_format.line_spacing = 1.15
    if bold:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


@cache
def _advances(bold: bool) -> tuple[dict, dict, int]:
    font = TTFont(STATIC_ROOT / "fonts" / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf")
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def text_width(text: str, size: float, bold: bool = True) -> int:
    """How wide `text` prints in Times-metric type, in EMU (Liberation Serif's metrics)."""
    cmap, metrics, units = _advances(bold)
    advance = sum(metrics.get(cmap.get(ord(ch), ".notdef"), (0, 0))[0] for ch in text)
    return int(Pt(size) * advance / units)


def _rule(container, length: int, column: int) -> None:
    """A short centred line: an empty paragraph whose bottom border is `length` long."""
    paragraph = container.add_paragraph()
    side = max(0, (column - length) // 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.line_spacing = Pt(6)
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.insert_element_before(borders, *_AFTER_P_BDR)
    run = paragraph.add_run()
    run.font.size = Pt(2)


def _borderless_table(document, widths: list[int]):
    table = document.add_table(rows=1, cols=len(widths))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, widths)
    return table


def _set_widths(table, widths: list[int]) -> None:
    """Column widths in the grid and in every cell: Word reads one, LibreOffice the other."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _masthead(document, content: LetterContent) -> None:
    table = _borderless_table(document, [LEFT_COLUMN, RIGHT_COLUMN])
    left, right = table.rows[0].cells
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    for line in content.parent_body:
        _para(left, line, size=13, align="center")
    for line in content.issuing_body:
        _para(left, line, size=13, bold=True, align="center")
    widest = max((text_width(line, 13) for line in content.issuing_body), default=0)
    _rule(left, widest * 2 // 5, LEFT_COLUMN)
    _para(left, f"Số: {content.number}", size=13, align="center")
    if not content.type_name:
        _para(left, f"V/v {content.subject}", size=12, align="center", before=2)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True, align="center")
    motto = "Độc lập - Tự do - Hạnh phúc"
    _para(right, motto, size=13.5, bold=True, align="center")
    _rule(right, text_width(motto, 13.5), RIGHT_COLUMN)
    _para(right, content.place_date, size=14, italic=True, align="center", before=4)


def _recipients(document, recipients: list[str]) -> None:
    if len(recipients) == 1:
        _para(document, f"Kính gửi: {recipients[0]}", align="center", before=8, after=8)
        return
    _para(document, "", size=6)
    table = _borderless_table(document, [Cm(2.4), Cm(10)])
    label, names = table.rows[0].cells
    label.paragraphs[0].add_run("Kính gửi:")
    names.paragraphs[0]._p.getparent().remove(names.paragraphs[0]._p)
    for line in recipients:
        _para(names, line)
    _para(document, "", size=6)


def _signoff(document, content: LetterContent) -> None:
    table = _borderless_table(document, [Cm(7.5), TEXT_WIDTH - Cm(7.5)])
    _keep_row_together(table.rows[0])
    left, right = table.rows[0].cells
    left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
    right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
    _para(left, "Nơi nhận:", size=12, bold=True, italic=True, before=6)
    for line in content.receivers:
        _para(left, line, size=11)
    for line in [*content.signing_authority, content.signer_title]:
        _para(right, line, size=14, bold=True, align="center", before=6 if line else 0)
    _para(right, "", size=14, after=72)
    _para(right, content.signer_name, size=14, bold=True, align="center")


# --- the phụ lục -------------------------------------------------------------------------


def appendix_section(document, table: Table) -> None:
    """The phụ lục in a new section, landscape when it needs to be, numbered from 1."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=table.landscape)
    _page_numbers(section, restart=True)
    width = Mm(297 - 45) if table.landscape else TEXT_WIDTH
    if table.draft:
        _para(document, DRAFT_MARK, bold=True, align="center")
    if table.heading:
        _para(document, table.heading, bold=True, align="center")
    _para(document, table.title, bold=True, align="center")
    if table.reference:
        _para(document, table.reference, italic=True, align="center")
    _rule(document, Cm(4), width)
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.autofit = False
    widths = [int(width * column.width / 100) for column in table.columns]
    header = grid.rows[0]
    _repeat_header(header)
    for cell, column, cell_width in zip(header.cells, table.columns, widths, strict=True):
        cell.width = cell_width
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(column.label.replace("\n", " "))
        run.bold = True
        run.font.size = Pt(12)
    _set_widths(grid, widths)
    for data in table.rows:
        row = grid.add_row()
        _keep_row_together(row)
        for index, (cell, column, value) in enumerate(
            zip(row.cells, table.columns, data.cells, strict=True)
        ):
            cell.width = widths[index]
            paragraph = cell.paragraphs[0]
            if column.kind != "text" or index == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(cell_text(column, value))
            run.font.size = Pt(12)
            run.bold = data.style in ("field", "total", "heading")
            run.italic = data.style == "group"
    for note in table.notes:
        _para(document, note, size=12, before=4)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _keep_row_together(row) -> None:
    properties = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)
