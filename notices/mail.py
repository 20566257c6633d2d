"""Notices by e-mail, through Django's mail framework (console backend in development)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from notices.models import Notice

SUBJECT = "[Chỉ số CCHC] {text}"


def _message(notice: Notice) -> EmailMessage:
    link = f"{settings.SITE_URL.rstrip('/')}{notice.url}" if settings.SITE_URL else notice.url
    body = (
        f"Kính gửi {notice.user.get_full_name() or notice.user.username},\n\n"
        f"{notice.text}\n\n"
        + (f"Xem tại: {link}\n\n" if link else "")
        + "Thư này được gửi tự động từ hệ thống Chỉ số CCHC. Có thể tắt thư thông báo trong "
        "mục Thông báo của hệ thống."
    )
    subject = SUBJECT.format(text=notice.text)
    if len(subject) > 150:
        subject = subject[:149] + "…"
    return EmailMessage(subject, body, to=[notice.user.email])


def notices_email(*, ids: list[int]) -> int:
    """Send each notice of `ids` not yet e-mailed to a person who still wants e-mails."""
    notices = Notice.objects.filter(
        pk__in=ids, emailed_at__isnull=True, user__notice_emails=True
    ).select_related("user")
    connection = get_connection()
    sent = 0
    for notice in notices:
        if not notice.user.email:
            continue
        with transaction.atomic():
            locked = Notice.objects.select_for_update().filter(pk=notice.pk, emailed_at=None)
            if not locked.exists():
                continue
            connection.send_messages([_message(notice)])
            locked.update(emailed_at=timezone.now())
        sent += 1
    return sent
