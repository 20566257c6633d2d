"""Reads for publishing a round's ranking group: the ranking as it would be frozen, what the
units had before, and what still keeps the group from being published.

A fixed number of queries whatever the number of units (`group_preview`: 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from scoring import engine
from scoring.models import (
    Assessment,
    AssessmentStatus,
    GroupPublication,
    Period,
    RankingGroup,
    Round,
    Score,
    Unit,
)
from scoring.selectors import appraised_sums


@dataclass
class PreviousResult:
    """A published result of the same kind of period, earlier than the round's."""

    unit_name: str
    period_label: str
    total: Decimal
    classification: str
    rank: int | None
    rank_of: int | None
    rescaled: Decimal | None = None

    @property
    def basis(self) -> Decimal:
        """What the change is against: the converted total where there was one."""
        return self.total if self.rescaled is None else self.rescaled


@dataclass
class PreviewRow:
    assessment: Assessment
    total: Decimal
    percentage: Decimal
    classification: str | None
    rank: int
    rank_of: int
    change: Decimal | None
    previous: PreviousResult | None = None
    # Điểm quy đổi (see `engine.outcome`); None where nothing was converted.
    rescaled: Decimal | None = None
    # A merged unit without a result of its own: its predecessors' results, listed (their sum
    # means nothing: they were ranked among other units, on other frameworks maybe).
    predecessors: list[PreviousResult] = field(default_factory=list)


@dataclass
class GroupPreview:
    round: Round
    group: RankingGroup
    rows: list[PreviewRow]
    blocking: list[Assessment]
    publications: list[GroupPublication]

    @property
    def published(self) -> bool:
        return bool(self.publications)

    @property
    def ready(self) -> bool:
        """Every unit appraised and finalized: the group can be published."""
        return bool(self.rows) and not self.blocking


def group_assessments(round_: Round, group: RankingGroup):
    return Assessment.objects.filter(round=round_, ranking_group=group)


def group_preview(*, round_: Round, group: RankingGroup) -> GroupPreview:
    """Every assessment of the round in the group, ranked within it as publication would
    freeze it, with change against the unit's last published result of the same kind of
    period, and the units not yet appraised (6 queries)."""
    framework = round_.framework
    members = list(group_assessments(round_, group).select_related("unit").order_by("unit__name"))
    # Summed apart (grouped by the score's assessment id alone), not annotated on the rows:
    # grouping by every column of the assessments and units costs 1,5 s at 3 300 units.
    sums = {
        row["assessment_id"]: row
        for row in Score.objects.filter(assessment__round=round_, assessment__ranking_group=group)
        .order_by()  # the scores' default order would join three tables into the grouping
        .values("assessment_id")
        .annotate(**appraised_sums())
    }
    results = {a.id: _outcome(a, framework, sums.get(a.id, {})) for a in members}
    ranks = engine.rank({a_id: result.basis for a_id, result in results.items()})
    history = _earlier_results(
        round_, [a.unit for a in members], group_assessments(round_, group).values("unit_id")
    )
    bands = framework.bands()
    rows = []
    for a in members:
        result = results[a.id]
        own, predecessors = history.get(a.unit_id, (None, []))
        rows.append(
            PreviewRow(
                assessment=a,
                total=result.total,
                percentage=result.percentage,
                classification=engine.classify(result.percentage, bands),
                rank=ranks[a.id],
                rank_of=len(members),
                change=engine.change(result.basis, own.basis if own else None),
                previous=own,
                predecessors=[] if own else predecessors,
                rescaled=result.rescaled,
            )
        )
    rows.sort(key=lambda r: (r.rank, r.assessment.unit.name))
    blocking = [a for a in members if a.status != AssessmentStatus.APPRAISED]
    if any(a.status == AssessmentStatus.PUBLISHED for a in members):
        # After publication only the units added or reopened since keep a re-publication
        # from going through; the published ones are what it re-freezes.
        blocking = [
            a
            for a in members
            if a.status not in (AssessmentStatus.APPRAISED, AssessmentStatus.PUBLISHED)
        ]
    publications = list(
        GroupPublication.objects.filter(round=round_, group=group)
        .select_related("published_by")
        .order_by("revision")
    )
    return GroupPreview(
        round=round_, group=group, rows=rows, blocking=blocking, publications=publications
    )


def _outcome(assessment, framework, sums) -> engine.Outcome:
    """The result from the sums of `appraised_sums()`: the scored criteria (rescaled where the
    framework says so), bonus and penalty items or the lump sums, held to the caps."""
    return engine.outcome(
        sums.get("appraised_sum"),
        framework_max=framework.max_total,
        not_assessed_max=sums.get("not_assessed_max"),
        rescales=framework.rescales,
        rounding=framework.rounding,
        bonus=assessment.bonus + (sums.get("bonus_items") or 0),
        penalty=assessment.penalty + (sums.get("penalty_items") or 0),
        bonus_cap=framework.bonus_cap,
        penalty_cap=framework.penalty_cap,
    )


def _earlier_results(
    round_: Round, units: list[Unit], unit_ids
) -> dict[int, tuple[PreviousResult | None, list[PreviousResult]]]:
    """For each unit (`unit_ids`: the same, as a subquery): its latest published result of the
    same kind of period before the round's (gaps skipped), and its predecessors' latest ones
    (2 queries)."""
    period = round_.period
    through = Unit.merged_from.through
    links = list(
        through.objects.filter(from_unit_id__in=unit_ids).values_list("from_unit_id", "to_unit_id")
    )
    predecessors = {old for _, old in links}
    earlier = (
        Assessment.objects.filter(
            Q(unit_id__in=unit_ids) | Q(unit_id__in=predecessors),
            status=AssessmentStatus.PUBLISHED,
            period__kind=period.kind,
            period__year__lt=period.year,
            result_total__isnull=False,
        )
        .order_by("unit_id", "-period__year")
        .values_list(  # plain values: a province has thousands of these rows
            "unit_id",
            "unit__name",
            "period__year",
            "result_total",
            "result_rescaled",
            "result_classification",
            "result_rank",
            "result_rank_of",
        )
    )
    latest: dict[int, PreviousResult] = {}
    for unit_id, name, year, total, rescaled, classification, rank, rank_of in earlier:
        if unit_id not in latest:
            latest[unit_id] = PreviousResult(
                unit_name=name,
                period_label=str(Period(year=year, kind=period.kind)),
                total=total,
                classification=classification,
                rank=rank,
                rank_of=rank_of,
                rescaled=rescaled,
            )
    olds: dict[int, list[int]] = {}
    for new, old in links:
        olds.setdefault(new, []).append(old)
    result = {}
    for unit in units:
        predecessors = sorted(
            (latest[o] for o in olds.get(unit.pk, []) if o in latest), key=lambda p: p.unit_name
        )
        result[unit.pk] = (latest.get(unit.pk), predecessors)
    return result
