"""The demo's 2026: Quảng Trị province as it runs the index since the 2025 reform.

Data in fixtures/demo/province_2026.json. Thị xã Quảng Trị and its five communes are dissolved
on 1 July 2025 (their 2022–2023 results stay); Phường Quảng Trị is formed from them, directly
under the province, beside other wards, communes, a special zone and four departments (sở).
The province's council runs two 2026 rounds, one per framework, ranked in three groups; units
are at different steps of the cycle, entered through the services as people would.

Idempotent like the rest of the demo: units, users, groups and frameworks are matched by code,
username or name and never overwritten; a round that exists already is left as it is, with
everything that happened in it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from scoring import engine, services
from scoring.demo import DemoReport, load_users, read_fixture
from scoring.models import (
    Assessment,
    Department,
    Framework,
    Period,
    RankingGroup,
    Round,
    Score,
    Unit,
    UnitLevel,
)

SAMPLE_REASON = "Dữ liệu minh họa"
CLOSE_OF_BUSINESS = time(17, 0)
# Share of a unit's criteria on which it gives itself less than the maximum.
SELF_LOSS_SHARE = 0.08
PROGRESS_LABELS = {
    "submitted": "đã gửi thẩm định",
    "returned": "trả lại để giải trình",
    "in_progress": "đang tự đánh giá",
    "not_started": "chưa bắt đầu",
}


@dataclass
class Deadlines:
    self_deadline: datetime
    response_deadline: datetime
    appraisal_deadline: datetime


def load_province_2026(*, commune_framework: Framework, report: DemoReport) -> None:
    data = read_fixture("province_2026.json")
    province = Unit.objects.get(code=data["province"])
    reform = date.fromisoformat(data["reform_date"])
    _dissolve(data, reform, report)
    units = _load_units(data, province, reform, report)
    load_users(data, units, report)
    users = get_user_model().objects.in_bulk(
        [row["username"] for row in data["users"]], field_name="username"
    )
    frameworks = {
        "framework_sample.json": commune_framework,
        "framework_departments_sample.json": _load_department_framework(province, report),
    }
    groups = _load_groups(data["ranking_groups"], province, report)
    period, _ = Period.objects.get_or_create(**data["period"])
    days = data["deadline_days"]
    deadlines = Deadlines(
        self_deadline=_close_of_business(days["self"]),
        response_deadline=_close_of_business(days["response"]),
        appraisal_deadline=_close_of_business(days["appraisal"]),
    )
    for spec in data["rounds"]:
        framework = frameworks[spec["framework"]]
        _load_round(spec, province, framework, period, groups, users, deadlines, report)


def _close_of_business(days: int) -> datetime:
    """17:00 local time, `days` days from today: a deadline as an office sets it."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, CLOSE_OF_BUSINESS))


def _dissolve(data, reform: date, report: DemoReport) -> None:
    """The district and its communes stop on the reform date, once: a unit someone has since
    given another date (or reactivated with its date kept) is left alone."""
    for unit in Unit.objects.filter(code__in=data["dissolved"], dissolved_on__isnull=True):
        unit.is_active = False
        unit.dissolved_on = reform
        unit.full_clean()
        unit.save(update_fields=["is_active", "dissolved_on"])
        report.created.append(f"Đơn vị {unit.name}: giải thể, sáp nhập từ {reform:%d/%m/%Y}")


def _load_units(data, province: Unit, reform: date, report: DemoReport) -> dict[str, Unit]:
    units: dict[str, Unit] = {province.code: province}
    for row in data["historical_units"]:
        units[row["code"]], _ = _unit(
            row,
            units[row["parent"]],
            report,
            is_active=False,
            dissolved_on=reform,
            note="đơn vị cũ, đã sáp nhập",
        )
    commune_departments = read_fixture("units.json")["commune_departments"]
    for row in data["units"]:
        unit, created = _unit(row, province, report, established_on=reform)
        if created and row.get("merged_from"):
            unit.merged_from.set(Unit.objects.filter(code__in=row["merged_from"]))
        names = commune_departments if unit.level == UnitLevel.COMMUNE else row["departments"]
        for name in names:
            Department.objects.get_or_create(unit=unit, name=name)
        units[unit.code] = unit
    return units


def _unit(row, parent: Unit, report: DemoReport, note: str = "", **fields) -> tuple[Unit, bool]:
    unit = Unit.objects.filter(code=row["code"]).first()
    if unit is not None:
        return unit, False
    unit = Unit(code=row["code"], name=row["name"], kind=row["kind"], parent=parent, **fields)
    unit.full_clean()
    unit.save()
    report.created.append(f"Đơn vị {unit.name}" + (f" ({note})" if note else ""))
    return unit, True


def _load_department_framework(province: Unit, report: DemoReport) -> Framework:
    data = read_fixture("framework_departments_sample.json")
    framework = Framework.objects.filter(name=data["name"]).first()
    if framework is None:
        framework = services.framework_create(data=data, issuing_unit=province)
        report.created.append(f"Bộ chỉ số {framework.name}")
    return framework


def _load_groups(rows, province: Unit, report: DemoReport) -> dict[str, RankingGroup]:
    groups = {}
    for row in rows:
        group = RankingGroup.objects.filter(council_unit=province, name=row["name"]).first()
        if group is None:
            group = RankingGroup(
                council_unit=province,
                name=row["name"],
                kinds=row["kinds"],
                position=row["position"],
            )
            group.full_clean()
            group.save()
            report.created.append(f"Nhóm xếp hạng {group.name}")
        groups[group.name] = group
    return groups


def _load_round(
    spec, province: Unit, framework: Framework, period: Period, groups, users, deadlines, report
) -> None:
    if Round.objects.filter(council_unit=province, framework=framework, period=period).exists():
        return
    secretary = users[spec["opened_by"]]
    round_ = services.round_create(
        council_unit=province,
        framework=framework,
        period=period,
        name=spec["name"],
        groups=[groups[name] for name in spec["groups"]],
        self_deadline=deadlines.self_deadline,
        response_deadline=deadlines.response_deadline,
        appraisal_deadline=deadlines.appraisal_deadline,
        user=secretary,
    )
    opened = services.round_open(round_=round_, user=secretary)
    report.created.append(f"Đợt đánh giá “{round_}”: {len(opened.created)} đơn vị")
    for part in spec["parts"]:
        _load_part(round_, part, users, report)
    for assessment in sorted(opened.created, key=lambda a: a.unit.name):
        progress = spec["progress"].get(assessment.unit.code, "not_started")
        _play(assessment, progress, spec, users, deadlines)
        label = PROGRESS_LABELS[progress]
        report.created.append(f"Bản đánh giá {assessment.unit} năm {period.year}: {label}")


def _load_part(round_: Round, spec, users, report: DemoReport) -> None:
    part = services.part_create(
        round_=round_,
        name=spec["name"],
        appraiser=users[spec["appraiser"]],
        criteria=list(round_.framework.criteria.filter(code__in=spec["criteria"])),
    )
    report.created.append(f"Phần việc thẩm định {part}")


def _play(assessment: Assessment, progress: str, spec, users, deadlines: Deadlines) -> None:
    """Take one unit's assessment to `progress`, as its people and the council would."""
    if progress == "not_started":
        return
    entered_by = users.get(spec["entered_by"].get(assessment.unit.code, ""))
    deductions = spec["appraisal"].get(assessment.unit.code, [])
    fields = spec["in_progress_fields"] if progress == "in_progress" else None
    _enter_self_values(
        assessment,
        fields=fields,
        spared={row["code"] for row in deductions},
        user=entered_by,
    )
    if progress == "in_progress":
        return
    services.assessment_submit(assessment=assessment, user=entered_by)
    if progress == "returned":
        appraisers = {
            field: users[part["appraiser"]] for part in spec["parts"] for field in part["criteria"]
        }
        _appraise(assessment, deductions, appraisers)
        services.assessment_return(
            assessment=assessment,
            response_deadline=deadlines.response_deadline,
            user=users[spec["returned_by"]],
        )


def _leaf_scores(assessment: Assessment) -> list[Score]:
    return list(
        assessment.scores.select_related("criterion", "assessment__framework").order_by(
            "criterion__sort_key"
        )
    )


def _field_of(score: Score) -> str:
    return score.criterion.code.split(".")[0]


def _enter_self_values(
    assessment: Assessment, *, fields: list[str] | None, spared: set[str], user
) -> None:
    """The unit's self-assessment: full marks with a note on the evidence for most criteria,
    less on a few (chosen the same way on every load), each with the unit's explanation.
    Only `fields` when given (a self-assessment in progress). One bulk write, as the seeds'
    full marks are written, keeps the load quick; each value is still in the history."""
    rng = random.Random(assessment.unit.code)
    rounding = assessment.framework.rounding
    now = timezone.now()
    entered = []
    for score in _leaf_scores(assessment):
        if fields is not None and _field_of(score) not in fields:
            continue
        criterion = score.criterion
        if not criterion.is_self_assessed or score.is_item:
            continue  # the council's (survey), or optional (bonus and penalty items)
        value, b, a, note = score.maximum, None, None, _evidence_note(criterion)
        if criterion.allows_none:
            # Nothing arose (không phát sinh): the rule gives full points or leaves it out.
            value = engine.none_score(criterion.code, criterion.when_none, score.maximum)
            note = "Không phát sinh trong năm: không có trường hợp nào."
            score.self_not_assessed = True
        elif criterion.code not in spared and rng.random() < SELF_LOSS_SHARE:
            value, b, a, note = _self_loss(criterion, rng, rounding)
        score.self_value, score.self_b, score.self_a, score.self_note = value, b, a, note
        score.updated_by, score.updated_at, score.version = user, now, score.version + 1
        entered.append(score)
    # A bulk update costs rows × fields: two fields for every row, the counts only where
    # given, and who and when in one plain update.
    Score.objects.bulk_update(entered, ["self_value", "self_note"])
    reported = [s for s in entered if s.self_not_assessed]
    if reported:
        Score.objects.bulk_update(reported, ["self_not_assessed"])
    counted = [s for s in entered if s.self_b is not None]
    if counted:
        Score.objects.bulk_update(counted, ["self_b", "self_a"])
    Score.objects.filter(pk__in=[s.pk for s in entered]).update(
        updated_by=user, updated_at=now, version=F("version") + 1
    )
    Score.history.bulk_history_create(
        entered, update=True, default_user=user, default_change_reason=SAMPLE_REASON
    )


def _evidence_note(criterion) -> str:
    what = criterion.evidence_required or "tài liệu kiểm chứng"
    return f"Đã thực hiện đầy đủ. Kiểm chứng: {what[0].lower()}{what[1:]}"


def _self_loss(criterion, rng: random.Random, rounding: str):
    """A value below the maximum that the criterion's method allows, with the reason."""
    method, maximum = criterion.method, criterion.maximum
    if method in engine.RATIO_METHODS:
        # Case files (hồ sơ) run to the hundreds a year; plans, reports and tasks to tens.
        a = rng.randint(150, 1600) if "hồ sơ" in criterion.title else rng.randint(8, 40)
        b = a - max(1, round(a * rng.uniform(0.03, 0.25)))
        value = engine.suggested_score(method, maximum, criterion.params, rounding, b=b, a=a)
        share = engine.vn_number(Decimal(b) * 100 / Decimal(a))
        return value, b, a, f"Đạt {b}/{a} ({share}%)."
    if method == engine.Method.DEDUCTION:
        cases = rng.randint(1, 4)
        value = engine.suggested_score(method, maximum, criterion.params, rounding, b=cases)
        return value, cases, None, f"{cases} trường hợp chậm hạn trong năm."
    if method == engine.Method.LEVELS:
        levels = engine.level_choices(maximum, criterion.params)
        label, points = levels[1]
        return points, None, None, f"Mức “{label}”: còn nội dung chưa hoàn thành trong năm."
    if method == engine.Method.YES_NO:
        return Decimal("0.00"), None, None, "Chưa thực hiện trong năm."
    value = (maximum * Decimal(rng.choice(["0.5", "0.75"]))).quantize(Decimal("0.01"))
    return value, None, None, "Đơn vị tự trừ điểm: thực hiện chưa đầy đủ."


def _appraise(assessment: Assessment, deductions, appraisers: dict[str, object]) -> None:
    """Round 1 of the appraisal, each field by the appraiser whose part it is: the council's
    deductions with their reasons; every other criterion gets the unit's value, with a reason
    wherever that value is below the maximum."""
    cut = {row["code"]: row for row in deductions}
    for score in _leaf_scores(assessment):
        appraiser = appraisers[_field_of(score)]
        row = cut.get(score.criterion.code)
        if row is not None:
            services.score_set_appraised(
                score=score,
                value=Decimal(row["appraised"]) if "appraised" in row else None,
                b=row.get("appraised_b"),
                a=row.get("appraised_a"),
                comment=row["comment"],
                user=appraiser,
            )
            continue
        comment = ""
        if score.self_value < score.maximum:
            comment = f"Thống nhất với điểm tự đánh giá của đơn vị. {score.self_note}"
        services.score_set_appraised(
            score=score,
            value=score.self_value,
            b=score.self_b,
            a=score.self_a,
            comment=comment,
            user=appraiser,
            reason="Chấp nhận điểm tự đánh giá",
        )
