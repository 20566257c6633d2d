"""Reading what people type into cells: folded header text, numbers, codes. No Django.

Numbers go through `scoring.engine.parse_number`, the one place that knows "0,5", "0.5" and
"- 0,5"; this module only decides what counts as an empty cell and turns Excel's own values
(int, float, dates) into something the engine accepts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from scoring import engine

# Cells people leave "empty" with a dash; "- 0,5" is a number, a lone dash is not.
EMPTY_MARKS = frozenset({"", "-", "–", "—", "x/", "/"})
# Counts (số b, số a, versions) are stored as 32-bit integers; no unit counts a billion files.
MAX_COUNT = 10**9


class CellError(ValueError):
    """A cell that cannot be read; the message is Vietnamese and names the cell."""


def fold(text: object) -> str:
    """Lower case, no diacritics, single spaces: "Điểm  thẩm\\nđịnh" -> "diem tham dinh"."""
    raw = str(text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", raw)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", stripped).strip().lower()


def cell_text(value: object) -> str:
    """A cell as text, line breaks kept, surrounding spaces removed; "" for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line).strip()


def column_letter(col: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def cell_number(value: object, where: str) -> Decimal | None:
    """The number in a cell, None when it is empty; CellError naming the cell otherwise.

    Accepts what Excel stores (int, float) and what people type as text ("0,5", "2,00",
    "0.32", "- 0,5", "-1,00"). Floats are rounded to six decimals first, so a cell holding
    =2-1.91 (0.08999999999999997) reads as 0.09.
    """
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise CellError(f"Ô {where}: “{value}” không phải là số.")
        return None
    if isinstance(value, datetime | date):
        raise CellError(
            f"Ô {where}: Excel đã hiểu giá trị thành ngày tháng ({value:%d/%m/%Y}); "
            "hãy định dạng ô là Văn bản (Text) rồi nhập lại số."
        )
    if isinstance(value, float):
        if not math.isfinite(value):  # a cell holding 1E+309 reads as infinity
            raise CellError(f"Ô {where}: số quá lớn hoặc không phải là số.")
        return Decimal(str(round(value, 6)))
    text = cell_text(value)
    if text in EMPTY_MARKS:
        return None
    try:
        return engine.parse_number(text)
    except engine.ScoringError as exc:
        raise CellError(f"Ô {where}: {exc}") from None


def cell_count(value: object, where: str) -> int | None:
    """A whole count (số b, số a) in a cell, None when empty."""
    number = cell_number(value, where)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(f"Ô {where}: số lượng phải là số nguyên, không phải {value}.")
    if abs(number) >= MAX_COUNT:
        raise CellError(f"Ô {where}: số lượng {value} quá lớn.")
    return int(number)


def cell_code(value: object) -> tuple[str, bool]:
    """A criterion code as typed, and whether Excel stored it as a number.

    "1.1.3", " 3.12.2. " and the number 1.6 all come back as text ("1.6"); a number code is
    flagged because Excel turns "3.10" into 3.1 and the two can no longer be told apart.
    """
    if isinstance(value, bool) or value is None:
        return ("", False)
    if isinstance(value, int):
        return (str(value), False)
    if isinstance(value, float):
        if value.is_integer():
            return (str(int(value)), False)
        return (repr(round(value, 6)), True)
    text = cell_text(value).replace(" ", "").rstrip(".")
    return (text, False)


def is_code(text: str) -> bool:
    """Whether `text` looks like a criterion code: numbers joined by dots."""
    try:
        engine.code_parts(text)
    except engine.ScoringError:
        return False
    return bool(text)


def percent_value(value: object, where: str) -> Decimal | None:
    """A share typed as "70%", "70", "0,7" or "0.70" -> Decimal("0.70"); None when empty."""
    text = cell_text(value)
    has_sign = text.endswith("%")
    number = cell_number(text.rstrip("%").strip() if has_sign else value, where)
    if number is None:
        return None
    if has_sign or number > 1:
        number = number / 100
    return number
