"""The council's secretary and a round of the demo's five communes, opened through the pages'
own services. Thị xã Quảng Trị's council appraises them (the demo's 2026 assessments have no
round: rounds here are for 2027)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from rounds import services
from scoring.models import Framework, Official, Role, Round, Unit

YEAR = 2027


@pytest.fixture
def town(db) -> Unit:
    return Unit.objects.get(code="TXQT")


@pytest.fixture
def secretary(town):
    """Thư ký hội đồng thẩm định of Thị xã Quảng Trị (Phòng Nội vụ)."""
    user = get_user_model().objects.create_user(
        "thuky.txqt", password="x", full_name="Đặng Thị Thư", email="thuky@txqt.example"
    )
    Official.objects.create(user=user, unit=town, role=Role.SECRETARY, title="Thư ký hội đồng")
    return user


@pytest.fixture
def framework(db) -> Framework:
    return Framework.objects.get(name="Bộ chỉ số CCHC cấp xã (mẫu minh họa)")


@pytest.fixture
def groups(town):
    return services.ranking_groups_create_usual(council_unit=town)


def days(n: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


def vn(day: datetime.datetime | datetime.date) -> str:
    """A date as typed in the form: day/month/year."""
    if isinstance(day, datetime.datetime):
        day = timezone.localdate(day)
    return f"{day:%d/%m/%Y}"


@pytest.fixture
def round_(town, framework, groups, secretary) -> Round:
    """The 2027 round of the five demo communes, open, with common deadlines."""
    round_, _ = services.round_create_and_open(
        council_unit=town,
        framework=framework,
        year=YEAR,
        period_kind="annual",
        name="Đánh giá CCHC năm 2027 – phường, xã",
        groups=groups,
        self_deadline=days(10),
        response_deadline=days(20),
        appraisal_deadline=days(30),
        user=secretary,
    )
    return round_
