"""Trình ký: a draft goes to its named signer, who approves it or sends it back.

draft → submitted (to `Letter.signer`, a chairperson or deputy of the issuing unit, whose
user alone approves) → approved, or back to draft with the signer's comment → issued
(`services.letter_issue`, which refuses anything not approved). The office may withdraw a
submitted or approved letter to edit it again; an approval does not survive the withdrawal,
since the signer approved the text as it was.

Every step is a LetterEvent (the letter's history) and a `letter_moved` signal, which the
notices app turns into notices for the next person. Each service takes keyword arguments,
locks the letter and runs in one transaction; a step the letter's state does not allow is a
ValidationError in Vietnamese and changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from documents import drafting
from documents.models import Letter, LetterAction, LetterEvent, LetterStatus
from documents.signals import letter_moved

MAX_COMMENT_CHARS = 2_000


def _locked(letter: Letter) -> Letter:
    return (
        Letter.objects.select_for_update(of=("self",))
        .select_related("assessment__unit", "assessment__period", "issuing_unit", "signer__user")
        .get(pk=letter.pk)
    )


def _step(letter: Letter, action: str, user, comment: str = "") -> Letter:
    letter.full_clean()
    letter.save()
    actor = user if getattr(user, "is_authenticated", False) else None
    LetterEvent.objects.create(letter=letter, action=action, actor=actor, comment=comment)
    letter_moved.send(Letter, letter=letter, action=action, user=actor, comment=comment)
    return letter


def _comment(comment: str) -> str:
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError(
            f"Ý kiến dài {len(comment)} ký tự, quá giới hạn {MAX_COMMENT_CHARS} ký tự; hãy rút gọn."
        )
    return comment


def is_signer(user, letter: Letter) -> bool:
    """Whether `user` is the person the letter names as its signer."""
    return letter.signer is not None and letter.signer.user_id == getattr(user, "pk", None)


def submission_problems(letter: Letter) -> list[str]:
    """What stops a draft from going to its signer: no signer, a signer who no longer holds
    the post, a printed block that names someone else or another form."""
    if letter.signer is None:
        return ["Dự thảo chưa có người ký; hãy chọn người ký ở phần Nơi nhận và chữ ký."]
    problems = []
    if letter.signer_id not in {o.pk for o in drafting.signers(letter.issuing_unit)}:
        problems.append(
            f"{letter.signer.user} không còn là Chủ tịch hoặc Phó Chủ tịch đương nhiệm của "
            f"{letter.issuing_unit}; hãy chọn người ký khác."
        )
    name = str(letter.signer.user)
    if " ".join(letter.signer_name.split()) != name:
        problems.append(
            f"Khối chữ ký in tên “{letter.signer_name}” nhưng người được trình ký là {name}; "
            "hãy sửa họ tên người ký hoặc chọn lại người ký."
        )
    form_problem = drafting.signing_form_problem(
        letter.signing_form, letter.signing_authority, letter.signer_title
    )
    if form_problem:
        problems.append(form_problem)
    return problems


@transaction.atomic
def letter_submit(*, letter: Letter, user, comment: str = "") -> Letter:
    """Send a draft to its signer for approval (trình ký)."""
    letter = _locked(letter)
    if letter.status != LetterStatus.DRAFT:
        raise ValidationError(
            f"Văn bản đang ở trạng thái “{letter.get_status_display()}”, không phải dự thảo, "
            "nên không trình ký được; hãy tải lại trang để xem trạng thái mới."
        )
    problems = submission_problems(letter)
    if problems:
        raise ValidationError(problems)
    comment = _comment(comment)
    letter.status = LetterStatus.SUBMITTED
    letter.submitted_at = timezone.now()
    return _step(letter, LetterAction.SUBMITTED, user, comment)


def _refuse_unless_submitted_to(letter: Letter, user) -> None:
    if letter.status != LetterStatus.SUBMITTED:
        raise ValidationError(
            f"Văn bản đang ở trạng thái “{letter.get_status_display()}”, không chờ duyệt ký; "
            "hãy tải lại trang để xem trạng thái mới."
        )
    if not is_signer(user, letter):
        raise ValidationError(
            f"Chỉ người được trình ký ({letter.signer_name}) mới duyệt hoặc trả lại văn bản "
            "này; hãy chuyển văn bản cho đúng người ký."
        )


@transaction.atomic
def letter_approve(*, letter: Letter, user, comment: str = "") -> Letter:
    """The named signer approves the letter as submitted: it may now be issued."""
    letter = _locked(letter)
    _refuse_unless_submitted_to(letter, user)
    comment = _comment(comment)
    letter.status = LetterStatus.APPROVED
    letter.approved_at = timezone.now()
    letter.approved_by = user
    return _step(letter, LetterAction.APPROVED, user, comment)


@transaction.atomic
def letter_return(*, letter: Letter, user, comment: str) -> Letter:
    """The named signer sends the letter back to draft, saying what to change."""
    letter = _locked(letter)
    _refuse_unless_submitted_to(letter, user)
    comment = _comment(comment)
    if not comment:
        raise ValidationError(
            "Trả lại dự thảo cần ý kiến của người ký; hãy ghi rõ nội dung cần sửa."
        )
    _back_to_draft(letter)
    return _step(letter, LetterAction.RETURNED, user, comment)


@transaction.atomic
def letter_withdraw(*, letter: Letter, user, comment: str = "") -> Letter:
    """The office takes a submitted or approved letter back to draft to edit it; an approval
    is lost (the signer approved the text as it was)."""
    letter = _locked(letter)
    if letter.status not in (LetterStatus.SUBMITTED, LetterStatus.APPROVED):
        raise ValidationError(
            f"Văn bản đang ở trạng thái “{letter.get_status_display()}” nên không rút lại "
            "được; chỉ rút lại văn bản đang trình ký hoặc đã duyệt ký, chưa ban hành."
        )
    comment = _comment(comment)
    _back_to_draft(letter)
    return _step(letter, LetterAction.WITHDRAWN, user, comment)


def _back_to_draft(letter: Letter) -> None:
    letter.status = LetterStatus.DRAFT
    letter.submitted_at = None
    letter.approved_at = None
    letter.approved_by = None
