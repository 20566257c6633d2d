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


@shared_task(bind=True, max_retries=3)
def prerender_documents(self, assessment_ids: list[int]) -> int:
    """Render the published documents of these assessments into the cache (see
    `documents.prerender`); retried with a growing wait, and logged as an error when it
    gives up (the documents are then rendered at their first download, as before)."""
    from documents.prerender import log, published_documents

    try:
        return published_documents(assessment_ids)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            log.error(
                "Pre-rendering the documents of %d assessments failed; they will be rendered "
                "when first downloaded",
                len(assessment_ids),
                exc_info=True,
            )
            raise
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(bind=True, max_retries=3)
def prerender_letter(self, letter_id: int) -> bool:
    """Render a saved draft letter's PDF preview into the cache (`documents.prerender`);
    retried like `prerender_documents`, then logged (the preview is rendered when opened)."""
    from documents.prerender import draft_letter, log

    try:
        return draft_letter(letter_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            log.error(
                "Pre-rendering the preview of letter %s failed; it will be rendered when "
                "first downloaded",
                letter_id,
                exc_info=True,
            )
            raise
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
