"""The people and open assessments the load test plays, on top of `manage.py seed_scale`.

Run by bench/load/run.py (with DATABASE_URL set); writes the accounts to the JSON file given,
for the locustfile. Idempotent: a second run reuses what is there.

- 20 coordinators, each with their commune's 2026 self-assessment open (QMT-001…020);
- 10 appraisers of the province council, with 30 communes' 2026 assessments submitted
  for appraisal (QMT-101…130);
- 20 chairpersons (QMT-001…020) with ten published rounds behind them, for their dashboards
  and phụ lục PDFs.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import F  # noqa: E402

from remediation.scale import FRAMEWORK_NAME, PROVINCE_CODE  # noqa: E402
from scoring import services  # noqa: E402
from scoring.demo import DEMO_PASSWORD  # noqa: E402
from scoring.models import (  # noqa: E402
    Assessment,
    AssessmentStatus,
    Framework,
    Official,
    Period,
    PeriodKind,
    Role,
    Score,
    Unit,
)

STAFF = range(1, 21)
APPRAISED = range(101, 131)
APPRAISERS = range(1, 11)


@transaction.atomic
def prepare() -> dict:
    framework = Framework.objects.get(name=FRAMEWORK_NAME)
    province = Unit.objects.get(code=PROVINCE_CODE)
    period, _ = Period.objects.get_or_create(year=2026, kind=PeriodKind.ANNUAL)
    password = make_password(DEMO_PASSWORD)  # hashed once: a million rounds per user is slow
    User = get_user_model()

    def person(username: str, name: str, unit: Unit, role: str) -> str:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": name, "password": password}
        )
        if created:
            Official.objects.create(user=user, unit=unit, role=role, title=name)
        return username

    def current(unit: Unit) -> Assessment:
        found = Assessment.objects.filter(unit=unit, period=period, framework=framework).first()
        return found or services.assessment_create(unit=unit, framework=framework, period=period)

    accounts = {"staff": [], "appraisers": [], "chairpersons": [], "appraised": []}
    for i in STAFF:
        unit = Unit.objects.get(code=f"QMT-{i:03d}")
        assessment = current(unit)
        accounts["staff"].append(
            {
                "username": person(f"load.cb.{i:03d}", f"Công chức CCHC {unit.name}", unit,
                                   Role.COORDINATOR),
                "assessment": assessment.pk,
            }
        )  # fmt: skip
        last = Assessment.objects.filter(unit=unit, status=AssessmentStatus.PUBLISHED).latest(
            "period__year", "period__kind"
        )
        accounts["chairpersons"].append(
            {
                "username": person(f"load.ct.{i:03d}", f"Chủ tịch {unit.name}", unit,
                                   Role.CHAIRPERSON),
                "unit": unit.pk,
                "published": last.pk,
            }
        )  # fmt: skip
    for i in APPRAISED:
        assessment = current(Unit.objects.get(code=f"QMT-{i:03d}"))
        if assessment.status == AssessmentStatus.DRAFT:  # self-assessed in full, then submitted
            Score.objects.filter(assessment=assessment).update(self_value=F("maximum"))
            Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
        accounts["appraised"].append(assessment.pk)
    for i in APPRAISERS:
        name = f"Thẩm định viên tỉnh {i:02d}"
        accounts["appraisers"].append(person(f"load.td.{i:02d}", name, province, Role.APPRAISER))
    accounts["password"] = DEMO_PASSWORD
    return accounts


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(prepare(), indent=1))
