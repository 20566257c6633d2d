"""How Vietnamese administrative documents write dates, numbers and lists (Nghị định 30).

Plain functions over plain values, no Django: the renderers (PDF, Word, Excel) and the
letter composer all format through here, so a letter reads the same in every format.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from scoring.engine import vn_number

BLANK_NUMBER = "\u00a0" * 6  # the gap left for the number before a letter is issued
BLANK_DAY = "\u00a0" * 4


def place_date(place: str, when: date | None, year: int | None = None) -> str:
    """ "Phường 2, ngày 28 tháng 02 năm 2022"; day < 10 and months 1–2 take a leading zero.

    Without a date (a draft), day and month are left blank for the office to fill in by hand,
    as printed letters do: "Phường 1, ngày    tháng    năm 2024".
    """
    if when is None:
        return f"{place}, ngày{BLANK_DAY}tháng{BLANK_DAY}năm {year or ''}".rstrip()
    return f"{place}, ngày {when.day:02d} tháng {month_text(when.month)} năm {when.year}"


def month_text(month: int) -> str:
    """Months 1 and 2 take a leading zero (so "01" cannot be extended to "11" or "12")."""
    return f"{month:02d}" if month <= 2 else str(month)


def long_date(when: date | None, year: int | None = None) -> str:
    """ "ngày 27 tháng 02 năm 2024", as in "(Kèm theo Báo cáo số … ngày … của …)"."""
    if when is None:
        return f"ngày{BLANK_DAY}tháng{BLANK_DAY}năm {year or ''}".rstrip()
    return f"ngày {when.day:02d} tháng {month_text(when.month)} năm {when.year}"


def short_date(when: date | None) -> str:
    """ "31/10/2024" as running text writes a date (deadlines, "Ngày 25/02/2022")."""
    return "" if when is None else f"{when.day:02d}/{when.month:02d}/{when.year}"


def document_number(number: int | None, symbol: str) -> str:
    """ "105/UBND-VP"; numbers below 10 take a leading zero; blank before issuing."""
    shown = BLANK_NUMBER if number is None else f"{number:02d}"
    return f"{shown}/{symbol}"


def points(value: Decimal) -> str:
    """A maximum as letters write it: "100" for a whole number, "54,50" otherwise."""
    return vn_number(value, 0) if value == value.to_integral_value() else vn_number(value)


def signed_change(value: Decimal | None) -> str:
    """ "+9,18", "−1,25" or "—" for a result without a previous period."""
    if value is None:
        return "—"
    if value < 0:
        return f"\u2212{vn_number(-value)}"
    return f"+{vn_number(value)}"


def change_phrase(value: Decimal | None, previous_label: str) -> str:
    """ "tăng 9,18 điểm so với năm 2022"; empty without a previous result."""
    if value is None:
        return ""
    if value == 0:
        return f"giữ nguyên số điểm so với {previous_label}"
    direction = "tăng" if value > 0 else "giảm"
    return f"{direction} {vn_number(abs(value))} điểm so với {previous_label}"


def lines(text: str) -> list[str]:
    """The non-empty lines of a multi-line field, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _bare(line: str) -> str:
    return line.strip().lstrip("-–•").strip().rstrip(";,.").strip()


def listed(items: Iterable[str]) -> list[str]:
    """A list as letters print it: "- Như trên;" … "- Lưu: VT, VP." (one per line).

    Whatever the office typed (with or without the dash and the semicolon) comes out the same.
    """
    bare = [_bare(item) for item in items if _bare(item)]
    return [f"- {item}{'.' if i == len(bare) - 1 else ';'}" for i, item in enumerate(bare)]


def recipients_lines(items: Iterable[str]) -> list[str]:
    """ "Kính gửi" recipients: one stays on the heading's line; several go one per line."""
    bare = [_bare(item) for item in items if _bare(item)]
    if len(bare) == 1:
        return [f"{bare[0]}."]
    return listed(bare)


def grouped(value: int) -> str:
    """A whole number with its thousands grouped: 20000 -> "20.000"."""
    return f"{value:,}".replace(",", ".")


def lower_first(text: str) -> str:
    """ "Công tác chỉ đạo" -> "công tác chỉ đạo", leaving acronyms ("UBND", "TTHC") alone."""
    if not text:
        return text
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return text
    return text[0].lower() + text[1:]


def running_name(unit_name: str) -> str:
    """A unit named in running text: "Thị xã Quảng Trị" -> "thị xã Quảng Trị"."""
    for kind in ("Thành phố", "Thị xã", "Thị trấn", "Quận", "Huyện", "Phường", "Xã", "Tỉnh"):
        if unit_name.startswith(kind + " "):
            return kind.lower() + unit_name[len(kind) :]
    return unit_name


_PEER_ORDER = ["quận", "huyện", "thị xã", "thành phố", "phường", "xã", "thị trấn", "đặc khu"]


def peer_kinds(kind_labels: Iterable[str]) -> str:
    """ "phường, xã" for units that are wards and communes, as "đứng thứ 3/5 phường, xã"."""
    found = {label.lower() for label in kind_labels}
    ordered = [k for k in _PEER_ORDER if k in found] + sorted(found - set(_PEER_ORDER))
    return ", ".join(ordered)
