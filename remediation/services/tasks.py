"""Writes to remediation tasks: drafts from the lost criteria, edits, merges, assignment,
progress, verification, notes and evidence files.

Each takes keyword arguments, runs in one transaction and validates before it saves; every
change to a task is kept in its history with who made it and why.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from cchc.storage import save_with_file
from remediation.models import FINISHED_STATUSES, Task, TaskFile, TaskNote, TaskStatus
from scoring import engine
from scoring.models import (
    Assessment,
    AssessmentStatus,
    Department,
    Official,
    PeriodKind,
    Score,
)
from scoring.models.assessments import losing_points
from scoring.services.evidence import upload_kind

ZERO = Decimal("0")
# A mid-year round is often never published: its tasks may start once round 1 has come back.
MID_YEAR_READY = (
    AssessmentStatus.RETURNED,
    AssessmentStatus.ROUND_2,
    AssessmentStatus.APPRAISED,
    AssessmentStatus.PUBLISHED,
)


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


def takes_tasks(assessment: Assessment) -> bool:
    """Remediation starts from a published result, or from a mid-year round once appraised."""
    if assessment.status == AssessmentStatus.PUBLISHED:
        return True
    return assessment.period.kind == PeriodKind.MID_YEAR and assessment.status in MID_YEAR_READY


def _require_takes_tasks(assessment: Assessment) -> None:
    if not takes_tasks(assessment):
        raise ValidationError(
            f"{assessment} chưa có kết quả thẩm định để giao việc khắc phục "
            f"(trạng thái: {assessment.get_status_display()})."
        )


def lost_scores(assessment: Assessment):
    """The assessment's appraised criteria that lost points, in code order."""
    return (
        assessment.scores.filter(losing_points())
        .select_related("criterion", "responsible_department")
        .order_by("criterion__sort_key")
    )


def _lost(score: Score) -> Decimal:
    return score.line().lost or ZERO


def _persist(
    task: Task,
    *,
    user,
    reason: str,
    scores: Iterable[Score] | None = None,
    assignees: Iterable[Official] | None = None,
) -> Task:
    """Save the task and its links, leaving one history record with the final state."""
    task.full_clean()
    task.skip_history_when_saving = True
    try:
        task.save()
        if scores is not None:
            task.scores.set(scores)
        if assignees is not None:
            task.assignees.set(assignees)
    finally:
        del task.skip_history_when_saving
    task._history_user = _user_or_none(user)
    task._change_reason = reason
    task.save(update_fields=["updated_at"])
    return task


def _check_links(
    assessment: Assessment,
    scores: Sequence[Score],
    points: Decimal,
    assignees: Sequence[Official],
) -> None:
    errors = []
    foreign = [s for s in scores if s.assessment_id != assessment.pk]
    if foreign:
        errors.append("Tiêu chí được chọn không thuộc bản đánh giá này.")
    if any(a.unit_id != assessment.unit_id for a in assignees):
        errors.append("Người phối hợp phải là cán bộ, công chức của đơn vị.")
    ceiling = sum((_lost(s) for s in scores), ZERO)
    if points < 0:
        errors.append("Điểm có thể lấy lại không được âm.")
    elif points > ceiling:
        codes = ", ".join(s.criterion.code for s in scores) or "không có tiêu chí nào"
        errors.append(
            f"Điểm có thể lấy lại ({engine.vn_number(points)}) vượt số điểm bị trừ của các "
            f"tiêu chí ({codes}: {engine.vn_number(ceiling)})."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def task_drafts_create(*, assessment: Assessment, user=None) -> list[Task]:
    """One draft task for every criterion that lost points and has no task yet.

    Each draft carries the council's reason, the points lost and the criterion's responsible
    department and note; running it again creates only what is missing.
    """
    _require_takes_tasks(assessment)
    # Two clicks at once must not both create drafts: serialise on the assessment row.
    Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
    taken = set(
        Score.objects.filter(assessment=assessment, remediation_tasks__isnull=False).values_list(
            "id", flat=True
        )
    )
    created = []
    for score in lost_scores(assessment):
        if score.id in taken:
            continue
        criterion = score.criterion
        department = score.responsible_department
        task = Task(
            assessment=assessment,
            action=f"Khắc phục tiêu chí {criterion.code}: {criterion.title}",
            reason=score.appraisal_comment,
            points=_lost(score),
            department=department if department and department.is_active else None,
            responsible_note=score.responsible_note,
            created_by=_user_or_none(user),
        )
        created.append(
            _persist(task, user=user, reason="Tạo từ tiêu chí bị trừ điểm", scores=[score])
        )
    return created


@transaction.atomic
def task_create(
    *,
    assessment: Assessment,
    action: str,
    reason: str = "",
    scores: Sequence[Score] = (),
    points: Decimal | None = None,
    lead: Official | None = None,
    assignees: Sequence[Official] = (),
    department: Department | None = None,
    deadline: datetime.date | None = None,
    responsible_note: str = "",
    past_deadline_confirmed: bool = False,
    user=None,
) -> Task:
    """A task the office adds by hand; its points default to what its criteria lost. A
    deadline already past needs `past_deadline_confirmed`."""
    _require_takes_tasks(assessment)
    _check_deadline(deadline, past_deadline_confirmed)
    scores, assignees = list(scores), list(assignees)
    if points is None:
        points = sum((_lost(s) for s in scores), ZERO)
    _check_links(assessment, scores, points, assignees)
    task = Task(
        assessment=assessment,
        action=action.strip(),
        reason=reason.strip(),
        points=points,
        lead=lead,
        department=department,
        deadline=deadline,
        responsible_note=responsible_note.strip(),
        created_by=_user_or_none(user),
    )
    return _persist(task, user=user, reason="Thêm việc", scores=scores, assignees=assignees)


class PastDeadline(ValidationError):
    """A deadline before today, given without saying it is meant (the form's checkbox)."""

    def __init__(self, deadline: datetime.date, today: datetime.date):
        self.deadline = deadline
        super().__init__(
            f"Hạn hoàn thành {deadline:%d/%m/%Y} đã qua {(today - deadline).days} ngày. Nếu "
            "đúng là hạn đó, hãy đánh dấu “Đúng là hạn đã qua” rồi lưu lại; nếu không, hãy sửa "
            "hạn hoàn thành.",
            code="past_deadline",
        )


def _check_deadline(deadline: datetime.date | None, confirmed: bool) -> None:
    """Refuse a deadline already past unless the office confirmed it: a typo in the year
    ("Quá hạn 974 ngày") is far likelier than work meant to be late from the start."""
    today = timezone.localdate()
    if deadline is not None and deadline < today and not confirmed:
        raise PastDeadline(deadline, today)


def _require_editable(task: Task) -> None:
    if task.status == TaskStatus.VERIFIED:
        raise ValidationError("Việc đã được kiểm tra, không sửa được nữa.")


def _require_owner_and_deadline(task: Task) -> None:
    missing = []
    if task.lead_id is None and task.department_id is None:
        missing.append("người chủ trì hoặc bộ phận phụ trách")
    if task.deadline is None:
        missing.append("hạn hoàn thành")
    if missing:
        raise ValidationError(f"Việc “{task.short_title}” chưa có {' và '.join(missing)}.")


@transaction.atomic
def task_update(
    *,
    task: Task,
    action: str,
    reason: str,
    scores: Sequence[Score],
    points: Decimal | None,
    lead: Official | None,
    assignees: Sequence[Official],
    department: Department | None,
    deadline: datetime.date | None,
    responsible_note: str = "",
    past_deadline_confirmed: bool = False,
    user=None,
) -> Task:
    """Edit a task; an assigned one must keep an owner and a deadline. A new deadline already
    past needs `past_deadline_confirmed` (a task that has become overdue keeps its own)."""
    _require_editable(task)
    if deadline != task.deadline:
        _check_deadline(deadline, past_deadline_confirmed)
    scores, assignees = list(scores), list(assignees)
    if points is None:
        points = sum((_lost(s) for s in scores), ZERO)
    _check_links(task.assessment, scores, points, assignees)
    task.action = action.strip()
    task.reason = reason.strip()
    task.points = points
    task.lead = lead
    task.department = department
    task.deadline = deadline
    task.responsible_note = responsible_note.strip()
    if not task.is_draft:
        _require_owner_and_deadline(task)
    return _persist(task, user=user, reason="Sửa việc", scores=scores, assignees=assignees)


def _joined(texts: Iterable[str], separator: str = "\n") -> str:
    seen: list[str] = []
    for text in texts:
        text = text.strip()
        if text and text not in seen:
            seen.append(text)
    return separator.join(seen)


@transaction.atomic
def task_merge(*, tasks: Sequence[Task], user=None) -> Task:
    """Merge several tasks of one assessment into the first: criteria, texts, points, people,
    notes and files together; the earliest deadline; the others are deleted."""
    tasks = sorted(tasks, key=lambda t: t.pk)
    if len(tasks) < 2:
        raise ValidationError("Cần chọn ít nhất hai việc để gộp.")
    if len({t.assessment_id for t in tasks}) > 1:
        raise ValidationError("Chỉ gộp được các việc của cùng một bản đánh giá.")
    finished = [t for t in tasks if t.status in FINISHED_STATUSES]
    if finished:
        raise ValidationError(f"Việc “{finished[0].short_title}” đã hoàn thành, không gộp được.")
    target, others = tasks[0], tasks[1:]
    scores = {s.pk: s for t in tasks for s in t.scores.all()}
    assignees = {a.pk: a for t in tasks for a in t.assignees.all()}
    target.action = _joined(t.action for t in tasks)
    target.reason = _joined(t.reason for t in tasks)
    target.responsible_note = _joined((t.responsible_note for t in tasks), "; ")[:300]
    target.points = sum((t.points for t in tasks), ZERO)
    target.lead = next((t.lead for t in tasks if t.lead_id), None)
    target.department = next((t.department for t in tasks if t.department_id), None)
    deadlines = [t.deadline for t in tasks if t.deadline]
    target.deadline = min(deadlines) if deadlines else None
    assigned = [t.assigned_at for t in tasks if t.assigned_at]
    target.assigned_at = min(assigned) if assigned else None
    in_progress = any(t.status == TaskStatus.IN_PROGRESS for t in tasks)
    target.status = TaskStatus.IN_PROGRESS if in_progress else TaskStatus.NOT_STARTED
    if target.lead_id:
        assignees.pop(target.lead_id, None)
    other_ids = [t.pk for t in others]
    TaskNote.objects.filter(task_id__in=other_ids).update(task=target)
    TaskFile.objects.filter(task_id__in=other_ids).update(task=target)
    for other in others:
        other._history_user = _user_or_none(user)
        other._change_reason = f"Gộp vào việc #{target.pk}"
        other.delete()
    merged = ", ".join(f"#{pk}" for pk in other_ids)
    return _persist(
        target,
        user=user,
        reason=f"Gộp với {merged}",
        scores=list(scores.values()),
        assignees=list(assignees.values()),
    )


@transaction.atomic
def task_assign(
    *,
    task: Task,
    deadline: datetime.date | None = None,
    past_deadline_confirmed: bool = False,
    user=None,
) -> Task:
    """Give a draft to its people: from now on it is in their lists and reminders."""
    if not task.is_draft:
        raise ValidationError(f"Việc “{task.short_title}” đã được giao.")
    if deadline is not None and task.deadline is None:
        _check_deadline(deadline, past_deadline_confirmed)
        task.deadline = deadline
    _require_owner_and_deadline(task)
    task.assigned_at = timezone.now()
    return _persist(task, user=user, reason="Giao việc")


@dataclass
class AssignReport:
    """What "Giao việc nháp" did: the drafts assigned, and those left as drafts with why."""

    assigned: list[Task] = field(default_factory=list)
    left: list[tuple[Task, str]] = field(default_factory=list)


@transaction.atomic
def tasks_assign(
    *,
    assessment: Assessment,
    deadline: datetime.date | None = None,
    past_deadline_confirmed: bool = False,
    user=None,
) -> AssignReport:
    """Assign every draft of the assessment that can be, `deadline` for those without one.

    A draft without an owner (lead or department) or a deadline stays a draft and is listed
    with what it lacks; the others are assigned. Refused, changing nothing, when no draft can
    be assigned or when `deadline` is already past and not confirmed.
    """
    drafts = list(
        Task.objects.drafts()
        .filter(assessment=assessment)
        .select_related("assessment", "lead", "department")
        .order_by("pk")
    )
    if not drafts:
        raise ValidationError("Không có việc nháp nào để giao.")
    _check_deadline(deadline, past_deadline_confirmed)
    report = AssignReport()
    for task in drafts:
        if deadline is not None and task.deadline is None:
            task.deadline = deadline
        try:
            _require_owner_and_deadline(task)
        except ValidationError as exc:
            report.left.append((task, exc.messages[0]))
        else:
            report.assigned.append(task)
    if not report.assigned:
        raise ValidationError(
            ["Chưa giao được việc nào: hãy bổ sung các việc sau.", *(m for _, m in report.left)]
        )
    for task in report.assigned:
        task.assigned_at = timezone.now()
        _persist(task, user=user, reason="Giao việc")
    return report


ALLOWED_STEPS = {
    TaskStatus.NOT_STARTED: {TaskStatus.IN_PROGRESS, TaskStatus.DONE},
    TaskStatus.IN_PROGRESS: {TaskStatus.NOT_STARTED, TaskStatus.DONE},
    TaskStatus.DONE: {TaskStatus.IN_PROGRESS, TaskStatus.VERIFIED},
    TaskStatus.VERIFIED: {TaskStatus.DONE, TaskStatus.IN_PROGRESS},
}


@transaction.atomic
def task_set_status(*, task: Task, status: str, note: str = "", user=None) -> Task:
    """Move a task along: chưa bắt đầu → đang thực hiện → hoàn thành → đã kiểm tra.

    Only a finished task can be verified; who verified it and when is recorded, and cleared
    if it is sent back. Who may verify is the view's concern (`access.may_manage`).
    """
    status = TaskStatus(status)
    if task.is_draft:
        raise ValidationError("Việc chưa được giao, chưa cập nhật tiến độ được.")
    current = TaskStatus(task.status)
    if status == current:
        raise ValidationError(f"Việc đã ở trạng thái “{status.label}”.")
    if status not in ALLOWED_STEPS[current]:
        raise ValidationError(f"Không chuyển được từ “{current.label}” sang “{status.label}”.")
    now = timezone.now()
    task.status = status
    if status == TaskStatus.VERIFIED:
        task.verified_by, task.verified_at = _user_or_none(user), now
    else:
        task.verified_by, task.verified_at = None, None
    if status in FINISHED_STATUSES:
        task.finished_at = task.finished_at or now
    else:
        task.finished_at = None
    _persist(task, user=user, reason=note.strip() or f"Chuyển sang “{status.label}”")
    if note.strip():
        TaskNote.objects.create(
            task=task, date=timezone.localdate(), text=note.strip(), author=_user_or_none(user)
        )
    return task


@transaction.atomic
def task_delete(*, task: Task, user=None) -> None:
    """Delete a draft (an assigned task stays, its history with it)."""
    if not task.is_draft:
        raise ValidationError("Chỉ xóa được việc còn ở dạng nháp.")
    stored = [f.file for f in task.files.all()]
    task._history_user = _user_or_none(user)
    task._change_reason = "Xóa việc nháp"
    task.delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in stored])


@transaction.atomic
def task_note_add(
    *, task: Task, text: str, date: datetime.date | None = None, user=None
) -> TaskNote:
    """A dated progress note; none once the task is verified (its record is closed)."""
    if task.status == TaskStatus.VERIFIED:
        raise ValidationError(
            "Việc đã được kiểm tra, không ghi thêm tiến độ được. Nếu cần làm tiếp, hãy chuyển "
            "việc về “Đang thực hiện” trước."
        )
    text = text.strip()
    if not text:
        raise ValidationError("Cần ghi nội dung tiến độ.")
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise ValidationError("Ngày ghi nhận tiến độ không được sau hôm nay.")
    note = TaskNote(task=task, text=text, date=date, author=_user_or_none(user))
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def task_file_add(*, task: Task, upload: UploadedFile, user=None) -> TaskFile:
    """Attach evidence of the work; same kinds and size limit as the assessment's evidence."""
    _require_editable(task)
    kind = upload_kind(upload)
    stored = TaskFile(
        task=task,
        original_name=upload.name[-255:],
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=_user_or_none(user),
    )
    save_with_file(stored, "file", upload.name, upload)
    return stored


@transaction.atomic
def task_file_delete(*, task_file: TaskFile, user=None) -> None:
    _require_editable(task_file.task)
    stored = task_file.file
    task_file.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
