"""Publishing a round's results one ranking group at a time, with the council's decision.

Since the 2025 reform a council publishes each group of a round as a whole (the wards, the
communes and special zones, the departments…): every unit's total, percentage,
classification, rank "thứ x/y" within the group and change are frozen together, by one
set-based UPDATE, and the publication is recorded (`GroupPublication`). A later correction is
an explicit re-publication with its reason (revision 2, 3, …), which re-freezes and re-ranks
the whole group; the assessments' history says which publication set each value.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scoring import engine
from scoring.models import (
    AssessmentStatus,
    GroupPublication,
    RankingGroup,
    Round,
    Score,
)
from scoring.publication_selectors import GroupPreview, group_assessments, group_preview
from scoring.services.locks import ranking_lock
from scoring.services.results import history_write, results_write
from scoring.services.scores import _lock, _save_score
from scoring.signals import group_published

MAX_LISTED = 15


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


def _listing(title: str, names: list[str]) -> ValidationError:
    shown = names[:MAX_LISTED]
    if len(names) > MAX_LISTED:
        shown.append(f"… và {len(names) - MAX_LISTED} đơn vị khác.")
    return ValidationError([title, *shown])


def _lock_group(round_: Round, group: RankingGroup) -> dict[int, str]:
    """The ranking lock of the round's framework and period, then every assessment row of the
    group, in id order (the order every writer takes them in): their statuses by id."""
    ranking_lock(framework=round_.framework, period=round_.period)
    return dict(
        group_assessments(round_, group)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", "status")
    )


def _check_decision(decision: str, decided_on: datetime.date | None) -> str:
    decision = (decision or "").strip()
    errors = []
    if not decision:
        errors.append("Hãy ghi số, ngày và cơ quan ban hành quyết định công bố.")
    if decided_on is None:
        errors.append("Hãy chọn ngày quyết định.")
    elif decided_on > timezone.localdate():
        errors.append("Ngày quyết định không được sau hôm nay.")
    if errors:
        raise ValidationError(errors)
    return decision


def _refuse_unready(preview: GroupPreview, action: str) -> None:
    if not preview.rows:
        raise ValidationError(f"Nhóm “{preview.group}” chưa có đơn vị nào trong đợt này.")
    if preview.blocking:
        raise _listing(
            f"Chưa thể {action} nhóm “{preview.group}”: {len(preview.blocking)} đơn vị chưa "
            "được thẩm định xong (cần ở trạng thái “Đã thẩm định”).",
            [f"{a.unit.name}: {a.get_status_display()}" for a in preview.blocking],
        )


def _freeze(
    preview: GroupPreview, *, decision: str, when: datetime.datetime, user, reason: str
) -> list[int]:
    """Set every assessment of the preview PUBLISHED with its frozen results in one UPDATE,
    then write one history row per assessment in one INSERT … SELECT. Returns their ids."""
    now = timezone.now()
    results_write(
        preview.rows,
        status=AssessmentStatus.PUBLISHED.value,
        published_decision=decision[:300],
        published_at=when,
        updated_at=now,
    )
    ids = [r.assessment.pk for r in preview.rows]
    history_write(ids, user=_user_or_none(user), reason=reason, when=now)
    return ids


def _record(round_, group, *, revision, decision, decided_on, reason, user, count):
    publication = GroupPublication(
        round=round_,
        group=group,
        revision=revision,
        decision=decision,
        decided_on=decided_on,
        reason=reason,
        published_by=_user_or_none(user),
        unit_count=count,
    )
    publication.full_clean()
    publication.save()
    return publication


@transaction.atomic
def group_publish(
    *,
    round_: Round,
    group: RankingGroup,
    decision: str,
    decided_on: datetime.date,
    user=None,
) -> GroupPublication:
    """Publish a round's ranking group as a whole: refused, listing the units, unless every
    assessment of the group is appraised and finalized; then every unit's results are frozen
    with its rank within the group, and the publication is recorded (revision 1)."""
    decision = _check_decision(decision, decided_on)
    locked = _lock_group(round_, group)
    if AssessmentStatus.PUBLISHED in locked.values():
        raise ValidationError(
            f"Nhóm “{group}” đã được công bố trong đợt này; để sửa kết quả, hãy công bố lại "
            "và ghi lý do."
        )
    preview = group_preview(round_=round_, group=group)
    _refuse_unready(preview, "công bố")
    when = timezone.now()
    _freeze(preview, decision=decision, when=when, user=user, reason=f"Công bố: {decision}")
    group_published.send(GroupPublication, round=round_, group=group, again=False, user=user)
    return _record(
        round_,
        group,
        revision=1,
        decision=decision,
        decided_on=decided_on,
        reason="",
        user=user,
        count=len(preview.rows),
    )


@transaction.atomic
def group_republish(
    *,
    round_: Round,
    group: RankingGroup,
    decision: str,
    decided_on: datetime.date,
    reason: str,
    user=None,
    corrections: Iterable[tuple[Score, Decimal, str]] = (),
) -> GroupPublication:
    """A late correction of a published group, on the record: with its reason, it applies the
    corrected appraised values (`corrections`: score, value, the council's comment), takes in
    units appraised since, re-freezes and re-ranks the whole group (revision n + 1)."""
    decision = _check_decision(decision, decided_on)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Công bố lại cần ghi lý do (ví dụ: đính chính điểm tiêu chí 3.2).")
    locked = _lock_group(round_, group)
    last = GroupPublication.objects.filter(round=round_, group=group).order_by("-revision").first()
    if last is None:
        raise ValidationError(f"Nhóm “{group}” chưa được công bố lần nào; hãy công bố trước.")
    revision = last.revision + 1
    label = f"Công bố lại lần {revision - 1}: {reason}"
    ids = set(locked)
    for score, value, comment in corrections:
        if score.assessment_id not in ids:
            raise ValidationError(f"Tiêu chí {score.criterion.code}: không thuộc nhóm “{group}”.")
        _correct(score, value, comment, user, label)
    preview = group_preview(round_=round_, group=group)
    _refuse_unready(preview, "công bố lại")
    _freeze(preview, decision=decision, when=timezone.now(), user=user, reason=label)
    group_published.send(GroupPublication, round=round_, group=group, again=True, user=user)
    return _record(
        round_,
        group,
        revision=revision,
        decision=decision,
        decided_on=decided_on,
        reason=reason,
        user=user,
        count=len(preview.rows),
    )


def _correct(score: Score, value: Decimal, comment: str, user, label: str) -> None:
    """One corrected appraised value of a published assessment: only a re-publication may."""
    _lock(score, None, "appraised_value")
    problems = engine.value_problems(
        score.criterion.code,
        score.criterion.method,
        score.criterion.maximum,
        score.criterion.params,
        value,
    )
    if problems:
        raise ValidationError(problems)
    if score.loses_points(value) and not (comment or "").strip():
        raise ValidationError(f"Tiêu chí {score.criterion.code}: bị trừ điểm nhưng chưa ghi lý do.")
    score.appraised_value = value
    score.appraisal_comment = (comment or "").strip()
    _save_score(score, user, label[:100])
