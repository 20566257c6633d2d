"""Background jobs of remediation, run by `celery -A cchc worker --beat`."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from remediation.services import reminders_send

log = logging.getLogger(__name__)


@shared_task
def send_task_reminders() -> None:
    """The daily reminder e-mails (scheduled at 7:00 in settings.CELERY_BEAT_SCHEDULE).

    Safe to run twice: each person gets at most one reminder a day (ReminderSent).
    """
    report = reminders_send(today=timezone.localdate(), base_url=settings.SITE_URL)
    log.info(
        "Reminders: %s sent, %s already reminded today, %s without e-mail",
        len(report.sent),
        len(report.already),
        len(report.no_email),
    )
