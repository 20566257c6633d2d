"""Reads for imports and exports: plain snapshots of frameworks and scores (fixed query counts)."""

from __future__ import annotations

from typing import Any

from django.db.models import Max, QuerySet

from exchange.models import ImportRecord
from exchange.plans import CriterionSpec, FrameworkSpec, ScoreState
from exchange.plans.framework import signature
from exchange.plans.survey import SurveyRound, SurveyScore, SurveyUnit
from scoring import access
from scoring.models import Assessment, Framework, Round, Unit
from scoring.survey import survey_columns, survey_lines


def framework_spec(framework: Framework) -> FrameworkSpec:
    """The criteria tree as the plans see it (1 query)."""
    criteria = list(framework.criteria.all())
    code_by_id = {c.id: c.code for c in criteria}
    parent_ids = {c.parent_id for c in criteria if c.parent_id}
    return FrameworkSpec(
        name=framework.name,
        rounding=framework.rounding,
        criteria={
            c.code: CriterionSpec(
                code=c.code,
                title=c.title,
                maximum=c.maximum,
                method=c.method,
                params=c.params or {},
                parent_code=code_by_id.get(c.parent_id),
                is_leaf=c.id not in parent_ids,
                source=c.source,
                when_none=c.when_none,
                kind=c.kind,
            )
            for c in criteria
        },
    )


def score_states(assessment: Assessment, user=None) -> dict[str, ScoreState]:
    """Each leaf's current values by criterion code (1 query, plus the user's posts once).

    With `user`, `may_edit_self` says whether that user may enter the criterion's
    self-assessment (department rules included).
    """
    scores = assessment.scores.select_related("criterion", "assessment__unit")
    states = {}
    for score in scores:
        states[score.criterion.code] = ScoreState(
            score_id=score.id,
            version=score.version,
            self_value=score.self_value,
            self_b=score.self_b,
            self_a=score.self_a,
            self_note=score.self_note,
            appraised=score.appraised_value,
            appraised_b=score.appraised_b,
            appraised_a=score.appraised_a,
            comment=score.appraisal_comment,
            responsible_note=score.responsible_note,
            may_edit_self=user is None or access.may_enter_self_for(user, score),
            self_none=score.self_not_assessed,
            appraised_none=score.appraised_not_assessed,
        )
    return states


def survey_round(round_: Round, unit_codes: set[str]) -> SurveyRound:
    """A round's survey and outside criteria and units as the survey plan sees them, and which
    of `unit_codes` (those of a file) name a unit outside the round (4 queries)."""
    framework = round_.framework
    columns = survey_columns(framework)
    survey = SurveyRound(
        round_id=round_.pk,
        name=round_.name,
        framework_name=framework.name,
        rounding=framework.rounding,
        columns={
            c.code: CriterionSpec(
                code=c.code,
                title=c.title,
                maximum=c.maximum,
                method=c.method,
                params=c.params or {},
                parent_code=None,
                is_leaf=True,
                source=c.source,
            )
            for c in columns
        },
    )
    for line in survey_lines(round_, columns):
        unit = line.assessment.unit
        survey.units[unit.code] = SurveyUnit(
            code=unit.code,
            name=unit.name,
            published=not line.editable,
            scores={
                s.criterion.code: SurveyScore(
                    s.pk, s.version, s.appraised_measure, s.appraised_value
                )
                for s in line.cells
                if s is not None
            },
        )
    outside = set(unit_codes) - set(survey.units)
    if outside:
        survey.elsewhere = dict(Unit.objects.filter(code__in=outside).values_list("code", "name"))
    return survey


def framework_data(framework: Framework) -> dict[str, Any]:
    """A framework as the nested data `framework_create` takes (2 queries): what the export
    writes, what "copy last year's framework" copies, what an import is compared with."""
    criteria = list(framework.criteria.all())
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    parent_ids = {c.parent_id for c in criteria if c.parent_id}
    for c in criteria:  # ordered by sort_key: parents come first
        node: dict[str, Any] = {
            "code": c.code,
            "title": c.title,
            "maximum": f"{c.maximum:f}",
            "guidance": c.guidance,
            "evidence": c.evidence_required,
            "department": c.default_department,
        }
        if c.kind:
            node["kind"] = c.kind
        if c.id in parent_ids:
            node["children"] = []
        else:
            node["method"] = c.method
            node["params"] = c.params or {}
            if c.source != "self":
                node["source"] = c.source
            node["when_none"] = c.when_none
        nodes[c.id] = node
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent["children"] if parent is not None else roots).append(node)
    return {
        "name": framework.name,
        "decision": framework.decision,
        "note": framework.note,
        "year_from": framework.year_from,
        "year_to": framework.year_to,
        "unit_level": framework.unit_level,
        "max_total": f"{framework.max_total:f}",
        "rounding": framework.rounding,
        "bonus_cap": f"{framework.bonus_cap:f}",
        "penalty_cap": f"{framework.penalty_cap:f}",
        "rescales": framework.rescales,
        "bands": [
            {"label": band.label, "lower_bound": f"{band.lower_bound:f}"}
            for band in framework.classification_bands.all()
        ],
        "criteria": roots,
    }


def framework_next_year(framework: Framework) -> int:
    """The first year a copy of `framework` would take: after its last year in force or in use."""
    last_used = framework.assessments.aggregate(year=Max("period__year"))["year"] or 0
    return max(framework.year_from, framework.year_to or 0, last_used) + 1


def framework_signatures() -> dict[str, tuple]:
    """Every framework's signature by name (spaces collapsed), to spot a re-import."""
    frameworks = Framework.objects.prefetch_related("criteria", "classification_bands")
    return {" ".join(f.name.split()): signature(framework_data(f)) for f in frameworks}


def frameworks_for_user(user) -> QuerySet[Framework]:
    """Frameworks a user may download: those of the assessments they see; all for admins."""
    from exchange.access import is_exchange_admin

    if is_exchange_admin(user):
        return Framework.objects.all()
    ids = access.visible_assessments(user).values("framework_id")
    return Framework.objects.filter(id__in=ids)


def assessments_for_user(user, limit: int = 60) -> list[Assessment]:
    """The latest assessments a user sees, for the Excel page (1 query)."""
    return list(access.visible_assessments(user).order_by("-period__year", "unit__name")[:limit])


def records_for_user(
    user, assessment: Assessment | None = None, limit: int = 20
) -> list[ImportRecord]:
    """The user's latest imports, of one assessment if given; a superuser sees everyone's
    (1 query)."""
    records = ImportRecord.objects.select_related(
        "uploaded_by", "assessment__unit", "assessment__period", "framework"
    ).defer("preview")
    if not user.is_superuser:
        records = records.filter(uploaded_by=user)
    if assessment is not None:
        records = records.filter(assessment=assessment)
    return list(records[:limit])
