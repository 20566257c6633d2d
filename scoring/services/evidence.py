"""Evidence files (tài liệu kiểm chứng): attach and remove, with type and size checked."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cchc.storage import save_with_file
from scoring import filetypes
from scoring.models import Evidence, EvidenceStage, Score
from scoring.services.locks import assessment_lock


def _stage_open(score: Score, stage: str) -> bool:
    assessment = score.assessment
    if stage == EvidenceStage.SELF:
        return assessment.self_entry_open()
    return assessment.response_open()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def upload_kind(upload: UploadedFile) -> filetypes.FileKind:
    """The kind of an uploaded file, checked by content; refuse an empty, too large, unknown
    or misnamed file. Used for every file people upload (evidence, task files)."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"Tệp “{upload.name}” nặng {_megabytes(upload.size)} MB, vượt giới hạn "
            f"{_megabytes(limit)} MB."
        )
    if upload.size == 0:
        raise ValidationError(f"Tệp “{upload.name}” rỗng.")
    kind = filetypes.detect(upload.file, upload.name)
    if kind is None:
        raise ValidationError(
            f"Tệp “{upload.name}” không phải là {filetypes.ALLOWED_LABEL} (kiểm tra theo nội "
            "dung tệp, không theo tên)."
        )
    if filetypes.extension(upload.name) not in kind.extensions:
        raise ValidationError(
            f"Tệp “{upload.name}” thực chất là {kind.label}; hãy đặt lại đúng đuôi tệp rồi tải lên."
        )
    return kind


@transaction.atomic
def evidence_add(*, score: Score, upload: UploadedFile, stage: str, user=None) -> Evidence:
    """Attach a file to a criterion; refuse a wrong type, a mismatched name or a large file."""
    code = score.criterion.code
    assessment_lock(score.assessment)
    if not _stage_open(score, stage):
        raise ValidationError(f"Tiêu chí {code}: không còn trong thời hạn tải tài liệu lên.")
    kind = upload_kind(upload)
    evidence = Evidence(
        score=score,
        original_name=upload.name[-255:],
        content_type=kind.content_type,
        size=upload.size,
        stage=stage,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    save_with_file(evidence, "file", upload.name, upload)
    return evidence


@transaction.atomic
def evidence_add_many(
    *, score: Score, uploads: Sequence[UploadedFile], stage: str, user=None
) -> list[Evidence]:
    """Attach several files at once (picked or dropped together): all of them, or, when one
    is refused, none, with every refused file named."""
    if not uploads:
        raise ValidationError(f"Tiêu chí {score.criterion.code}: chưa chọn tệp để tải lên.")
    problems = []
    for upload in uploads:
        try:
            upload_kind(upload)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        code = score.criterion.code
        raise ValidationError(
            [f"Tiêu chí {code}: chưa tải lên tệp nào; hãy bỏ hoặc sửa các tệp sau.", *problems]
        )
    return [evidence_add(score=score, upload=u, stage=stage, user=user) for u in uploads]


@transaction.atomic
def evidence_link(*, evidence: Evidence, scores: Sequence[Score], user=None) -> Evidence:
    """Let one uploaded file prove other criteria of the same assessment too (no copy)."""
    owner = evidence.score
    assessment_lock(owner.assessment)
    if not _stage_open(owner, evidence.stage):
        raise ValidationError(
            f"Tiêu chí {owner.criterion.code}: không còn trong thời hạn sửa tài liệu kiểm chứng."
        )
    if any(s.assessment_id != owner.assessment_id for s in scores):
        raise ValidationError(
            f"Tiêu chí {owner.criterion.code}: chỉ dùng chung tệp cho tiêu chí của cùng bản "
            "đánh giá."
        )
    evidence.linked_scores.add(*[s for s in scores if s.pk != owner.pk])
    return evidence


@transaction.atomic
def evidence_unlink(*, evidence: Evidence, score: Score, user=None) -> None:
    """Stop a shared file proving `score`; the file stays with the criterion it was uploaded
    for."""
    assessment_lock(score.assessment)
    if not _stage_open(evidence.score, evidence.stage):
        raise ValidationError(
            f"Tiêu chí {score.criterion.code}: không còn trong thời hạn sửa tài liệu kiểm chứng."
        )
    evidence.linked_scores.remove(score)


@transaction.atomic
def evidence_delete(*, evidence: Evidence, user=None) -> None:
    """Remove a file (from every criterion it proves) while its stage is still open."""
    assessment_lock(evidence.score.assessment)
    if not _stage_open(evidence.score, evidence.stage):
        raise ValidationError("Không còn trong thời hạn sửa tài liệu kiểm chứng.")
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
