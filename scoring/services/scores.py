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
from scoring.models import AssessmentStatus, Score
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
) -> Score:
    """Record the unit's self-assessed value (or counts) for one criterion.

    With `expected_version`, refuse (ConcurrentEdit) if someone saved it in the meantime.
    `reason` is kept in the score's history (e.g. "Nhập từ tệp phu_luc_2023.xlsx").
    """
    _lock(score, expected_version, "self_value")
    if not score.assessment.self_entry_open():
        raise ValidationError(_SELF_CLOSED)
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
    """Record the council's appraised value (or counts) and its comment for one criterion.

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
    score.appraised_b, score.appraised_a = b, a
    score.appraised_value = _resolve_value(score, value, b, a)
    if comment is not None:
        score.appraisal_comment = comment
    if responsible_note is not None:
        score.responsible_note = responsible_note
    return _save_score(score, user, reason)
