"""Reads for the council's round-wide results: the survey and outside criteria of a framework
and, for each unit of a round, its scores of them (fixed query counts whatever the size)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scoring import access, engine
from scoring.models import (
    Assessment,
    AssessmentStatus,
    Criterion,
    Framework,
    Role,
    Round,
    RoundStatus,
    Score,
    Source,
)


def rounds_with_survey(user) -> list[Round]:
    """Open rounds with survey or outside criteria of the councils where the user runs rounds
    or appraises: where the appraisal queue leads to the round-wide results page (1 query)."""
    rounds = (
        Round.objects.filter(
            status=RoundStatus.OPEN,
            framework__criteria__source__in=[Source.SURVEY, Source.EXTERNAL],
        )
        .distinct()
        .order_by("name")
    )
    if not user.is_superuser:
        roles = (*access.ROUND_ROLES, Role.APPRAISER)
        rounds = rounds.filter(council_unit_id__in=access.own_unit_ids(user, roles))
    return list(rounds[:20])


def survey_columns(framework: Framework) -> list[Criterion]:
    """The leaves the council enters for the whole round from a result (%): survey and
    outside criteria scored by PERCENT or PERCENT_STEPS, in the framework's order (1 query)."""
    return list(
        framework.criteria.filter(children__isnull=True, method__in=list(engine.MEASURED_METHODS))
        .exclude(source=Source.SELF)
        .order_by("sort_key")
    )


@dataclass
class SurveyLine:
    """One unit of the round: its assessment and its score of each column (None if absent)."""

    assessment: Assessment
    cells: list[Score | None] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.assessment.status != AssessmentStatus.PUBLISHED


def survey_lines(round_: Round, columns: list[Criterion]) -> list[SurveyLine]:
    """The round's units by ranking group and name, each with its scores of `columns`
    (2 queries)."""
    assessments = list(
        Assessment.objects.filter(round=round_)
        .select_related("unit", "ranking_group")
        .order_by("ranking_group__position", "ranking_group__name", "unit__name")
    )
    scores: dict[tuple[int, int], Score] = {
        (s.assessment_id, s.criterion_id): s
        for s in Score.objects.filter(assessment__round=round_, criterion__in=columns)
        .select_related("criterion", "updated_by")
        .order_by()
    }
    return [SurveyLine(a, [scores.get((a.pk, c.pk)) for c in columns]) for a in assessments]
