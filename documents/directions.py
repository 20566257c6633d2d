"""Directions of a letter: what each lost criterion asks of whom, by when, and how to group them.

This is the seam between the letter composer and whatever says what must be done. The
directions are drafted from the lost criteria (`directions_from_lost_criteria`); a criterion
whose remediation task is written takes that task's action, lead and deadline (`TaskPlan`);
one without says only the council's reason, under the letter's one general sentence asking
for causes and remedies (`general_request`). Everything downstream — grouping, the letter's
paragraphs, its PDF and Word file — reads the same `DirectionItem`s. Pure functions over
plain values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from documents import formatting
from scoring import engine
from scoring.models import PeriodKind
from scoring.selectors import Sheet

UNASSIGNED = "Các bộ phận, công chức liên quan"


@dataclass(frozen=True)
class DirectionItem:
    """One thing to put right: the criterion, the council's reason, the action, the deadline."""

    criterion_code: str
    criterion_title: str
    field_code: str
    field_title: str
    lost: Decimal | None
    reason: str
    action: str
    deadline: date | None
    department: str = ""  # the responsible department's name
    officials: tuple[str, ...] = ()  # "Nguyễn Thị Thu Hà, Công chức Văn phòng - Thống kê"
    responsible: str = ""  # as the phụ lục writes it ("Các công chức liên quan")
    source: str = "lost_criterion"
    source_id: int | None = None


@dataclass(frozen=True)
class TaskPlan:
    """What a remediation task written for a criterion says: the letter's direction for it."""

    task_id: int
    action: str
    reason: str = ""
    deadline: date | None = None
    department: str = ""
    officials: tuple[str, ...] = ()  # the lead first, then the others
    responsible: str = ""


@dataclass
class DirectionGroup:
    heading: str
    items: list = field(default_factory=list)


def default_deadline(year: int, kind: str) -> date:
    """Before the next year-end scoring: 31 October of the year the directions are for."""
    return date(year if kind == PeriodKind.MID_YEAR else year + 1, 10, 31)


def target_label(year: int, kind: str) -> str:
    """The period the directions aim at: "năm 2024" after 2023, "năm 2023" after mid-2023."""
    return f"năm {year if kind == PeriodKind.MID_YEAR else year + 1}"


def general_request(aim: str) -> str:
    """The one sentence every lost criterion shares, said once in the letter's introduction
    instead of under each criterion: "làm rõ nguyên nhân, có giải pháp khắc phục …"."""
    return (
        "làm rõ nguyên nhân, có giải pháp khắc phục cụ thể để các tiêu chí bị trừ điểm đạt "
        f"điểm tối đa trong kỳ đánh giá {aim}"
    )


def directions_from_lost_criteria(
    sheet: Sheet,
    *,
    deadline: date | None,
    officials_by_department: Mapping[int, Sequence[str]] | None = None,
    tasks: Mapping[int, TaskPlan] | None = None,
) -> list[DirectionItem]:
    """One direction per criterion that lost points, with the council's comment as reason.

    `tasks` (score id → the task written for it) gives a criterion its task's action, people
    and deadline; a criterion without a task has no action of its own (the introduction asks
    for causes and remedies once) and the common `deadline`.
    """
    officials_by_department = officials_by_department or {}
    tasks = tasks or {}
    fields = {row.criterion.code: row.criterion.title for row in sheet.fields}
    items = []
    for row in sheet.lost_rows:
        score = row.score
        department = score.responsible_department if score else None
        field_code = row.criterion.code.split(".")[0]
        item = DirectionItem(
            criterion_code=row.criterion.code,
            criterion_title=row.criterion.title,
            field_code=field_code,
            field_title=fields.get(field_code, ""),
            lost=row.lost,
            reason=(score.appraisal_comment if score else "").strip(),
            action="",
            deadline=deadline,
            department=department.name if department else "",
            officials=tuple(officials_by_department.get(department.pk, ())) if department else (),
            responsible=(score.responsible_note if score else "").strip(),
            source_id=score.pk if score else None,
        )
        plan = tasks.get(score.pk) if score else None
        items.append(_from_task(item, plan) if plan else item)
    return items


def _from_task(item: DirectionItem, plan: TaskPlan) -> DirectionItem:
    """The criterion's direction as its remediation task says it."""
    return replace(
        item,
        reason=plan.reason.strip() or item.reason,
        action=plan.action.strip(),
        deadline=plan.deadline or item.deadline,
        department=plan.department or item.department,
        officials=plan.officials or item.officials,
        responsible=plan.responsible.strip() or item.responsible,
        source="task",
        source_id=plan.task_id,
    )


def group_label(item: DirectionItem, grouping: str) -> str:
    """The heading an item is printed under for a grouping (field, department, official)."""
    if grouping == "field":
        if not item.field_title:
            return "Các nội dung khác"
        return f"Về {formatting.lower_first(item.field_title)}"
    if grouping == "official" and item.officials:
        names = "; ".join(item.officials)
        return f"Đồng chí {names}" if len(item.officials) == 1 else f"Các đồng chí {names}"
    return item.department or item.responsible or UNASSIGNED


def group_items(items: Iterable, key) -> list[DirectionGroup]:
    """Items grouped under `key(item)`, groups in the order they first appear."""
    groups: dict[str, DirectionGroup] = {}
    for item in items:
        heading = key(item)
        groups.setdefault(heading, DirectionGroup(heading)).items.append(item)
    return list(groups.values())


def sort_for_grouping(items: Sequence[DirectionItem], grouping: str) -> list[DirectionItem]:
    """Items in print order: by field and criterion code; by group, then code, otherwise."""
    by_code = sorted(items, key=lambda i: engine.sort_key(i.criterion_code or "0"))
    if grouping == "field":
        return by_code
    order: dict[str, int] = {}
    for item in by_code:
        order.setdefault(group_label(item, grouping), len(order))
    # Named departments and officials first, in order of their first criterion; the catch-all
    # group ("Các bộ phận, công chức liên quan") last.
    return sorted(
        by_code,
        key=lambda i: (group_label(i, grouping) == UNASSIGNED, order[group_label(i, grouping)]),
    )


def item_text(item, *, with_responsible: bool) -> str:
    """One direction as the letter prints it, after its "- " dash.

    Works on a DirectionItem or a LetterDirection (same attribute names).
    """
    head = f"Tiêu chí {item.criterion_code}" if item.criterion_code else ""
    if item.criterion_title:
        head += f" “{item.criterion_title.strip().rstrip('.')}”"
    if item.lost:
        head += f" (bị trừ {engine.vn_number(item.lost)} điểm)"
    parts = []
    if head:
        parts.append(head.strip() + (":" if item.reason else "."))
    if item.reason:
        parts.append(_sentence(item.reason))
    parts.append(_sentence(item.action))
    if item.deadline:
        parts.append(f"Thời hạn hoàn thành: trước ngày {formatting.short_date(item.deadline)}.")
    if with_responsible:
        who = item.responsible or item.department
        officials = item.officials  # a tuple, or a LetterDirection's "a; b"
        if item.source == "task" and officials:
            who = officials if isinstance(officials, str) else "; ".join(officials)
        if who:
            parts.append(f"Thực hiện: {_sentence(who)}")
    return " ".join(p for p in parts if p)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", ":", ";")) else text + "."
