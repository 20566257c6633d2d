"""System checks for production (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_background_worker(app_configs, **kwargs):
    if settings.CELERY_BROKER_URL:
        return []
    return [
        Warning(
            "CELERY_BROKER_URL chưa được đặt: việc nền (gói phụ lục, thư nhắc) sẽ chạy ngay "
            "trong yêu cầu web, làm chậm trang và không có thư nhắc hằng ngày.",
            hint="Đặt CELERY_BROKER_URL=redis://127.0.0.1:6379/0 và chạy "
            "`celery -A cchc worker --beat` (xem README, mục Vận hành).",
            id="cchc.W001",
        )
    ]
