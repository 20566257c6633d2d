"""Reads of the round pages: the rounds list, a round's groups and units, the council's board
and a unit's progress by department. Each costs a fixed number of queries, whatever the number
of units or criteria (the board: one query for its rows, one for the round's appraisers)."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from scoring.engine import ITEM_KINDS
from scoring.models import (
    AppraisalPart,
    Assessment,
    AssessmentStatus,
    DeadlineExtension,
    Evidence,
    EvidenceStage,
    Official,
    Round,
    Score,
    Source,
)

S = AssessmentStatus
SUBMITTED_OR_LATER = [S.SUBMITTED, S.RETURNED, S.ROUND_2, S.APPRAISED, S.PUBLISHED]
SCORED = ~Q(criterion__kind__in=list(ITEM_KINDS))


def round_list(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds, newest period first, with their units counted by stage (one query, plus one
    for the groups' names)."""
    return (
        rounds.annotate(
            unit_count=Count("assessments", distinct=True),
            submitted_count=Count(
                "assessments",
                filter=Q(assessments__status__in=SUBMITTED_OR_LATER),
                distinct=True,
            ),
            published_count=Count(
                "assessments", filter=Q(assessments__status=S.PUBLISHED), distinct=True
            ),
        )
        .prefetch_related("groups")
        .order_by("-period__year", "period__kind", "council_unit__name", "name")
    )


@dataclass
class GroupSummary:
    group: object
    total: int = 0
    by_status: list[tuple[str, int]] = field(default_factory=list)


def round_groups(round_: Round) -> list[GroupSummary]:
    """The round's groups, each with its units counted by status (two queries)."""
    counts = (
        Assessment.objects.filter(round=round_)
        .values("ranking_group_id", "status")
        .annotate(n=Count("id"))
    )
    by_group: dict[int, dict[str, int]] = defaultdict(dict)
    for row in counts:
        by_group[row["ranking_group_id"]][row["status"]] = row["n"]
    summaries = []
    for group in round_.groups.all():
        found = by_group.get(group.pk, {})
        summaries.append(
            GroupSummary(
                group=group,
                total=sum(found.values()),
                by_status=[(label, found[value]) for value, label in S.choices if value in found],
            )
        )
    return summaries


def round_assessments(round_: Round) -> QuerySet[Assessment]:
    """The round's units, by group and name, each with its extensions (two queries)."""
    return (
        Assessment.objects.filter(round=round_)
        .select_related("unit", "ranking_group")
        .prefetch_related(
            Prefetch(
                "deadline_extensions",
                queryset=DeadlineExtension.objects.select_related("granted_by"),
            )
        )
        .order_by("ranking_group__position", "ranking_group__name", "unit__name")
    )


def round_status_history(round_: Round) -> list:
    """Every close and re-open of the round, oldest first, with who and why."""
    records = list(round_.history.select_related("history_user").order_by("history_date"))
    changes = []
    for before, after in itertools.pairwise(records):
        if before.status != after.status:
            changes.append(after)
    return changes


def round_framework_changes(round_: Round) -> list:
    """Every move of the round to another framework, newest first, each with its not-carried
    list as table rows (one query)."""
    changes = list(
        round_.framework_changes.select_related("old_framework", "new_framework", "changed_by")
    )
    for change in changes:
        change.rows = not_carried_rows(change)
    return changes


def not_carried_rows(change) -> list[dict]:
    """The change's not-carried list as table rows: the old values in one short text."""
    rows = []
    labels = {
        "self_value": "tự đánh giá",
        "self_b": "b",
        "self_a": "a",
        "appraised_value": "thẩm định",
        "appraised_b": "b thẩm định",
        "appraised_a": "a thẩm định",
        "round1_value": "vòng 1",
        "self_measure": "kết quả đo",
        "appraised_measure": "kết quả đo thẩm định",
        "bonus": "điểm thưởng",
        "penalty": "điểm trừ",
    }
    for entry in change.not_carried:
        values = []
        for name, label in labels.items():
            value = entry.get(name)
            if value not in (None, ""):
                shown = str(value).replace(".", ",")
                values.append(f"{label} {shown}")
        texts = [
            entry.get(name)
            for name in ("self_note", "appraisal_comment", "response")
            if entry.get(name)
        ]
        if entry.get("files"):
            texts.append(
                f"{entry['files']} tệp tài liệu, giữ tại tiêu chí {entry['files_kept_at']}"
            )
        rows.append(
            {
                "unit": entry.get("unit", ""),
                "code": entry.get("code", ""),
                "title": entry.get("title", ""),
                "reason": entry.get("reason", ""),
                "values": "; ".join(values),
                "texts": " · ".join(texts),
            }
        )
    return rows


# --- the board --------------------------------------------------------------------------------


@dataclass
class BoardRow:
    assessment: Assessment
    leaves: int
    self_filled: int
    appraised: int
    appraised_points: Decimal
    files: int
    days_late: int | None
    # The criteria the unit scores itself (survey and outside ones are the council's).
    self_leaves: int | None = None

    @property
    def self_percent(self) -> int:
        own = self.leaves if self.self_leaves is None else self.self_leaves
        return round(100 * self.self_filled / own) if own else 0

    @property
    def unit(self):
        return self.assessment.unit

    @property
    def group(self):
        return self.assessment.ranking_group


def days_late(assessment: Assessment, now: datetime.datetime) -> int | None:
    """Days past the unit's own self-assessment deadline: when it submitted, or until now if
    it has not; None when not late."""
    deadline = assessment.self_deadline
    if deadline is None:
        return None
    when = now if assessment.status == S.DRAFT else assessment.submitted_at
    if when is None or when <= deadline:
        return None
    late = (timezone.localdate(when) - timezone.localdate(deadline)).days
    return max(late, 1)


SORTS = {
    "don-vi": lambda r: r.unit.name,
    "nhom": lambda r: (r.group.position, r.group.name) if r.group else (0, ""),
    "trang-thai": lambda r: [v for v, _ in S.choices].index(r.assessment.status),
    "tu-danh-gia": lambda r: r.self_percent,
    "tai-lieu": lambda r: r.files,
    "ngay-gui": lambda r: (
        r.assessment.submitted_at or datetime.datetime.max.replace(tzinfo=datetime.UTC)
    ),
    "tre-han": lambda r: r.days_late or 0,
    "diem": lambda r: r.appraised_points,
    "tham-dinh": lambda r: (r.appraised, r.leaves),
}


@dataclass
class Board:
    rows: list[BoardRow]
    appraisers: list[str]
    total: int  # units in the round, before filters


def board(
    round_: Round,
    *,
    group_id: int | None = None,
    status: str = "",
    late_only: bool = False,
    sort: str = "",
) -> Board:
    """One row per unit of the round with its progress (three queries whatever the size)."""
    files = (
        Evidence.objects.filter(score__assessment=OuterRef("pk"))
        .order_by()
        .values("score__assessment")
        .annotate(n=Count("id"))
        .values("n")
    )
    assessments = (
        Assessment.objects.filter(round=round_)
        .select_related("unit", "ranking_group")
        .annotate(n_files=Coalesce(Subquery(files, output_field=IntegerField()), Value(0)))
    )
    # The scores are counted apart, grouped by their assessment id alone: annotated on the
    # assessments, the grouping takes every column of the rows and their units (0,5 s at 170).
    counts = {
        row.pop("assessment_id"): row
        for row in Score.objects.filter(assessment__round=round_)
        .order_by()
        .values("assessment_id")
        .annotate(
            # Bonus and penalty items are optional: progress counts the scored criteria.
            n_leaves=Count("id", filter=SCORED),
            n_self_leaves=Count("id", filter=SCORED & Q(criterion__source=Source.SELF)),
            n_self=Count(
                "id",
                filter=SCORED
                & Q(criterion__source=Source.SELF)
                & (Q(self_value__isnull=False) | Q(self_not_assessed=True)),
            ),
            n_appraised=Count(
                "id",
                filter=SCORED & (Q(appraised_value__isnull=False) | Q(appraised_not_assessed=True)),
            ),
            points=Coalesce(Sum("appraised_value", filter=SCORED), Value(Decimal("0"))),
        )
    }
    empty = {
        "n_leaves": 0,
        "n_self_leaves": 0,
        "n_self": 0,
        "n_appraised": 0,
        "points": Decimal("0"),
    }
    now = timezone.now()
    rows = []
    for a in assessments:
        count = counts.get(a.pk, empty)
        rows.append(
            BoardRow(
                assessment=a,
                leaves=count["n_leaves"],
                self_filled=count["n_self"],
                appraised=count["n_appraised"],
                appraised_points=count["points"],
                files=a.n_files,
                days_late=days_late(a, now),
                self_leaves=count["n_self_leaves"],
            )
        )
    total = len(rows)
    if group_id:
        rows = [r for r in rows if r.assessment.ranking_group_id == group_id]
    if status in S.values:
        rows = [r for r in rows if r.assessment.status == status]
    if late_only:
        rows = [r for r in rows if r.days_late]
    key, reverse = sort.removeprefix("-"), sort.startswith("-")
    rows.sort(key=lambda r: r.unit.name)
    rows.sort(key=lambda r: (r.group.position, r.group.name) if r.group else (0, ""))
    if key in SORTS:
        rows.sort(key=SORTS[key], reverse=reverse)
    parts = AppraisalPart.objects.filter(round=round_).select_related("appraiser")
    appraisers = sorted({p.appraiser.get_full_name() or p.appraiser.username for p in parts})
    return Board(rows=rows, appraisers=appraisers, total=total)


# --- a unit's progress by department ------------------------------------------------------------


@dataclass
class DepartmentProgress:
    name: str
    criteria: list = field(default_factory=list)  # scores, each with .n_files
    officials: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def with_self(self) -> int:
        return sum(1 for s in self.criteria if s.self_value is not None)

    @property
    def with_files(self) -> int:
        return sum(1 for s in self.criteria if s.n_files)

    @property
    def missing(self) -> list:
        """Criteria still without a self value, or claiming points with neither a file nor an
        explanation (what keeps the unit from submitting)."""
        return [s for s in self.criteria if s.missing]

    @property
    def not_entered(self) -> list:
        return [s for s in self.criteria if s.self_value is None]

    @property
    def without_proof(self) -> list:
        return [s for s in self.criteria if s.missing and s.self_value is not None]


NO_DEPARTMENT = "Chưa giao bộ phận"


def unit_progress(assessment: Assessment) -> list[DepartmentProgress]:
    """The assessment's criteria by responsible department, with who works there (two
    queries)."""
    scores = (
        # The unit's own criteria: survey and outside ones are the council's to enter.
        Score.objects.filter(assessment=assessment, criterion__source=Source.SELF)
        .select_related("criterion", "responsible_department")
        .annotate(
            # Files uploaded for the criterion and files shared with it from another one.
            n_files=Count("evidence", distinct=True) + Count("linked_evidence", distinct=True),
            n_self_files=Count(
                "evidence", filter=Q(evidence__stage=EvidenceStage.SELF), distinct=True
            )
            + Count(
                "linked_evidence",
                filter=Q(linked_evidence__stage=EvidenceStage.SELF),
                distinct=True,
            ),
        )
        .order_by("criterion__sort_key")
    )
    officials = Official.objects.filter(
        unit_id=assessment.unit_id, is_active=True, department__isnull=False
    ).select_related("user")
    people: dict[int, list[str]] = defaultdict(list)
    for official in officials:
        people[official.department_id].append(official.user.get_full_name())
    departments: dict[object, DepartmentProgress] = {}
    for score in scores:
        department = score.responsible_department
        key = department.pk if department else None
        if key not in departments:
            departments[key] = DepartmentProgress(
                name=department.name if department else NO_DEPARTMENT,
                officials=sorted(people.get(key, [])) if key else [],
            )
        score.missing = (score.self_value is None and not score.self_not_assessed) or (
            score.self_value is not None
            and score.self_value > 0
            and not score.self_not_assessed
            and not score.n_self_files
            and not score.self_note.strip()
        )
        departments[key].criteria.append(score)
    return sorted(departments.values(), key=lambda d: (d.name == NO_DEPARTMENT, d.name))
