"""Who may see and do what with documents, on top of scoring.access. Every view goes through here.

- A letter is seen by whoever may see its assessment; outside that scope it is 404.
- A draft is edited, issued or deleted by the unit's CCHC coordinator or chairperson
  (`scoring.access.may_submit`); an issued letter by nobody, except that they may upload
  the copy they signed with their own token (checked against the issued document).
- A ranking (phụ lục c) is seen by whoever may see one of its published assessments; a bundle
  of phụ lục holds only the assessments its requester may see, and only the requester gets it.
"""

from __future__ import annotations

from django.http import Http404

from documents.models import DocumentBundle, Letter, LetterStatus
from scoring.access import may_submit, visible_assessments
from scoring.models import Assessment, AssessmentStatus


def visible_letters(user):
    return Letter.objects.filter(assessment__in=visible_assessments(user)).select_related(
        "assessment__unit", "assessment__period", "assessment__framework", "issuing_unit"
    )


def get_letter_for_user(user, pk: int) -> Letter:
    """The letter if the user may see its assessment; 404 otherwise, whatever the reason."""
    try:
        return visible_letters(user).get(pk=pk)
    except Letter.DoesNotExist:
        raise Http404("Không tìm thấy văn bản.") from None


def may_edit_letter(user, letter: Letter) -> bool:
    return letter.is_draft and may_submit(user, letter.assessment)


def may_upload_signed(user, letter: Letter) -> bool:
    """The office that issued a letter may replace its PDF by the copy it signed itself."""
    return (
        letter.status == LetterStatus.ISSUED
        and bool(letter.content_sha256)
        and may_submit(user, letter.assessment)
    )


def may_compose(user, assessment: Assessment) -> bool:
    return may_submit(user, assessment)


def ranking_for_user(user, framework_id: int, period_id: int):
    """Framework, period and the published assessments of it the user may see; 404 if none."""
    assessments = list(
        visible_assessments(user).filter(
            framework_id=framework_id, period_id=period_id, status=AssessmentStatus.PUBLISHED
        )
    )
    if not assessments:
        raise Http404("Không tìm thấy kết quả xếp hạng.")
    framework = assessments[0].framework
    period = assessments[0].period
    return framework, period, assessments


def get_bundle_for_user(user, pk: int) -> DocumentBundle:
    bundles = DocumentBundle.objects.select_related("framework", "period")
    if not user.is_superuser:
        bundles = bundles.filter(requested_by=user)
    try:
        return bundles.get(pk=pk)
    except DocumentBundle.DoesNotExist:
        raise Http404("Không tìm thấy gói phụ lục.") from None
