"""Excel pages: downloads, uploads with their preview, confirm or cancel, copy a framework.

Every view scopes through `scoring.access` / `exchange.access`: what the user may not reach is
404; an assessment they see but may not import into is 403, with the reason. Uploads only
create a preview; confirming has the worker apply the preview stored with the import record
(nothing from the form but the record's id in the URL). Reading an upload into its preview
is a worker's job too: the web process stores the file and never parses it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc import jobs
from exchange import access as exchange_access
from exchange import exports, services
from exchange.forms import AppraisalUploadForm, FrameworkCopyForm, UploadForm
from exchange.models import (
    ImportApplication,
    ImportCheck,
    ImportKind,
    ImportRecord,
    ImportStatus,
)
from exchange.selectors import (
    assessments_for_user,
    framework_next_year,
    frameworks_for_user,
    records_for_user,
)
from exchange.tasks import apply_import, check_import
from scoring import access
from scoring.models import Assessment

ADMIN_KINDS = {
    "bo-chi-so": ImportKind.FRAMEWORK,
    "don-vi": ImportKind.UNITS,
    "can-bo": ImportKind.OFFICIALS,
}


def _download(export: exports.Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Everything the user can move through Excel, and their latest imports."""
    user = request.user
    is_admin = exchange_access.is_exchange_admin(user)
    copyable = set()
    if is_admin:
        copyable = set(exchange_access.copyable_frameworks(user).values_list("id", flat=True))
    context = {
        "assessments": assessments_for_user(user),
        "frameworks": list(frameworks_for_user(user)),
        "records": records_for_user(user),
        "is_admin": is_admin,
        "copyable": copyable,
        "upload_form": UploadForm(),
    }
    return render(request, "exchange/index.html", context)


def _assessment_page(request, assessment: Assessment, forms: dict | None = None, status=200):
    user = request.user
    forms = forms or {}
    context = {
        "assessment": assessment,
        "may_self": access.may_enter_self(user, assessment),
        "self_refusal": exchange_access.self_upload_refusal(assessment),
        "may_appraise": access.may_appraise(user, assessment),
        "appraisal_refusal": exchange_access.appraisal_upload_refusal(assessment),
        "self_form": forms.get(ImportKind.SELF_ASSESSMENT) or UploadForm(),
        "appraisal_form": forms.get(ImportKind.APPRAISAL) or AppraisalUploadForm(),
        "records": records_for_user(user, assessment),
    }
    return render(request, "exchange/assessment_exchange.html", context, status=status)


@login_required
@require_GET
def assessment_exchange(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    return _assessment_page(request, assessment)


@login_required
@require_GET
def self_sheet_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    return _download(exports.export_self_sheet(assessment))


@login_required
@require_GET
def appraisal_download(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    lost_only = request.GET.get("tat-ca") != "1"
    return _download(exports.export_appraisal(assessment, lost_only=lost_only))


@login_required
@require_POST
def assessment_upload(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Upload a self-assessment sheet or an appraisal table: keep it, show its preview."""
    assessment = access.get_assessment_for_user(request.user, pk)
    if not exchange_access.may_import(request.user, kind, assessment):
        raise PermissionDenied(
            "Chỉ hội đồng thẩm định cấp trên nhập bảng kết quả thẩm định."
            if kind == ImportKind.APPRAISAL
            else "Chỉ cán bộ, công chức của đơn vị nhập bảng tự đánh giá."
        )
    form_class = AppraisalUploadForm if kind == ImportKind.APPRAISAL else UploadForm
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            record = _keep(request, form, kind, assessment)
        except ValidationError as refused:
            form.add_error("file", refused)
        else:
            return redirect("exchange:record", pk=record.pk)
    return _assessment_page(request, assessment, {kind: form}, status=400)


def _keep(request, form: UploadForm, kind: str, assessment=None) -> ImportRecord:
    """Store the upload and have a worker read it; the record page follows the reading."""
    upload = form.cleaned_data["file"]
    job = services.import_record_upload(
        kind=kind,
        name=upload.name,
        data=upload.read(),
        user=request.user,
        assessment=assessment,
        options=form.options(),
    )
    jobs.enqueue(check_import, job.pk)
    return job.record


@login_required
@require_POST
def admin_upload(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload a framework, units or officials workbook (administrators)."""
    exchange_access.require_admin(request.user)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            record = _keep(request, form, ADMIN_KINDS[kind])
        except ValidationError as refused:
            form.add_error("file", refused)
        else:
            return redirect("exchange:record", pk=record.pk)
    messages.error(request, " ".join(form.errors["file"]))
    return redirect("exchange:index")


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: row by row what would change, errors and warnings with their Excel row."""
    record = exchange_access.get_record_for_user(request.user, pk)
    preview = record.get_preview()
    applying = record.status == ImportStatus.APPLYING
    checking = record.status == ImportStatus.CHECKING
    job = None
    if applying:
        job = ImportApplication.objects.filter(record=record).first()
    elif checking:
        job = ImportCheck.objects.filter(record=record).first()
    context = {
        "record": record,
        "applying": applying,
        "checking": checking,
        "job": job,
        "preview": preview,
        "errors": preview.errors,
        "warnings": preview.warnings,
        "changed": [r for r in preview.rows if r.changes or r.problems],
        "quiet": [r for r in preview.rows if not (r.changes or r.problems)],
    }
    return render(request, "exchange/import_preview.html", context)


@login_required
@require_POST
def record_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm: a worker applies the stored preview; the record page follows it."""
    record = exchange_access.get_record_for_user(request.user, pk)
    try:
        job = services.import_record_queue(record=record, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        jobs.enqueue(apply_import, job.pk)
        record.refresh_from_db()  # without a broker the job has already run
        # The record page states the outcome once it is known; a message would repeat it.
        if record.status not in (ImportStatus.APPLIED, ImportStatus.FAILED):
            messages.info(request, "Đã xác nhận; máy chủ đang nhập tệp.")
    return redirect("exchange:record", pk=pk)


@login_required
@require_POST
def record_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    record = exchange_access.get_record_for_user(request.user, pk)
    try:
        services.import_record_cancel(record=record, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("exchange:record", pk=pk)


@login_required
@require_GET
def record_file(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded file as it was kept, for the audit trail."""
    record = exchange_access.get_record_for_user(request.user, pk)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.original_name)


@login_required
@require_GET
def framework_download(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_object_or_404(frameworks_for_user(request.user), pk=pk)
    return _download(exports.export_framework(framework))


@login_required
@require_http_methods(["GET", "POST"])
def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy last year's framework as next year's, from a short form."""
    exchange_access.require_admin(request.user)
    source = get_object_or_404(exchange_access.copyable_frameworks(request.user), pk=pk)
    year = framework_next_year(source)
    form = FrameworkCopyForm(
        request.POST or None,
        initial={"name": f"{source.name} – áp dụng từ năm {year}", "year_from": year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.framework_copy(source=source, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Đã tạo bộ chỉ số “{copy}” từ năm {copy.year_from}.")
            return redirect("exchange:index")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "exchange/framework_copy.html", {"form": form, "source": source}, status=status
    )


@login_required
@require_GET
def list_download(request: HttpRequest, kind: str) -> HttpResponse:
    exchange_access.require_admin(request.user)
    allowed = exchange_access.admin_unit_ids(request.user)
    if ADMIN_KINDS[kind] == ImportKind.UNITS:
        return _download(exports.export_units(allowed))
    return _download(exports.export_officials(allowed))
