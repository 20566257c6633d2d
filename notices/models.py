"""Notices: one line of news for one person, with a link, read or not, e-mailed or not."""

from django.conf import settings
from django.db import models


class NoticeKind(models.TextChoices):
    OPENED = "opened", "Mở đợt đánh giá"
    SUBMITTED = "submitted", "Gửi thẩm định"
    RETURNED = "returned", "Gửi kết quả vòng 1"
    ROUND_2 = "round_2", "Thẩm định vòng 2"
    PUBLISHED = "published", "Công bố kết quả"
    DEADLINE = "deadline", "Sắp đến hạn"
    LETTER_SUBMITTED = "letter_submitted", "Văn bản trình ký"
    LETTER_APPROVED = "letter_approved", "Văn bản được duyệt ký"
    LETTER_RETURNED = "letter_returned", "Văn bản bị trả lại"
    LETTER_WITHDRAWN = "letter_withdrawn", "Văn bản được rút lại"
    LETTER_ISSUED = "letter_issued", "Văn bản đã ban hành"


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhận",
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField("loại", max_length=20, choices=NoticeKind.choices)
    text = models.CharField("nội dung", max_length=500)
    url = models.CharField("liên kết", max_length=300, blank=True)
    # What the notice is about, so the same news is not sent twice (deadline reminders).
    assessment = models.ForeignKey(
        "scoring.Assessment",
        verbose_name="bản đánh giá",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    key = models.CharField("khóa chống gửi trùng", max_length=100, blank=True)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True)
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)
    emailed_at = models.DateTimeField("đã gửi thư lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                condition=~models.Q(key=""),
                name="notice_unique_key_per_user",
            ),
        ]

    def __str__(self) -> str:
        return self.text
