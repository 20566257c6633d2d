"""Background jobs of the exchange area, run by `celery -A cchc worker`."""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from cchc import jobs
from exchange.models import ImportApplication


@shared_task(bind=True, max_retries=None)
def apply_import(self, pk: int) -> None:
    from exchange import services

    try:
        job = jobs.claim(ImportApplication, pk)
    except jobs.JobBusy as exc:
        raise self.retry(exc=exc, countdown=settings.JOB_STALE_AFTER) from exc
    if job is None:
        services.import_application_settle(pk)
    else:
        services.import_application_run(job=job)


@worker_ready.connect
def _requeue_stale_imports(**kwargs) -> None:
    jobs.requeue_stale(ImportApplication, apply_import)
