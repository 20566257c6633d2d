"""What the documents area does when results are published: render them ahead of time."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver

from documents.prerender import prerender_after_commit
from scoring.models import Assessment, AssessmentStatus
from scoring.signals import assessment_moved, group_published


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
