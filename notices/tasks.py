"""Background jobs of notices, run by `celery -A cchc worker --beat`."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task
def send_notice_emails(ids: list[int]) -> None:
    """E-mail the notices `ids` to their people (each at most once: emailed_at)."""
    from notices.mail import notices_email

    sent = notices_email(ids=ids)
    log.info("Notice e-mails: %s sent", sent)


@shared_task
def send_deadline_notices() -> None:
    """Daily (7:05, settings.CELERY_BEAT_SCHEDULE): tell people of deadlines 3 days away.
    Safe to run twice: each notice has a key per assessment, deadline and date."""
    from notices.deadlines import deadline_notices_send

    made = deadline_notices_send(now=timezone.now())
    log.info("Deadline notices: %s", made)
