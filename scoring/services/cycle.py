"""The assessment cycle: open, submit, appraise in two rounds, publish.

draft → submitted (round 1) → returned (the unit explains) → round_2 → appraised → published.
Each transition checks what it needs and lists everything missing at once, so a unit sees the
whole to-do list instead of one refusal at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from scoring.models import (
    Assessment,
    AssessmentStatus,
    EvidenceStage,
    Framework,
    Period,
    Score,
    Unit,
)
from scoring.parts import appraisal_scope, unfinished_parts
from scoring.selectors import period_totals
from scoring.services.locks import assessment_lock, ranking_lock
from scoring.services.results import results_write
from scoring.services.scores import _lock, _save_score, score_set_appraised
from scoring.signals import assessment_moved

MAX_LISTED = 15


def _require(assessment: Assessment, *statuses: str, action: str) -> None:
    """Lock the assessment (see `locks`) and refuse unless its status, as locked, is one of
    `statuses`."""
    assessment_lock(assessment)
    if assessment.status not in statuses:
        raise ValidationError(
            f"Không thể {action}: bản đánh giá đang ở trạng thái "
            f"“{assessment.get_status_display()}”."
        )


def _refuse_listing(title: str, problems: list[str]) -> None:
    shown = problems[:MAX_LISTED]
    if len(problems) > MAX_LISTED:
        shown.append(f"… và {len(problems) - MAX_LISTED} mục khác.")
    raise ValidationError([title, *shown])


def _transition(
    assessment: Assessment, status: str, user, *, announce: bool = True, **fields
) -> Assessment:
    """Move the assessment to `status`; `announce` tells the people concerned
    (`scoring.signals.assessment_moved`: notices and e-mails)."""
    assessment.status = status
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment._history_user = user if getattr(user, "is_authenticated", False) else None
    assessment.full_clean()
    assessment.save()
    if announce:
        assessment_moved.send(Assessment, assessment=assessment, status=status, user=user)
    return assessment


def _leaf_scores(assessment: Assessment):
    return assessment.scores.select_related("criterion").order_by("criterion__sort_key")


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


@dataclass(frozen=True)
class Gap:
    """One thing that keeps a self-assessment from being submitted, on one criterion's row."""

    score_id: int
    code: str
    kind: str  # "value": no self-assessed value; "evidence": neither a file nor a note
    message: str


def self_assessment_gaps(assessment: Assessment) -> list[Gap]:
    """What keeps a self-assessment from being submitted, in the framework's order (2 queries)."""
    with_evidence = set(
        assessment.scores.filter(
            Q(evidence__stage=EvidenceStage.SELF) | Q(linked_evidence__stage=EvidenceStage.SELF)
        ).values_list("id", flat=True)
    )
    gaps = []
    for score in _leaf_scores(assessment):
        code = score.criterion.code
        if score.self_value is None and score.is_item:
            continue  # optional: an empty bonus or penalty item counts as 0
        if not score.criterion.is_self_assessed:
            continue  # the council enters it for the whole round (survey, outside source)
        if score.self_not_assessed:  # không phát sinh: no value, no file; its reason is enough
            if not score.self_note.strip():
                message = (
                    f"Tiêu chí {code}: báo không phát sinh nhưng chưa ghi lý do; hãy ghi lý do "
                    "vào ô giải thích."
                )
                gaps.append(Gap(score.id, code, "evidence", message))
            continue
        if score.self_value is None:
            gaps.append(
                Gap(score.id, code, "value", f"Tiêu chí {code}: chưa nhập điểm tự đánh giá.")
            )
        elif score.self_value > 0 and score.id not in with_evidence and not score.self_note.strip():
            message = (
                f"Tiêu chí {code}: chưa có tài liệu kiểm chứng; hãy tải tài liệu lên "
                "hoặc ghi giải thích."
            )
            gaps.append(Gap(score.id, code, "evidence", message))
    return gaps


def self_assessment_missing(assessment: Assessment) -> list[str]:
    """What keeps a self-assessment from being submitted, one line per criterion."""
    return [gap.message for gap in self_assessment_gaps(assessment)]


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user=None) -> Assessment:
    """The unit sends its self-assessment to the council; from then on it is read-only."""
    _require(assessment, AssessmentStatus.DRAFT, action="gửi bản tự đánh giá")
    if not assessment.self_entry_open():
        raise ValidationError("Đã quá hạn tự đánh giá; không thể gửi bản tự đánh giá.")
    missing = self_assessment_missing(assessment)
    if missing:
        _refuse_listing(f"Chưa thể gửi: còn {len(missing)} tiêu chí chưa hoàn thành.", missing)
    return _transition(assessment, AssessmentStatus.SUBMITTED, user, submitted_at=timezone.now())


@transaction.atomic
def assessment_accept_self_values(*, assessment: Assessment, user=None) -> int:
    """Give every criterion not yet appraised the unit's own value (and counts).

    Councils change a handful of criteria and accept the rest; each accepted value is kept in
    the criterion's history with that reason. Where the unit itself scored below the maximum,
    the unit's note becomes the council's reason for the points lost (editable afterwards), so
    agreeing never asks for a reason the unit already gave. In a round divided into parts, an
    appraiser accepts only the criteria of their own parts. Returns how many were filled.
    """
    assessment_lock(assessment)
    if not assessment.appraisal_open():
        raise ValidationError("Chỉ chấp nhận điểm tự đánh giá trong khi đang thẩm định.")
    scope = appraisal_scope(user if getattr(user, "is_authenticated", False) else None, assessment)
    if scope.restricted and not scope.leaf_ids:
        raise ValidationError(
            "Đợt đánh giá đã phân công thẩm định theo phần việc và bạn không được giao phần "
            "nào; không chấp nhận điểm tự đánh giá thay người phụ trách được."
        )
    filled = 0
    pending = _leaf_scores(assessment).filter(
        Q(self_value__isnull=False) | Q(self_not_assessed=True),
        appraised_value__isnull=True,
        appraised_not_assessed=False,
    )
    if scope.restricted:
        pending = pending.filter(criterion_id__in=scope.leaf_ids)
    for score in pending.select_related("assessment__framework"):
        if score.self_not_assessed:
            score_set_appraised(
                score=score,
                value=None,
                nothing_arose=True,
                user=user,
                reason="Chấp nhận điểm tự đánh giá",
            )
            filled += 1
            continue
        lost = score.loses_points(score.self_value) and not score.appraisal_comment.strip()
        score_set_appraised(
            score=score,
            value=score.self_value,
            b=score.self_b,
            a=score.self_a,
            comment=score.agreed_reason() if lost else None,
            user=user,
            reason="Chấp nhận điểm tự đánh giá",
        )
        filled += 1
    return filled


def appraisal_missing(assessment: Assessment) -> list[str]:
    """Criteria without an appraised value, or losing points without the council's reason."""
    missing = []
    for score in _leaf_scores(assessment):
        code = score.criterion.code
        if score.appraised_not_assessed:
            continue  # không phát sinh, confirmed with its reason
        if score.appraised_value is None and score.is_item:
            continue  # optional: an empty bonus or penalty item counts as 0
        if score.appraised_value is None:
            missing.append(f"Tiêu chí {code}: chưa có điểm thẩm định.")
        elif score.self_not_assessed and not score.appraisal_comment.strip():
            missing.append(
                f"Tiêu chí {code}: đơn vị báo không phát sinh, hội đồng chấm điểm nhưng chưa "
                "ghi lý do; hãy ghi lý do vào ý kiến thẩm định."
            )
        elif score.loses_points(score.appraised_value) and not score.appraisal_comment.strip():
            missing.append(f"Tiêu chí {code}: bị trừ điểm nhưng chưa ghi lý do.")
    return missing


def _require_complete_appraisal(assessment: Assessment, action: str) -> None:
    """Refuse while a part of the round is not done for this unit (naming the part and its
    appraiser), then while any criterion is not done."""
    unfinished = unfinished_parts(assessment)
    if unfinished:
        _refuse_listing(
            f"Chưa thể {action}: còn {len(unfinished)} phần việc thẩm định chưa xong.", unfinished
        )
    missing = appraisal_missing(assessment)
    if missing:
        _refuse_listing(f"Chưa thể {action}: còn {len(missing)} tiêu chí chưa xong.", missing)


@transaction.atomic
def assessment_return(
    *, assessment: Assessment, response_deadline: datetime | None, user=None
) -> Assessment:
    """End round 1: send the appraised values to the unit, which may explain until the deadline."""
    _require(assessment, AssessmentStatus.SUBMITTED, action="gửi kết quả thẩm định vòng 1")
    _require_complete_appraisal(assessment, "gửi kết quả vòng 1")
    if response_deadline is not None and response_deadline <= timezone.now():
        raise ValidationError("Hạn giải trình phải sau thời điểm hiện tại.")
    scores = list(assessment.scores.all())
    for score in scores:
        score.round1_value = score.appraised_value
        score.round1_comment = score.appraisal_comment
    Score.objects.bulk_update(scores, ["round1_value", "round1_comment"])
    return _transition(
        assessment,
        AssessmentStatus.RETURNED,
        user,
        response_deadline=response_deadline,
        returned_at=timezone.now(),
    )


@transaction.atomic
def score_set_response(
    *, score: Score, text: str, user=None, expected_version: int | None = None
) -> Score:
    """The unit's written explanation (giải trình) of one criterion after round 1."""
    _lock(score, expected_version, "response")
    assessment = score.assessment
    _require(assessment, AssessmentStatus.RETURNED, action="ghi giải trình")
    if not assessment.response_open():
        raise ValidationError("Đã quá hạn giải trình.")
    score.response = text.strip()
    return _save_score(score, user, "Giải trình")


@transaction.atomic
def assessment_start_round_2(*, assessment: Assessment, user=None) -> Assessment:
    """Close the explanations (the unit sends them, or the deadline has passed): round 2."""
    _require(assessment, AssessmentStatus.RETURNED, action="chuyển sang thẩm định vòng 2")
    return _transition(assessment, AssessmentStatus.ROUND_2, user)


@transaction.atomic
def assessment_finalize(*, assessment: Assessment, user=None) -> Assessment:
    """End round 2: the appraised values are final."""
    _require(assessment, AssessmentStatus.ROUND_2, action="chốt kết quả thẩm định")
    _require_complete_appraisal(assessment, "chốt kết quả")
    return _transition(assessment, AssessmentStatus.APPRAISED, user)


@transaction.atomic
def assessment_publish(
    *,
    assessment: Assessment,
    decision: str = "",
    when: datetime | None = None,
    user=None,
    from_record: bool = False,
) -> Assessment:
    """Publish: freeze total, percentage, classification, rank and change.

    `from_record` records a result already published outside the app (demo data, an imported
    appendix): it skips the in-app rounds but still requires every criterion appraised.
    Publishing re-ranks the units already published in the same framework and period.

    An assessment opened in a round is published only with its ranking group
    (`group_publish`), so that no unit's "thứ 1/1" is frozen before its peers are in.
    """
    if assessment.round_id and not from_record:
        raise ValidationError(
            f"{assessment.unit} được đánh giá trong đợt “{assessment.round}”: kết quả chỉ "
            "được công bố cùng cả nhóm xếp hạng, tại trang công bố kết quả của đợt."
        )
    # Ranks first, then the row: every publish takes the two in the same order.
    ranking_lock(framework=assessment.framework, period=assessment.period)
    allowed = [AssessmentStatus.APPRAISED]
    if from_record:
        allowed += [AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED, AssessmentStatus.ROUND_2]
    _require(assessment, *allowed, action="công bố")
    missing = list(
        assessment.scores.filter(appraised_value__isnull=True, appraised_not_assessed=False)
        .order_by("criterion__sort_key")
        .values_list("criterion__code", flat=True)
    )
    if missing:
        raise ValidationError(
            f"Chưa thể công bố: {len(missing)} tiêu chí chưa có điểm thẩm định "
            f"({', '.join(missing[:10])}{'…' if len(missing) > 10 else ''})."
        )
    _transition(
        assessment,
        AssessmentStatus.PUBLISHED,
        user,
        announce=not from_record,  # a result recorded from outside is old news
        published_decision=decision or assessment.published_decision,
        published_at=when or timezone.now(),
    )
    assessment_results_freeze(framework=assessment.framework, period=assessment.period)
    assessment.refresh_from_db()
    return assessment


@transaction.atomic
def assessment_results_freeze(*, framework: Framework, period: Period) -> None:
    """Store total, percentage, classification, rank and change of every published
    assessment of a framework and period, as publication freezes them. Takes the ranking
    lock, so two publishes at once rank one after the other, each seeing the other's."""
    ranking_lock(framework=framework, period=period)
    results_write(period_totals(framework, period))
