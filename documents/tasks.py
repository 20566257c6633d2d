"""Background jobs of the documents area, run by `celery -A cchc worker`."""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from cchc import jobs
from documents.models import DocumentBundle


@shared_task(bind=True, max_retries=None)
def build_bundle(self, pk: int) -> None:
    try:
        bundle = jobs.claim(DocumentBundle, pk, done=0, error="")
    except jobs.JobBusy as exc:
        raise self.retry(exc=exc, countdown=settings.JOB_STALE_AFTER) from exc
    if bundle is not None:
        from documents.services import bundle_build

        bundle_build(bundle=bundle)


@worker_ready.connect
def _requeue_stale_bundles(**kwargs) -> None:
    jobs.requeue_stale(DocumentBundle, build_bundle)
