"""System checks for production (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_two_factor_required(app_configs, **kwargs):
    if settings.OTP_REQUIRED:
        return []
    return [
        Warning(
            "OTP_REQUIRED=false: quản trị viên và thành viên hội đồng thẩm định đăng nhập chỉ "
            "bằng mật khẩu, trang quản trị không đòi xác thực hai bước.",
            hint="Bỏ OTP_REQUIRED khỏi môi trường (mặc định bật khi DEBUG=false).",
            id="accounts.W001",
        )
    ]
