"""A province-sized dataset to measure pages on: `manage.py seed_scale`.

By default 200 communes under one province, a 90-criterion framework, 10 periods (five years,
annual and mid-year), each a round of the province's council for its ranking group "Xã",
published as a group (`GroupPublication`), remediation tasks on each commune's latest annual
result, and commitments. Everything sits under its own province (code `QMT`) so it never
mixes with the demo data, and `--reset` removes exactly that.

Rows are written in bulk (`bulk_create`; plain INSERTs for the score rows), bypassing the
services: the values are valid by
construction (the database still holds 0 ≤ score ≤ maximum), and going through the services
one score at a time would take minutes. The frozen results (total, rank, change) are set from
`scoring.selectors.period_totals`, the same numbers publication freezes. Bulk writes leave no
history rows.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from remediation.models import Commitment, CommitmentStatus, Task, TaskStatus
from scoring import services as scoring_services
from scoring.demo import DEMO_PASSWORD
from scoring.models import (
    Assessment,
    AssessmentStatus,
    Department,
    Framework,
    GroupPublication,
    Official,
    Period,
    PeriodKind,
    RankingGroup,
    Role,
    Round,
    RoundStatus,
    Score,
    Unit,
    UnitKind,
)
from scoring.selectors import period_totals
from scoring.services.results import results_write

PROVINCE_CODE = "QMT"
FRAMEWORK_NAME = "Bộ chỉ số CCHC cấp xã quy mô tỉnh (dữ liệu thử)"
DEPARTMENTS = ["Văn phòng - Thống kê", "Bộ phận tiếp nhận và trả kết quả", "Văn hóa - Xã hội"]
BANDS = [("Xuất sắc", "95"), ("Tốt", "85"), ("Khá", "70"), ("Trung bình", "50"), ("Yếu", "0")]
FIRST_YEAR = 2019
USERS = {
    "qmt.chutich": ("Chủ tịch Xã Thử 001", Role.CHAIRPERSON, "Chủ tịch UBND xã", None),
    "qmt.cchc": ("Công chức CCHC Xã Thử 001", Role.COORDINATOR, "Công chức phụ trách CCHC", 0),
    "qmt.motcua": ("Công chức một cửa Xã Thử 001", Role.STAFF, "Công chức Bộ phận một cửa", 1),
    "qmt.tinh": ("Thẩm định viên tỉnh", Role.APPRAISER, "Thành viên Hội đồng thẩm định", None),
    "qmt.thuky": ("Thư ký Hội đồng tỉnh", Role.SECRETARY, "Thư ký Hội đồng thẩm định", None),
}
LEAVES_PER_CRITERION = 3
MAX_FIELDS = 8
BATCH = 2000
CENT = Decimal("0.01")


@dataclass
class ScaleReport:
    created: bool
    units: int = 0
    scores: int = 0
    assessments: int = 0
    tasks: int = 0
    commitments: int = 0


def scale_exists() -> bool:
    return Unit.objects.filter(code=PROVINCE_CODE).exists()


@transaction.atomic
def scale_reset() -> None:
    """Remove everything `seed_scale` created (and what people added to it since)."""
    province = Unit.objects.filter(code=PROVINCE_CODE).first()
    if province is not None:
        units = Unit.objects.filter(parent=province)
        Commitment.objects.filter(unit__in=units).delete()
        Task.objects.filter(assessment__unit__in=units).delete()
        Official.objects.filter(unit__in=[*units, province]).delete()
        GroupPublication.objects.filter(round__council_unit=province).delete()
        assessments = Assessment.objects.filter(unit__in=units)
        scores = Score.objects.filter(assessment__in=assessments)
        Score.remediation_tasks.through.objects.filter(score__in=scores).delete()
        # 180,000 rows: the ORM's delete would load each one to send signals; nothing else
        # points at these rows any more, so delete them in SQL.
        scores._raw_delete(scores.db)
        assessments.delete()
        units.delete()
    if province is not None:
        Round.objects.filter(council_unit=province).delete()
        RankingGroup.objects.filter(council_unit=province).delete()
    Framework.objects.filter(name=FRAMEWORK_NAME).delete()
    if province is not None:
        province.delete()
    get_user_model().objects.filter(username__in=USERS).delete()


@transaction.atomic
def scale_seed(
    *, units: int = 200, criteria: int = 90, periods: int = 10, seed: int = 2024
) -> ScaleReport:
    """Create the dataset; does nothing (created=False) if it is already there."""
    if scale_exists():
        return ScaleReport(created=False)
    rng = random.Random(seed)
    province = Unit.objects.create(
        code=PROVINCE_CODE, name="Tỉnh Thử Nghiệm", kind=UnitKind.PROVINCE
    )
    communes = Unit.objects.bulk_create(
        Unit(code=f"QMT-{i:03d}", name=f"Xã Thử {i:03d}", kind=UnitKind.COMMUNE, parent=province)
        for i in range(1, units + 1)
    )
    departments = Department.objects.bulk_create(
        Department(unit=u, name=name) for u in communes for name in DEPARTMENTS
    )
    by_unit = {}
    for d in departments:
        by_unit.setdefault(d.unit_id, []).append(d)
    framework = _framework(criteria, province)
    leaves = list(framework.criteria.filter(children__isnull=True).order_by("sort_key"))
    rounds = _periods(periods)
    quality = {u.pk: rng.uniform(0.03, 0.22) for u in communes}
    group = RankingGroup.objects.create(
        council_unit=province, name="Xã", kinds=[UnitKind.COMMUNE], position=1
    )
    report = ScaleReport(created=True, units=len(communes))
    for index, period in enumerate(rounds):
        round_ = _round(province, framework, period, group)
        assessments = _assessments(communes, framework, period, round_, group)
        report.assessments += len(assessments)
        report.scores += _scores(assessments, leaves, by_unit, quality, index, rng)
    for period in rounds:
        results_write(period_totals(framework, period))
    officials = _people(communes[0], province, by_unit[communes[0].pk])
    latest = [p for p in rounds if p.kind == PeriodKind.ANNUAL][-1]
    report.tasks = _tasks(framework, latest, officials, rng)
    report.commitments = _commitments(communes[0], latest.year + 1, officials)
    return report


def _framework(count: int, issuer: Unit) -> Framework:
    groups = max(1, -(-count // LEAVES_PER_CRITERION))
    fields = min(MAX_FIELDS, groups)
    heavier = count // 9  # a few leaves worth 2 points: 90 leaves make 100 points
    tree, leaf_index = [], 0
    for f in range(fields):
        groups_here = groups // fields + (1 if f < groups % fields else 0)
        children = []
        for c in range(groups_here):
            leaves = []
            for leaf in range(LEAVES_PER_CRITERION):
                if leaf_index >= count:
                    break
                maximum = (
                    Decimal("2.00") if leaf_index < heavier * 3 and leaf == 0 else Decimal("1.00")
                )
                method = "yes_no" if leaf_index % 4 == 3 else "judgement"
                leaves.append(
                    {
                        "code": f"{f + 1}.{c + 1}.{leaf + 1}",
                        "title": f"Tiêu chí thành phần thử {f + 1}.{c + 1}.{leaf + 1}",
                        "maximum": str(maximum),
                        "method": method,
                        "department": DEPARTMENTS[leaf_index % len(DEPARTMENTS)],
                    }
                )
                leaf_index += 1
            if leaves:
                total = sum(Decimal(x["maximum"]) for x in leaves)
                children.append(
                    {
                        "code": f"{f + 1}.{c + 1}",
                        "title": f"Tiêu chí thử {f + 1}.{c + 1}",
                        "maximum": str(total),
                        "children": leaves,
                    }
                )
        if children:
            total = sum(Decimal(x["maximum"]) for x in children)
            tree.append(
                {
                    "code": str(f + 1),
                    "title": f"Lĩnh vực thử {f + 1}",
                    "maximum": str(total),
                    "children": children,
                }
            )
    max_total = sum(Decimal(x["maximum"]) for x in tree)
    return scoring_services.framework_create(
        data={
            "name": FRAMEWORK_NAME,
            "year_from": FIRST_YEAR,
            "unit_level": "commune",
            "max_total": str(max_total),
            "rounding": "half_up",
            "bands": [{"label": label, "lower_bound": bound} for label, bound in BANDS],
            "criteria": tree,
        },
        issuing_unit=issuer,
    )


def _periods(count: int) -> list[Period]:
    """Oldest first: mid-year then annual of each year, ending with an annual round."""
    rounds = []
    year = FIRST_YEAR
    while len(rounds) < count:
        for kind in (PeriodKind.MID_YEAR, PeriodKind.ANNUAL):
            rounds.append(Period.objects.get_or_create(year=year, kind=kind)[0])
        year += 1
    rounds = rounds[-count:] if count % 2 == 0 else rounds[1 : count + 1]
    return rounds


def _published_on(period: Period) -> datetime.datetime:
    if period.kind == PeriodKind.ANNUAL:
        return timezone.make_aware(datetime.datetime(period.year + 1, 1, 15, 8))
    return timezone.make_aware(datetime.datetime(period.year, 7, 31, 8))


def _decision(period: Period) -> str:
    return f"Quyết định công bố {str(period).lower()} (dữ liệu thử)"


def _round(province: Unit, framework: Framework, period: Period, group: RankingGroup) -> Round:
    """The council's round of a period, closed, its one group published."""
    round_ = Round.objects.create(
        council_unit=province,
        framework=framework,
        period=period,
        name=f"Đánh giá Chỉ số CCHC {str(period).lower()} (dữ liệu thử)",
        status=RoundStatus.CLOSED,
        opened_at=_published_on(period) - datetime.timedelta(days=60),
    )
    round_.groups.add(group)
    return round_


def _assessments(communes, framework, period, round_, group) -> list[Assessment]:
    assessments = Assessment.objects.bulk_create(
        Assessment(
            unit=u,
            framework=framework,
            period=period,
            round=round_,
            ranking_group=group,
            status=AssessmentStatus.PUBLISHED,
            published_at=_published_on(period),
            published_decision=_decision(period),
        )
        for u in communes
    )
    GroupPublication.objects.create(
        round=round_,
        group=group,
        decision=_decision(period),
        decided_on=_published_on(period).date(),
        unit_count=len(assessments),
    )
    return assessments


def _scores(assessments, leaves, departments, quality, index, rng) -> int:
    rows = []
    improvement = 1 - 0.06 * index
    for a in assessments:
        unit_departments = departments[a.unit_id]
        for i, criterion in enumerate(leaves):
            maximum = criterion.maximum
            appraised = maximum
            if rng.random() < quality[a.unit_id] * improvement:
                if criterion.method == "yes_no":
                    appraised = Decimal("0.00")
                else:
                    appraised = Decimal(rng.randint(0, int(maximum * 100) - 1)) * CENT
            over_claims = appraised < maximum and rng.random() < 0.6
            rows.append(
                {
                    "assessment": a.pk,
                    "criterion": criterion.pk,
                    "maximum": maximum,
                    "self_value": maximum if over_claims else appraised,
                    "appraised_value": appraised,
                    "appraisal_comment": "Chưa đạt yêu cầu (dữ liệu thử)"
                    if appraised < maximum
                    else "",
                    "responsible_department": unit_departments[i % len(unit_departments)].pk,
                }
            )
    _insert_scores(rows)
    return len(rows)


def _insert_scores(rows: list[dict]) -> None:
    """INSERT the score rows with executemany: `bulk_create` spends most of a minute preparing
    180,000 model instances field by field; the values here need no preparation."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    fields = [f for f in Score._meta.concrete_fields if not f.primary_key]
    defaults = {f.name: (now if getattr(f, "auto_now", False) else f.get_default()) for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(Score._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 5):
            cursor.executemany(
                sql,
                [
                    [row.get(f.name, defaults[f.name]) for f in fields]
                    for row in rows[start : start + BATCH * 5]
                ],
            )


def _people(first: Unit, province: Unit, departments) -> list[Official]:
    User = get_user_model()
    officials = []
    for username, (name, role, title, department) in USERS.items():
        user = User.objects.create_user(username, password=DEMO_PASSWORD, full_name=name)
        unit = province if role in (Role.APPRAISER, Role.SECRETARY) else first
        officials.append(
            Official.objects.create(
                user=user,
                unit=unit,
                role=role,
                title=title,
                department=departments[department] if department is not None else None,
            )
        )
    return [o for o in officials if o.unit_id == first.pk]


def _tasks(framework: Framework, period: Period, officials, rng) -> int:
    """One task per lost criterion of every commune's latest annual result, in all states."""
    today = timezone.localdate()
    now = timezone.now()
    lost = (
        Score.objects.filter(
            assessment__framework=framework,
            assessment__period=period,
            appraised_value__lt=F("maximum"),
        )
        .order_by("assessment_id", "criterion__sort_key")
        .values_list(
            "pk",
            "assessment_id",
            "assessment__unit_id",
            "maximum",
            "appraised_value",
            "responsible_department_id",
            "criterion__code",
        )
    )
    first_unit = officials[0].unit_id if officials else None
    tasks, links = [], []
    statuses = [TaskStatus.NOT_STARTED] * 4 + [TaskStatus.IN_PROGRESS] * 3 + [TaskStatus.DONE] * 2
    statuses += [TaskStatus.VERIFIED]
    for pk, assessment_id, unit_id, maximum, appraised, department_id, code in lost:
        status = rng.choice(statuses)
        lead = rng.choice(officials) if unit_id == first_unit and officials else None
        tasks.append(
            Task(
                assessment_id=assessment_id,
                action=f"Khắc phục tiêu chí {code} (dữ liệu thử)",
                reason="Chưa đạt yêu cầu (dữ liệu thử)",
                points=maximum - appraised,
                department_id=department_id,
                lead=lead,
                deadline=today + datetime.timedelta(days=rng.randint(-40, 60)),
                status=status,
                assigned_at=now,
                finished_at=now if status in (TaskStatus.DONE, TaskStatus.VERIFIED) else None,
                verified_at=now if status == TaskStatus.VERIFIED else None,
            )
        )
        links.append(pk)
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    through = Task.scores.through
    through.objects.bulk_create(
        (
            through(task_id=t.pk, score_id=score_id)
            for t, score_id in zip(tasks, links, strict=True)
        ),
        batch_size=BATCH,
    )
    return len(tasks)


def _commitments(unit: Unit, year: int, officials) -> int:
    """Five commitments of the first commune for the next year, four fulfilled (1.6: 0,80)."""
    if not officials:
        return 0
    rows = [
        Commitment(
            unit=unit,
            year=year,
            official=officials[i % len(officials)],
            content=f"Cam kết cải thiện chỉ tiêu thử {i + 1}",
            status=CommitmentStatus.DONE if i < 4 else CommitmentStatus.NOT_DONE,
        )
        for i in range(5)
    ]
    Commitment.objects.bulk_create(rows)
    return len(rows)
