"""Shared test setup: the demo data loaded once per session, and the personas.

Every test runs inside a transaction that is rolled back, so tests may change the demo
data freely without affecting each other.
"""

import pytest
from django.contrib.auth import get_user_model

from scoring.demo import load_demo
from scoring.models import Assessment


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def phuong1_2023(db) -> Assessment:
    return Assessment.objects.select_related("unit", "period", "framework").get(
        unit__code="TXQT-P1", period__year=2023
    )


@pytest.fixture
def chairperson(db):
    """Lê Thị Huệ, Phó Chủ tịch UBND Phường 1 (the signer of seed 002)."""
    return get_user_model().objects.get(username="chutich.p1")


@pytest.fixture
def appraiser(db):
    """A member of Thị xã Quảng Trị's appraisal council, above the five communes."""
    return get_user_model().objects.get(username="thamdinh.txqt")


@pytest.fixture
def outsider(db):
    """A signed-in user with no unit at all."""
    return get_user_model().objects.create_user("nguoingoai", password="x", full_name="Người ngoài")
