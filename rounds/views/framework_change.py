"""Moving an open round to a framework issued in its place: pick the new framework among those
that may take the round, see what would carry and what would not (a dry run), confirm; and the
list of what was not carried, as an .xlsx, for each change made.

Whoever runs the round's council (`rounds.access`) may do it; anyone else gets a 404.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cchc.spreadsheet import write
from rounds import access
from rounds.selectors import not_carried_rows
from scoring import services
from scoring.models import Framework, Round, RoundFrameworkChange

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ID = 2**63 - 1


def _chosen(request: HttpRequest, data, eligible: list[Framework]) -> Framework | None:
    """The framework named by `bo_chi_so`, if it is one of those offered; None when none is
    named; a message and None for anything else."""
    raw = (data.get("bo_chi_so") or "").strip()
    if not raw:
        return None
    chosen = next((f for f in eligible if str(f.pk) == raw), None)
    if chosen is None:
        messages.error(
            request,
            "Bộ chỉ số đã chọn không dùng được cho đợt này; hãy chọn trong danh sách.",
        )
    return chosen


def _page(request, round_: Round, eligible, chosen=None, report=None, status=200):
    context = {
        "round": round_,
        "eligible": eligible,
        "chosen": chosen,
        "report": report,
        "rows": not_carried_rows(report) if report else [],
    }
    return render(request, "rounds/framework_change.html", context, status=status)


@login_required
def framework_change(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the frameworks offered and, for the one chosen, the preview (a dry run)."""
    round_ = access.get_round_for_user(request.user, pk)
    eligible = services.eligible_frameworks(round_)
    chosen = _chosen(request, request.GET, eligible)
    report = None
    if chosen is not None:
        try:
            report = services.round_change_framework(
                round=round_, framework=chosen, user=request.user, dry_run=True
            )
        except ValidationError as refused:
            for message in refused.messages:
                messages.error(request, message)
    return _page(request, round_, eligible, chosen, report)


@login_required
@require_POST
def framework_change_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk)
    eligible = services.eligible_frameworks(round_)
    chosen = _chosen(request, request.POST, eligible)
    if chosen is None:
        if not (request.POST.get("bo_chi_so") or "").strip():
            messages.error(request, "Hãy chọn bộ chỉ số mới.")
        return _page(request, round_, eligible, status=422)
    try:
        report = services.round_change_framework(round=round_, framework=chosen, user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return _page(request, round_, eligible, status=422)
    messages.success(
        request,
        f"Đã chuyển đợt sang bộ chỉ số “{chosen}”: {report.carried} điểm tiêu chí chuyển sang, "
        f"{len(report.not_carried)} mục không chuyển được (xem lịch sử của đợt).",
    )
    return redirect("rounds:detail", pk=round_.pk)


@login_required
def framework_change_xlsx(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    """What one change did not carry, with the old values, as an .xlsx."""
    round_ = access.get_round_for_user(request.user, pk)
    change = (
        RoundFrameworkChange.objects.select_related("old_framework", "new_framework", "changed_by")
        .filter(round=round_, pk=min(change_pk, MAX_ID))
        .first()
    )
    if change is None:
        raise Http404("Không tìm thấy lần đổi bộ chỉ số.")
    book = Workbook()
    sheet = book.active
    sheet.title = "Không chuyển được"
    write(sheet, 1, 1, f"{round_.name}: đổi bộ chỉ số").font = Font(bold=True, size=13)
    write(sheet, 2, 1, f"Từ “{change.old_framework}” sang “{change.new_framework}”")
    when = timezone.localtime(change.changed_at)
    who = change.changed_by or "hệ thống"
    write(sheet, 3, 1, f"{when:%H:%M %d/%m/%Y} – {who}; {change.carried} điểm chuyển sang")
    headers = ("Đơn vị", "Mã", "Nội dung", "Lý do", "Giá trị cũ", "Ghi chú, tài liệu cũ")
    for col, label in enumerate(headers, start=1):
        write(sheet, 5, col, label).font = Font(bold=True)
    for r, row in enumerate(not_carried_rows(change), start=6):
        for col, key in enumerate(("unit", "code", "title", "reason", "values", "texts"), 1):
            write(sheet, r, col, row[key]).alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEF", (22, 9, 40, 50, 30, 40), strict=True):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A6"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"doi-bo-chi-so-dot-{round_.pk}-lan-{change.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
