"""Writes: composing, editing and issuing letters; building phụ lục bundles.

Each takes keyword arguments and runs in one transaction. An issued letter is never written
again: every service that edits refuses one.
"""

from __future__ import annotations

import logging
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cchc import jobs
from cchc.jobs import JobStatus
from cchc.storage import save_with_file
from documents import directions as dirs
from documents import drafting, signatures, signing
from documents.content import build_content
from documents.formatting import grouped
from documents.models import (
    DocumentBundle,
    Letter,
    LetterAction,
    LetterDirection,
    LetterEvent,
    LetterKind,
    LetterParagraph,
    LetterStatus,
    ParagraphKind,
    SignatureKind,
)
from documents.prerender import prerender_draft_after_commit
from documents.render import pdf, xlsx
from documents.series import CONG_VAN, series_in_text, series_of
from documents.signals import letter_moved
from documents.tables import lost_criteria_table, ranking_table
from remediation.models import Task
from scoring.models import Assessment, Framework, Official, Period, Unit
from scoring.selectors import assessment_sheet, period_results

log = logging.getLogger(__name__)

# How much a letter's body may hold. A công văn or báo cáo is one to three A4 pages, about
# 3.000 characters a page, plus its directions (a few hundred characters per lost criterion).
# The limits leave ten times that room, and keep a PDF to about a second to render (2 MB of
# paragraphs took 17,8 s and a worker with it).
MAX_PARAGRAPHS = 200
MAX_TEXT_CHARS = 20_000  # one paragraph, or one direction's reason or task
MAX_BODY_CHARS = 100_000  # every paragraph and direction together (some 30 pages)

HEADER_FIELDS = (
    "kind",
    "parent_body",
    "issuing_body",
    "symbol",
    "place",
    "date",
    "subject",
    "recipients",
    "bases",
    "grouping",
    "with_appendix",
    "receivers",
    "signing_authority",
    "signer_title",
    "signer_name",
    "signer",
    "signing_form",
)


def _refuse_unless_draft(letter: Letter) -> None:
    """Only a draft is edited: a submitted or approved letter is what the signer sees or saw
    (editing it would bypass them), an issued one is what was sent out."""
    if letter.status == LetterStatus.SUBMITTED:
        raise ValidationError(
            f"{letter} đang trình ký nên không sửa được; hãy rút lại dự thảo để sửa rồi "
            "trình ký lại."
        )
    if letter.status == LetterStatus.APPROVED:
        raise ValidationError(
            f"{letter} đã được duyệt ký nên không sửa được; hãy rút lại dự thảo (bỏ duyệt ký) "
            "để sửa rồi trình ký lại."
        )
    if not letter.is_draft:
        raise ValidationError(
            f"{letter} đã ban hành nên không sửa được; hãy soạn văn bản mới nếu cần thay đổi."
        )


def _officials_by_department(unit: Unit) -> dict[int, list[str]]:
    """ "Nguyễn Thị Thu Hà, Công chức Văn phòng - Thống kê (phụ trách CCHC)" per department."""
    found: dict[int, list[str]] = {}
    for official in Official.objects.filter(
        unit=unit, is_active=True, department__isnull=False
    ).select_related("user"):
        found.setdefault(official.department_id, []).append(_official_name(official))
    return found


def _official_name(official: Official) -> str:
    name = str(official.user)
    return f"{name}, {official.title}" if official.title else name


def _task_plans(assessment: Assessment) -> dict[int, dirs.TaskPlan]:
    """Score id → what the remediation task written for it says (the oldest task, when a
    criterion has several). A draft task whose action is still the drafted "Khắc phục tiêu
    chí …" says nothing of its own and is left out."""
    plans: dict[int, dirs.TaskPlan] = {}
    tasks = (
        Task.objects.filter(assessment=assessment)
        .select_related("lead__user", "department")
        .prefetch_related("scores__criterion", "assignees__user")
        .order_by("pk")
    )
    for task in tasks:
        scores = list(task.scores.all())
        drafted = {f"Khắc phục tiêu chí {s.criterion.code}: {s.criterion.title}" for s in scores}
        if not task.action.strip() or task.action.strip() in drafted:
            continue
        people = [task.lead] if task.lead else []
        people += [a for a in task.assignees.all() if a.pk != task.lead_id]
        plan = dirs.TaskPlan(
            task_id=task.pk,
            action=task.action,
            reason=task.reason,
            deadline=task.deadline,
            department=task.department.name if task.department else "",
            officials=tuple(_official_name(o) for o in people),
            responsible=task.responsible_note,
        )
        for score in scores:
            plans.setdefault(score.pk, plan)
    return plans


def lost_criteria_directions(assessment: Assessment, sheet=None) -> list[dirs.DirectionItem]:
    """Directions drafted from the lost criteria (from their remediation tasks where written),
    with the default deadline for the others."""
    sheet = sheet or assessment_sheet(assessment)
    period = assessment.period
    return dirs.directions_from_lost_criteria(
        sheet,
        deadline=dirs.default_deadline(period.year, period.kind),
        officials_by_department=_officials_by_department(assessment.unit),
        tasks=_task_plans(assessment),
    )


@transaction.atomic
def letter_create(*, assessment: Assessment, kind: str, user=None) -> Letter:
    """Draft a letter of `kind` from an assessment: header, results, directions, signature."""
    if kind not in LetterKind.values:
        raise ValidationError(
            f"Loại văn bản “{kind}” không có; chọn công văn, chỉ thị hoặc báo cáo."
        )
    sheet = assessment_sheet(assessment)
    ranking = period_results(assessment.framework, assessment.period)
    draft = drafting.draft_for(kind, sheet, ranking, user=user)
    letter = Letter(assessment=assessment, issuing_unit=assessment.unit, **draft.fields)
    letter.created_by = user if getattr(user, "is_authenticated", False) else None
    letter.full_clean()
    letter.save()
    LetterParagraph.objects.bulk_create(
        LetterParagraph(letter=letter, position=i, kind=k, text=text)
        for i, (k, text) in enumerate(draft.paragraphs, start=1)
    )
    _set_directions(letter, lost_criteria_directions(assessment, sheet))
    LetterEvent.objects.create(letter=letter, action=LetterAction.CREATED, actor=letter.created_by)
    prerender_draft_after_commit(letter.pk)
    return letter


def _set_directions(letter: Letter, items: Sequence[dirs.DirectionItem]) -> None:
    letter.directions.all().delete()
    ordered = dirs.sort_for_grouping(items, letter.grouping)
    LetterDirection.objects.bulk_create(
        LetterDirection(
            letter=letter,
            position=position,
            group=dirs.group_label(item, letter.grouping)[:300],
            criterion_code=item.criterion_code,
            criterion_title=item.criterion_title,
            field_code=item.field_code,
            field_title=item.field_title[:300],
            lost=item.lost,
            reason=item.reason,
            action=item.action,
            deadline=item.deadline,
            department=item.department[:200],
            officials="; ".join(item.officials)[:500],
            responsible=item.responsible[:300],
            source=item.source,
            source_id=item.source_id,
        )
        for position, item in enumerate(ordered, start=1)
    )


@transaction.atomic
def letter_set_directions(*, letter: Letter, items: Sequence[dirs.DirectionItem]) -> Letter:
    """Replace a draft's directions with `items`, grouped as the letter says.

    The seam for remediation tasks: whatever turns tasks into DirectionItems calls this.
    """
    _refuse_unless_draft(letter)
    _set_directions(letter, items)
    prerender_draft_after_commit(letter.pk)
    return letter


def _as_item(direction: LetterDirection) -> dirs.DirectionItem:
    return dirs.DirectionItem(
        criterion_code=direction.criterion_code,
        criterion_title=direction.criterion_title,
        field_code=direction.field_code,
        field_title=direction.field_title,
        lost=direction.lost,
        reason=direction.reason,
        action=direction.action,
        deadline=direction.deadline,
        department=direction.department,
        officials=tuple(name for name in direction.officials.split("; ") if name),
        responsible=direction.responsible,
        source=direction.source,
        source_id=direction.source_id,
    )


@transaction.atomic
def letter_update(*, letter: Letter, fields: Mapping[str, Any], user=None) -> Letter:
    """Change a draft's header and signature fields; regroup its directions if asked.

    Choosing another signer or signing form writes the printed signing block anew from them
    (authority, title, name), so that what prints is what the signer will be asked to sign;
    another signer alone brings the form they sign in (KT. for a deputy, TM. for the
    chairperson).
    """
    _refuse_unless_draft(letter)
    # Compare with the stored values: a bound ModelForm has already set them on the instance.
    stored = Letter.objects.values("grouping", "signer_id", "signing_form").get(pk=letter.pk)
    regroup = fields.get("grouping", stored["grouping"]) != stored["grouping"]
    for name, value in fields.items():
        if name not in HEADER_FIELDS:
            raise ValueError(f"{name} is not a letter field one may edit")
        setattr(letter, name, value)
    new_signer = letter.signer_id != stored["signer_id"]
    if letter.signer_id is not None and (
        new_signer or letter.signing_form != stored["signing_form"]
    ):
        _check_signer(letter)
        if new_signer and letter.signing_form == stored["signing_form"]:
            # Another signer with the form left as it was: the form that signer signs in
            # (a deputy KT., the chairperson TM.), not the previous signer's.
            letter.signing_form = drafting.default_form(letter.signer)
        for name, value in drafting.signing_block(letter.signer, letter.signing_form).items():
            setattr(letter, name, value)
    letter.full_clean()
    letter.save()
    if regroup:
        _set_directions(letter, [_as_item(d) for d in letter.directions.all()])
    return letter


def _check_signer(letter: Letter) -> None:
    """The signer must be a current chairperson or deputy of the issuing unit."""
    if letter.signer_id not in {o.pk for o in drafting.signers(letter.issuing_unit)}:
        raise ValidationError(
            f"Người ký {letter.signer.user if letter.signer else ''} không phải Chủ tịch hoặc "
            f"Phó Chủ tịch đương nhiệm của {letter.issuing_unit}; hãy chọn người ký khác."
        )


@transaction.atomic
def letter_save_body(
    *,
    letter: Letter,
    paragraphs: Mapping[int, str],
    directions: Mapping[int, Mapping[str, Any]],
    group_names: Mapping[str, str] | None = None,
) -> Letter:
    """Save the edited text of a draft's paragraphs and directions, and renamed groups.

    `paragraphs` maps paragraph id to text; `directions` maps direction id to its edited
    fields (reason, action, deadline); `group_names` maps a group's old heading to its new one.
    Ids that belong to another letter are ignored.
    """
    _refuse_unless_draft(letter)
    _refuse_too_long(letter, paragraphs, directions)
    for paragraph in letter.paragraphs.filter(pk__in=list(paragraphs)):
        paragraph.text = paragraphs[paragraph.pk].strip()
        paragraph.full_clean()
        paragraph.save(update_fields=["text"])
    for direction in letter.directions.filter(pk__in=list(directions)):
        for name, value in directions[direction.pk].items():
            if name not in ("reason", "action", "deadline"):
                raise ValueError(f"{name} is not a direction field one may edit")
            setattr(direction, name, value.strip() if isinstance(value, str) else value)
        direction.full_clean()
        direction.save()
    for old, new in (group_names or {}).items():
        new = " ".join(new.split())
        if new and new != old:
            letter.directions.filter(group=old).update(group=new[:300])
    Letter.objects.filter(pk=letter.pk).update(updated_at=timezone.now())
    prerender_draft_after_commit(letter.pk)
    return letter


def _refuse_too_long(
    letter: Letter, paragraphs: Mapping[int, str], directions: Mapping[int, Mapping[str, Any]]
) -> None:
    """Refuse a body past the limits above, naming each text at fault (nothing is saved)."""
    problems = []
    total = 0
    for paragraph in letter.paragraphs.all():
        text = paragraphs.get(paragraph.pk, paragraph.text).strip()
        total += len(text)
        if len(text) > MAX_TEXT_CHARS:
            problems.append(_too_long(f"Đoạn thứ {paragraph.position}", len(text)))
    for direction in letter.directions.all():
        edited = directions.get(direction.pk, {})
        for name, label in (("reason", "Lý do bị trừ điểm"), ("action", "Nhiệm vụ")):
            text = str(edited.get(name, getattr(direction, name))).strip()
            total += len(text)
            if len(text) > MAX_TEXT_CHARS:
                label = f"Tiêu chí {direction.criterion_code}: {label.lower()}"
                problems.append(_too_long(label, len(text)))
    if total > MAX_BODY_CHARS:
        problems.append(
            f"Nội dung văn bản dài {grouped(total)} ký tự, quá giới hạn "
            f"{grouped(MAX_BODY_CHARS)} ký tự (khoảng 30 trang); hãy rút gọn."
        )
    if problems:
        raise ValidationError(problems)


def _too_long(label: str, length: int) -> str:
    return (
        f"{label} dài {grouped(length)} ký tự, quá giới hạn {grouped(MAX_TEXT_CHARS)} ký tự; "
        "hãy rút gọn hoặc tách thành nhiều đoạn."
    )


def _renumber(letter: Letter, ordered: list[LetterParagraph]) -> None:
    for position, paragraph in enumerate(ordered, start=1):
        if paragraph.position != position:
            paragraph.position = position
            paragraph.save(update_fields=["position"])


@transaction.atomic
def letter_paragraph_add(
    *,
    letter: Letter,
    after: LetterParagraph | None = None,
    kind: str = ParagraphKind.TEXT,
    text: str = "",
) -> LetterParagraph:
    """Insert a free paragraph (or heading) after `after`, or at the start of the body."""
    _refuse_unless_draft(letter)
    if kind not in (ParagraphKind.TEXT, ParagraphKind.HEADING):
        raise ValidationError("Chỉ thêm được đoạn văn hoặc đề mục.")
    ordered = list(letter.paragraphs.all())
    if len(ordered) >= MAX_PARAGRAPHS:
        raise ValidationError(
            f"Văn bản đã có {len(ordered)} đoạn, là số đoạn tối đa ({MAX_PARAGRAPHS}); "
            "hãy gộp hoặc xóa bớt đoạn trước khi thêm."
        )
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError(_too_long("Đoạn mới", len(text)))
    index = 0 if after is None else ordered.index(after) + 1
    paragraph = LetterParagraph(letter=letter, position=0, kind=kind, text=text)
    ordered.insert(index, paragraph)
    paragraph.position = index + 1
    paragraph.save()
    _renumber(letter, ordered)
    return paragraph


@transaction.atomic
def letter_paragraph_move(*, paragraph: LetterParagraph, offset: int) -> None:
    """Move a paragraph up (offset −1) or down (+1) in its letter's body."""
    letter = paragraph.letter
    _refuse_unless_draft(letter)
    ordered = list(letter.paragraphs.all())
    index = ordered.index(paragraph)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    _renumber(letter, ordered)


@transaction.atomic
def letter_paragraph_delete(*, paragraph: LetterParagraph) -> None:
    letter = paragraph.letter
    _refuse_unless_draft(letter)
    if paragraph.kind == ParagraphKind.DIRECTIONS:
        raise ValidationError(
            "Không xóa được phần các nhiệm vụ; hãy xóa từng nhiệm vụ nếu không cần."
        )
    paragraph.delete()
    _renumber(letter, list(letter.paragraphs.all()))


@transaction.atomic
def letter_direction_delete(*, direction: LetterDirection) -> None:
    _refuse_unless_draft(direction.letter)
    direction.delete()


@transaction.atomic
def letter_refresh_results(*, letter: Letter) -> Letter:
    """Rewrite the results paragraphs from the current numbers (after a score changed)."""
    _refuse_unless_draft(letter)
    sheet = assessment_sheet(letter.assessment)
    ranking = period_results(letter.assessment.framework, letter.assessment.period)
    draft = drafting.draft_for(letter.kind, sheet, ranking)
    fresh = [text for kind, text in draft.paragraphs if kind == ParagraphKind.RESULTS]
    for paragraph, text in zip(
        letter.paragraphs.filter(kind=ParagraphKind.RESULTS), fresh, strict=False
    ):
        paragraph.text = text
        paragraph.save(update_fields=["text"])
    return letter


@transaction.atomic
def letter_redraft_directions(*, letter: Letter) -> Letter:
    """Draft the directions again from the current lost criteria (edits to them are lost)."""
    _refuse_unless_draft(letter)
    _set_directions(letter, lost_criteria_directions(letter.assessment))
    return letter


def next_number(unit: Unit, year: int, series: str = CONG_VAN) -> int:
    """The next free number of a unit's register for the year and the series (the kind of
    symbol, `documents.series`): one more than the highest issued."""
    taken = Letter.objects.filter(
        issuing_unit=unit, number_year=year, number_series=series
    ).values_list("number", flat=True)
    return max(taken, default=0) + 1


@transaction.atomic
def letter_issue(
    *, letter: Letter, user=None, number: int | None = None, when: date | None = None
) -> Letter:
    """Issue an approved letter: give it a number, date it, freeze its content, store its PDF.

    Only a letter its signer approved is issued (`documents.approval`). The number is the next
    free one of the issuing unit's register for the year and the symbol's series, unless the
    office gives one (taken from the văn thư's register); a number already used is refused.
    """
    letter = (
        Letter.objects.select_for_update(of=("self",))
        .select_related(
            "assessment__unit", "assessment__period", "assessment__framework", "issuing_unit"
        )
        .get(pk=letter.pk)
    )
    _refuse_unless_approved(letter)
    when = when or letter.date or timezone.localdate()
    series = series_of(letter.symbol)
    # Lock the unit so that two letters issued at the same moment cannot take one number.
    Unit.objects.select_for_update().filter(pk=letter.issuing_unit_id).first()
    if number is None:
        number = next_number(letter.issuing_unit, when.year, series)
    elif Letter.objects.filter(
        issuing_unit=letter.issuing_unit, number_year=when.year, number_series=series, number=number
    ).exists():
        raise ValidationError(
            f"Số {number:02d} năm {when.year} trong sổ {series_in_text(series)} của "
            f"{letter.issuing_unit} đã được dùng; số tiếp theo còn trống là "
            f"{next_number(letter.issuing_unit, when.year, series):02d}."
        )
    letter.number, letter.number_year, letter.date = number, when.year, when
    letter.number_series = series
    letter.status = LetterStatus.ISSUED
    letter.issued_at = timezone.now()
    letter.issued_by = user if getattr(user, "is_authenticated", False) else None
    content = build_content(letter)
    letter.issued_content = content.to_json()
    letter.full_clean()
    rendered = pdf.letter_pdf(content)
    # Signing happens here, inside the issue's transaction: a signing failure refuses the
    # whole issue (no number taken, the letter as it was).
    stored = _sign_at_issue(letter, rendered)
    try:
        save_with_file(letter, "pdf", f"{number:02d}-{letter.symbol}.pdf", ContentFile(stored))
    except IntegrityError as exc:  # pragma: no cover - the unit lock makes this a last resort
        raise ValidationError(
            "Số văn bản vừa được dùng cho văn bản khác; hãy ban hành lại."
        ) from exc
    if letter.signature_kind == SignatureKind.SYSTEM:
        LetterEvent.objects.create(
            letter=letter,
            action=LetterAction.SIGNED,
            actor=letter.issued_by,
            comment=f"Ký số bằng chứng thư của {letter.signature_signer}.",
        )
    # Told only once the letter is numbered, stored and signed: a refused signature sends
    # nobody a notice of an issue that did not happen.
    LetterEvent.objects.create(letter=letter, action=LetterAction.ISSUED, actor=letter.issued_by)
    letter_moved.send(
        Letter, letter=letter, action=LetterAction.ISSUED, user=letter.issued_by, comment=""
    )
    return letter


def _sign_at_issue(letter: Letter, rendered: bytes) -> bytes:
    """Keep the unsigned PDF's hash; sign it when a key is configured (documents.signatures)."""
    letter.content_sha256 = signing.sha256(rendered)
    signed = signatures.sign_issued(letter, rendered)
    letter.signature_kind = SignatureKind.NONE if signed is None else SignatureKind.SYSTEM
    return rendered if signed is None else signed


@transaction.atomic
def letter_upload_signed(*, letter: Letter, upload: UploadedFile, user=None) -> Letter:
    """Keep a PDF signed outside the app (an office's USB token) as the issued version.

    Refused, changing nothing, unless it is a PDF whose signatures are intact, whose last
    signature covers the whole file, and whose signed content is exactly the issued document
    (`content_sha256`: signing adds a revision and keeps the issued bytes before it).
    """
    letter = Letter.objects.select_for_update(of=("self",)).get(pk=letter.pk)
    if letter.status != LetterStatus.ISSUED or not letter.content_sha256:
        raise ValidationError(
            f"{letter} chưa ban hành bằng hệ thống nên chưa có bản để đối chiếu; hãy ban hành "
            "văn bản trước rồi tải lên bản đã ký số."
        )
    data = signatures.read_pdf(upload)
    checked = signing.verify_pdf(data)
    problem = signatures.upload_problem(letter, upload.name, checked)
    if problem:
        raise ValidationError(problem)
    last = checked.last
    letter.signature_kind = SignatureKind.UPLOADED
    letter.signature_signer = last.signer[:300]
    letter.signature_time = last.time
    name = f"{letter.number:02d}-{letter.symbol}-ky-so.pdf"
    save_with_file(letter, "pdf", name, ContentFile(data))
    LetterEvent.objects.create(
        letter=letter,
        action=LetterAction.SIGNED_UPLOADED,
        actor=user if getattr(user, "is_authenticated", False) else None,
        comment=f"Bản ký số của {last.signer}, tệp “{upload.name[-200:]}”.",
    )
    return letter


def _refuse_unless_approved(letter: Letter) -> None:
    if letter.status == LetterStatus.APPROVED:
        return
    if letter.status == LetterStatus.ISSUED:
        raise ValidationError(f"{letter} đã ban hành rồi; hãy mở văn bản đã ban hành để tải về.")
    signer = letter.signer_name or "người ký"
    if letter.status == LetterStatus.SUBMITTED:
        raise ValidationError(
            f"Văn bản đang chờ {signer} duyệt ký nên chưa ban hành được; hãy chờ người ký "
            "duyệt, rồi ban hành."
        )
    raise ValidationError(
        f"Văn bản còn là dự thảo, {signer} chưa duyệt ký nên chưa ban hành được; hãy trình "
        "ký, chờ người ký duyệt, rồi ban hành."
    )


@transaction.atomic
def letter_delete(*, letter: Letter) -> None:
    _refuse_unless_draft(letter)
    letter.delete()


# --- phụ lục of every unit of a period, as one ZIP ------------------------------------------


@transaction.atomic
def bundle_create(
    *, user, framework: Framework, period: Period, assessments: Sequence[Assessment]
) -> DocumentBundle:
    """Ask for the phụ lục of `assessments` (what the user may see) as one ZIP."""
    if not assessments:
        raise ValidationError("Không có đơn vị nào đã công bố kết quả trong kỳ này.")
    bundle = DocumentBundle(
        framework=framework,
        period=period,
        requested_by=user,
        assessment_ids=[a.pk for a in assessments],
        total=len(assessments),
    )
    bundle.full_clean()
    bundle.save()
    return bundle


def bundle_build(*, bundle: DocumentBundle) -> DocumentBundle:
    """Build the ZIP: each unit's phụ lục of lost criteria as PDF and .xlsx, and the ranking.

    Runs on a worker once `jobs.claim` has taken the bundle. Progress is recorded after every
    unit, so the page that polls it shows the bar moving. The ZIP is written to a temporary
    file and stored only when complete: a worker killed midway leaves no partial archive.
    A failure is recorded on the bundle, in words the user can act on.
    """
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
                ranking = period_results(bundle.framework, bundle.period)
                ranking = [r for r in ranking if r.assessment.pk in set(bundle.assessment_ids)]
                table = ranking_table(bundle.framework, bundle.period, ranking)
                archive.writestr(f"{table.filename}.pdf", pdf.table_pdf(table))
                archive.writestr(f"{table.filename}.xlsx", xlsx.table_xlsx(table))
                assessments = Assessment.objects.filter(
                    pk__in=bundle.assessment_ids
                ).select_related("unit", "period", "framework")
                for done, assessment in enumerate(assessments.order_by("unit__name"), start=1):
                    table = lost_criteria_table(assessment_sheet(assessment))
                    archive.writestr(f"{table.filename}.pdf", pdf.table_pdf(table))
                    archive.writestr(f"{table.filename}.xlsx", xlsx.table_xlsx(table))
                    jobs.beat(bundle, done=done)
            spool.seek(0)
            bundle.refresh_from_db()
            bundle.file.save(f"phu-luc-{bundle.period.year}.zip", File(spool), save=False)
        bundle.status = JobStatus.DONE
        bundle.error = ""
    except OSError as exc:
        log.exception("Bundle %s: storage refused the archive", bundle.pk)
        bundle.refresh_from_db()
        bundle.status = JobStatus.FAILED
        bundle.error = (
            "Máy chủ không ghi được tệp (ổ đĩa đầy hoặc thư mục lưu trữ không ghi được: "
            f"{exc.strerror or exc}). Không có tệp dở dang nào được lưu"
        )
    except Exception:
        log.exception("Bundle %s failed", bundle.pk)
        bundle.refresh_from_db()
        bundle.status = JobStatus.FAILED
        bundle.error = "Lỗi khi dựng phụ lục; quản trị hệ thống xem chi tiết trong nhật ký máy chủ"
    bundle.finished_at = timezone.now()
    bundle.save()
    return bundle
