"""Commitments and breakthrough work that officials register after publication (seed 001)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from remediation.models import Commitment, CommitmentKind, CommitmentStatus
from scoring.models import Official, Unit


def _user_or_none(user):
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def commitment_register(
    *,
    unit: Unit,
    year: int,
    official: Official,
    content: str,
    kind: str = CommitmentKind.COMMITMENT,
    user=None,
) -> Commitment:
    """Record what an official commits to (or the breakthrough work they take on) for a year."""
    commitment = Commitment(
        unit=unit,
        year=year,
        official=official,
        kind=kind,
        content=content.strip(),
        created_by=_user_or_none(user),
    )
    commitment._history_user = _user_or_none(user)
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def commitment_set_status(
    *, commitment: Commitment, status: str, note: str = "", user=None
) -> Commitment:
    """Settle a commitment as done or not done (or reopen it), with an optional note."""
    status = CommitmentStatus(status)
    if status == commitment.status:
        raise ValidationError(f"Cam kết đã ở trạng thái “{status.label}”.")
    commitment.status = status
    if note.strip():
        commitment.result_note = note.strip()
    commitment._history_user = _user_or_none(user)
    commitment._change_reason = f"Kết quả: {status.label}"
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def commitment_delete(*, commitment: Commitment, user=None) -> None:
    """Withdraw a registration that is still open; a settled one stays on record."""
    if commitment.status != CommitmentStatus.PENDING:
        raise ValidationError("Chỉ rút được đăng ký chưa có kết quả.")
    commitment._history_user = _user_or_none(user)
    commitment.delete()
