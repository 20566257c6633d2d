"""Save a whole page of criterion inputs: every changed criterion, or none of them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from scoring.grid import Entry, Mode
from scoring.models import Assessment
from scoring.services.cycle import score_set_response
from scoring.services.scores import score_set_appraised, score_set_self


class GridRefused(ValidationError):
    """Some criteria of the page could not be saved; nothing of the page was saved."""

    def __init__(self, errors: dict[int, list[str]]):
        self.errors = errors
        count = len(errors)
        super().__init__(
            f"Chưa lưu gì: {count} tiêu chí cần sửa lại (đánh dấu bên dưới). "
            "Các giá trị bạn đã nhập vẫn còn trên trang."
        )


def _current(entry: Entry, mode: Mode) -> tuple:
    score = entry.score
    if mode == Mode.SELF:
        return (score.self_value, score.self_b, score.self_a, score.self_note)
    if mode == Mode.APPRAISE:
        return (
            score.appraised_value,
            score.appraised_b,
            score.appraised_a,
            score.appraisal_comment,
        )
    return (score.response,)


def _submitted(entry: Entry, mode: Mode, rounding: str) -> tuple:
    if mode == Mode.RESPOND:
        return (entry.text,)
    return (entry.effective_value(rounding), entry.b, entry.a, entry.text)


def _save(entry: Entry, mode: Mode, user) -> None:
    score, common = entry.score, {"user": user, "expected_version": entry.version}
    if mode == Mode.SELF:
        score_set_self(
            score=score, value=entry.value, b=entry.b, a=entry.a, note=entry.text, **common
        )
    elif mode == Mode.APPRAISE:
        score_set_appraised(
            score=score, value=entry.value, b=entry.b, a=entry.a, comment=entry.text, **common
        )
    else:
        score_set_response(score=score, text=entry.text, **common)


def _lost_without_reason(entry: Entry, rounding: str) -> str | None:
    value = entry.effective_value(rounding)
    if value is not None and value < entry.score.maximum and not entry.text:
        return (
            f"Tiêu chí {entry.score.criterion.code}: điểm thẩm định thấp hơn điểm tối đa, "
            "cần ghi lý do trừ điểm."
        )
    return None


@transaction.atomic
def score_grid_save(*, assessment: Assessment, entries: dict[int, Entry], mode: Mode, user) -> int:
    """Save the criteria whose inputs changed; refuse the whole page if any of them fails.

    Returns how many criteria were saved. A criterion someone else saved since the page was
    loaded is refused (ConcurrentEdit) with that person's value, and so is the whole page.
    """
    rounding = assessment.framework.rounding
    errors = {pk: list(entry.errors) for pk, entry in entries.items() if entry.errors}
    if mode == Mode.APPRAISE:
        for pk, entry in entries.items():
            problem = _lost_without_reason(entry, rounding)
            if problem and pk not in errors:
                errors[pk] = [problem]
    if errors:
        raise GridRefused(errors)
    saved = 0
    for pk, entry in entries.items():
        if _submitted(entry, mode, rounding) == _current(entry, mode):
            continue
        try:
            with transaction.atomic():
                _save(entry, mode, user)
        except ValidationError as exc:
            errors[pk] = exc.messages
        else:
            saved += 1
    if errors:
        raise GridRefused(errors)
    return saved
