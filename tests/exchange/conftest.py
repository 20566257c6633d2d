"""Fixtures for the Excel tests: uploaded files go to a temporary folder; a fresh, unappraised
assessment of Phường 1 for 2024 on the demo framework; snapshots of the scoring tables."""

import pytest
from django.contrib.auth import get_user_model

from scoring import services as scoring_services
from scoring.models import Assessment, Period


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fresh(db) -> Assessment:
    """Phường 1, 2024: every criterion of the demo framework, nothing entered yet."""
    p1 = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    period, _ = Period.objects.get_or_create(year=2024, kind="annual")
    return scoring_services.assessment_create(unit=p1.unit, framework=p1.framework, period=period)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.get(username="admin")


@pytest.fixture
def coordinator(db):
    """Nguyễn Thị Thu Hà, Phường 1's CCHC coordinator."""
    return get_user_model().objects.get(username="cchc.p1")
