"""Save a whole page of criterion inputs: every changed criterion, or none of them.

Two people may have the page open at once. Each row carries the version it was loaded at:
- a row someone else saved since, that this user left as it was, is not a change of theirs:
  it is skipped, and the other person's value stays;
- a row both changed is refused with the other person's value. The refused page keeps what
  this user typed and now carries the current version, so saving again (after reading the
  other value) is a deliberate overwrite instead of the same refusal for ever.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from scoring.grid import Entry, Mode
from scoring.models import Assessment, Score
from scoring.parts import appraisal_scope, not_yours
from scoring.services.cycle import score_set_response
from scoring.services.locks import assessment_lock
from scoring.services.scores import (
    ConcurrentEdit,
    score_set_appraised,
    score_set_measure,
    score_set_self,
)


class GridRefused(ValidationError):
    """Some criteria of the page could not be saved; nothing of the page was saved."""

    def __init__(
        self,
        errors: dict[int, list[str]],
        conflicts: dict[int, int] | None = None,
        refreshed: set[int] | None = None,
    ):
        self.errors = errors
        # score pk -> its current version, for the rows someone else changed meanwhile
        self.conflicts = conflicts or {}
        # rows of a stale page the user left as loaded: shown again with the current values
        self.refreshed = refreshed or set()
        count = len(errors)
        super().__init__(
            f"Chưa lưu gì: {count} tiêu chí cần sửa lại (đánh dấu bên dưới). "
            "Các giá trị bạn đã nhập vẫn còn trên trang."
        )


def _current(entry: Entry, mode: Mode) -> tuple:
    return _values(entry.score, mode)


def _values(score, mode: Mode) -> tuple:
    """The row's stored values the page edits, from a score or one of its history records."""
    if mode == Mode.SELF:
        return (
            score.self_value,
            score.self_b,
            score.self_a,
            score.self_note,
            score.self_not_assessed,
        )
    if mode == Mode.APPRAISE:
        return (
            score.appraised_value,
            score.appraised_b,
            score.appraised_a,
            score.appraisal_comment,
            score.appraised_not_assessed,
            score.appraised_measure,
        )
    return (score.response,)


def _submitted(entry: Entry, mode: Mode, rounding: str) -> tuple:
    if mode == Mode.RESPOND:
        return (entry.text,)
    typed = (entry.effective_value(rounding), entry.b, entry.a, entry.text, entry.nothing)
    return (*typed, entry.measure) if mode == Mode.APPRAISE else typed


def _as_loaded(entry: Entry, mode: Mode, rounding: str) -> bool:
    """Whether a row of a stale page was posted as the page showed it (the user left it)."""
    if entry.version is None:
        return False
    if entry.version == 0:  # as created: nothing entered yet
        loaded = {
            Mode.RESPOND: ("",),
            Mode.APPRAISE: (None, None, None, "", False, None),
        }.get(mode, (None, None, None, "", False))
    else:
        record = (
            Score.history.filter(id=entry.score.pk, version=entry.version)
            .order_by("-history_id")
            .first()
        )
        if record is None:
            return False
        loaded = _values(record, mode)
    return _submitted(entry, mode, rounding) == loaded


def _save(entry: Entry, mode: Mode, user) -> None:
    score, common = entry.score, {"user": user, "expected_version": entry.version}
    if mode == Mode.SELF:
        score_set_self(
            score=score,
            value=entry.value,
            b=entry.b,
            a=entry.a,
            note=entry.text,
            nothing_arose=entry.nothing,
            **common,
        )
    elif mode == Mode.APPRAISE and score.criterion.is_measured:
        score_set_measure(score=score, measure=entry.measure, comment=entry.text, **common)
    elif mode == Mode.APPRAISE:
        score_set_appraised(
            score=score,
            value=entry.value,
            b=entry.b,
            a=entry.a,
            comment=entry.text,
            nothing_arose=entry.nothing,
            **common,
        )
    else:
        score_set_response(score=score, text=entry.text, **common)


def _agrees(entry: Entry, rounding: str) -> bool:
    """The appraiser typed the unit's own value, below the maximum, and no reason: the
    unit's note is the reason (`Score.agreed_reason`)."""
    value = entry.effective_value(rounding)
    score = entry.score
    return not entry.text and value == score.self_value and score.loses_points(value)


def _lost_without_reason(entry: Entry, rounding: str) -> str | None:
    value = entry.effective_value(rounding)
    if _agrees(entry, rounding) or entry.score.criterion.is_measured:
        return None  # a measured criterion's reason is its result (`measure_reason`)
    if entry.score.loses_points(value) and not entry.text:
        return (
            f"Tiêu chí {entry.score.criterion.code}: điểm thẩm định thấp hơn điểm tối đa, "
            "cần ghi lý do trừ điểm."
        )
    return None


def _outside_part(assessment: Assessment, entries: dict[int, Entry], user, rounding) -> dict:
    """Rows changed outside the user's parts of the round, each with who is in charge of it
    (score_set_appraised refuses them too; here the page learns the reason for all at once)."""
    scope = appraisal_scope(user if getattr(user, "is_authenticated", False) else None, assessment)
    if not scope.restricted:
        return {}
    return {
        pk: [not_yours(entry.score.criterion.code, scope.owner.get(entry.score.criterion_id))]
        for pk, entry in entries.items()
        if not scope.allows(entry.score.criterion_id)
        and _submitted(entry, Mode.APPRAISE, rounding) != _current(entry, Mode.APPRAISE)
    }


@transaction.atomic
def score_grid_save(*, assessment: Assessment, entries: dict[int, Entry], mode: Mode, user) -> int:
    """Save the criteria whose inputs changed; refuse the whole page if any of them fails.

    Returns how many criteria were saved. A criterion both this user and someone else changed
    since the page was loaded is refused (ConcurrentEdit) with that person's value, and so is
    the whole page; one only the other person changed keeps their value.
    """
    assessment_lock(assessment)
    rounding = assessment.framework.rounding
    errors = {pk: list(entry.errors) for pk, entry in entries.items() if entry.errors}
    if mode == Mode.APPRAISE:
        errors.update(_outside_part(assessment, entries, user, rounding))
        for pk, entry in entries.items():
            problem = _lost_without_reason(entry, rounding)
            if problem and pk not in errors:
                errors[pk] = [problem]
    if errors:
        raise GridRefused(errors)
    saved, conflicts, refreshed = 0, {}, set()
    for pk, entry in entries.items():
        if _submitted(entry, mode, rounding) == _current(entry, mode):
            continue
        stale = entry.version is not None and entry.version != entry.score.version
        if stale and _as_loaded(entry, mode, rounding):
            refreshed.add(pk)  # someone else's change to a row this user did not touch
            continue
        if mode == Mode.APPRAISE and _agrees(entry, rounding):
            entry.text = entry.score.agreed_reason()
        try:
            with transaction.atomic():
                _save(entry, mode, user)
        except ConcurrentEdit as exc:
            errors[pk] = exc.messages
            conflicts[pk] = exc.current.version
        except ValidationError as exc:
            errors[pk] = exc.messages
        else:
            saved += 1
    if errors:
        raise GridRefused(errors, conflicts, refreshed)
    return saved
