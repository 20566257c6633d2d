"""Rounds: create one, open it for every unit at once, add a unit later, close and re-open it,
extend one unit's deadline.

Opening is one transaction and a fixed number of queries whatever the number of units:
assessments and their scores go in with bulk inserts (a province's 170 units × 90 criteria in a
second or two). It is idempotent: a unit that already has its assessment for the period keeps
it, so opening again (or after adding units to a group) only creates what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from scoring.access import descendant_ids
from scoring.models import (
    Assessment,
    Criterion,
    DeadlineExtension,
    DeadlineKind,
    Department,
    Framework,
    Period,
    RankingGroup,
    Round,
    RoundStatus,
    Score,
    Unit,
)
from scoring.models.units import LEVEL_OF_KIND, UnitKind
from scoring.signals import round_opened

SCORE_BATCH = 5000


@dataclass
class OpenReport:
    created: list[Assessment] = field(default_factory=list)
    already: list[Assessment] = field(default_factory=list)
    elsewhere: list[Unit] = field(default_factory=list)  # assessed this period on another framework
    scores: int = 0


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


def _check_deadlines(**deadlines: datetime | None) -> None:
    self_d, response, appraisal = (
        deadlines.get("self_deadline"),
        deadlines.get("response_deadline"),
        deadlines.get("appraisal_deadline"),
    )
    if self_d and response and response <= self_d:
        raise ValidationError("Hạn giải trình phải sau hạn tự đánh giá.")
    if self_d and appraisal and appraisal <= self_d:
        raise ValidationError("Hạn thẩm định phải sau hạn tự đánh giá.")


@transaction.atomic
def round_create(
    *,
    council_unit: Unit,
    framework: Framework,
    period: Period,
    name: str,
    groups: list[RankingGroup],
    excluded: list[Unit] = (),
    self_deadline: datetime | None = None,
    response_deadline: datetime | None = None,
    appraisal_deadline: datetime | None = None,
    user=None,
) -> Round:
    """A round, not yet opened: which framework, period and groups, with common deadlines."""
    if not framework.is_active:
        raise ValidationError(f"Bộ chỉ số “{framework}” chưa được đưa vào áp dụng.")
    if not framework.applies_to_year(period.year):
        raise ValidationError(f"Bộ chỉ số “{framework}” không áp dụng cho năm {period.year}.")
    if not groups:
        raise ValidationError("Hãy chọn ít nhất một nhóm xếp hạng.")
    for group in groups:
        if group.council_unit_id != council_unit.pk:
            raise ValidationError(f"Nhóm “{group}” không thuộc {council_unit}.")
        wrong = [k for k in group.kinds if LEVEL_OF_KIND[UnitKind(k)] != framework.unit_level]
        if wrong:
            raise ValidationError(
                f"Nhóm “{group}” gồm {UnitKind(wrong[0]).label.lower()}, không thuộc đối tượng "
                f"của bộ chỉ số “{framework}” ({framework.get_unit_level_display().lower()})."
            )
    _check_deadlines(
        self_deadline=self_deadline,
        response_deadline=response_deadline,
        appraisal_deadline=appraisal_deadline,
    )
    round_ = Round(
        council_unit=council_unit,
        framework=framework,
        period=period,
        name=name.strip(),
        self_deadline=self_deadline,
        response_deadline=response_deadline,
        appraisal_deadline=appraisal_deadline,
        opened_by=_user_or_none(user),
    )
    round_._history_user = _user_or_none(user)
    round_.full_clean()
    round_.save()
    round_.groups.set(groups)
    round_.excluded_units.set(excluded)
    return round_


def round_units(round_: Round) -> list[tuple[Unit, RankingGroup]]:
    """The active units a round covers, each with its ranking group: below the council's unit,
    of a kind one of its groups holds, not excluded (one query per tree level, plus three)."""
    groups = list(round_.groups.all())
    group_of_kind = {kind: group for group in groups for kind in group.kinds}
    excluded = set(round_.excluded_units.values_list("id", flat=True))
    below = descendant_ids({round_.council_unit_id})
    units = (
        Unit.objects.filter(id__in=below, is_active=True, kind__in=list(group_of_kind))
        .exclude(id__in=excluded)
        .order_by("name")
    )
    return [(unit, group_of_kind[unit.kind]) for unit in units]


@transaction.atomic
def round_open(*, round_: Round, user=None, units: list[Unit] | None = None) -> OpenReport:
    """Create the assessment of every unit the round covers (or of `units` only), each with an
    empty score for every leaf criterion, in one transaction. Idempotent."""
    locked = (
        Round.objects.select_for_update(of=("self",))
        .select_related("framework", "period")
        .get(pk=round_.pk)
    )
    if locked.status != RoundStatus.OPEN:
        raise ValidationError(f"Đợt “{locked}” đã đóng; hãy mở lại đợt trước khi thêm đơn vị.")
    covered = round_units(locked)
    if units is not None:
        wanted = {u.pk for u in units}
        covered = [(u, g) for u, g in covered if u.pk in wanted]
        missing = wanted - {u.pk for u, _ in covered}
        if missing:
            names = ", ".join(Unit.objects.filter(pk__in=missing).values_list("name", flat=True))
            raise ValidationError(
                f"{names}: không thuộc phạm vi của đợt “{locked}” (loại đơn vị, đơn vị cấp "
                "trên, đang hoạt động hoặc đã loại khỏi đợt)."
            )
    report = OpenReport()
    existing = {
        a.unit_id: a
        for a in Assessment.objects.filter(
            period=locked.period, unit_id__in=[u.pk for u, _ in covered]
        )
    }
    fresh = []
    for unit, group in covered:
        current = existing.get(unit.pk)
        if current is None:
            fresh.append(
                Assessment(
                    unit=unit,
                    framework=locked.framework,
                    period=locked.period,
                    round=locked,
                    ranking_group=group,
                    self_deadline=locked.self_deadline,
                    response_deadline=locked.response_deadline,
                    appraisal_deadline=locked.appraisal_deadline,
                )
            )
        elif current.framework_id == locked.framework_id:
            report.already.append(current)
        else:
            report.elsewhere.append(unit)
    if not fresh:
        return report
    created = bulk_create_with_history(fresh, Assessment, default_user=_user_or_none(user))
    # Not every database returns the new ids from a bulk insert: read them back.
    by_unit = {
        a.unit_id: a
        for a in Assessment.objects.filter(
            period=locked.period, unit_id__in=[a.unit_id for a in created]
        ).select_related("unit")
    }
    report.created = [by_unit[a.unit_id] for a in created]
    report.scores = _create_scores(locked.framework, report.created)
    round_opened.send(Round, round=locked, assessments=report.created, user=user)
    return report


def _create_scores(framework: Framework, assessments: list[Assessment]) -> int:
    leaves = list(
        Criterion.objects.filter(framework=framework, children__isnull=True).only(
            "id", "maximum", "default_department"
        )
    )
    departments = {
        (d.unit_id, d.name): d.pk
        for d in Department.objects.filter(
            unit_id__in=[a.unit_id for a in assessments], is_active=True
        ).only("id", "unit_id", "name")
    }
    scores = (
        Score(
            assessment_id=a.pk,
            criterion_id=c.pk,
            maximum=c.maximum,
            responsible_department_id=departments.get((a.unit_id, c.default_department)),
        )
        for a in assessments
        for c in leaves
    )
    Score.objects.bulk_create(scores, batch_size=SCORE_BATCH)
    return len(assessments) * len(leaves)


def _set_status(round_: Round, status: str, note: str, user) -> Round:
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.status == status:
        raise ValidationError(f"Đợt “{locked}” đã ở trạng thái “{locked.get_status_display()}”.")
    if not note.strip():
        raise ValidationError("Hãy ghi lý do.")
    locked.status = status
    locked.status_note = note.strip()[:300]
    locked._history_user = _user_or_none(user)
    locked.save()
    return locked


@transaction.atomic
def round_close(*, round_: Round, note: str, user=None) -> Round:
    """Close a round: no unit can be added; the change and its reason stay in its history."""
    return _set_status(round_, RoundStatus.CLOSED, note, user)


@transaction.atomic
def round_reopen(*, round_: Round, note: str, user=None) -> Round:
    return _set_status(round_, RoundStatus.OPEN, note, user)


@transaction.atomic
def deadline_extend(
    *, assessment: Assessment, deadline: str, until: datetime, reason: str, user=None
) -> DeadlineExtension:
    """Give one unit more time than the round's common deadline, with the reason kept."""
    from scoring.services.locks import assessment_lock

    assessment_lock(assessment)
    kind = DeadlineKind(deadline)
    previous = getattr(assessment, kind.value)
    if not reason.strip():
        raise ValidationError("Hãy ghi lý do gia hạn.")
    if until <= timezone.now():
        raise ValidationError("Hạn mới phải sau thời điểm hiện tại.")
    if previous is not None and until <= previous:
        raise ValidationError(
            f"Hạn mới phải sau hạn hiện tại ({timezone.localtime(previous):%H:%M %d/%m/%Y})."
        )
    extension = DeadlineExtension(
        assessment=assessment,
        deadline=kind,
        previous=previous,
        extended_to=until,
        reason=reason.strip(),
        granted_by=_user_or_none(user),
    )
    extension.full_clean()
    extension.save()
    setattr(assessment, kind.value, until)
    assessment._history_user = _user_or_none(user)
    assessment._change_reason = f"Gia hạn: {reason.strip()}"[:100]
    assessment.save(update_fields=[kind.value, "updated_at"])
    return extension
