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
    """A unit's register of outgoing documents (sổ văn bản đi) for one year: every series
    (kind of symbol, `documents.series`), or one of them."""

    units: list  # the issuing units the user may read the register of
    unit: object | None
    years: list[int]
    year: int | None
    letters: list = field(default_factory=list)
    series_list: list[str] = field(default_factory=list)  # the series used that year
    series: str | None = None  # None: every series


def register(user, *, unit_id: int | None, year: int | None, series: str | None = None) -> Register:
    """The letters a unit issued in a year, by series and in the order of their numbers, as
    the văn thư keeps them: units among those the user may see that have issued something,
    latest year first (5 queries). An unknown unit, year or series is LookupError (404)."""
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
    of_year = issued.filter(issuing_unit=unit, number_year=year)
    series_list = sorted(set(of_year.values_list("number_series", flat=True)))
    if series is not None:
        if series not in series_list:
            raise LookupError(series)
        of_year = of_year.filter(number_series=series)
    letters = list(
        of_year.select_related("assessment__unit", "assessment__period").order_by(
            "number_series", "number"
        )
    )
    return Register(
        units=units,
        unit=unit,
        years=years,
        year=year,
        letters=letters,
        series_list=series_list,
        series=series,
    )


def awaiting_signature(user) -> list:
    """The submitted letters whose named signer is one of the user's current posts, oldest
    submission first (1 query; none without a post)."""
    from documents.models import Letter, LetterStatus
    from scoring.access import officials_of

    posts = [o.pk for o in officials_of(user)]
    if not posts:
        return []
    return list(
        Letter.objects.filter(status=LetterStatus.SUBMITTED, signer_id__in=posts)
        .select_related("assessment__unit", "assessment__period", "issuing_unit", "created_by")
        .order_by("submitted_at", "pk")
    )


def awaiting_signature_count(user) -> int | None:
    """How many letters wait for the user's signature; None for someone who signs nothing
    (no chairperson post), so the menu costs them no query."""
    from documents.models import Letter, LetterStatus
    from scoring.access import officials_of
    from scoring.models import Role

    posts = [o.pk for o in officials_of(user) if o.role == Role.CHAIRPERSON]
    if not posts:
        return None
    return Letter.objects.filter(status=LetterStatus.SUBMITTED, signer_id__in=posts).count()
