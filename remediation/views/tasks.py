"""Pages of remediation tasks: lists, the office's worktable per assessment, a task's page."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from remediation import access, selectors, services
from remediation.forms import AssignForm, NoteForm, StatusForm, TaskForm, first_error
from remediation.history import task_history
from remediation.models import Task, TaskStatus
from remediation.services.tasks import ALLOWED_STEPS
from scoring import access as scoring_access
from scoring.models import Official, Score, Unit

PAGE_SIZE = 50
# In scope (the user sees the task) but not theirs to change: 403 with the reason.
MAY_NOT_MANAGE = (
    "Chỉ công chức phụ trách CCHC và lãnh đạo đơn vị giao, sửa, xác nhận hoặc xóa việc."
)
# The largest id a database integer column holds. A larger number typed into a URL or a form
# names nothing; SQLite would fail on it with OverflowError (a 500) instead of finding nothing.
MAX_ID = 2**63 - 1


def _id(raw: str) -> int | None:
    """An id from a query string or a form, or None when it cannot be one."""
    return int(raw) if raw.isdigit() and int(raw) <= MAX_ID else None


def _refused(request, refused: ValidationError) -> None:
    for message in refused.messages:
        messages.error(request, message)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """Every task the user may see, filtered by unit, status or overdue, 50 to a page."""
    today = timezone.localdate()
    tasks = access.visible_tasks(request.user)
    units = Unit.objects.filter(pk__in=tasks.values("assessment__unit_id"))
    unit_id = request.GET.get("don_vi", "")
    status = request.GET.get("trang_thai", "")
    if unit_id.isdigit():
        unit_pk = _id(unit_id)
        tasks = tasks.filter(assessment__unit_id=unit_pk) if unit_pk else tasks.none()
    if status == "nhap":
        tasks = tasks.drafts()
    elif status == "qua_han":
        tasks = tasks.overdue(today)
    elif status in TaskStatus.values:
        tasks = tasks.assigned().filter(status=status)
    tasks = selectors.with_details(tasks).order_by("deadline", "assessment__unit__name", "pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("trang"))
    context = {
        "page": page,
        "tasks": page.object_list,
        "units": units.order_by("name"),
        "unit_id": unit_id,
        "status": status,
        "statuses": TaskStatus.choices,
        "today": today,
    }
    return render(request, "remediation/task_list.html", context)


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    context = {"rows": selectors.my_tasks(request.user), "today": timezone.localdate()}
    return render(request, "remediation/my_tasks.html", context)


@login_required
def my_tasks_panel(request: HttpRequest) -> HttpResponse:
    """The "Việc của tôi" box, loaded into the page each official lands on (htmx). Someone
    with no task gets nothing: an empty box on every assessment only pushes the sheet down."""
    rows = selectors.my_tasks(request.user)
    if not rows:
        return HttpResponse("")
    context = {"rows": rows, "today": timezone.localdate()}
    return render(request, "remediation/partials/my_tasks_list.html", context)


@login_required
def assessment_tasks(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """The office's worktable: drafts from the lost criteria, merge, add, assign."""
    assessment = scoring_access.get_assessment_for_user(request.user, assessment_pk)
    tasks = selectors.assessment_tasks(assessment)
    covered = {s.pk for t in tasks for s in t.scores.all()}
    uncovered = [s for s in services.lost_scores(assessment) if s.pk not in covered]
    today = timezone.localdate()
    context = {
        "assessment": assessment,
        "tasks": tasks,
        "uncovered": uncovered,
        "drafts": [t for t in tasks if t.is_draft],
        "may_manage": access.may_manage_unit(request.user, assessment.unit_id),
        "takes_tasks": services.takes_tasks(assessment),
        "assign_form": AssignForm(),
        "past_deadline": _past_deadline(request.GET.get("han-da-qua", ""), today),
        "today": today,
    }
    return render(request, "remediation/assessment_tasks.html", context)


def _past_deadline(raw: str, today):
    """The past deadline "Giao việc nháp" refused, to offer it again with the confirmation."""
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return None
    return day if day < today else None


def _managed_assessment(request, assessment_pk: int):
    assessment = scoring_access.get_assessment_for_user(request.user, assessment_pk)
    if not access.may_manage_unit(request.user, assessment.unit_id):
        raise PermissionDenied(MAY_NOT_MANAGE)
    return assessment


@login_required
@require_POST
def drafts_create(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, assessment_pk)
    try:
        created = services.task_drafts_create(assessment=assessment, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        if created:
            messages.success(
                request, f"Đã tạo {len(created)} việc nháp từ các tiêu chí bị trừ điểm."
            )
        else:
            messages.info(request, "Mọi tiêu chí bị trừ điểm đều đã có việc khắc phục.")
    return redirect("remediation:assessment_tasks", assessment_pk=assessment.pk)


@login_required
@require_POST
def tasks_merge(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, assessment_pk)
    ids = [pk for pk in map(_id, request.POST.getlist("task")) if pk is not None]
    tasks = list(assessment.tasks.filter(pk__in=ids).prefetch_related("scores", "assignees"))
    try:
        merged = services.task_merge(tasks=tasks, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
        return redirect("remediation:assessment_tasks", assessment_pk=assessment.pk)
    messages.success(request, f"Đã gộp {len(tasks)} việc thành một.")
    return redirect("remediation:task", pk=merged.pk)


@login_required
@require_POST
def tasks_assign_all(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, assessment_pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("remediation:assessment_tasks", assessment_pk=assessment.pk)
    url = reverse("remediation:assessment_tasks", args=[assessment.pk])
    try:
        report = services.tasks_assign(
            assessment=assessment,
            deadline=form.cleaned_data["deadline"],
            past_deadline_confirmed=form.cleaned_data["past_deadline_ok"],
            user=request.user,
        )
    except services.PastDeadline as refused:
        # The second step: the same deadline, now with the box to confirm it.
        messages.error(request, refused.messages[0])
        return redirect(f"{url}?han-da-qua={refused.deadline.isoformat()}#assign")
    except ValidationError as refused:
        _refused(request, refused)
        return redirect(url)
    messages.success(request, f"Đã giao {len(report.assigned)} việc.")
    if report.left:
        messages.warning(
            request,
            f"Còn {len(report.left)} việc nháp chưa giao vì thiếu người chủ trì, bộ phận phụ "
            "trách hoặc hạn: bấm vào từng việc để bổ sung rồi giao.",
        )
        for task, problem in report.left:
            link = reverse("remediation:task_edit", args=[task.pk])
            messages.warning(request, format_html('<a href="{}">{}</a>', link, problem))
    return redirect(url)


def _form_refused(form: TaskForm, refused: ValidationError) -> None:
    """Show the service's refusal on the form; a past deadline shows it at the deadline,
    with the box that confirms it."""
    if isinstance(refused, services.PastDeadline):
        form.add_error("deadline", refused.messages[0])
        form.asks_past_deadline = True
    else:
        form.add_error(None, refused)


def _task_fields(form: TaskForm) -> dict:
    data = form.cleaned_data
    return {
        "action": data["action"],
        "reason": data["reason"],
        "scores": list(data["scores"]),
        "points": data["points"],
        "lead": data["lead"],
        "assignees": list(data["assignees"]),
        "department": data["department"],
        "deadline": data["deadline"],
        "responsible_note": data["responsible_note"],
        "past_deadline_confirmed": data["past_deadline_ok"],
    }


@login_required
def task_add(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = _managed_assessment(request, assessment_pk)
    form = TaskForm(request.POST or None, assessment=assessment)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(
                assessment=assessment, user=request.user, **_task_fields(form)
            )
        except ValidationError as refused:
            _form_refused(form, refused)
        else:
            messages.success(request, "Đã thêm việc.")
            return redirect("remediation:task", pk=task.pk)
    context = {"assessment": assessment, "form": form, "task": None}
    return render(
        request, "remediation/task_form.html", context, status=422 if form.errors else 200
    )


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task_for_user(request.user, pk)
    if not access.may_manage(request.user, task):
        raise PermissionDenied(MAY_NOT_MANAGE)
    assessment = task.assessment
    initial = TaskForm.initial_for(task)
    form = TaskForm(request.POST or None, assessment=assessment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(task=task, user=request.user, **_task_fields(form))
        except ValidationError as refused:
            _form_refused(form, refused)
        else:
            messages.success(request, "Đã lưu việc.")
            return redirect("remediation:task", pk=task.pk)
    context = {"assessment": assessment, "form": form, "task": task}
    return render(
        request, "remediation/task_form.html", context, status=422 if form.errors else 200
    )


def _steps(task: Task, may_manage: bool, may_report: bool) -> list[TaskStatus]:
    """The statuses the user can move the task to from here."""
    if task.is_draft or not may_report:
        return []
    allowed = ALLOWED_STEPS[TaskStatus(task.status)]
    if not may_manage:
        if task.status == TaskStatus.VERIFIED:
            return []
        allowed = allowed - {TaskStatus.VERIFIED}
    return [status for status in TaskStatus if status in allowed]


def _detail_context(request, task: Task, note_form=None) -> dict:
    prefetch_related_objects(
        [task],
        Prefetch("scores", queryset=Score.objects.select_related("criterion")),
        Prefetch("assignees", queryset=Official.objects.select_related("user")),
    )
    may_manage = access.may_manage(request.user, task)
    may_report = may_manage or access.is_assigned_to(request.user, task)
    return {
        "task": task,
        "assessment": task.assessment,
        "notes": task.notes.select_related("author"),
        "files": task.files.select_related("uploaded_by"),
        "history": task_history(task),
        "may_manage": may_manage,
        "may_report": may_report,
        "steps": _steps(task, may_manage, may_report),
        "note_form": note_form or NoteForm(),
        "today": timezone.localdate(),
    }


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task_for_user(request.user, pk)
    return render(request, "remediation/task_detail.html", _detail_context(request, task))


def _reported_task(request, pk: int) -> Task:
    """The task, if the user may report on it; 403 when they only may see it."""
    task = access.get_task_for_user(request.user, pk)
    if not access.may_report(request.user, task):
        raise PermissionDenied(
            "Chỉ người được giao việc, công chức phụ trách CCHC và lãnh đạo đơn vị báo cáo tiến độ."
        )
    return task


@login_required
@require_POST
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task_for_user(request.user, pk)
    if not access.may_manage(request.user, task):
        raise PermissionDenied(MAY_NOT_MANAGE)
    try:
        services.task_assign(task=task, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, "Đã giao việc.")
    return redirect("remediation:task", pk=task.pk)


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    task = _reported_task(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("remediation:task", pk=task.pk)
    status = form.cleaned_data["status"]
    touches_verification = TaskStatus.VERIFIED in (status, task.status)
    if touches_verification and not access.may_manage(request.user, task):
        raise PermissionDenied(MAY_NOT_MANAGE)
    try:
        services.task_set_status(
            task=task, status=status, note=form.cleaned_data["note"], user=request.user
        )
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, f"Đã chuyển sang “{TaskStatus(status).label}”.")
    return redirect("remediation:task", pk=task.pk)


@login_required
@require_POST
def task_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a progress note; with htmx, answer with the refreshed list of notes."""
    task = _reported_task(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.task_note_add(
                task=task,
                text=form.cleaned_data["text"],
                date=form.cleaned_data["date"],
                user=request.user,
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            form = None
    if request.htmx:
        context = _detail_context(request, task, note_form=form)
        return render(request, "remediation/partials/notes.html", context)
    if form is not None:
        messages.error(request, first_error(form))
    else:
        messages.success(request, "Đã ghi nhận tiến độ.")
    return redirect("remediation:task", pk=task.pk)


@login_required
@require_POST
def task_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    task = _reported_task(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chưa chọn tệp để tải lên.")
        return redirect("remediation:task", pk=task.pk)
    try:
        services.task_file_add(task=task, upload=upload, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, f"Đã tải lên “{upload.name}”.")
    return redirect("remediation:task", pk=task.pk)


@login_required
def task_file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """Serve a task's file, only to users who may see the task."""
    stored = access.get_task_file_for_user(request.user, pk, file_pk)
    inline = stored.content_type in ("application/pdf", "image/png", "image/jpeg")
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=not inline,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def task_file_remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    _reported_task(request, pk)
    stored = access.get_task_file_for_user(request.user, pk, file_pk)
    try:
        services.task_file_delete(task_file=stored, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, f"Đã xóa “{stored.original_name}”.")
    return redirect("remediation:task", pk=pk)


@login_required
@require_POST
def task_remove(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task_for_user(request.user, pk)
    if not access.may_manage(request.user, task):
        raise PermissionDenied(MAY_NOT_MANAGE)
    assessment_pk = task.assessment_id
    try:
        services.task_delete(task=task, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
        return redirect("remediation:task", pk=pk)
    messages.success(request, "Đã xóa việc nháp.")
    return redirect("remediation:assessment_tasks", assessment_pk=assessment_pk)
