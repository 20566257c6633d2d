"""Import records: every uploaded workbook, who sent it, what its preview found, what came of it."""

import uuid

from django.conf import settings
from django.db import models

from cchc.jobs import BackgroundJob
from exchange.preview import Preview
from scoring.models import Assessment, Framework


class ImportKind(models.TextChoices):
    FRAMEWORK = "framework", "Bộ chỉ số"
    SELF_ASSESSMENT = "self", "Bảng tự đánh giá"
    APPRAISAL = "appraisal", "Bảng kết quả thẩm định (phụ lục)"
    UNITS = "units", "Danh sách đơn vị"
    OFFICIALS = "officials", "Danh sách cán bộ, công chức"
    # A round's survey and outside results of every unit (round id in the record's options).
    SURVEY = "survey", "Bảng kết quả điều tra, nguồn bên ngoài của đợt"


class ImportStatus(models.TextChoices):
    CHECKING = "checking", "Đang kiểm tra tệp"
    PREVIEWED = "previewed", "Chờ xác nhận"
    APPLYING = "applying", "Đang nhập"
    REJECTED = "rejected", "Có lỗi, không nhập được"
    APPLIED = "applied", "Đã nhập"
    FAILED = "failed", "Nhập không thành công, không có gì thay đổi"
    CANCELLED = "cancelled", "Đã hủy"


def _import_path(instance: "ImportRecord", filename: str) -> str:
    # The stored name is not the user's: it cannot collide or carry path tricks.
    return f"imports/{instance.kind}/{uuid.uuid4().hex}.xlsx"


class ImportRecord(models.Model):
    """One uploaded workbook and its preview. Confirming hands the stored preview to a worker
    (`ImportApplication`), which applies it whole, in one transaction, or nothing; the file
    stays here either way, for the audit trail.
    """

    kind = models.CharField("loại dữ liệu", max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        "trạng thái", max_length=20, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    file = models.FileField("tệp", upload_to=_import_path, max_length=300)
    original_name = models.CharField("tên tệp", max_length=255)
    sha256 = models.CharField("mã băm SHA-256", max_length=64)
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
    via_command_line = models.BooleanField("nhập bằng dòng lệnh", default=False)
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="bản đánh giá",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    framework = models.ForeignKey(
        Framework,
        verbose_name="bộ chỉ số được tạo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    options = models.JSONField("tùy chọn", default=dict, blank=True)
    preview = models.JSONField("bản xem trước", default=dict, blank=True)
    error_count = models.PositiveIntegerField("số lỗi", default=0)
    warning_count = models.PositiveIntegerField("số cảnh báo", default=0)
    change_count = models.PositiveIntegerField("số dòng thay đổi", default=0)
    decided_at = models.DateTimeField("thời điểm xác nhận / hủy", null=True, blank=True)
    outcome = models.TextField("kết quả", blank=True)

    class Meta:
        verbose_name = "lần nhập Excel"
        verbose_name_plural = "lần nhập Excel"
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["uploaded_by", "-uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_preview(self) -> Preview:
        return Preview.from_dict(self.preview or {})

    @property
    def can_apply(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and self.error_count == 0

    def history_reason(self) -> str:
        """ "Nhập từ tệp phu_luc.xlsx (lần nhập số 12)", short enough for the history's
        100-character reason field."""
        suffix = f" (lần nhập số {self.pk})"
        room = 100 - len("Nhập từ tệp ") - len(suffix)
        name = self.original_name
        if len(name) > room:
            name = name[: room - 1] + "…"
        return f"Nhập từ tệp {name}{suffix}"


class ImportApplication(BackgroundJob):
    """Applying a confirmed import, as a background job (`exchange.tasks.apply_import`).

    The import itself is one transaction: a worker killed midway leaves nothing applied, and
    the next attempt starts from the stored preview again. The record says "Đang nhập" until
    the job ends, so it cannot be confirmed or cancelled twice meanwhile.
    """

    record = models.OneToOneField(
        ImportRecord, on_delete=models.CASCADE, related_name="application"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người xác nhận",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "lượt áp dụng tệp nhập"
        verbose_name_plural = "lượt áp dụng tệp nhập"

    def __str__(self) -> str:
        return f"Áp dụng {self.record}"


class ImportCheck(BackgroundJob):
    """Reading an uploaded workbook into its preview, as a background job
    (`exchange.tasks.check_import`), so that no web process ever parses an upload.

    The reading is bounded (rows, cells, parts, time: `exchange.parsing.grid`) and, on a
    worker, runs under a memory limit; a file that crosses any of them is a rejected record
    with the reason. The record says "Đang kiểm tra tệp" until the job ends.
    """

    record = models.OneToOneField(ImportRecord, on_delete=models.CASCADE, related_name="reading")
    cells_read = models.PositiveIntegerField("số ô đã đọc", default=0)

    class Meta:
        verbose_name = "lượt kiểm tra tệp nhập"
        verbose_name_plural = "lượt kiểm tra tệp nhập"

    def __str__(self) -> str:
        return f"Kiểm tra {self.record}"
