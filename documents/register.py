"""The register of outgoing documents (sổ văn bản đi) as a workbook, for the văn thư."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cchc.spreadsheet import write
from documents.selectors import Register
from documents.series import series_label

COLUMNS = [
    ("Số, ký hiệu văn bản", 18),
    ("Ngày tháng văn bản", 12),
    ("Tên loại và trích yếu nội dung", 50),
    ("Người ký", 24),
    ("Nơi nhận văn bản", 36),
    ("Đơn vị, kỳ đánh giá", 28),
    ("Sổ đăng ký", 18),
]
# The series in a URL: its code ("BC", "QĐ"), and this word for công văn, whose code is "".
CONG_VAN_PARAM = "cong-van"


def series_param(series: str) -> str:
    return series or CONG_VAN_PARAM


def series_from_param(raw: str) -> str | None:
    """The series a `?so=` value names; None for every series (no value)."""
    if not raw:
        return None
    return "" if raw == CONG_VAN_PARAM else raw


def number_and_symbol(letter) -> str:
    return f"{letter.number:02d}/{letter.symbol}"


def signer(letter) -> str:
    authority = f"{letter.signing_authority} " if letter.signing_authority else ""
    return f"{authority}{letter.signer_title} {letter.signer_name}".strip()


def receivers(letter) -> str:
    return "; ".join(line.strip() for line in letter.receivers.splitlines() if line.strip())


def row(letter) -> list:
    return [
        number_and_symbol(letter),
        letter.date.strftime("%d/%m/%Y") if letter.date else "",
        f"{letter.get_kind_display()}: {letter.subject}",
        signer(letter),
        receivers(letter),
        f"{letter.assessment.unit} – {letter.assessment.period}",
        series_label(letter.number_series),
    ]


def register_xlsx(data: Register) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"Sổ văn bản đi {data.year}"
    write(sheet, 1, 1, f"SỔ ĐĂNG KÝ VĂN BẢN ĐI NĂM {data.year}").font = Font(bold=True, size=13)
    scope = f" – sổ {series_label(data.series)}" if data.series is not None else ""
    write(sheet, 2, 1, f"{data.unit}{scope}")
    write(sheet, 3, 1, f"Số liệu đến {timezone.localtime():%H:%M ngày %d/%m/%Y}")
    for col, (label, width) in enumerate(COLUMNS, start=1):
        write(sheet, 5, col, label).font = Font(bold=True)
        sheet.column_dimensions[chr(64 + col)].width = width
    for r, letter in enumerate(data.letters, start=6):
        for col, value in enumerate(row(letter), start=1):
            write(sheet, r, col, value).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A6"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
