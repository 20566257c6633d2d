"""Cells of the workbooks the app hands out (openpyxl): every .xlsx export writes through here.

Text people typed (a note, a comment, a unit's name) must reach Excel as the text they typed:

- openpyxl turns a str starting with "=" into a formula, so a note such as
  `=HYPERLINK("http://…"&B5,"…")` would be live in the file. Text is stored as a string cell
  whatever it starts with, and text starting with = + - @ (or a tab or line break before them)
  also gets Excel's quote prefix, the stored form of a typed leading apostrophe: the cell shows
  the text, stays text when edited, and reads back unchanged (no apostrophe added to the value).
- XML cannot hold most control characters, and openpyxl raises IllegalCharacterError on them:
  a vertical tab or form feed (Word's line and page breaks) becomes a line break, the others
  are dropped.
- A cell holds at most 32,767 characters; longer text is cut with "…" rather than making a
  file Excel repairs on opening.

Formulas the app itself writes (sums of a column) are marked as such with `Formula`.
Numbers, dates and None are written as they are: a negative number stays a number.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# What makes Excel (or LibreOffice, or a CSV made from the sheet) read typed text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
MAX_CELL_CHARS = 32_767
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


class Formula(str):
    """A formula the app writes on purpose, e.g. Formula("=E7+E8")."""


def sheet_text(text: str) -> str:
    """`text` as a cell can hold it: no control characters XML refuses, within Excel's size."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text.translate(_BREAKS))
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def write(sheet: Worksheet, row: int, col: int, value: Any) -> Cell:
    """Put `value` in a cell: text as text (never a formula), a `Formula` as a formula, anything
    else (numbers, dates, None) as openpyxl writes it. Returns the cell for styling."""
    cell = sheet.cell(row=row, column=col)
    if isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, str):
        text = sheet_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl made "=…" a formula
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell
