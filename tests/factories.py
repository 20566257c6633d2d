"""Factories for tests that need their own small world next to the demo data."""

from decimal import Decimal

import factory

from scoring.models import Criterion, Framework, Period, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"TEST-{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = "xa"


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    name = factory.Sequence(lambda n: f"Bộ chỉ số thử {n}")
    year_from = 2020
    unit_level = "commune"
    max_total = Decimal("10.00")
    rounding = "half_up"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Tiêu chí {n}")
    maximum = Decimal("1.00")
    method = "judgement"


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ("year", "kind")

    year = 2024
    kind = "annual"


def small_framework_data(**overrides) -> dict:
    """A 10-point framework as plain data, the shape framework_create takes."""
    data = {
        "name": "Bộ chỉ số nhỏ",
        "year_from": 2020,
        "unit_level": "commune",
        "max_total": "10.00",
        "rounding": "half_up",
        "bands": [{"label": "Tốt", "lower_bound": "80"}, {"label": "Yếu", "lower_bound": "0"}],
        "criteria": [
            {
                "code": "1",
                "title": "Lĩnh vực một",
                "maximum": "6.00",
                "children": [
                    {
                        "code": "1.1",
                        "title": "Tỷ lệ",
                        "maximum": "4.00",
                        "method": "ratio",
                        "department": "Văn phòng - Thống kê",
                    },
                    {
                        "code": "1.2",
                        "title": "Đạt hay không",
                        "maximum": "2.00",
                        "method": "yes_no",
                    },
                ],
            },
            {"code": "2", "title": "Lĩnh vực hai", "maximum": "4.00", "method": "judgement"},
        ],
    }
    data.update(overrides)
    return data
