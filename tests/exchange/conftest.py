"""Fixtures for the Excel tests: uploaded files go to a temporary folder; a fresh draft of
Phường 1 for 2024 on the demo framework, and the same assessment sent to the council with seed
002's self-assessment; snapshots of the scoring tables."""

import pytest
from django.contrib.auth import get_user_model

from scoring import services as scoring_services
from scoring.models import Assessment, Period
from tests.exchange.helpers import appraising_assessment


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
def appraising(db) -> Assessment:
    """Phường 1, 2024, awaiting round 1 of the appraisal: the unit's self-assessment as seed
    002 prints it, submitted by its CCHC coordinator; nothing appraised yet."""
    return appraising_assessment()


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.get(username="admin")


@pytest.fixture
def coordinator(db):
    """Nguyễn Thị Thu Hà, Phường 1's CCHC coordinator."""
    return get_user_model().objects.get(username="cchc.p1")
