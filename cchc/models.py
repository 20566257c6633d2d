from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models


class User(AbstractUser):
    """A person who signs in. Vietnamese names are kept whole ("Lê Thị Huệ"), not split."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    phone = models.CharField(
        "điện thoại",
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 .\-]{6,18}$",
                "Số điện thoại chỉ gồm chữ số (có thể có dấu +, cách, chấm, gạch ngang), "
                "ví dụ 0233 3852 123.",
            )
        ],
    )
    # Kept with the user, who is loaded on every page anyway: the bell costs no query.
    notices_unread = models.PositiveIntegerField("thông báo chưa đọc", default=0)
    notice_emails = models.BooleanField(
        "nhận thông báo qua thư điện tử",
        default=True,
        help_text="Tắt nếu chỉ muốn xem thông báo trong hệ thống.",
    )

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()
