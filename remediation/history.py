"""A task's history as people read it: who changed what, when, from what to what, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

from remediation.models import Task, TaskStatus
from scoring import engine
from scoring.models import Department, Official, Score

FIELDS = (
    ("action", "Việc cần làm"),
    ("reason", "Lý do bị trừ điểm"),
    ("points", "Điểm có thể lấy lại"),
    ("lead_id", "Người chủ trì"),
    ("department_id", "Bộ phận phụ trách"),
    ("responsible_note", "Trách nhiệm (ghi như văn bản)"),
    ("deadline", "Hạn hoàn thành"),
    ("assigned_at", "Ngày giao việc"),
    ("status", "Trạng thái"),
    ("verified_by_id", "Người kiểm tra"),
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


def _m2m_rows(records, accessor: str, column: str) -> dict[int, list[int]]:
    """The ids linked at each historical record, for one many-to-many field (1 query)."""
    through = Task.history.model._meta.get_field(accessor).related_model
    linked: dict[int, list[int]] = {r.history_id: [] for r in records}
    rows = through.objects.filter(history__in=[r.history_id for r in records])
    for history_id, linked_id in rows.values_list("history_id", column):
        linked[history_id].append(linked_id)
    return {key: sorted(ids) for key, ids in linked.items()}


def _snapshots(records) -> list[dict]:
    scores = _m2m_rows(records, "historicaltask_scores", "score_id")
    assignees = _m2m_rows(records, "historicaltask_assignees", "official_id")
    snapshots = []
    for record in records:
        values = {name: getattr(record, name) for name, _ in FIELDS}
        values["scores"] = scores[record.history_id]
        values["assignees"] = assignees[record.history_id]
        snapshots.append(values)
    return snapshots


def task_history(task: Task) -> list[HistoryEntry]:
    """Newest first; only records that changed something people care about (6 queries)."""
    records = list(
        task.history.select_related("history_user", "verified_by").order_by(
            "history_date", "history_id"
        )
    )
    snapshots = _snapshots(records)
    names = _names(snapshots)
    names["user"] = {
        r.verified_by_id: r.verified_by.get_full_name() for r in records if r.verified_by
    }
    labels = dict(FIELDS) | {"scores": "Tiêu chí", "assignees": "Người phối hợp"}
    entries, previous = [], None
    for record, snap in zip(records, snapshots, strict=True):
        changes = [
            Change(labels[key], _shown(key, previous.get(key), names), _shown(key, value, names))
            for key, value in snap.items()
            if previous is not None and previous.get(key) != value
        ]
        if previous is None:
            changes = [Change("Tạo việc", "", _shown("action", snap["action"], names))]
        if changes:
            who = record.history_user.get_full_name() if record.history_user else "Hệ thống"
            entries.append(
                HistoryEntry(record.history_date, who, record.history_change_reason or "", changes)
            )
        previous = snap
    return list(reversed(entries))


def _names(snapshots: list[dict]) -> dict:
    official_ids = {s["lead_id"] for s in snapshots} | {
        a for s in snapshots for a in s["assignees"]
    }
    department_ids = {s["department_id"] for s in snapshots}
    score_ids = {i for s in snapshots for i in s["scores"]}
    officials = Official.objects.filter(pk__in=official_ids - {None}).select_related("user")
    return {
        "official": {o.pk: o.user.get_full_name() for o in officials},
        "department": dict(
            Department.objects.filter(pk__in=department_ids - {None}).values_list("pk", "name")
        ),
        "score": dict(Score.objects.filter(pk__in=score_ids).values_list("pk", "criterion__code")),
    }


def _shown(key: str, value, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "(trống)"
    if key == "lead_id":
        return names["official"].get(value, f"#{value}")
    if key == "verified_by_id":
        return names["user"].get(value, f"#{value}")
    if key == "department_id":
        return names["department"].get(value, f"#{value}")
    if key == "scores":
        return ", ".join(names["score"].get(v, f"#{v}") for v in value)
    if key == "assignees":
        return ", ".join(names["official"].get(v, f"#{v}") for v in value)
    if key == "status":
        return TaskStatus(value).label
    if isinstance(value, Decimal):
        return engine.vn_number(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
