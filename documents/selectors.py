"""Reads for the documents pages: the periods with a published ranking the user may see, and
one period's rankings as published (frozen results), in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from scoring.models import Assessment, AssessmentStatus, Framework, Period
from scoring.selectors import previous_periods


@dataclass
class PeriodRanking:
    """One framework's published ranking in a period, as the documents index shows it."""

    framework: Framework
    # Each published assessment with the period its change is against (None without one).
    rows: list[tuple[Assessment, Period | None]] = field(default_factory=list)


def ranking_periods(visible: QuerySet[Assessment]) -> list[Period]:
    """Periods with a published result among `visible` (the assessments the user may see,
    `scoring.access.visible_assessments`), newest first (1 query)."""
    published = visible.filter(status=AssessmentStatus.PUBLISHED)
    return list(
        Period.objects.filter(pk__in=published.values("period_id")).order_by("-year", "kind")
    )


def period_rankings(visible: QuerySet[Assessment], period: Period) -> list[PeriodRanking]:
    """Every ranking of `period` in which `visible` holds a published result: all its units,
    as the downloadable phụ lục (c) lists them, by framework, group and rank (2 queries)."""
    seen = visible.filter(status=AssessmentStatus.PUBLISHED, period=period)
    rows = list(
        Assessment.objects.filter(
            status=AssessmentStatus.PUBLISHED,
            period=period,
            framework_id__in=seen.values("framework_id"),
        )
        .select_related("unit", "framework", "ranking_group", "period")
        .order_by("framework__name", "ranking_group__position", "result_rank", "unit__name")
    )
    before = previous_periods(period, [a.unit_id for a in rows]) if rows else {}
    rankings: dict[int, PeriodRanking] = {}
    for a in rows:
        ranking = rankings.setdefault(a.framework_id, PeriodRanking(a.framework))
        compared = before.get(a.unit_id) if a.result_change is not None else None
        ranking.rows.append((a, compared))
    return list(rankings.values())


@dataclass
class Register:
    """A unit's register of outgoing documents (sổ văn bản đi) for one year."""

    units: list  # the issuing units the user may read the register of
    unit: object | None
    years: list[int]
    year: int | None
    letters: list = field(default_factory=list)


def register(user, *, unit_id: int | None, year: int | None) -> Register:
    """The letters a unit issued in a year, in the order of their numbers, as the văn thư
    keeps them: units among those the user may see that have issued something, latest year
    first (4 queries). An unknown unit or year is LookupError (404 for the page)."""
    from documents.models import Letter, LetterStatus
    from scoring.access import in_scope_q
    from scoring.models import Unit

    issued = Letter.objects.filter(status=LetterStatus.ISSUED)
    scope = in_scope_q(user)
    units = Unit.objects.filter(pk__in=issued.values("issuing_unit_id"))
    if scope is not None:
        units = units.filter(scope)
    units = list(units.order_by("name"))
    if unit_id is None:
        unit = units[0] if units else None
    else:
        unit = next((u for u in units if u.pk == unit_id), None)
        if unit is None:
            raise LookupError(unit_id)
    if unit is None:
        return Register(units=[], unit=None, years=[], year=None)
    years = sorted(
        set(issued.filter(issuing_unit=unit).values_list("number_year", flat=True)), reverse=True
    )
    if year is None:
        year = years[0]
    elif year not in years:
        raise LookupError(year)
    letters = list(
        issued.filter(issuing_unit=unit, number_year=year)
        .select_related("assessment__unit", "assessment__period")
        .order_by("number")
    )
    return Register(units=units, unit=unit, years=years, year=year, letters=letters)
