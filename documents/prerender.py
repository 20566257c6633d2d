"""Documents ready before anyone asks.

Rendering a full score sheet takes WeasyPrint about a second; a document already rendered is
served from the cache in milliseconds (`documents.render.pdf`). When results are published or
re-published, the worker renders what people download next: each unit's score sheet and phụ
lục of lost criteria, and the group's ranking (every unit's rank changed with it), so the
first download is a repeat one. Likewise when a draft letter is saved, the worker renders
its PDF preview (`draft_letter`), so the office's and the signer's preview is a cache hit.
Only a complete PDF ever enters the cache, so a render that fails leaves nothing half-made;
the job is retried (`documents.tasks.prerender_documents`, `prerender_letter`).

It needs a cache the web processes share with the worker (CACHE_URL) and a worker
(CELERY_BROKER_URL): `DOCUMENTS_PRERENDER` is on when both are set. Without a worker the jobs
would run inside the publishing request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from documents.render import pdf
from documents.tables import lost_criteria_table, ranking_table, score_sheet_table
from scoring.models import Assessment, AssessmentStatus
from scoring.selectors import assessment_sheet, period_results

log = logging.getLogger(__name__)

SHEETS = (lost_criteria_table, score_sheet_table)


def published_documents(assessment_ids: Iterable[int]) -> int:
    """Render into the cache the documents of these assessments that are still published, and
    their rankings; the number of documents rendered or found already there."""
    assessments = list(
        Assessment.objects.filter(pk__in=list(assessment_ids), status=AssessmentStatus.PUBLISHED)
        .select_related("unit", "period", "framework")
        .order_by("pk")
    )
    count = 0
    for assessment in assessments:
        sheet = assessment_sheet(assessment)
        for table in SHEETS:
            pdf.table_pdf(table(sheet))
            count += 1
    for framework, period in {(a.framework, a.period) for a in assessments}:
        pdf.table_pdf(ranking_table(framework, period, period_results(framework, period)))
        count += 1
    return count


def prerender_after_commit(assessment_ids: list[int]) -> None:
    """Queue the renders once the publication is committed (when pre-rendering is on)."""
    if not settings.DOCUMENTS_PRERENDER or not assessment_ids:
        return
    from documents.tasks import prerender_documents

    transaction.on_commit(lambda: prerender_documents.delay(assessment_ids))


def draft_letter(letter_id: int) -> bool:
    """Render into the cache the PDF preview of a letter not yet issued (the download of
    `documents.views.letter_download` builds the same HTML); False when it is gone or issued,
    whose stored PDF is served instead."""
    from documents.content import letter_content
    from documents.models import Letter, LetterStatus

    letter = (
        Letter.objects.exclude(status=LetterStatus.ISSUED)
        .select_related("assessment__unit", "assessment__period", "assessment__framework")
        .filter(pk=letter_id)
        .first()
    )
    if letter is None:
        return False
    pdf.letter_pdf(letter_content(letter))
    return True


def prerender_draft_after_commit(letter_id: int) -> None:
    """Queue the render of a saved draft's preview once the save is committed (when
    pre-rendering is on): once per transaction, however many of the composer's services
    saved the letter in it."""
    if not settings.DOCUMENTS_PRERENDER:
        return
    from documents.tasks import prerender_letter

    # A save runs several services in one transaction; the callback already queued for this
    # letter renders what they all saved. (Django's list of pending callbacks: a savepoint
    # rolled back takes its callbacks with it, so what is found here will run.)
    pending = transaction.get_connection().run_on_commit
    if any(getattr(callback, "draft_letter_id", None) == letter_id for _, callback, _ in pending):
        return

    def queue() -> None:
        prerender_letter.delay(letter_id)

    queue.draft_letter_id = letter_id
    transaction.on_commit(queue)
