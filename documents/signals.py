"""The documents area's signal, and what it does when results are published: render them
ahead of time."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import Signal, receiver

from documents.prerender import prerender_after_commit
from scoring.models import Assessment, AssessmentStatus
from scoring.signals import assessment_moved, group_published

# A letter took a step of trình ký (`documents.approval`, `documents.services.letter_issue`):
# letter, action (a LetterAction), user, comment. Sent inside the step's transaction, like the
# signals of scoring.signals, for the notices (notices.signals).
letter_moved = Signal()


@receiver(group_published)
def render_a_published_group(sender, *, round, group, **kwargs) -> None:
    if not settings.DOCUMENTS_PRERENDER:
        return  # not even the query for the ids
    ids = Assessment.objects.filter(
        round=round, ranking_group=group, status=AssessmentStatus.PUBLISHED
    ).values_list("pk", flat=True)
    prerender_after_commit(list(ids))


@receiver(assessment_moved)
def render_a_published_assessment(sender, *, assessment, status, **kwargs) -> None:
    if status == AssessmentStatus.PUBLISHED:
        prerender_after_commit([assessment.pk])
