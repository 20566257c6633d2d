"""Writes of the exchange app: keep an upload with its preview, apply it whole, cancel it, and
copy last year's framework.

Applying runs in one transaction (on a background worker when confirmed in the browser): every
score goes through `scoring.services` (so each change is validated, version-checked and kept in
the score's history with who and "Nhập từ tệp …"), and the first refusal rolls all of it back.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cchc import jobs
from cchc.jobs import JobStatus
from cchc.storage import save_with_file
from exchange import access as exchange_access
from exchange.importers import LIST_KEYS, list_resource, plan_import
from exchange.lists import list_dataset, result_preview
from exchange.models import (
    ImportApplication,
    ImportCheck,
    ImportKind,
    ImportRecord,
    ImportStatus,
)
from exchange.parsing.grid import read_workbook
from exchange.preview import Preview, error
from exchange.selectors import framework_data
from scoring import services as scoring_services
from scoring.models import Assessment, Framework, Role, Round, Score, Unit

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def upload_check(*, name: str, size: int) -> None:
    """Refuse, before reading it, a file that is not an .xlsx or is too large."""
    if not name.lower().endswith(".xlsx"):
        if name.lower().endswith(".xls"):
            raise ValidationError(
                "Tệp là định dạng Excel cũ (.xls). Hãy mở tệp bằng Excel, lưu lại dưới dạng "
                "Sổ làm việc Excel (.xlsx) rồi tải lên lại."
            )
        raise ValidationError("Chỉ nhận tệp Excel .xlsx.")
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"Tệp dung lượng {size / 1024 / 1024:.1f} MB, vượt mức tối đa 5 MB.".replace(".", ",")
        )


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _new_record(*, kind, name, data, user, assessment, options, via_command_line=False):
    upload_check(name=name, size=len(data))
    return ImportRecord(
        kind=kind,
        original_name=name[-255:],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        uploaded_by=_user_or_none(user),
        assessment=assessment,
        options=options or {},
        via_command_line=via_command_line,
    )


@transaction.atomic
def import_record_create(
    *,
    kind: str,
    name: str,
    data: bytes,
    user,
    assessment: Assessment | None = None,
    options: dict[str, Any] | None = None,
    via_command_line: bool = False,
) -> ImportRecord:
    """Keep an uploaded workbook with its preview, read here and now (the command line).

    Changes no scores, units or frameworks: the record waits for the user to confirm (or is
    rejected when the preview has errors). Web uploads use `import_record_upload` instead.
    """
    record = _new_record(
        kind=kind,
        name=name,
        data=data,
        user=user,
        assessment=assessment,
        options=options,
        via_command_line=via_command_line,
    )
    preview = plan_import(kind, data, user=user, assessment=assessment, options=options)
    _keep_preview(record, preview)
    save_with_file(record, "file", name, ContentFile(data))
    return record


@transaction.atomic
def import_record_upload(
    *,
    kind: str,
    name: str,
    data: bytes,
    user,
    assessment: Assessment | None = None,
    options: dict[str, Any] | None = None,
) -> ImportCheck:
    """Keep an uploaded workbook, "Đang kiểm tra tệp", and make the job that reads it.

    The web process only checks the name and size and stores the file: reading it, however
    hostile, is the worker's (`import_check_run`). The caller sends the job to the workers
    (`jobs.enqueue`) once this has committed.
    """
    record = _new_record(
        kind=kind, name=name, data=data, user=user, assessment=assessment, options=options
    )
    record.status = ImportStatus.CHECKING
    save_with_file(record, "file", name, ContentFile(data))
    return ImportCheck.objects.create(record=record)


def import_check_run(*, job: ImportCheck, memory_megabytes: int | None = None) -> None:
    """The worker's part: read the record's file into its preview and keep it.

    Reading is bounded by `exchange.parsing.grid`'s limits and, with `memory_megabytes`, by
    a memory limit; crossing one, or any error on the way, makes a rejected record with the
    reason. Never raises: whatever happens ends as words on the record.
    """
    record = ImportRecord.objects.select_related("assessment", "uploaded_by").get(pk=job.record_id)
    try:
        with record.file.open("rb") as handle:
            data = handle.read()
        limit = jobs.memory_limit(memory_megabytes) if memory_megabytes else nullcontext()
        with limit:
            preview = plan_import(
                record.kind,
                data,
                user=record.uploaded_by,
                assessment=record.assessment,
                options=record.options,
                progress=lambda cells: jobs.beat(job, cells_read=cells),
            )
    except jobs.MemoryLimitExceeded:
        preview = Preview(
            problems=[
                error(
                    f"Tệp Excel cần quá nhiều bộ nhớ để đọc (quá {memory_megabytes} MB). "
                    "Hãy xóa các trang, dòng, cột không dùng rồi tải lên lại."
                )
            ]
        )
    except Exception:
        log.exception("Reading import %s failed", record.pk)
        preview = Preview(problems=[error(_READ_FAILED)])
    with transaction.atomic():
        locked = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if locked.status == ImportStatus.CHECKING:
            _keep_preview(locked, preview)
            locked.save()
        _finish(job, JobStatus.DONE, "")


_READ_FAILED = (
    "Lỗi hệ thống khi đọc tệp; không có gì được nhập. Quản trị hệ thống xem chi tiết trong "
    "nhật ký máy chủ."
)


def import_check_settle(pk: int) -> None:
    """After a delivery found nothing to do: a reading given up (its workers kept dying, e.g.
    killed for memory) rejects the record with the reason, instead of "Đang kiểm tra" for ever."""
    job = ImportCheck.objects.filter(pk=pk, status=JobStatus.FAILED).first()
    if job is None:
        return
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=job.record_id)
        if record.status == ImportStatus.CHECKING:
            _keep_preview(record, Preview(problems=[error(f"Không đọc được tệp: {job.error}")]))
            record.save()


def _keep_preview(record: ImportRecord, preview: Preview) -> None:
    record.preview = preview.as_dict()
    record.error_count = len(preview.errors)
    record.warning_count = len(preview.warnings)
    record.change_count = preview.change_count
    record.status = ImportStatus.REJECTED if record.error_count else ImportStatus.PREVIEWED
    if record.status == ImportStatus.REJECTED:
        record.outcome = "Tệp có lỗi; không có gì được nhập. Sửa tệp theo các lỗi rồi tải lên lại."


def import_record_apply(*, record: ImportRecord, user) -> ImportRecord:
    """Apply a previewed import now, in this process (the command line does this).

    One transaction, all of it or nothing: a refusal on the way (a score changed since the
    preview, a value the services refuse) rolls everything back; the record is then marked
    failed with the reason, and the ValidationError is raised again for the caller to show.
    """
    _apply(record.pk, user, ImportStatus.PREVIEWED)
    record.refresh_from_db()
    return record


@transaction.atomic
def import_record_queue(*, record: ImportRecord, user) -> ImportApplication:
    """Confirm a previewed import: mark it "Đang nhập" and make the job a worker applies.

    The caller sends the job to the workers (`jobs.enqueue`) once this has committed.
    """
    locked = ImportRecord.objects.select_for_update().get(pk=record.pk)
    _check_applicable(locked, ImportStatus.PREVIEWED)
    locked.status = ImportStatus.APPLYING
    locked.save(update_fields=["status"])
    return ImportApplication.objects.create(record=locked, requested_by=_user_or_none(user))


def import_application_run(*, job: ImportApplication) -> None:
    """The worker's part: apply the record whose job `jobs.claim` has taken, then close the
    job. Whatever goes wrong ends as words on the record, never as a half-applied import."""
    try:
        _apply(job.record_id, job.requested_by, ImportStatus.APPLYING, job=job)
    except ValidationError as exc:
        _finish(job, JobStatus.FAILED, " ".join(exc.messages))
    except Exception:
        log.exception("Import %s failed", job.record_id)
        reason = "Lỗi hệ thống khi nhập; quản trị hệ thống xem chi tiết trong nhật ký máy chủ."
        _fail_record(job.record_id, ImportStatus.APPLYING, reason)
        _finish(job, JobStatus.FAILED, reason)


def import_application_settle(pk: int) -> None:
    """After a delivery found nothing to do: if the job was given up (its workers kept dying),
    say so on the record, which would otherwise stay "Đang nhập" for ever."""
    job = ImportApplication.objects.filter(pk=pk, status=JobStatus.FAILED).first()
    if job is not None:
        _fail_record(job.record_id, ImportStatus.APPLYING, job.error)


def _apply(pk: int, user, from_status: str, job: ImportApplication | None = None) -> None:
    try:
        with transaction.atomic():
            locked = ImportRecord.objects.select_for_update().get(pk=pk)
            _check_applicable(locked, from_status)
            outcome = APPLIERS[locked.kind](locked, user)
            locked.status = ImportStatus.APPLIED
            locked.decided_at = timezone.now()
            locked.outcome = outcome
            locked.save()
            if job is not None:
                _finish(job, JobStatus.DONE, "")
    except _NotApplicable:
        raise
    except ValidationError as exc:
        _fail_record(pk, from_status, " ".join(exc.messages))
        raise


def _check_applicable(record: ImportRecord, expected: str) -> None:
    if record.status != expected or record.error_count:
        raise _NotApplicable(
            f"Lần nhập này {record.get_status_display().lower()}; không xác nhận lại được."
        )


def _fail_record(pk: int, from_status: str, reason: str) -> None:
    ImportRecord.objects.filter(pk=pk, status=from_status).update(
        status=ImportStatus.FAILED,
        decided_at=timezone.now(),
        outcome=f"Không có gì thay đổi: {reason}",
    )


def _finish(job: jobs.BackgroundJob, status: str, reason: str) -> None:
    job.status = status
    job.error = reason
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


class _NotApplicable(ValidationError):
    pass


@transaction.atomic
def import_record_cancel(*, record: ImportRecord, user) -> ImportRecord:
    """Drop a preview that was not confirmed; the file stays with the record."""
    locked = ImportRecord.objects.select_for_update().get(pk=record.pk)
    if locked.status != ImportStatus.PREVIEWED:
        raise ValidationError(
            f"Lần nhập này {locked.get_status_display().lower()}; không hủy được."
        )
    locked.status = ImportStatus.CANCELLED
    locked.decided_at = timezone.now()
    locked.outcome = "Đã hủy; không có gì thay đổi."
    locked.save()
    return locked


# --- applying each kind ----------------------------------------------------------------------


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _scores(record: ImportRecord, ops: list[dict]) -> dict[int, Score]:
    scores = Score.objects.filter(
        assessment=record.assessment, id__in=[op["score_id"] for op in ops]
    ).select_related(
        # all that Score.clean reads, so that validating a score costs no extra query
        "criterion",
        "assessment__framework",
        "assessment__unit",
        "responsible_department",
    )
    found = {score.id: score for score in scores}
    missing = [op["code"] for op in ops if op["score_id"] not in found]
    if missing:
        raise ValidationError(
            f"Bản đánh giá không còn tiêu chí {', '.join(missing)}; hãy tải tệp lên lại."
        )
    return found


def _locked_assessment(record: ImportRecord) -> Assessment:
    """The record's assessment, locked until the import's transaction ends and re-read inside
    the lock: a check of its state then holds for every write of the import (a council that
    finalizes or publishes meanwhile waits, or goes first and the import is refused)."""
    return scoring_services.assessment_lock(record.assessment)


def _apply_appraisal(record: ImportRecord, user) -> str:
    """Write the appraisal the preview listed. Never the unit's self-assessed values: the
    table's self-assessment column was only compared with them."""
    assessment = _locked_assessment(record)
    refusal = exchange_access.appraisal_upload_refusal(assessment)
    if refusal:
        raise ValidationError(refusal)
    ops = [op for op in record.get_preview().payload.get("ops", []) if op.get("appraised")]
    scores = _scores(record, ops)
    reason = record.history_reason()
    for op in ops:
        change = op["appraised"]
        scoring_services.score_set_appraised(
            score=scores[op["score_id"]],
            value=_decimal(change["value"]),
            b=change["b"],
            a=change["a"],
            comment=change["comment"],
            responsible_note=change["responsible_note"],
            user=user,
            expected_version=op["version"],
            reason=reason,
            nothing_arose=change.get("none", False),
        )
    return f"Đã cập nhật {len(ops)} tiêu chí của {assessment}."


def _apply_self(record: ImportRecord, user) -> str:
    assessment = _locked_assessment(record)
    refusal = exchange_access.self_upload_refusal(assessment)
    if refusal:
        raise ValidationError(refusal)
    ops = record.get_preview().payload.get("ops", [])
    scores = _scores(record, ops)
    reason = record.history_reason()
    for op in ops:
        scoring_services.score_set_self(
            score=scores[op["score_id"]],
            value=_decimal(op["value"]),
            b=op["b"],
            a=op["a"],
            note=op["note"],
            user=user,
            expected_version=op["version"],
            reason=reason,
            nothing_arose=op.get("none", False),
        )
    return f"Đã cập nhật điểm tự đánh giá {len(ops)} tiêu chí của {assessment}."


def issuing_unit(user) -> Unit | None:
    """The unit an administrator imports frameworks for (their first administrator post)."""
    if user is None or not user.is_authenticated:
        return None
    post = user.officials.current().filter(role=Role.ADMINISTRATOR).first()
    return post.unit if post else None


def _apply_framework(record: ImportRecord, user) -> str:
    data = record.get_preview().payload.get("data")
    if not data:
        return "Bộ chỉ số đã có sẵn, giống hệt tệp: không có gì thay đổi."
    framework = scoring_services.framework_create(data=data, issuing_unit=issuing_unit(user))
    record.framework = framework
    return f"Đã tạo và đưa vào áp dụng bộ chỉ số “{framework.name}”."


def _apply_list(record: ImportRecord, user) -> str:
    with record.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise ValidationError("Tệp đã lưu không còn giống tệp đã xem trước; hãy tải lên lại.")
    resource = list_resource(record.kind, _user_or_none(user))
    dataset, excel_rows = list_dataset(read_workbook(data), resource)
    result = resource.import_data(dataset, dry_run=False, use_transactions=True)
    now = result_preview(resource, result, excel_rows, LIST_KEYS[record.kind])
    if _row_outline(now) != _row_outline(record.get_preview()) or now.errors:
        raise ValidationError(
            "Danh sách đơn vị hoặc cán bộ đã thay đổi kể từ khi xem trước, nên kết quả nhập "
            "không còn như bản xem trước; hãy tải tệp lên lại để xem lại."
        )
    totals = result.totals
    return (
        f"Đã thêm {totals.get('new', 0)}, cập nhật {totals.get('update', 0)}, giữ nguyên "
        f"{totals.get('skip', 0)} dòng."
    )


def _row_outline(preview: Preview) -> list[tuple]:
    return [
        (r.row, r.code, r.action, [(c.label, c.old, c.new) for c in r.changes])
        for r in preview.rows
    ]


def _apply_survey(record: ImportRecord, user) -> str:
    """Write a round's results (%) as previewed: all of them in one go, or none
    (`scoring.services.survey_results_set` checks versions, states and parts again)."""
    payload = record.get_preview().payload
    round_ = Round.objects.select_related("framework").get(pk=payload["round_id"])
    ops = payload.get("ops", [])
    written = scoring_services.survey_results_set(
        round_=round_,
        results=[
            scoring_services.SurveyResult(op["score_id"], op["version"], Decimal(op["measure"]))
            for op in ops
        ],
        user=user,
        reason=record.history_reason(),
    )
    units = len({op["unit"] for op in ops})
    return f"Đã ghi {written} kết quả của {units} đơn vị vào đợt “{round_}”."


APPLIERS = {
    ImportKind.APPRAISAL: _apply_appraisal,
    ImportKind.SELF_ASSESSMENT: _apply_self,
    ImportKind.FRAMEWORK: _apply_framework,
    ImportKind.UNITS: _apply_list,
    ImportKind.OFFICIALS: _apply_list,
    ImportKind.SURVEY: _apply_survey,
}


# --- copying last year's framework -----------------------------------------------------------


@transaction.atomic
def framework_copy(
    *, source: Framework, year_from: int, name: str, close_source: bool = True
) -> Framework:
    """A new framework in force from `year_from`: the same tree, bands and settings as
    `source`. With `close_source`, `source` ends the year before."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Hãy đặt tên cho bộ chỉ số mới.")
    if Framework.objects.filter(name=name).exists():
        raise ValidationError(f"Đã có bộ chỉ số tên “{name}”; hãy đặt tên khác.")
    if year_from <= source.year_from:
        raise ValidationError(
            f"Năm áp dụng của bộ mới ({year_from}) phải sau năm bắt đầu áp dụng của bộ "
            f"“{source}” ({source.year_from})."
        )
    data = framework_data(source)
    data.update(name=name, year_from=year_from, year_to=None)
    copy = scoring_services.framework_create(data=data, issuing_unit=source.issuing_unit)
    if close_source and (source.year_to is None or source.year_to >= year_from):
        used = source.assessments.filter(period__year__gte=year_from).exists()
        if used:
            raise ValidationError(
                f"Bộ “{source}” đã có bản đánh giá từ năm {year_from} trở đi nên không kết "
                "thúc hiệu lực được; bỏ chọn “kết thúc hiệu lực bộ cũ” hoặc chọn năm khác."
            )
        source.year_to = year_from - 1
        source.full_clean()
        source.save(update_fields=["year_to"])
    return copy
