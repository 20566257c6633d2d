"""Background jobs of the exchange area, run by `celery -A cchc worker`."""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from cchc import jobs
from exchange.models import ImportApplication, ImportCheck


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


# Reading is bounded by its own limits (exchange.parsing.grid: 20 s); these are the backstop
# if something in it does not return: Celery interrupts, then kills, the worker child.
@shared_task(bind=True, max_retries=None, soft_time_limit=60, time_limit=90)
def check_import(self, pk: int) -> None:
    """Read an uploaded workbook into its preview, under a memory limit on a real worker
    (without a broker the job runs in the process that asked, which is not limited)."""
    from exchange import services

    try:
        job = jobs.claim(ImportCheck, pk)
    except jobs.JobBusy as exc:
        raise self.retry(exc=exc, countdown=settings.JOB_STALE_AFTER) from exc
    if job is None:
        services.import_check_settle(pk)
        return
    limited = not settings.CELERY_TASK_ALWAYS_EAGER
    services.import_check_run(
        job=job, memory_megabytes=settings.IMPORT_CHECK_MEMORY_MB if limited else None
    )


@worker_ready.connect
def _requeue_stale_imports(**kwargs) -> None:
    jobs.requeue_stale(ImportCheck, check_import)
    jobs.requeue_stale(ImportApplication, apply_import)
