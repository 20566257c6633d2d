"""What happened to accounts (the audit record) and the bulk invitation job."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cchc.jobs import BackgroundJob


class EventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Đăng nhập"
    SIGN_IN_FAILED = "sign_in_failed", "Đăng nhập không thành công"
    SSO_REFUSED = "sso_refused", "Đăng nhập một lần bị từ chối"
    PASSWORD_CHANGED = "password_changed", "Đổi mật khẩu"
    PASSWORD_SET_BY_ADMIN = "password_set_by_admin", "Quản trị viên đặt mật khẩu"
    RESET_REQUESTED = "reset_requested", "Yêu cầu đặt lại mật khẩu"
    PASSWORD_RESET = "password_reset", "Đặt lại mật khẩu qua thư"
    INVITATION_SENT = "invitation_sent", "Gửi lời mời"
    INVITATION_FAILED = "invitation_failed", "Gửi lời mời không được"
    INVITATION_ACCEPTED = "invitation_accepted", "Đặt mật khẩu từ lời mời"
    TWO_FACTOR_ENABLED = "two_factor_enabled", "Bật xác thực hai bước"
    TWO_FACTOR_DISABLED = "two_factor_disabled", "Tắt xác thực hai bước"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "Tạo lại mã dự phòng"
    TWO_FACTOR_PASSED = "two_factor_passed", "Xác thực hai bước"
    TWO_FACTOR_FAILED = "two_factor_failed", "Mã xác thực hai bước sai"
    EMAIL_CHANGED = "email_changed", "Đổi địa chỉ thư điện tử"
    POST_ENDED = "post_ended", "Thôi giữ chức vụ"


class AccountEvent(models.Model):
    """One thing that happened to an account: a sign-in, a failed one, a password or 2FA
    change, an invitation. Written by the services and signal receivers, never edited."""

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    kind = models.CharField("sự kiện", max_length=30, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_events",
    )
    # What was typed (a user name at a failed sign-in, an e-mail address for a reset), kept
    # whether or not an account matches it.
    typed = models.CharField("đã nhập", max_length=254, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Khi không phải chính chủ tài khoản (quản trị viên gửi lời mời, đặt mật khẩu…).",
    )
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    detail = models.CharField("chi tiết", max_length=300, blank=True)

    class Meta:
        verbose_name = "nhật ký tài khoản"
        verbose_name_plural = "nhật ký tài khoản"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "at"], name="account_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.user or self.typed}"


class InvitationBatch(BackgroundJob):
    """ "Gửi lời mời" to every account in the requester's scope that has no password yet,
    run on a worker; the page that follows it reads the counts from this row."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The site's address as the requester saw it, for the links (the worker has no request).
    site_url = models.CharField("địa chỉ trang", max_length=200)
    total = models.PositiveIntegerField("số tài khoản", default=0)
    sent = models.PositiveIntegerField("đã gửi", default=0)
    failed = models.PositiveIntegerField("gửi không được", default=0)
    no_email = models.PositiveIntegerField("không gửi (chưa có thư điện tử)", default=0)

    class Meta:
        verbose_name = "đợt gửi lời mời"
        verbose_name_plural = "đợt gửi lời mời"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Gửi lời mời {self.created_at:%d/%m/%Y %H:%M}"
