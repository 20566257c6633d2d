"""Writes to one criterion's score: self-assessed and appraised values and explanations.

Each save locks the row and checks the version the editor started from, so a second editor
never silently overwrites the first; every save is kept in the score's history.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import engine
from scoring.models import AssessmentStatus, Criterion, Score, Source
from scoring.parts import outside_part_refusal
from scoring.services.locks import assessment_lock

_SELF_CLOSED = "Không sửa được điểm tự đánh giá: bản tự đánh giá đã gửi thẩm định hoặc đã quá hạn."


def _resolve_value(
    score: Score, value: Decimal | None, b: int | None, a: int | None
) -> Decimal | None:
    """The value to store: the one entered, or, for criteria scored from counts (ratios,
    deductions) given only counts, theirs. Counts a criterion's method does not take, or
    cannot take as given (b > a for a share of a whole), are refused, never stored."""
    criterion = score.criterion
    value = engine.signed_value(score.maximum, value)
    if b is None and a is None:
        return value
    problems = engine.counts_problems(b, a, method=criterion.method, params=criterion.params or {})
    if problems:
        raise ValidationError([f"Tiêu chí {criterion.code}: {p}" for p in problems])
    if value is None:
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


def _nothing_arose(
    score: Score,
    flagged: bool,
    value: Decimal | None,
    b: int | None,
    a: int | None,
    reason: str,
) -> bool:
    """Whether this entry reports that nothing arose (không phát sinh): the box ticked, or a
    ratio's a = 0 where the criterion's rule allows it (where it does not, a = 0 gets the
    refusal it always had). Refused without a reason, or with a value the rule does not give."""
    criterion = score.criterion
    rule = engine.NoneRule(criterion.when_none or engine.NoneRule.REFUSE)
    if not flagged and not (
        engine.nothing_arose(b, a)
        and criterion.method in engine.RATIO_METHODS
        and rule != engine.NoneRule.REFUSE
    ):
        return False
    try:
        given = engine.none_score(criterion.code, rule, score.maximum)
    except engine.ScoringError as exc:
        raise ValidationError(str(exc)) from exc
    if value is not None and value != given:
        raise ValidationError(
            f"Tiêu chí {criterion.code}: đã báo không phát sinh thì không nhập điểm "
            f"{engine.vn_number(value)}; hãy bỏ chọn “Không phát sinh” hoặc xóa điểm."
        )
    if not reason.strip():
        raise ValidationError(
            f"Tiêu chí {criterion.code}: báo không phát sinh cần ghi lý do; hãy ghi vì sao "
            "không phát sinh."
        )
    return True


class ConcurrentEdit(ValidationError):
    """Someone saved this criterion after the form being saved was loaded."""

    def __init__(self, current: Score, field: str):
        self.current = current
        who = current.updated_by or "người khác"
        when = timezone.localtime(current.updated_at).strftime("%H:%M ngày %d/%m/%Y")
        value = _shown(getattr(current, field))
        super().__init__(
            f"Tiêu chí {current.criterion.code}: vừa được {who} sửa lúc {when}, "
            f"{Score._meta.get_field(field).verbose_name} hiện là {value}. "
            "Thay đổi của bạn chưa được lưu; hãy xem lại giá trị mới rồi lưu lại."
        )


def _shown(value: Decimal | str | None) -> str:
    """A stored value as a message quotes it: a score "1,50", a text (the explanation) quoted."""
    if value is None or value == "":
        return "(để trống)"
    if isinstance(value, str):
        return f"“{value if len(value) <= 80 else value[:80] + '…'}”"
    return engine.vn_number(value)


def _lock(score: Score, expected_version: int | None, field: str) -> None:
    """Lock the assessment, then the score's row; refuse if the score changed since
    `expected_version` was read. The caller checks the assessment's state after this, on the
    refreshed `score.assessment`, so that no state change can slip in between."""
    assessment_lock(score.assessment)
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
    # The related rows were loaded by the caller and the database holds the constraints
    # (range, counts, one score per criterion); clean() gives the Vietnamese messages for
    # the same rules. Re-checking them all here cost ~20 queries per criterion.
    score.full_clean(
        exclude=["assessment", "criterion", "responsible_department", "updated_by"],
        validate_unique=False,
        validate_constraints=False,
    )
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
    nothing_arose: bool = False,
) -> Score:
    """Record the unit's self-assessed value (or counts) for one criterion.

    `nothing_arose` (or a ratio's a = 0) reports "không phát sinh" with `note` as its reason:
    the criterion's rule gives its maximum or leaves it out of the sum (no value).
    With `expected_version`, refuse (ConcurrentEdit) if someone saved it in the meantime.
    `reason` is kept in the score's history (e.g. "Nhập từ tệp phu_luc_2023.xlsx").
    """
    _lock(score, expected_version, "self_value")
    if not score.assessment.self_entry_open():
        raise ValidationError(_SELF_CLOSED)
    if not score.criterion.is_self_assessed:
        raise ValidationError(
            f"Tiêu chí {score.criterion.code}: hội đồng nhập kết quả cho cả đợt "
            f"({score.criterion.get_source_display().lower()}); đơn vị không tự chấm, hãy "
            "để trống."
        )
    why = score.self_note if note is None else note
    if _nothing_arose(score, nothing_arose, value, b, a, why):
        score.self_b = score.self_a = None
        score.self_value = engine.none_score(
            score.criterion.code, score.criterion.when_none, score.maximum
        )
        score.self_not_assessed = True
        score.self_note = why.strip()
        return _save_score(score, user, reason)
    score.self_not_assessed = False
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
    nothing_arose: bool = False,
) -> Score:
    """Record the council's appraised value (or counts) and its comment for one criterion.

    `nothing_arose` (or a ratio's a = 0) confirms "không phát sinh": the comment is its reason,
    or the unit's own where the unit reported it. A value instead overrules the unit's report.
    In a round divided into parts, an appraiser writes only the criteria of their own parts.
    """
    _lock(score, expected_version, "appraised_value")
    if score.assessment.status == AssessmentStatus.PUBLISHED:
        raise ValidationError("Kết quả đã công bố, không sửa được điểm thẩm định.")
    refusal = outside_part_refusal(
        user if getattr(user, "is_authenticated", False) else None, score
    )
    if refusal:
        raise ValidationError(refusal)
    why = score.appraisal_comment if comment is None else comment
    if score.self_not_assessed and not why.strip():
        why = score.self_note
    if _nothing_arose(score, nothing_arose, value, b, a, why):
        score.appraised_b = score.appraised_a = None
        score.appraised_value = engine.none_score(
            score.criterion.code, score.criterion.when_none, score.maximum
        )
        score.appraised_not_assessed = True
        score.appraisal_comment = why.strip()
        if responsible_note is not None:
            score.responsible_note = responsible_note
        return _save_score(score, user, reason)
    score.appraised_not_assessed = False
    score.appraised_b, score.appraised_a = b, a
    score.appraised_value = _resolve_value(score, value, b, a)
    if comment is not None:
        score.appraisal_comment = comment
    if responsible_note is not None:
        score.responsible_note = responsible_note
    return _save_score(score, user, reason)


# The council's reason for the points a measured result gives, written for it (a measured
# criterion loses points by its result, not by the council's judgement).
MEASURE_REASONS = {
    Source.SURVEY: "Kết quả điều tra xã hội học",
    Source.EXTERNAL: "Kết quả từ nguồn bên ngoài",
    Source.SELF: "Kết quả đo",
}


def measure_reason(criterion: Criterion, measure: Decimal) -> str:
    """ "Kết quả điều tra xã hội học: 87,3512%." """
    label = MEASURE_REASONS.get(criterion.source, MEASURE_REASONS[Source.SELF])
    return f"{label}: {engine.vn_percent(measure)}."


def is_measure_reason(comment: str) -> bool:
    """Whether the council's reason is the one written for a result ("Kết quả …: 87,35%.")."""
    return comment.startswith(tuple(f"{label}: " for label in MEASURE_REASONS.values()))


@transaction.atomic
def score_set_measure(
    *,
    score: Score,
    measure: Decimal | None,
    comment: str | None = None,
    user=None,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Score:
    """Record the council's measured result (a survey percentage, an outside index) of a
    criterion scored from it; the appraised points follow from the framework's rule and
    rounding. None clears both. Where the result loses points and the council wrote no
    reason of its own, the result is the reason ("Kết quả điều tra xã hội học: 87,35%.").
    """
    _lock(score, expected_version, "appraised_measure")
    criterion = score.criterion
    if score.assessment.status == AssessmentStatus.PUBLISHED:
        raise ValidationError(
            f"Tiêu chí {criterion.code}: kết quả đã công bố, không sửa được kết quả đo."
        )
    refusal = outside_part_refusal(
        user if getattr(user, "is_authenticated", False) else None, score
    )
    if refusal:
        raise ValidationError(refusal)
    if not criterion.is_measured:
        raise ValidationError(
            f"Tiêu chí {criterion.code}: không chấm theo kết quả (%); hãy nhập điểm thẩm định."
        )
    value = None
    if measure is not None:
        problems = engine.measure_problems(criterion.code, measure)
        if problems:
            raise ValidationError(problems)
        value = engine.measured_score(
            criterion.method,
            criterion.maximum,
            criterion.params or {},
            score.assessment.framework.rounding,
            measure,
        )
    score.appraised_measure, score.appraised_value = measure, value
    score.appraised_b = score.appraised_a = None
    if comment is not None:
        score.appraisal_comment = comment.strip()
    if not score.appraisal_comment or is_measure_reason(score.appraisal_comment):
        lost = value is not None and value < score.maximum
        score.appraisal_comment = measure_reason(criterion, measure) if lost else ""
    return _save_score(score, user, reason)
