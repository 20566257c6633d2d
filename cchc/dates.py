"""Dates typed day/month/year (31/10/2026), whatever the browser's language.

A browser draws `<input type="date">` in its own interface language, not the page's: a Chromium
whose interface is English shows mm/dd/yyyy even on a page with lang="vi" and a vi-VN locale, so
an office would read 07/03 as the 3rd of July. Dates are therefore text fields with a hint,
read day first (settings.DATE_INPUT_FORMATS; ISO 2026-10-31 is accepted too).
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import formats

PLACEHOLDER = "ngày/tháng/năm"
SHOWN = "%d/%m/%Y"


class DayInput(forms.DateInput):
    """A text input for a date, shown as 31/10/2026."""

    input_type = "text"

    def __init__(self, attrs: dict | None = None):
        defaults = {"class": "day", "placeholder": PLACEHOLDER, "inputmode": "numeric", "size": 12}
        super().__init__(attrs={**defaults, **(attrs or {})}, format=SHOWN)


def parse_day(raw: str) -> datetime.date:
    """The date in `raw`, read as a DateField reads it; ValueError if it is not one."""
    for pattern in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.datetime.strptime(raw.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(raw)
