"""Helpers shared by the Excel tests."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Case, F, Value, When

from exchange import services
from exchange.models import ImportKind
from scoring import services as scoring_services
from scoring.models import (
    Assessment,
    ClassificationBand,
    Criterion,
    Department,
    Framework,
    Official,
    Period,
    Score,
    Unit,
)
from tests.seed002 import ROWS as SEED_ROWS

D = Decimal


def snapshot() -> dict:
    """Everything an import may touch, as plain values, to compare before and after."""
    score_fields = [f.attname for f in Score._meta.concrete_fields if f.attname != "updated_at"]
    return {
        "scores": sorted(Score.objects.values_list(*score_fields)),
        "score_history": Score.history.count(),
        "frameworks": sorted(Framework.objects.values_list()),
        "criteria": sorted(Criterion.objects.values_list()),
        "bands": sorted(ClassificationBand.objects.values_list()),
        "units": sorted(Unit.objects.values_list()),
        "departments": sorted(Department.objects.values_list()),
        "officials": sorted(Official.objects.values_list()),
        "users": sorted(get_user_model().objects.values_list("id", "username", "full_name")),
    }


def upload(kind, data: bytes, *, user, assessment=None, name="tep.xlsx", **options):
    return services.import_record_create(
        kind=kind, name=name, data=data, user=user, assessment=assessment, options=options
    )


def appraisal(data: bytes, assessment, user, **kw):
    return upload(ImportKind.APPRAISAL, data, user=user, assessment=assessment, **kw)


def scores_by_code(assessment) -> dict[str, Score]:
    return {
        s.criterion.code: s
        for s in Score.objects.filter(assessment=assessment).select_related("criterion")
    }


def appraising_assessment(submitted_by=None) -> Assessment:
    """Phường 1, 2024, on the demo framework, sent to the council: its self-assessment as
    seed 002 prints it (the printed self-assessed value for the 16 criteria that lost points,
    the maximum for every other one, each with an explanation), nothing appraised yet."""
    p1 = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    period, _ = Period.objects.get_or_create(year=2024, kind="annual")
    assessment = scoring_services.assessment_create(
        unit=p1.unit, framework=p1.framework, period=period
    )
    ids = dict(assessment.scores.values_list("criterion__code", "criterion_id"))
    printed = [
        When(criterion_id=ids[code], then=Value(value)) for code, _, value, _, _ in SEED_ROWS
    ]
    # One update instead of a service call per criterion: values within the maximum by
    # construction, and the submission below still checks the whole self-assessment.
    assessment.scores.update(
        self_value=Case(*printed, default=F("maximum")), self_note="Đã thực hiện"
    )
    if submitted_by is None:
        submitted_by = get_user_model().objects.get(username="cchc.p1")
    return scoring_services.assessment_submit(assessment=assessment, user=submitted_by)
