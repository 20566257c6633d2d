"""Background jobs of accounts, run by `celery -A cchc worker`."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from accounts.models import InvitationBatch
from cchc import jobs

log = logging.getLogger(__name__)


@shared_task
def send_reset_email(user_id: int, base_url: str) -> None:
    """The forgotten-password e-mail, made and sent on the worker: the web answer takes the
    same time whether or not an account matched the address typed."""
    from accounts.services import password_reset_email

    password_reset_email(user_id=user_id, base_url=base_url)


@shared_task(bind=True, max_retries=None)
def send_invitations(self, pk: int) -> None:
    try:
        batch = jobs.claim(InvitationBatch, pk, sent=0, failed=0, no_email=0, error="")
    except jobs.JobBusy as exc:
        raise self.retry(exc=exc, countdown=settings.JOB_STALE_AFTER) from exc
    if batch is not None:
        from accounts.services import invitation_batch_run

        invitation_batch_run(batch=batch)


@worker_ready.connect
def _requeue_stale_batches(**kwargs) -> None:
    jobs.requeue_stale(InvitationBatch, send_invitations)
