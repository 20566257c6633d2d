"""A province round on a framework with survey and outside criteria (issue 16, items 1 and 5).

"Tỉnh Khảo Sát" runs its communes' 2026 round on a 16-point framework: the small framework's
10 self-assessed points, and field 3 (6 points) entered by the council for the whole round:
3.1 SIPAS satisfaction (survey, points = 2 × % / 100), 3.2 the national service index
(outside source, bands ≥80 % → 2; ≥65 % → 1,5; ≥50 % → 1) and 3.3 satisfaction with the
officials (survey, points = 2 × % / 100).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from scoring import services
from scoring.models import Official, RankingGroup, Role, Round, Unit
from tests.factories import PeriodFactory, UnitFactory, small_framework_data

BANDS = {
    "steps": [
        {"at_least": "80", "points": "2"},
        {"at_least": "65", "points": "1.5"},
        {"at_least": "50", "points": "1"},
    ]
}


def survey_framework_data(**overrides) -> dict:
    data = small_framework_data(name="Bộ chỉ số có điều tra xã hội học", max_total="16.00")
    data["criteria"].append(
        {
            "code": "3",
            "title": "Sự hài lòng của người dân, tổ chức",
            "maximum": "6.00",
            "children": [
                {
                    "code": "3.1",
                    "title": "Mức độ hài lòng về thủ tục hành chính (SIPAS)",
                    "maximum": "2.00",
                    "method": "percent",
                    "source": "survey",
                },
                {
                    "code": "3.2",
                    "title": "Bộ chỉ số phục vụ người dân, doanh nghiệp",
                    "maximum": "2.00",
                    "method": "percent_steps",
                    "params": BANDS,
                    "source": "external",
                },
                {
                    "code": "3.3",
                    "title": "Mức độ hài lòng về cán bộ, công chức",
                    "maximum": "2.00",
                    "method": "percent",
                    "source": "survey",
                },
            ],
        }
    )
    data.update(overrides)
    return data


def _user(username: str, unit: Unit, role: str, full_name: str):
    user = get_user_model().objects.create_user(username, password="x", full_name=full_name)
    Official.objects.create(user=user, unit=unit, role=role, title=full_name)
    return user


def make_round(province: Unit, framework, units: int) -> Round:
    """Open the 2026 round of `units` communes of `province` (the first of them exists)."""
    for i in range(Unit.objects.filter(parent=province).count() + 1, units + 1):
        UnitFactory(
            code=f"{province.code}-X{i}", name=f"Xã Khảo Sát {i:03d}", kind="xa", parent=province
        )
    group, _ = RankingGroup.objects.get_or_create(
        council_unit=province, name="Xã", defaults={"kinds": ["xa"]}
    )
    now = timezone.now()
    round_ = services.round_create(
        council_unit=province,
        framework=framework,
        period=PeriodFactory(year=2026),
        name="Đánh giá CCHC năm 2026 – các xã",
        groups=[group],
        self_deadline=now + timedelta(days=10),
        response_deadline=now + timedelta(days=20),
        appraisal_deadline=now + timedelta(days=30),
    )
    services.round_open(round_=round_)
    return round_


@pytest.fixture
def province(db) -> Unit:
    province = UnitFactory(code="KS", name="Tỉnh Khảo Sát", kind="tinh")
    UnitFactory(code="KS-X1", name="Xã Khảo Sát 001", kind="xa", parent=province)
    return province


@pytest.fixture
def framework(db):
    return services.framework_create(data=survey_framework_data())


@pytest.fixture
def round_(province, framework) -> Round:
    return make_round(province, framework, 3)


@pytest.fixture
def secretary(province):
    return _user("thuky.ks", province, Role.SECRETARY, "Thư ký hội đồng")


@pytest.fixture
def council_appraiser(province):
    return _user("thamdinh.ks", province, Role.APPRAISER, "Thành viên hội đồng")


@pytest.fixture
def unit_coordinator(province):
    return _user("cchc.ks.x1", Unit.objects.get(code="KS-X1"), Role.COORDINATOR, "Công chức CCHC")


@pytest.fixture
def x1(round_):
    return round_.assessments.select_related("unit", "framework", "period").get(unit__code="KS-X1")
