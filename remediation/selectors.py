"""Reads: task lists with everything a row shows, "my tasks", counts by status, commitments.

Each list costs a fixed number of queries however many tasks, criteria or people it shows.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from remediation.models import (
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    Task,
    TaskStatus,
)
from scoring import access as scoring_access
from scoring import engine
from scoring.models import Assessment, Criterion, Official, Score, Unit


def with_details(queryset: QuerySet[Task]) -> QuerySet[Task]:
    """What a task row shows: unit, period, people, criteria (3 queries for any number)."""
    return queryset.select_related(
        "assessment__unit", "assessment__period", "lead__user", "department"
    ).prefetch_related(
        Prefetch(
            "scores",
            queryset=Score.objects.select_related("criterion").order_by("criterion__sort_key"),
        ),
        Prefetch("assignees", queryset=Official.objects.select_related("user")),
    )


@dataclass
class MyTask:
    task: Task
    role: str  # "chủ trì", "phối hợp" or "bộ phận"


def my_tasks(user) -> list[MyTask]:
    """The user's assigned, unfinished tasks, earliest deadline first (4 queries)."""
    posts = scoring_access.officials_of(user)
    if not posts:
        return []
    mine = {o.pk for o in posts}
    tasks = with_details(Task.objects.for_user(user).assigned().open()).order_by("deadline", "pk")
    rows = []
    for task in tasks:
        if task.lead_id in mine:
            role = "chủ trì"
        elif any(a.pk in mine for a in task.assignees.all()):
            role = "phối hợp"
        else:
            role = "bộ phận"
        rows.append(MyTask(task=task, role=role))
    return rows


STATUS_ORDER = [s for s in TaskStatus]


@dataclass
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class TaskSummary:
    drafts: int
    by_status: list[StatusCount]
    overdue: list[Task]
    total: int


def summarize(tasks: list[Task], today: datetime.date) -> TaskSummary:
    """Counts by status (drafts apart) and the overdue tasks, most overdue first."""
    assigned = [t for t in tasks if not t.is_draft]
    counts = Counter(t.status for t in assigned)
    overdue = sorted(
        (t for t in assigned if t.days_overdue(today)),
        key=lambda t: (t.deadline, t.pk),
    )
    return TaskSummary(
        drafts=len(tasks) - len(assigned),
        by_status=[StatusCount(s.value, s.label, counts.get(s.value, 0)) for s in STATUS_ORDER],
        overdue=overdue,
        total=len(tasks),
    )


def assessment_tasks(assessment: Assessment) -> list[Task]:
    return list(with_details(assessment.tasks.all()).order_by("assigned_at", "deadline", "pk"))


# --- commitments ----------------------------------------------------------------------------


def commitments_fulfilled(unit: Unit, year: int) -> tuple[int, int]:
    """(b, a): commitments of the unit for the year that were fulfilled, of all registered.

    Breakthrough work is registered too but does not count here: criterion 1.6 scores the
    commitments (cam kết). One query.
    """
    statuses = list(
        Commitment.objects.filter(unit=unit, year=year, kind=CommitmentKind.COMMITMENT).values_list(
            "status", flat=True
        )
    )
    return sum(1 for s in statuses if s == CommitmentStatus.DONE), len(statuses)


@dataclass
class CommitmentScore:
    done: int
    total: int
    code: str
    maximum: Decimal
    score: Decimal | None  # None while nothing is registered


def commitment_score(unit: Unit, year: int) -> CommitmentScore:
    """What the fulfilled commitments give on the criterion that scores them (1.6 in the
    frameworks we know), taken from the unit's framework for that year when it has one."""
    done, total = commitments_fulfilled(unit, year)
    assessment = (
        Assessment.objects.filter(unit=unit, period__year=year)
        .select_related("framework")
        .order_by("period__kind")
        .first()
    )
    criterion = None
    rounding = engine.Rounding.HALF_UP
    if assessment is not None:
        rounding = assessment.framework.rounding
        criterion = Criterion.objects.filter(framework=assessment.framework, code="1.6").first()
    maximum = criterion.maximum if criterion else Decimal("1.00")
    score = engine.ratio_score(maximum, done, total, rounding=rounding) if total else None
    return CommitmentScore(done=done, total=total, code="1.6", maximum=maximum, score=score)
