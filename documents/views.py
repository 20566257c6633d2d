"""Pages of the documents area: phụ lục downloads, the letter composer, issued letters, bundles.

Function views: resolve the object through documents.access (404 outside the user's scope),
parse a form, call a service, render or redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from cchc import jobs
from cchc.text import shorten
from documents import access, approval, selectors, services, signatures
from documents.content import letter_content
from documents.directions import group_items
from documents.forms import (
    BodyForm,
    CommentForm,
    IssueForm,
    LetterCreateForm,
    LetterHeaderForm,
    SignedPdfForm,
)
from documents.models import BundleStatus, LetterStatus, ParagraphKind
from documents.register import (
    number_and_symbol,
    register_xlsx,
    series_from_param,
    series_param,
    signer,
)
from documents.render import docx, pdf, xlsx
from documents.series import series_label, series_of
from documents.tables import lost_criteria_table, ranking_table, score_sheet_table
from documents.tasks import build_bundle
from scoring.access import get_assessment_for_user, visible_assessments
from scoring.selectors import assessment_sheet, period_results

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}
TABLES = {"phu-luc": lost_criteria_table, "bang-diem": score_sheet_table}


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[filename.rsplit(".", 1)[1]])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The rankings of one period (a selector over the periods with published results, newest
    first; `?ky=<period pk>`, bookmarkable; a period without a published result the user may
    see is 404), and the assessments the user may see, latest first, each with its documents."""
    visible = visible_assessments(request.user)
    periods = selectors.ranking_periods(visible)
    raw = request.GET.get("ky", "").strip()
    period = periods[0] if periods and not raw else None
    if raw:
        period = next((p for p in periods if str(p.pk) == raw), None)
        if period is None:
            raise Http404("Không có kết quả được công bố của kỳ này.")
    assessments = visible.order_by("-period__year", "period__kind", "unit__name")[:300]
    return render(
        request,
        "documents/index.html",
        {
            "assessments": assessments,
            "periods": periods,
            "period": period,
            "rankings": selectors.period_rankings(visible, period) if period else [],
        },
    )


@login_required
def register(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """The register of outgoing documents (sổ văn bản đi): one unit's issued letters of one
    year by series and in the order of their numbers (`?don_vi=&nam=&so=`, `so` a series:
    "BC", "cong-van", …; every series without it), as a page or an .xlsx."""
    choice = {}
    for name, key in (("unit_id", "don_vi"), ("year", "nam")):
        raw = request.GET.get(key, "").strip()
        if raw and not (raw.isdigit() and len(raw) < 10):
            raise Http404("Không có sổ văn bản này.")
        choice[name] = int(raw) if raw else None
    choice["series"] = series_from_param(request.GET.get("so", "").strip()[:20])
    try:
        data = selectors.register(request.user, **choice)
    except LookupError:
        raise Http404("Không có sổ văn bản này.") from None
    if fmt == "xlsx":
        if data.unit is None:
            raise Http404("Chưa có văn bản nào được ban hành.")
        part = f"-{series_param(data.series).lower()}" if data.series is not None else ""
        name = f"so-van-ban-di-{data.unit.code.lower()}-{data.year}{part}.xlsx"
        return _download(register_xlsx(data), name)
    rows = [
        (letter, number_and_symbol(letter), signer(letter), series_label(letter.number_series))
        for letter in data.letters
    ]
    series = [(series_param(s), series_label(s), s == data.series) for s in data.series_list]
    return render(
        request,
        "documents/register.html",
        {
            "register": data,
            "rows": rows,
            "series_options": series,
            "series_param": series_param(data.series) if data.series is not None else "",
        },
    )


@login_required
def assessment_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """An assessment's phụ lục downloads, its letters (issued and drafts) and the composer."""
    assessment = get_assessment_for_user(request.user, pk)
    letters = list(assessment.letters.select_related("issuing_unit"))
    issued = [letter for letter in letters if letter.status == LetterStatus.ISSUED]
    return render(
        request,
        "documents/assessment_documents.html",
        {
            "assessment": assessment,
            "results": assessment_sheet(assessment).results,
            "issued": issued,
            "drafts": [letter for letter in letters if letter not in issued],
            "may_compose": access.may_compose(request.user, assessment),
            "create_form": LetterCreateForm(),
        },
    )


@login_required
def assessment_table(request: HttpRequest, pk: int, table: str, fmt: str) -> HttpResponse:
    """Phụ lục (a) of lost criteria or (b) the full score sheet, as PDF or .xlsx."""
    assessment = get_assessment_for_user(request.user, pk)
    if table not in TABLES:
        raise Http404("Không có phụ lục này.")
    data = TABLES[table](assessment_sheet(assessment))
    body = pdf.table_pdf(data) if fmt == "pdf" else xlsx.table_xlsx(data)
    return _download(body, f"{data.filename}.{fmt}")


@login_required
def ranking(request: HttpRequest, framework_id: int, period_id: int, fmt: str) -> HttpResponse:
    """Phụ lục (c): the ranking of every unit of a framework and period, as PDF or .xlsx."""
    framework, period, _ = access.ranking_for_user(request.user, framework_id, period_id)
    data = ranking_table(framework, period, period_results(framework, period))
    body = pdf.table_pdf(data) if fmt == "pdf" else xlsx.table_xlsx(data)
    return _download(body, f"{data.filename}.{fmt}")


@login_required
@require_POST
def bundle_start(request: HttpRequest, framework_id: int, period_id: int) -> HttpResponse:
    """Start building every visible unit's phụ lục of a period as one ZIP, in the background."""
    framework, period, assessments = access.ranking_for_user(request.user, framework_id, period_id)
    with transaction.atomic():
        bundle = services.bundle_create(
            user=request.user, framework=framework, period=period, assessments=assessments
        )
        jobs.enqueue(build_bundle, bundle.pk)
    return redirect("documents:bundle_detail", pk=bundle.pk)


@login_required
def bundle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The bundle's progress bar; the page refreshes itself until the ZIP is ready."""
    bundle = access.get_bundle_for_user(request.user, pk)
    return render(
        request, "documents/bundle_detail.html", {"bundle": bundle, "running": bundle.in_progress}
    )


@login_required
def bundle_download(request: HttpRequest, pk: int) -> HttpResponse:
    bundle = access.get_bundle_for_user(request.user, pk)
    if bundle.status != BundleStatus.DONE or not bundle.file:
        raise Http404("Gói phụ lục chưa tạo xong.")
    name = f"phu-luc-{bundle.period.year}-{bundle.pk}.zip"
    return FileResponse(bundle.file.open("rb"), as_attachment=True, filename=name)


# --- letters -------------------------------------------------------------------------------


@login_required
@require_POST
def letter_create(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, pk)
    if not access.may_compose(request.user, assessment):
        raise PermissionDenied("Chỉ công chức phụ trách CCHC và lãnh đạo đơn vị soạn văn bản.")
    form = LetterCreateForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Hãy chọn loại văn bản: công văn, chỉ thị hoặc báo cáo.")
    letter = services.letter_create(
        assessment=assessment, kind=form.cleaned_data["kind"], user=request.user
    )
    return redirect("documents:letter_edit", pk=letter.pk)


@login_required
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as it prints, with its downloads; issuing for those who may."""
    letter = access.get_letter_for_user(request.user, pk)
    return _letter_page(request, letter)


def _letter_page(
    request, letter, issue_form=None, errors=(), status=200, upload_form=None
) -> HttpResponse:
    may_issue = letter.status == LetterStatus.APPROVED and access.may_issue(request.user, letter)
    may_upload = access.may_upload_signed(request.user, letter)
    if may_issue and issue_form is None:
        when = letter.date or timezone.localdate()
        proposed = services.next_number(letter.issuing_unit, when.year, series_of(letter.symbol))
        issue_form = IssueForm(initial={"number": proposed, "date": when})
    return render(
        request,
        "documents/letter_detail.html",
        {
            "letter": letter,
            "c": letter_content(letter),
            "may_edit": access.may_edit_letter(request.user, letter),
            "may_sign": access.may_sign(request.user, letter),
            "may_withdraw": access.may_withdraw(request.user, letter),
            "may_issue": may_issue,
            "issue_form": issue_form,
            "errors": errors,
            "events": letter.events.select_related("actor"),
            "submission_problems": approval.submission_problems(letter) if letter.is_draft else [],
            "may_upload": may_upload,
            "upload_form": upload_form or (SignedPdfForm() if may_upload else None),
        },
        status=status,
    )


@login_required
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The composer: header fields, the body's paragraphs and directions, all on one form.

    Every button saves the whole form first, then does its own step (add a paragraph after
    this one, move it, delete it, rewrite the results from the latest numbers, …).
    """
    letter = access.get_letter_for_user(request.user, pk)
    if not access.may_edit_letter(request.user, letter):
        raise PermissionDenied("Văn bản này không sửa được.")
    header = LetterHeaderForm(request.POST or None, instance=letter)
    body = BodyForm(letter, request.POST)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        valid = [header.is_valid(), body.is_valid()]  # both, so every mistake is listed
        if all(valid):
            try:
                anchor = _save_and_act(letter, header, body, request.POST.get("action", "save"))
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                url = reverse("documents:letter_edit", args=[letter.pk])
                return redirect(f"{url}?da-luu=1{anchor}")
        errors.extend(body.errors)
        status = 400  # refused: nothing was saved
    letter.refresh_from_db()
    paragraphs, directions = list(letter.paragraphs.all()), list(letter.directions.all())
    if status == 400:
        body.keep_typed(paragraphs, directions)
    return render(
        request,
        "documents/letter_edit.html",
        {
            "letter": letter,
            "header": header,
            "paragraphs": paragraphs,
            "groups": group_items(directions, key=lambda d: d.group),
            "errors": errors,
            "saved": request.method == "GET" and request.GET.get("da-luu") == "1",
        },
        status=status,
    )


def _save_and_act(letter, header: LetterHeaderForm, body: BodyForm, action: str) -> str:
    """Save the editor's form, then do the step its button asked for; returns the anchor."""
    with transaction.atomic():
        services.letter_update(letter=letter, fields=header.cleaned_data)
        services.letter_save_body(
            letter=letter,
            paragraphs=body.paragraphs,
            directions=body.directions,
            group_names=body.group_names,
        )
        verb, _, raw_id = action.partition(":")
        target = int(raw_id) if raw_id.isdigit() else None
        if verb in ("add", "heading", "up", "down", "delete"):
            return _paragraph_step(letter, verb, target)
        if verb == "delete-direction":
            direction = letter.directions.filter(pk=target).first()
            if direction is None:
                raise ValidationError("Không tìm thấy nhiệm vụ cần xóa.")
            services.letter_direction_delete(direction=direction)
            return "#directions"
        if verb == "refresh-results":
            services.letter_refresh_results(letter=letter)
            return "#body"
        if verb == "redraft-directions":
            services.letter_redraft_directions(letter=letter)
            return "#directions"
    return ""


def _paragraph_step(letter, verb: str, target: int | None) -> str:
    """Add a paragraph or heading after paragraph `target` (0: at the start), move or delete it."""
    paragraph = letter.paragraphs.filter(pk=target).first() if target else None
    if paragraph is None and not (verb in ("add", "heading") and target == 0):
        raise ValidationError("Không tìm thấy đoạn văn cần thao tác.")
    if verb in ("add", "heading"):
        kind = ParagraphKind.HEADING if verb == "heading" else ParagraphKind.TEXT
        added = services.letter_paragraph_add(letter=letter, after=paragraph, kind=kind)
        return f"#p-{added.pk}"
    if verb == "delete":
        services.letter_paragraph_delete(paragraph=paragraph)
        return "#body"
    services.letter_paragraph_move(paragraph=paragraph, offset=-1 if verb == "up" else 1)
    return f"#p-{paragraph.pk}"


@login_required
@require_POST
def letter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue an approved letter (the office or the signer); anything else is refused with the
    reason and nothing changes."""
    letter = access.get_letter_for_user(request.user, pk)
    if not access.may_issue(request.user, letter):
        raise PermissionDenied("Văn bản này không ban hành được.")
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _letter_page(request, letter, form, status=400)
    try:
        services.letter_issue(
            letter=letter,
            user=request.user,
            number=form.cleaned_data["number"],
            when=form.cleaned_data["date"],
        )
    except ValidationError as exc:
        return _letter_page(request, letter, form, errors=exc.messages, status=400)
    letter.refresh_from_db()
    messages.success(
        request, f"Đã ban hành {letter}; tệp PDF đã được lưu và nội dung được giữ nguyên."
    )
    return redirect("documents:letter_detail", pk=letter.pk)


def _signing_step(request: HttpRequest, pk: int, allowed, step, done: str) -> HttpResponse:
    """A step of trình ký from the letter page: 403 for whoever may not take it, the reason
    as an error message when the letter's state refuses it (nothing changes)."""
    letter = access.get_letter_for_user(request.user, pk)
    if not allowed(request.user, letter):
        raise PermissionDenied("Bạn không thực hiện được bước này với văn bản này.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Ý kiến: {' '.join(form.errors['comment'])}")
        return redirect("documents:letter_detail", pk=letter.pk)
    try:
        step(letter=letter, user=request.user, comment=form.cleaned_data["comment"])
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("documents:letter_detail", pk=letter.pk)


@login_required
@require_POST
def letter_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _signing_step(
        request,
        pk,
        access.may_edit_letter,
        approval.letter_submit,
        "Đã trình ký; người ký được thông báo và thấy văn bản trong mục Văn bản chờ ký.",
    )


@login_required
@require_POST
def letter_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _signing_step(
        request,
        pk,
        access.may_sign,
        approval.letter_approve,
        "Đã duyệt ký; văn phòng được thông báo để ban hành văn bản.",
    )


@login_required
@require_POST
def letter_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _signing_step(
        request,
        pk,
        access.may_sign,
        approval.letter_return,
        "Đã trả lại dự thảo kèm ý kiến; người soạn được thông báo để sửa.",
    )


@login_required
@require_POST
def letter_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _signing_step(
        request,
        pk,
        access.may_withdraw,
        approval.letter_withdraw,
        "Đã rút lại thành dự thảo; sửa xong hãy trình ký lại.",
    )


@login_required
def signing_queue(request: HttpRequest) -> HttpResponse:
    """Văn bản chờ ký: the submitted letters whose named signer is the user, oldest first."""
    return render(
        request,
        "documents/signing_queue.html",
        {"letters": selectors.awaiting_signature(request.user)},
    )


@login_required
@require_POST
def letter_upload_signed(request: HttpRequest, pk: int) -> HttpResponse:
    """Tải lên bản đã ký số: keep a PDF signed with the office's own token as the issued one."""
    letter = access.get_letter_for_user(request.user, pk)
    if not access.may_upload_signed(request.user, letter):
        raise PermissionDenied("Chỉ công chức phụ trách CCHC và lãnh đạo đơn vị tải lên bản ký số.")
    form = SignedPdfForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        return _letter_page(request, letter, errors=errors, status=400, upload_form=form)
    try:
        services.letter_upload_signed(
            letter=letter, upload=form.cleaned_data["file"], user=request.user
        )
    except ValidationError as exc:
        return _letter_page(request, letter, errors=exc.messages, status=400, upload_form=form)
    letter.refresh_from_db()
    messages.success(
        request,
        f"Đã lưu bản ký số của {letter}: chữ ký của {letter.signature_signer} nguyên vẹn và "
        "nội dung đúng bản đã ban hành.",
    )
    return redirect("documents:letter_detail", pk=letter.pk)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Kiểm tra văn bản ký số: any signed-in user uploads a PDF and reads the verdict."""
    form = SignedPdfForm(request.POST or None, request.FILES or None)
    verdict, errors, status = None, [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                data = signatures.read_pdf(form.cleaned_data["file"])
            except ValidationError as exc:
                errors, status = exc.messages, 400
            else:
                verdict = signatures.verify(data)
        else:
            errors, status = [e for field in form.errors.values() for e in field], 400
    letter = verdict.letter if verdict else None
    visible = access.visible_letters(request.user).filter(pk=letter.pk) if letter else None
    return render(
        request,
        "documents/verify.html",
        {
            "form": form,
            "verdict": verdict,
            "errors": errors,
            "letter_visible": visible is not None and visible.exists(),
            "name": form.cleaned_data["file"].name if verdict else "",
        },
        status=status,
    )


@login_required
@require_POST
def letter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    letter = access.get_letter_for_user(request.user, pk)
    if not access.may_edit_letter(request.user, letter):
        raise PermissionDenied("Văn bản này không xóa được.")
    assessment_id, subject = letter.assessment_id, letter.subject
    try:
        services.letter_delete(letter=letter)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect("documents:letter_detail", pk=letter.pk)
    messages.success(
        request, f"Đã xóa dự thảo {letter.get_kind_display().lower()} “{shorten(subject, 80)}”."
    )
    return redirect("documents:assessment", pk=assessment_id)


@login_required
def letter_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The letter as PDF (the stored file once issued), .docx, or its phụ lục as .xlsx."""
    letter = access.get_letter_for_user(request.user, pk)
    content = letter_content(letter)
    stem = _stem(letter)
    if fmt == "pdf":
        if letter.status == LetterStatus.ISSUED and letter.pdf:
            with letter.pdf.open("rb") as stream:
                return _download(stream.read(), f"{stem}.pdf")
        return _download(pdf.letter_pdf(content), f"{stem}.pdf")
    if fmt == "docx":
        return _download(docx.letter_docx(content), f"{stem}.docx")
    if content.appendix is None:
        raise Http404("Văn bản này không kèm phụ lục.")
    return _download(xlsx.table_xlsx(content.appendix), f"{stem}-phu-luc.xlsx")


def _stem(letter) -> str:
    kind = letter.kind.replace("_", "-")
    if letter.number is not None:
        return f"{kind}-{letter.number:02d}-{letter.symbol}-{letter.number_year}"
    return f"du-thao-{kind}-{letter.pk}"
