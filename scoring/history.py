"""A criterion's score history as people read it: who changed what, when, from what to what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from scoring import engine
from scoring.models import Score

TRACKED = (
    "self_value",
    "self_b",
    "self_a",
    "self_note",
    "appraised_value",
    "appraised_b",
    "appraised_a",
    "appraisal_comment",
    "response",
    "responsible_note",
)


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    reason: str
    changes: list[Change]


def _shown(value) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, Decimal):
        return engine.vn_number(value)
    return str(value)


def score_history(score: Score) -> list[HistoryEntry]:
    """Newest first; only the entries that changed a field people care about (1 query)."""
    records = list(
        score.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        changes = [
            Change(
                str(Score._meta.get_field(name).verbose_name).capitalize(),
                _shown(getattr(previous, name) if previous else None),
                _shown(getattr(record, name)),
            )
            for name in TRACKED
            if (getattr(previous, name) if previous else None) != getattr(record, name)
            and not (previous is None and getattr(record, name) in (None, ""))
        ]
        if changes:
            who = record.history_user.get_full_name() if record.history_user else "Hệ thống"
            entries.append(
                HistoryEntry(record.history_date, who, record.history_change_reason or "", changes)
            )
        previous = record
    return list(reversed(entries))
