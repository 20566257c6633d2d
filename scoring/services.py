"""Writes: every change to frameworks, assessments and scores goes through these functions.

Each takes keyword arguments, runs in one transaction and validates before it saves, so a
refused call leaves the database exactly as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import engine
from scoring.models import (
    Assessment,
    AssessmentStatus,
    ClassificationBand,
    Criterion,
    Framework,
    Period,
    Score,
    Unit,
)
from scoring.selectors import framework_problems

# --- frameworks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _FlatCriterion:
    data: Mapping[str, Any]
    parent_code: str | None
    is_leaf: bool


def _flatten(items: Sequence[Mapping[str, Any]], parent_code: str | None = None) -> list:
    flat = []
    for item in items:
        children = item.get("children") or []
        flat.append(_FlatCriterion(item, parent_code, not children))
        flat.extend(_flatten(children, str(item["code"])))
    return flat


def _decimal(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError) as exc:
        raise ValidationError(f"{what}: “{value}” không phải là số.") from exc


def criteria_tree_problems(items: Sequence[Mapping[str, Any]], max_total: Decimal) -> list[str]:
    """Everything wrong with a criteria tree given as nested data, before anything is saved."""
    flat = _flatten(items)
    problems = []
    nodes = []
    for entry in flat:
        code = str(entry.data.get("code", "")).strip()
        try:
            maximum = _decimal(entry.data.get("maximum"), f"Điểm tối đa của tiêu chí {code}")
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        nodes.append(engine.Node(code, maximum, entry.parent_code))
        method = entry.data.get("method") or ""
        if entry.is_leaf and not method:
            problems.append(f"Tiêu chí {code} không có tiêu chí con nên phải có phương pháp chấm.")
        elif not entry.is_leaf and method:
            problems.append(f"Tiêu chí {code} có tiêu chí con nên không có phương pháp chấm riêng.")
        elif method:
            problems.extend(engine.params_problems(code, method, entry.data.get("params") or {}))
    return problems + engine.tree_problems(nodes, max_total)


@transaction.atomic
def framework_create(*, data: Mapping[str, Any], issuing_unit: Unit | None = None) -> Framework:
    """Create an active framework with its bands and criteria tree from plain data.

    `data` has the shape of fixtures/demo/framework_sample.json. A broken tree is refused
    whole, with a message for each node at fault.
    """
    max_total = _decimal(data.get("max_total", "100"), "Tổng điểm tối đa")
    problems = criteria_tree_problems(data.get("criteria", []), max_total)
    if problems:
        raise ValidationError(problems)
    framework = Framework(
        name=data["name"],
        decision=data.get("decision", ""),
        note=data.get("note", ""),
        issuing_unit=issuing_unit,
        year_from=data["year_from"],
        year_to=data.get("year_to"),
        unit_level=data["unit_level"],
        max_total=max_total,
        rounding=data.get("rounding", engine.Rounding.HALF_UP),
        bonus_cap=_decimal(data.get("bonus_cap", "0"), "Điểm thưởng tối đa"),
        penalty_cap=_decimal(data.get("penalty_cap", "0"), "Điểm trừ tối đa"),
    )
    framework.full_clean()
    framework.save()
    for band in data.get("bands", []):
        row = ClassificationBand(
            framework=framework,
            label=band["label"],
            lower_bound=_decimal(band["lower_bound"], f"Mức xếp loại {band['label']}"),
        )
        row.full_clean()
        row.save()
    created: dict[str, Criterion] = {}
    for entry in _flatten(data.get("criteria", [])):
        item = entry.data
        criterion = Criterion(
            framework=framework,
            parent=created.get(entry.parent_code) if entry.parent_code else None,
            code=str(item["code"]).strip(),
            title=item["title"],
            maximum=_decimal(item["maximum"], "Điểm tối đa"),
            method=item.get("method") or "",
            params=item.get("params") or {},
            guidance=item.get("guidance", ""),
            evidence_required=item.get("evidence", ""),
            default_department=item.get("department", ""),
        )
        criterion.full_clean()
        criterion.save()
        created[criterion.code] = criterion
    framework_activate(framework=framework)
    return framework


@transaction.atomic
def framework_activate(*, framework: Framework) -> Framework:
    """Put a framework in force; refuse it, naming each node, if its tree does not add up."""
    problems = framework_problems(framework)
    if problems:
        raise ValidationError(problems)
    framework.is_active = True
    framework.save(update_fields=["is_active"])
    return framework


# --- assessments --------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    unit: Unit,
    framework: Framework,
    period: Period,
    self_deadline: datetime | None = None,
    response_deadline: datetime | None = None,
    appraisal_deadline: datetime | None = None,
) -> Assessment:
    """Open an assessment with an empty score for every leaf criterion of the framework.

    Each score goes to the unit's department named as the criterion's default.
    """
    if not framework.is_active:
        raise ValidationError(f"Bộ chỉ số “{framework}” chưa được đưa vào áp dụng.")
    assessment = Assessment(
        unit=unit,
        framework=framework,
        period=period,
        self_deadline=self_deadline,
        response_deadline=response_deadline,
        appraisal_deadline=appraisal_deadline,
    )
    assessment.full_clean()
    assessment.save()
    departments = {d.name: d for d in unit.departments.filter(is_active=True)}
    leaves = framework.criteria.filter(children__isnull=True)
    Score.objects.bulk_create(
        Score(
            assessment=assessment,
            criterion=criterion,
            maximum=criterion.maximum,
            responsible_department=departments.get(criterion.default_department),
        )
        for criterion in leaves
    )
    return assessment


def _resolve_value(
    score: Score, value: Decimal | None, b: int | None, a: int | None
) -> Decimal | None:
    """The value to store: the one entered, or, for ratio criteria given only counts, theirs."""
    criterion = score.criterion
    if (
        value is None
        and b is not None
        and a is not None
        and criterion.method in engine.RATIO_METHODS
    ):
        try:
            return engine.suggested_score(
                criterion.method,
                criterion.maximum,
                criterion.params,
                score.assessment.framework.rounding,
                b=b,
                a=a,
            )
        except engine.ScoringError as exc:
            raise ValidationError(str(exc)) from exc
    return value


class ConcurrentEdit(ValidationError):
    """Someone saved this criterion after the form being saved was loaded."""

    def __init__(self, current: Score, field: str):
        self.current = current
        who = current.updated_by or "người khác"
        when = timezone.localtime(current.updated_at).strftime("%H:%M ngày %d/%m/%Y")
        value = engine.vn_number(getattr(current, field)) or "(để trống)"
        super().__init__(
            f"Tiêu chí {current.criterion.code} vừa được {who} sửa lúc {when}: "
            f"{Score._meta.get_field(field).verbose_name} hiện là {value}. "
            "Thay đổi của bạn chưa được lưu; hãy xem lại giá trị mới rồi lưu lại."
        )


def _lock(score: Score, expected_version: int | None, field: str) -> None:
    """Lock the row; refuse if it changed since `expected_version` was read."""
    current = (
        Score.objects.select_for_update(of=("self",))
        .select_related("criterion", "updated_by")
        .get(pk=score.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise ConcurrentEdit(current, field)
    score.version = current.version + 1


def _save_score(score: Score, user, reason: str | None) -> Score:
    score.updated_by = user if getattr(user, "is_authenticated", False) else None
    score._history_user = score.updated_by
    score._change_reason = reason
    score.full_clean()
    score.save()
    return score


@transaction.atomic
def score_set_self(
    *,
    score: Score,
    value: Decimal | None,
    b: int | None = None,
    a: int | None = None,
    note: str | None = None,
    user=None,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Score:
    """Record the unit's self-assessed value (or counts) for one criterion.

    With `expected_version`, refuse (ConcurrentEdit) if someone saved it in the meantime.
    `reason` is kept in the score's history (e.g. "Nhập từ tệp phu_luc_2023.xlsx").
    """
    _lock(score, expected_version, "self_value")
    score.self_b, score.self_a = b, a
    score.self_value = _resolve_value(score, value, b, a)
    if note is not None:
        score.self_note = note
    return _save_score(score, user, reason)


@transaction.atomic
def score_set_appraised(
    *,
    score: Score,
    value: Decimal | None,
    b: int | None = None,
    a: int | None = None,
    comment: str | None = None,
    responsible_note: str | None = None,
    user=None,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Score:
    """Record the council's appraised value (or counts) and its comment for one criterion."""
    _lock(score, expected_version, "appraised_value")
    score.appraised_b, score.appraised_a = b, a
    score.appraised_value = _resolve_value(score, value, b, a)
    if comment is not None:
        score.appraisal_comment = comment
    if responsible_note is not None:
        score.responsible_note = responsible_note
    return _save_score(score, user, reason)


@transaction.atomic
def assessment_publish(
    *, assessment: Assessment, decision: str = "", when: datetime | None = None, user=None
) -> Assessment:
    """Publish an appraised assessment; refused while any criterion lacks an appraised value."""
    missing = list(
        assessment.scores.filter(appraised_value__isnull=True)
        .order_by("criterion__sort_key")
        .values_list("criterion__code", flat=True)
    )
    if missing:
        raise ValidationError(
            f"Chưa thể công bố: {len(missing)} tiêu chí chưa có điểm thẩm định "
            f"({', '.join(missing[:10])}{'…' if len(missing) > 10 else ''})."
        )
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.published_decision = decision or assessment.published_decision
    assessment.published_at = when or timezone.now()
    assessment._history_user = user
    assessment.full_clean()
    assessment.save()
    return assessment
