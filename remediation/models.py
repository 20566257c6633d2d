"""Remediation after publication: tasks that win back lost points, their progress notes and
evidence, officials' commitments, and a log of reminder mails.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from cchc.text import shorten
from scoring.models import Assessment, Department, Official, Score, Unit
from scoring.models.frameworks import SCORE_DIGITS


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa bắt đầu"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    VERIFIED = "verified", "Đã kiểm tra"


OPEN_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
FINISHED_STATUSES = (TaskStatus.DONE, TaskStatus.VERIFIED)


class TaskQuerySet(models.QuerySet):
    def assigned(self):
        return self.filter(assigned_at__isnull=False)

    def drafts(self):
        return self.filter(assigned_at__isnull=True)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date):
        return self.assigned().open().filter(deadline__lt=today)

    def due_by(self, day: datetime.date):
        """Assigned, still open, and due on or before `day` (overdue ones included)."""
        return self.assigned().open().filter(deadline__lte=day)

    def for_user(self, user):
        """Tasks the user leads, helps with, or that are given to their department."""
        officials = Official.objects.current().filter(user=user)
        departments = officials.exclude(department=None).values("department_id")
        # Subqueries rather than a join on the assignees: no duplicates, so no DISTINCT.
        assisted = Task.assignees.through.objects.filter(official__in=officials)
        return self.filter(
            models.Q(lead__in=officials)
            | models.Q(pk__in=assisted.values("task_id"))
            | models.Q(department_id__in=departments)
        )


class Task(models.Model):
    """Work that should win back points a criterion lost (or other work the office adds).

    A task starts as a draft (`assigned_at` empty) that the office edits, merges and completes;
    assigning it makes it appear in the assignees' lists and reminders.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name="bản đánh giá", on_delete=models.PROTECT, related_name="tasks"
    )
    scores = models.ManyToManyField(
        Score, verbose_name="tiêu chí khắc phục", blank=True, related_name="remediation_tasks"
    )
    action = models.TextField("việc cần làm")
    reason = models.TextField(
        "lý do bị trừ điểm", blank=True, help_text="Ý kiến hội đồng thẩm định, chép khi tạo việc."
    )
    points = models.DecimalField("điểm có thể lấy lại", **SCORE_DIGITS, default=0)
    lead = models.ForeignKey(
        Official,
        verbose_name="người chủ trì",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_tasks",
    )
    assignees = models.ManyToManyField(
        Official, verbose_name="người phối hợp", blank=True, related_name="assisted_tasks"
    )
    department = models.ForeignKey(
        Department,
        verbose_name="bộ phận phụ trách",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remediation_tasks",
    )
    responsible_note = models.CharField("trách nhiệm (ghi như văn bản)", max_length=300, blank=True)
    deadline = models.DateField("hạn hoàn thành", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    assigned_at = models.DateTimeField("ngày giao việc", null=True, blank=True)
    finished_at = models.DateTimeField("ngày hoàn thành", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người kiểm tra",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField("ngày kiểm tra", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[scores, assignees])

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "việc khắc phục"
        verbose_name_plural = "việc khắc phục"
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gte=0), name="task_points_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="verified") | models.Q(verified_at__isnull=False),
                name="task_verified_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="task_status_deadline")]

    def __str__(self) -> str:
        return self.short_title

    @property
    def short_title(self) -> str:
        first_line = self.action.strip().splitlines()[0] if self.action.strip() else ""
        return shorten(first_line, 120) or f"Việc #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.assigned_at is None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_overdue(self, today: datetime.date) -> int:
        """Days past the deadline for an assigned, unfinished task; 0 otherwise."""
        if self.is_draft or not self.is_open or self.deadline is None:
            return 0
        return max(0, (today - self.deadline).days)

    def days_left(self, today: datetime.date) -> int | None:
        if self.deadline is None:
            return None
        return (self.deadline - today).days

    def clean(self) -> None:
        unit_id = self.assessment.unit_id if self.assessment_id else None
        errors = {}
        if self.lead_id and self.lead.unit_id != unit_id:
            errors["lead"] = "Người chủ trì không thuộc đơn vị được đánh giá."
        if self.department_id and self.department.unit_id != unit_id:
            errors["department"] = "Bộ phận phụ trách không thuộc đơn vị được đánh giá."
        if not self.action.strip():
            errors["action"] = "Cần ghi việc cần làm."
        if errors:
            raise ValidationError(errors)


class TaskNote(models.Model):
    """A dated progress note (báo cáo tiến độ) on a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField("ngày")
    text = models.TextField("nội dung")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ghi nhận tiến độ"
        verbose_name_plural = "ghi nhận tiến độ"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {shorten(self.text, 60)}"


def _task_file_path(instance: TaskFile, filename: str) -> str:
    # The stored name is not the user's: it cannot collide or carry path tricks.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"remediation/{instance.task_id}/{uuid.uuid4().hex}.{suffix}"


class TaskFile(models.Model):
    """Evidence that a task was done. Kept under MEDIA_ROOT, which no URL serves: files go out
    only through a view that checks the user may see the task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("tệp", upload_to=_task_file_path, max_length=300)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField("loại tệp", max_length=100)
    size = models.PositiveIntegerField("dung lượng (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu kết quả khắc phục"
        verbose_name_plural = "tài liệu kết quả khắc phục"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CommitmentKind(models.TextChoices):
    COMMITMENT = "commitment", "Cam kết cải thiện chỉ số"
    BREAKTHROUGH = "breakthrough", "Công việc đột phá"


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    NOT_DONE = "not_done", "Không hoàn thành"


class Commitment(models.Model):
    """What an official registers for their area after the index is published (seed 001):
    a commitment to improve an indicator, or breakthrough work. Commitments are tracked to
    done / not done; their count feeds criteria scored like 1.6 (4 of 5 → 0,80)."""

    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="commitments"
    )
    year = models.PositiveSmallIntegerField("năm")
    official = models.ForeignKey(
        Official,
        verbose_name="người đăng ký",
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    kind = models.CharField(
        "loại", max_length=12, choices=CommitmentKind.choices, default=CommitmentKind.COMMITMENT
    )
    content = models.TextField("nội dung")
    status = models.CharField(
        "kết quả",
        max_length=10,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PENDING,
    )
    result_note = models.TextField("ghi chú kết quả", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ghi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cam kết, việc đột phá"
        verbose_name_plural = "cam kết, việc đột phá"
        ordering = ["unit", "-year", "kind", "pk"]
        indexes = [models.Index(fields=["unit", "year"], name="commitment_unit_year")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {shorten(self.content, 60)}"

    def clean(self) -> None:
        if self.official_id and self.unit_id and self.official.unit_id != self.unit_id:
            raise ValidationError({"official": "Người đăng ký không thuộc đơn vị này."})
        if not self.content.strip():
            raise ValidationError({"content": "Cần ghi nội dung đăng ký."})


class ReminderSent(models.Model):
    """One reminder mail per person per day: running the command twice sends nothing new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField("ngày gửi")
    task_count = models.PositiveIntegerField("số việc")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "thư nhắc việc"
        verbose_name_plural = "thư nhắc việc"
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.sent_on:%d/%m/%Y}"
