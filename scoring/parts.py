"""Reads for the division of a round's appraisal into parts (phần việc thẩm định).

A part gives one appraiser some fields or criteria of a round for every unit of it; a field or
criterion with children covers every leaf below it. In a round that has parts, an appraiser
writes only the leaves of their own parts and reads the rest; a round without parts, and an
assessment outside any round, are appraised by the whole council as before.

Each function costs a fixed number of queries, whatever the number of units or criteria.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from scoring.engine import ITEM_KINDS
from scoring.models import AppraisalPart, Assessment, Criterion, Score
from scoring.models.assessments import losing_points

MAX_TREE_DEPTH = 6  # field → criterion → component is 3 deep; room for deeper frameworks

# A leaf's appraisal is done when it has a value and, if it loses points, the council's reason,
# or when the council found nothing arose (không phát sinh). A bonus or penalty item is
# optional: done when empty too (it counts as 0).
DONE = (
    (Q(appraised_value__isnull=False) & (~losing_points() | ~Q(appraisal_comment="")))
    | Q(appraised_value__isnull=True, criterion__kind__in=list(ITEM_KINDS))
    | Q(appraised_not_assessed=True)
)


def leaves_below(nodes: Iterable[tuple[int, int | None]], selected: Iterable[int]) -> set[int]:
    """The leaves of a tree of (id, parent id) at or below the selected ids (no query)."""
    children: dict[int | None, list[int]] = {}
    ids = []
    for node_id, parent_id in nodes:
        children.setdefault(parent_id, []).append(node_id)
        ids.append(node_id)
    known = set(ids)
    leaves: set[int] = set()
    stack = [s for s in selected if s in known]
    while stack:
        node = stack.pop()
        below = children.get(node)
        if below:
            stack.extend(below)
        else:
            leaves.add(node)
    return leaves


def part_leaf_ids(part: AppraisalPart) -> set[int]:
    """The leaf criteria a part covers (1 query)."""
    chosen = AppraisalPart.criteria.through.objects.filter(
        appraisalpart_id=part.pk, criterion_id=OuterRef("pk")
    )
    rows = (
        Criterion.objects.filter(framework__rounds=part.round_id)
        .annotate(chosen=Exists(chosen))
        .values_list("id", "parent_id", "chosen")
    )
    rows = list(rows)
    return leaves_below(((i, p) for i, p, _ in rows), (i for i, _, c in rows if c))


def parts_leaf_ids(parts: list[AppraisalPart]) -> dict[int, set[int]]:
    """The leaves of each of several parts, of any rounds (2 queries)."""
    if not parts:
        return {}
    chosen: dict[int, list[int]] = {p.pk: [] for p in parts}
    for part_id, criterion_id in AppraisalPart.criteria.through.objects.filter(
        appraisalpart_id__in=chosen
    ).values_list("appraisalpart_id", "criterion_id"):
        chosen[part_id].append(criterion_id)
    framework_ids = {p.round.framework_id for p in parts}
    nodes = list(
        Criterion.objects.filter(framework_id__in=framework_ids).values_list("id", "parent_id")
    )
    return {pk: leaves_below(nodes, selected) for pk, selected in chosen.items()}


def round_parts(round_id: int) -> list[AppraisalPart]:
    """A round's parts with their appraisers and the criteria chosen (2 queries)."""
    return list(
        AppraisalPart.objects.filter(round_id=round_id)
        .select_related("appraiser", "round")
        .prefetch_related("criteria")
        .order_by("name")
    )


def parts_of(user, assessment: Assessment) -> list[AppraisalPart]:
    """The parts of the assessment's round that the user holds (1 query; none outside a
    round)."""
    if assessment.round_id is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        AppraisalPart.objects.filter(round_id=assessment.round_id, appraiser=user)
        .select_related("round")
        .order_by("name")
    )


@dataclass
class Scope:
    """What a user may appraise in one assessment.

    `restricted` is False for assessments outside a round, rounds without parts and
    superusers: everything, as before parts existed. Otherwise only `leaf_ids`, the leaves of
    the user's own parts (none for a council member without a part: read-only).
    """

    restricted: bool = False
    leaf_ids: set[int] = field(default_factory=set)
    mine: list[AppraisalPart] = field(default_factory=list)
    # leaf id -> the part in charge of it, for showing who appraises what
    owner: dict[int, AppraisalPart] = field(default_factory=dict)

    def allows(self, criterion_id: int) -> bool:
        return not self.restricted or criterion_id in self.leaf_ids


def appraisal_scope(user, assessment: Assessment) -> Scope:
    """The criteria of an assessment the user may appraise (no query outside a round, 1 in a
    round without parts, 3 otherwise)."""
    if assessment.round_id is None:
        return Scope()
    parts = list(
        AppraisalPart.objects.filter(round_id=assessment.round_id)
        .select_related("appraiser", "round")
        .order_by("name")
    )
    if not parts:
        return Scope()
    leaves = parts_leaf_ids(parts)
    owner = {leaf: part for part in parts for leaf in leaves[part.pk]}
    if user is None or user.is_superuser:
        return Scope(owner=owner)
    mine = [p for p in parts if p.appraiser_id == user.pk]
    leaf_ids = set().union(*(leaves[p.pk] for p in mine)) if mine else set()
    return Scope(restricted=True, leaf_ids=leaf_ids, mine=mine, owner=owner)


def not_yours(code: str, owner: AppraisalPart | None) -> str:
    """Why a part-holder may not appraise a criterion of someone else's part (no query)."""
    if owner is None:
        return (
            f"Tiêu chí {code}: chưa được giao cho phần việc nào; "
            "người điều hành đợt đánh giá cần giao trước khi thẩm định."
        )
    return (
        f"Tiêu chí {code}: thuộc phần “{owner.name}” do {owner.appraiser} thẩm định; "
        "bạn chỉ thẩm định các tiêu chí của phần mình."
    )


def outside_part_refusal(user, score: Score) -> str | None:
    """Why the user may not write this score's appraisal because of the round's parts, or None
    (no query outside a round, 1 in a round without parts, 2 otherwise)."""
    assessment = score.assessment
    if assessment.round_id is None or user is None or user.is_superuser:
        return None
    holders = list(
        AppraisalPart.objects.filter(round_id=assessment.round_id).values_list("id", "appraiser_id")
    )
    if not holders:
        return None
    code = score.criterion.code
    mine = [pk for pk, appraiser_id in holders if appraiser_id == user.pk]
    if not mine:
        return (
            f"Tiêu chí {code}: đợt đánh giá đã phân công thẩm định theo phần việc và bạn "
            "không được giao phần nào, nên chỉ xem được."
        )
    covering = Q(pk=score.criterion_id)
    path = "children"
    for _ in range(MAX_TREE_DEPTH):
        covering |= Q(**{path: score.criterion_id})
        path += "__children"
    ancestors = Criterion.objects.filter(covering).values("id")
    if AppraisalPart.objects.filter(pk__in=mine, criteria__in=ancestors).exists():
        return None
    return (
        f"Tiêu chí {code}: không thuộc phần việc thẩm định bạn phụ trách; "
        "chỉ người được giao phần đó mới thẩm định được."
    )


@dataclass
class Progress:
    done: int = 0
    total: int = 0

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def parts_progress(
    parts: list[AppraisalPart], leaves: dict[int, set[int]], assessment_ids=None
) -> dict[tuple[int, int], Progress]:
    """(part id, assessment id) -> leaves of the part done / in the part, for every
    assessment of the parts' rounds (or only `assessment_ids`) (1 query)."""
    if not parts:
        return {}
    scores = Score.objects.filter(assessment__round_id__in={p.round_id for p in parts})
    if assessment_ids is not None:
        scores = scores.filter(assessment_id__in=assessment_ids)
    counts = {}
    for part in parts:
        in_part = Q(criterion_id__in=leaves[part.pk] or [0])
        counts[f"done_{part.pk}"] = Count("id", filter=in_part & DONE)
        counts[f"total_{part.pk}"] = Count("id", filter=in_part)
    rows = scores.values("assessment_id", "assessment__round_id").annotate(**counts)
    result = {}
    for row in rows:
        for part in parts:
            if part.round_id == row["assessment__round_id"]:
                result[(part.pk, row["assessment_id"])] = Progress(
                    row[f"done_{part.pk}"], row[f"total_{part.pk}"]
                )
    return result


def part_totals(progress: dict[tuple[int, int], Progress]) -> dict[int, tuple[Progress, int, int]]:
    """part id -> (criteria done / total over all its units, units complete, units)."""
    totals: dict[int, tuple[Progress, int, int]] = {}
    for (part_id, _), p in progress.items():
        sums, complete, units = totals.get(part_id, (Progress(), 0, 0))
        totals[part_id] = (
            Progress(sums.done + p.done, sums.total + p.total),
            complete + (1 if p.complete else 0),
            units + 1,
        )
    return totals


def unfinished_parts(assessment: Assessment) -> list[str]:
    """One line per part of the assessment's round with leaves not done for this unit, naming
    the part and its appraiser (none outside a round or in a round without parts)."""
    if assessment.round_id is None:
        return []
    parts = list(
        AppraisalPart.objects.filter(round_id=assessment.round_id)
        .select_related("appraiser", "round")
        .order_by("name")
    )
    if not parts:
        return []
    leaves = parts_leaf_ids(parts)
    scores = list(
        assessment.scores.values_list(
            "criterion_id", "appraised_value", "maximum", "appraisal_comment"
        )
    )
    lines = []
    for part in parts:
        mine = [s for s in scores if s[0] in leaves[part.pk]]
        missing = sum(1 for _, value, _, _ in mine if value is None)
        no_reason = sum(
            1
            for _, value, maximum, comment in mine
            if value is not None and value < maximum and not comment.strip()
        )
        if not (missing or no_reason):
            continue
        what = []
        if missing:
            what.append(f"{missing} tiêu chí chưa thẩm định")
        if no_reason:
            what.append(f"{no_reason} tiêu chí bị trừ điểm chưa ghi lý do")
        lines.append(f"Phần “{part.name}” ({part.appraiser}) còn {' và '.join(what)}.")
    return lines


@dataclass
class PartQueue:
    """An appraiser's part in the queue: every unit of its round with the part's progress."""

    part: AppraisalPart
    rows: list[tuple[Assessment, Progress]]

    @property
    def total(self) -> Progress:
        return Progress(sum(p.done for _, p in self.rows), sum(p.total for _, p in self.rows))

    @property
    def units_complete(self) -> int:
        return sum(1 for _, p in self.rows if p.complete)


def appraiser_queue(user, unit_ids: set[int] | None) -> list[PartQueue]:
    """The user's parts, each with the assessments of its round among `unit_ids` (None: all)
    and how many of the part's criteria are done in each (5 queries, none past the first
    for a user without parts)."""
    parts = list(
        AppraisalPart.objects.filter(appraiser=user)
        .select_related("round__period")
        .order_by("-round__period__year", "round__name", "name")
    )
    if not parts:
        return []
    leaves = parts_leaf_ids(parts)
    assessments = Assessment.objects.filter(round_id__in={p.round_id for p in parts})
    if unit_ids is not None:
        assessments = assessments.filter(unit_id__in=unit_ids)
    assessments = list(assessments.select_related("unit", "period").order_by("unit__name"))
    progress = parts_progress(parts, leaves, [a.pk for a in assessments])
    return [
        PartQueue(
            part=part,
            rows=[
                (a, progress.get((part.pk, a.pk), Progress()))
                for a in assessments
                if a.round_id == part.round_id
            ],
        )
        for part in parts
    ]
