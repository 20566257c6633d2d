"""Small filters the remediation pages share: deadlines against today, signed numbers."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template

from scoring.engine import vn_number

register = template.Library()


@register.filter
def overdue_days(task, today: datetime.date) -> int:
    """Days past the deadline of an assigned, unfinished task (0 if not overdue)."""
    return task.days_overdue(today)


@register.filter
def days_left(task, today: datetime.date) -> int | None:
    return task.days_left(today)


@register.filter
def vn(value) -> str:
    """91 -> "91,00"; empty for None."""
    if value is None or value == "":
        return ""
    return vn_number(Decimal(str(value)))


@register.filter
def signed(value) -> str:
    """A change with its sign: +9,18, −1,20, 0,00; "—" when there is none."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if value > 0:
        return f"+{vn_number(value)}"
    if value < 0:
        return f"−{vn_number(-value)}"
    return vn_number(value)
