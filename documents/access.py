"""Who may see and do what with documents, on top of scoring.access. Every view goes through here.

- A letter is seen by whoever may see its assessment, and by its named signer; outside that
  scope it is 404.
- A draft is edited, submitted for signature (trình ký) or deleted by the unit's CCHC
  coordinator or chairperson (`scoring.access.may_submit`, "the office"); a submitted,
  approved or issued letter by nobody.
- A submitted letter is approved or sent back by its named signer alone (the user of
  `Letter.signer`, in a post they still hold); anyone else who sees it gets 403.
- The office withdraws a submitted or approved letter back to draft.
- The office or the signer issues ("Ban hành") an approved letter; the service refuses any
  other, with the reason.
- Once issued, the office may upload the copy it signed with its own token (checked against
  the issued document); nothing else changes an issued letter.
- A ranking (phụ lục c) is seen by whoever may see one of its published assessments; a bundle
  of phụ lục holds only the assessments its requester may see, and only the requester gets it.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from documents.models import DocumentBundle, Letter, LetterStatus
from scoring.access import may_submit, officials_of, visible_assessments
from scoring.models import Assessment, AssessmentStatus


def _signing_posts(user) -> list[int]:
    """The user's current posts (cached for the request): a letter naming one is theirs to sign."""
    return [o.pk for o in officials_of(user)]


def visible_letters(user):
    scope = Q(assessment__in=visible_assessments(user))
    posts = _signing_posts(user)
    if posts:
        scope |= Q(signer_id__in=posts)
    return Letter.objects.filter(scope).select_related(
        "assessment__unit",
        "assessment__period",
        "assessment__framework",
        "issuing_unit",
        "signer__user",
    )


def get_letter_for_user(user, pk: int) -> Letter:
    """The letter if the user may see its assessment; 404 otherwise, whatever the reason."""
    try:
        return visible_letters(user).get(pk=pk)
    except Letter.DoesNotExist:
        raise Http404("Không tìm thấy văn bản.") from None


def may_edit_letter(user, letter: Letter) -> bool:
    return letter.is_draft and may_submit(user, letter.assessment)


def is_letters_signer(user, letter: Letter) -> bool:
    """The user is the letter's named signer, in a post they still hold."""
    return letter.signer_id is not None and letter.signer_id in _signing_posts(user)


def may_sign(user, letter: Letter) -> bool:
    """Approve or send back: the named signer of a submitted letter, nobody else."""
    return letter.status == LetterStatus.SUBMITTED and is_letters_signer(user, letter)


def may_withdraw(user, letter: Letter) -> bool:
    return letter.status in (LetterStatus.SUBMITTED, LetterStatus.APPROVED) and may_submit(
        user, letter.assessment
    )


def may_issue(user, letter: Letter) -> bool:
    """Who may press "Ban hành": the office or the signer; whether the letter may be issued
    (approved, not yet issued) is the service's to say."""
    return letter.status != LetterStatus.ISSUED and (
        may_submit(user, letter.assessment) or is_letters_signer(user, letter)
    )


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
