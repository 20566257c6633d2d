"""Shared test setup: the demo data loaded once per session, and the personas.

Every test runs inside a transaction that is rolled back, so tests may change the demo
data freely without affecting each other.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from hypothesis import Phase
from hypothesis import settings as hypothesis_settings

from scoring.demo import load_demo
from scoring.models import Assessment


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(province_2026=False, legacy_round=True)


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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rendered PDFs are kept there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _two_factor_optional(settings):
    """Two-factor sign-in is required in production (OTP_REQUIRED defaults to `not DEBUG`);
    the suite's personas sign in with force_login, so it is optional here unless a test of
    two-factor sign-in turns it on (tests/accounts/)."""
    settings.OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def coordinator(db):
    """Nguyễn Thị Thu Hà, Phường 1's CCHC coordinator (Văn phòng - Thống kê)."""
    return _user("cchc.p1")


@pytest.fixture
def staff(db):
    """Trần Văn Minh, specialist at Phường 1's one-stop desk (Bộ phận tiếp nhận và trả kết quả)."""
    return _user("motcua.p1")


@pytest.fixture
def other_chairperson(db):
    """Hoàng Thị Hằng, chairperson of Phường 2: an outsider to Phường 1."""
    return _user("chutich.p2")


@pytest.fixture
def current_p1(db) -> Assessment:
    """Phường 1's 2026 assessment, open for self-assessment."""
    return Assessment.objects.select_related("unit", "period", "framework").get(
        unit__code="TXQT-P1", period__year=2026
    )


# Hypothesis (the fuzz tests): random locally, the same examples on every CI run.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
# `pytest --hypothesis-profile=explore` finds failures fast, without minimising them.
hypothesis_settings.register_profile(
    "explore", phases=[Phase.explicit, Phase.reuse, Phase.generate], print_blob=True
)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")
