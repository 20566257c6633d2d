"""Counts b of a written in a council's reason: "73/757 hồ sơ", "Hoàn thành 44/46 nhiệm vụ",
"3 TTHC phát sinh giao dịch thanh toán trực tuyến/30TTHC". No Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "44/46", "782 / 903"; not part of a date or a document number ("29/12/2023", "42/2022/NĐ-CP")
# and not a decimal ("95,68").
_DIRECT = re.compile(r"(?<![\d/.,])(\d{1,7})\s*/\s*(\d{1,7})(?![\d/]|[.,]\d)")
# "3 TTHC phát sinh … trực tuyến/30 TTHC": a number, words without digits, a slash, a number.
_SPELLED = re.compile(r"(?<![\d/.,])(\d{1,7})\s+[^\d/\n]{1,90}?/\s*(\d{1,7})(?![\d/]|[.,]\d)")


@dataclass(frozen=True)
class Counts:
    b: int
    a: int
    text: str  # as written, for messages

    @property
    def label(self) -> str:
        return f"{self.b}/{self.a}"


def _looks_like_month(b: int, a: int) -> bool:
    """ "tháng 6/2023" is a month, not 6 of 2023."""
    return 1 <= b <= 12 and 1900 <= a <= 2100


def counts_in(text: str | None) -> Counts | None:
    """The first b/a in a reason, or None when it gives none."""
    if not text:
        return None
    for pattern in (_DIRECT, _SPELLED):
        for match in pattern.finditer(text):
            b, a = int(match.group(1)), int(match.group(2))
            if not _looks_like_month(b, a):
                return Counts(b, a, match.group(0).strip())
    return None
