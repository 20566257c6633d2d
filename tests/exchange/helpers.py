"""Helpers shared by the Excel tests."""

from decimal import Decimal

from django.contrib.auth import get_user_model

from exchange import services
from exchange.models import ImportKind
from scoring.models import (
    ClassificationBand,
    Criterion,
    Department,
    Framework,
    Official,
    Score,
    Unit,
)

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
