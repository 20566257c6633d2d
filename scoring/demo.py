"""Load the demo data in fixtures/demo/: units, people, the sample framework and the scores.

Two stories share the 2022–2023 results of Thị xã Quảng Trị's five communes (seed 002):

- the province as it runs the index since the 2025 reform (`province_2026`, the default, what
  `manage.py load_demo` shows): the district and its communes dissolved into Phường Quảng Trị,
  the province's wards, communes, special zone and departments in 2026 rounds
  (`scoring.demo_province`);
- the test suite's world (`legacy_round`): Phường 1 still open for its 2026 self-assessment,
  which hundreds of tests use.

Idempotent: what exists already (matched by unit code, username, framework name, unit and
period) is left as it is, so running it again neither fails nor duplicates anything, and it
never overwrites what someone changed in the running demo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from scoring import services
from scoring.models import Department, Framework, Official, Period, Score, Unit, UnitLevel

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PASSWORD = "cchc-demo-2024"
PUBLISHED_ON = {2022: date(2023, 1, 16), 2023: date(2023, 12, 29)}


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    users: list[tuple[str, str, bool]] = field(default_factory=list)  # username, name, is new
    # One Argon2 hash for every new demo account (they share the password): hashing each
    # anew costs a third of a second.
    password_hash: str = ""


def read_fixture(name: str):
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_demo(*, province_2026: bool = True, legacy_round: bool = False) -> DemoReport:
    """The demo data; the tests load `province_2026=False, legacy_round=True`."""
    report = DemoReport()
    people = read_fixture("units.json")
    units = _load_units(people, report)
    load_users(people, units, report)
    framework = _load_framework(units, report)
    periods = {
        (p["year"], p["kind"]): Period.objects.get_or_create(year=p["year"], kind=p["kind"])[0]
        for p in people["periods"]
    }
    entries = [*read_fixture("assessments.json"), read_fixture("seed002_phuong1_2023.json")]
    for entry in entries:
        _load_assessment(entry, units, framework, periods[(entry["year"], entry["kind"])], report)
    if legacy_round:
        _open_current_round(people["current_round"], units, framework, report)
    if province_2026:
        # Imported here: the province's loader builds on this module's helpers.
        from scoring.demo_province import load_province_2026

        load_province_2026(commune_framework=framework, report=report)
    return report


def _open_current_round(spec, units: dict[str, Unit], framework: Framework, report) -> None:
    """This year's round, open for self-assessment, so the cycle can be tried at once."""
    period, _ = Period.objects.get_or_create(year=spec["year"], kind=spec["kind"])
    deadline = timezone.now() + timedelta(days=spec["self_deadline_days"])
    for unit in units.values():
        if unit.level != UnitLevel.COMMUNE or unit.assessments.filter(period=period).exists():
            continue
        assessment = services.assessment_create(
            unit=unit, framework=framework, period=period, self_deadline=deadline
        )
        report.created.append(f"Bản đánh giá {assessment}")


def _load_units(data, report: DemoReport) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for row in data["units"]:
        unit, created = Unit.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "parent": units.get(row["parent"]) if row["parent"] else None,
            },
        )
        units[unit.code] = unit
        if created:
            report.created.append(f"Đơn vị {unit.name}")
        names = data["other_departments"].get(unit.code, [])
        if unit.level == UnitLevel.COMMUNE:
            names = data["commune_departments"]
        for name in names:
            Department.objects.get_or_create(unit=unit, name=name)
    return units


def load_users(data, units: dict[str, Unit], report: DemoReport) -> None:
    User = get_user_model()
    for row in data["users"]:
        user, created = User.objects.get_or_create(
            username=row["username"],
            defaults={
                "full_name": row["full_name"],
                "is_staff": row.get("superuser", False),
                "is_superuser": row.get("superuser", False),
            },
        )
        if created:
            report.password_hash = report.password_hash or make_password(DEMO_PASSWORD)
            user.password = report.password_hash
            user.save()
        report.users.append((user.username, user.full_name, created))
        for place in row["officials"]:
            unit = units[place["unit"]]
            department = None
            if place.get("department"):
                department = Department.objects.get(unit=unit, name=place["department"])
            Official.objects.get_or_create(
                user=user,
                unit=unit,
                role=place["role"],
                defaults={"title": place.get("title", ""), "department": department},
            )


def _load_framework(units: dict[str, Unit], report: DemoReport) -> Framework:
    data = read_fixture("framework_sample.json")
    framework = Framework.objects.filter(name=data["name"]).first()
    if framework is None:
        framework = services.framework_create(data=data, issuing_unit=units["TXQT"])
        report.created.append(f"Bộ chỉ số {framework.name}")
    return framework


def _load_assessment(entry, units, framework: Framework, period: Period, report) -> None:
    unit = units[entry["unit"]]
    if unit.assessments.filter(period=period).exists():
        return
    assessment = services.assessment_create(unit=unit, framework=framework, period=period)
    listed = {row["code"]: row for row in entry["scores"]}
    departments = {d.name: d for d in unit.departments.all()}
    full_marks = []
    for score in assessment.scores.select_related("criterion", "assessment__framework"):
        row = listed.get(score.criterion.code)
        if row is None:
            # Full marks are valid by construction; one bulk write keeps the load fast.
            score.self_value = score.appraised_value = score.maximum
            full_marks.append(score)
            continue
        services.score_set_self(score=score, value=Decimal(row["self"]))
        if "department" in row:
            score.responsible_department = departments.get(row["department"])
        services.score_set_appraised(
            score=score,
            value=Decimal(row["appraised"]),
            b=row.get("appraised_b"),
            a=row.get("appraised_a"),
            comment=row.get("comment", ""),
            responsible_note=row.get("responsible", ""),
        )
    bulk_update_with_history(
        full_marks,
        Score,
        ["self_value", "appraised_value"],
        default_change_reason="Dữ liệu minh họa",
    )
    published_on = (
        date.fromisoformat(entry["published_at"])
        if "published_at" in entry
        else PUBLISHED_ON[period.year]
    )
    services.assessment_publish(
        assessment=assessment,
        from_record=True,
        decision=entry.get(
            "decision",
            f"Quyết định công bố Chỉ số CCHC {str(period).lower()} (dữ liệu minh họa)",
        ),
        when=timezone.make_aware(datetime.combine(published_on, time(8, 0))),
    )
    report.created.append(f"Bản đánh giá {assessment}")
