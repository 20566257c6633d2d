"""Letters the chairperson's office composes from an assessment, and bulk phụ lục exports.

A letter is a draft until it is issued. Issuing gives it the next number of its unit's yearly
series, stores the PDF and freezes the content as issued (`issued_content`), so that later
edits to scores or to the draft tables never change what was sent out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cchc.jobs import BackgroundJob, JobStatus
from cchc.text import shorten
from scoring.models import Assessment, Framework, Official, Period, Unit
from scoring.models.frameworks import SCORE_DIGITS


class LetterKind(models.TextChoices):
    CONG_VAN = "cong_van", "Công văn"
    CHI_THI = "chi_thi", "Chỉ thị"
    BAO_CAO = "bao_cao", "Báo cáo"


class LetterStatus(models.TextChoices):
    """draft → submitted (trình ký) → approved (or back to draft with a comment) → issued."""

    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Đang trình ký"
    APPROVED = "approved", "Đã duyệt ký"
    ISSUED = "issued", "Đã ban hành"


class SigningForm(models.TextChoices):
    """How the signer signs (Nghị định 30, Điều 13): in their own name, or for another."""

    DIRECT = "", "Ký trực tiếp"
    KT = "KT", "KT. (ký thay người đứng đầu)"
    TM = "TM", "TM. (thay mặt tập thể)"
    Q = "Q", "Q. (quyền)"
    TL = "TL", "TL. (thừa lệnh)"
    TUQ = "TUQ", "TUQ. (thừa ủy quyền)"


class SignatureKind(models.TextChoices):
    NONE = "", "Chưa ký số"
    SYSTEM = "system", "Ký số bằng chứng thư của cơ quan"
    UPLOADED = "uploaded", "Bản ký số tải lên (đã kiểm tra)"


class Grouping(models.TextChoices):
    FIELD = "field", "Theo lĩnh vực"
    DEPARTMENT = "department", "Theo bộ phận phụ trách"
    OFFICIAL = "official", "Theo công chức phụ trách"


def _issued_pdf_path(letter: Letter, filename: str) -> str:
    return f"van-ban/{letter.issuing_unit.code}/{letter.number_year}/{letter.pk}-{filename}"


class Letter(models.Model):
    """A công văn, chỉ thị or báo cáo about one assessment, laid out as Nghị định 30 says."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="bản đánh giá", on_delete=models.PROTECT, related_name="letters"
    )
    issuing_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị ban hành", on_delete=models.PROTECT, related_name="letters"
    )
    kind = models.CharField("loại văn bản", max_length=10, choices=LetterKind.choices)
    status = models.CharField(
        "trạng thái", max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    parent_body = models.CharField(
        "cơ quan chủ quản",
        max_length=200,
        blank=True,
        help_text="Dòng trên tên cơ quan ban hành; để trống với Ủy ban nhân dân.",
    )
    issuing_body = models.TextField(
        "tên cơ quan ban hành", help_text="Mỗi dòng in một dòng, ví dụ: ỦY BAN NHÂN DÂN / PHƯỜNG 1."
    )
    symbol = models.CharField(
        "ký hiệu", max_length=50, help_text="Phần sau số văn bản, ví dụ UBND-VP hoặc BC-UBND."
    )
    place = models.CharField("địa danh", max_length=100)
    date = models.DateField(
        "ngày văn bản",
        null=True,
        blank=True,
        help_text="Để trống khi chưa biết ngày ký; khi ban hành mặc định là hôm nay.",
    )
    subject = models.TextField("trích yếu nội dung")
    recipients = models.TextField("kính gửi", blank=True, help_text="Mỗi nơi nhận một dòng.")
    bases = models.TextField("căn cứ", blank=True, help_text="Mỗi căn cứ một dòng.")
    grouping = models.CharField(
        "nhóm các nhiệm vụ", max_length=12, choices=Grouping.choices, default=Grouping.FIELD
    )
    with_appendix = models.BooleanField("kèm phụ lục các tiêu chí bị trừ điểm", default=True)
    receivers = models.TextField("nơi nhận", help_text="Mỗi nơi nhận một dòng; dòng cuối là Lưu.")
    signing_authority = models.CharField(
        "thẩm quyền ký",
        max_length=200,
        blank=True,
        help_text="Ví dụ: TM. ỦY BAN NHÂN DÂN, xuống dòng KT. CHỦ TỊCH.",
    )
    signer_title = models.CharField("chức vụ người ký", max_length=100)
    signer_name = models.CharField("họ tên người ký", max_length=150)
    signer = models.ForeignKey(
        Official,
        verbose_name="người ký",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signing_form = models.CharField(
        "hình thức ký", max_length=3, choices=SigningForm.choices, default="", blank=True
    )
    submitted_at = models.DateTimeField("thời điểm trình ký", null=True, blank=True, editable=False)
    approved_at = models.DateTimeField("thời điểm duyệt ký", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người duyệt ký",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    number = models.PositiveIntegerField("số văn bản", null=True, blank=True, editable=False)
    # The register's series: numbers run per unit, per year and per kind of symbol (the
    # symbol's first part, "BC" of BC-UBND; "" for công văn, whose symbol names the office).
    number_series = models.CharField(
        "sổ đăng ký", max_length=20, blank=True, default="", editable=False
    )
    number_year = models.PositiveSmallIntegerField(
        "năm của số văn bản", null=True, blank=True, editable=False
    )
    issued_at = models.DateTimeField("thời điểm ban hành", null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ban hành",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    issued_content = models.JSONField(
        "nội dung khi ban hành", null=True, blank=True, editable=False
    )
    pdf = models.FileField(
        "tệp PDF đã ban hành", upload_to=_issued_pdf_path, max_length=300, blank=True
    )
    # SHA-256 of the PDF as rendered at issue, before any signature: an externally signed
    # upload must carry exactly these bytes as its signed revision.
    content_sha256 = models.CharField("mã băm nội dung", max_length=64, blank=True, editable=False)
    signature_kind = models.CharField(
        "chữ ký số",
        max_length=10,
        choices=SignatureKind.choices,
        default=SignatureKind.NONE,
        blank=True,
        editable=False,
    )
    signature_signer = models.CharField("người ký số", max_length=300, blank=True, editable=False)
    signature_time = models.DateTimeField("thời điểm ký số", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người soạn",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["-created_at"]
        constraints = [
            # One yearly number series per issuing unit (Nghị định 30: "hệ thống số chung").
            models.UniqueConstraint(
                fields=["issuing_unit", "number_year", "number_series", "number"],
                name="letter_number_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=LetterStatus.ISSUED)
                | models.Q(
                    number__isnull=False,
                    number_year__isnull=False,
                    date__isnull=False,
                    issued_content__isnull=False,
                ),
                name="letter_issued_is_complete",
            ),
        ]

    def __str__(self) -> str:
        if self.number is not None:
            return f"{self.get_kind_display()} số {self.number:02d}/{self.symbol}"
        return f"Dự thảo {self.get_kind_display().lower()}: {shorten(self.subject, 60)}"

    @property
    def is_draft(self) -> bool:
        return self.status == LetterStatus.DRAFT


class LetterAction(models.TextChoices):
    CREATED = "created", "Soạn dự thảo"
    SUBMITTED = "submitted", "Trình ký"
    APPROVED = "approved", "Duyệt ký"
    RETURNED = "returned", "Trả lại để sửa"
    WITHDRAWN = "withdrawn", "Rút lại để sửa"
    ISSUED = "issued", "Ban hành"
    SIGNED = "signed", "Ký số"
    SIGNED_UPLOADED = "signed_uploaded", "Tải lên bản đã ký số"


class LetterEvent(models.Model):
    """One step of a letter's way to issue, who took it and what they wrote."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("bước", max_length=20, choices=LetterAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField("ý kiến", blank=True)
    at = models.DateTimeField("thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "bước xử lý văn bản"
        verbose_name_plural = "các bước xử lý văn bản"
        ordering = ["letter", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.letter}"


class ParagraphKind(models.TextChoices):
    HEADING = "heading", "Đề mục"
    TEXT = "text", "Đoạn văn"
    RESULTS = "results", "Đoạn kết quả (soạn từ số liệu)"
    DIRECTIONS = "directions", "Các nhiệm vụ (soạn từ tiêu chí bị trừ điểm)"


class LetterParagraph(models.Model):
    """One piece of a letter's body, in order. The DIRECTIONS piece marks where the grouped
    directions go; every other piece is text the office may edit."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField("thứ tự")
    kind = models.CharField("loại", max_length=12, choices=ParagraphKind.choices)
    text = models.TextField("nội dung", blank=True)

    class Meta:
        verbose_name = "đoạn văn bản"
        verbose_name_plural = "đoạn văn bản"
        ordering = ["letter", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}"


class DirectionSource(models.TextChoices):
    LOST_CRITERION = "lost_criterion", "Tiêu chí bị trừ điểm"
    TASK = "task", "Nhiệm vụ khắc phục"


class LetterDirection(models.Model):
    """One direction of a letter: a lost criterion, the council's reason, what to do, by when.

    `group` is the heading it is printed under; the office's grouping choice sets it, and the
    office may rename a group. Drafted from the lost criteria and, where written, their
    remediation tasks (see documents.directions).
    """

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="directions")
    position = models.PositiveIntegerField("thứ tự")
    group = models.CharField("nhóm", max_length=300)
    criterion_code = models.CharField("mã tiêu chí", max_length=32, blank=True)
    criterion_title = models.TextField("tiêu chí", blank=True)
    field_code = models.CharField("mã lĩnh vực", max_length=32, blank=True)
    field_title = models.CharField("lĩnh vực", max_length=300, blank=True)
    lost = models.DecimalField("điểm bị trừ", **SCORE_DIGITS, null=True, blank=True)
    reason = models.TextField("lý do bị trừ điểm", blank=True)
    # Empty for a criterion without a remediation task: the letter's introduction asks for
    # causes and remedies once for all of them (documents.directions.general_request).
    action = models.TextField("nhiệm vụ", blank=True)
    deadline = models.DateField("thời hạn", null=True, blank=True)
    department = models.CharField("bộ phận phụ trách", max_length=200, blank=True)
    officials = models.CharField("công chức phụ trách", max_length=500, blank=True)
    responsible = models.CharField("trách nhiệm (như phụ lục)", max_length=300, blank=True)
    source = models.CharField(
        "nguồn",
        max_length=20,
        choices=DirectionSource.choices,
        default=DirectionSource.LOST_CRITERION,
    )
    source_id = models.PositiveIntegerField("mã nguồn", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm vụ trong văn bản"
        verbose_name_plural = "nhiệm vụ trong văn bản"
        ordering = ["letter", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.criterion_code} – {shorten(self.action, 60)}"


BundleStatus = JobStatus


def _bundle_path(bundle: DocumentBundle, filename: str) -> str:
    return f"goi-phu-luc/{bundle.pk}-{filename}"


class DocumentBundle(BackgroundJob):
    """All units' phụ lục of one framework and period as one ZIP, built in the background."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Fixed when requested, from what the user may see, so the builder needs no user.
    assessment_ids = models.JSONField(default=list)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_bundle_path, max_length=300, blank=True)

    class Meta:
        verbose_name = "gói phụ lục"
        verbose_name_plural = "gói phụ lục"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Phụ lục {self.period} ({self.total} đơn vị)"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)
