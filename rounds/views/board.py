"""The council's board: every unit of a round with its progress, sortable and filterable,
exported as CSV or .xlsx, with actions on the units ticked; and a unit's own progress by
department."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from cchc.spreadsheet import FORMULA_STARTS, sheet_text, write
from rounds import access, selectors, services
from rounds.forms import BulkForm, end_of_day, first_error
from rounds.selectors import Board, BoardRow
from scoring import access as scoring_access
from scoring import engine
from scoring.models import Assessment, AssessmentStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    ("don-vi", "Đơn vị"),
    ("nhom", "Nhóm"),
    ("trang-thai", "Trạng thái"),
    ("tu-danh-gia", "Đã tự chấm"),
    ("tai-lieu", "Tài liệu"),
    ("ngay-gui", "Ngày gửi"),
    ("tre-han", "Trễ hạn (ngày)"),
    (None, "Người thẩm định"),
    ("diem", "Điểm thẩm định"),
    ("tham-dinh", "Tiêu chí đã thẩm định"),
]


def _filters(request) -> dict:
    group = request.GET.get("nhom", "")
    return {
        "group_id": int(group) if group.isdigit() and len(group) < 18 else None,
        "status": request.GET.get("trang_thai", ""),
        "late_only": request.GET.get("tre_han") == "1",
        "sort": request.GET.get("sap_xep", ""),
    }


def _query(filters: dict, **changes) -> str:
    values = {
        "nhom": filters["group_id"] or "",
        "trang_thai": filters["status"],
        "tre_han": "1" if filters["late_only"] else "",
        "sap_xep": filters["sort"],
    }
    values.update(changes)
    return urlencode({k: v for k, v in values.items() if v})


def _headers(filters: dict) -> list[dict]:
    """Column headers, each linking to the board sorted by it (again: the other way)."""
    headers = []
    for key, label in COLUMNS:
        if key is None:
            headers.append({"label": label})
            continue
        current = filters["sort"]
        descending = current == key
        headers.append(
            {
                "label": label,
                "query": _query(filters, sap_xep=f"-{key}" if descending else key),
                "sorted": "ascending"
                if current == key
                else ("descending" if current == f"-{key}" else ""),
            }
        )
    return headers


@login_required
def board(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk)
    filters = _filters(request)
    result = selectors.board(round_, **filters)
    context = {
        "round": round_,
        "board": result,
        "filters": filters,
        "headers": _headers(filters),
        "query": _query(filters),
        "groups": list(round_.groups.all()),
        "statuses": AssessmentStatus.choices,
        "form": BulkForm(assessment_ids=[]),
        "today": timezone.localdate(),
    }
    return render(request, "rounds/board.html", context)


def _cells(row: BoardRow, appraisers: list[str]) -> list:
    a = row.assessment
    submitted = timezone.localtime(a.submitted_at).strftime("%d/%m/%Y") if a.submitted_at else ""
    return [
        a.unit.name,
        a.ranking_group.name if a.ranking_group else "",
        a.get_status_display(),
        f"{row.self_filled}/{row.self_leaves} ({row.self_percent}%)",
        row.files,
        submitted,
        row.days_late or "",
        ", ".join(appraisers),
        row.appraised_points,
        f"{row.appraised}/{row.leaves}",
    ]


def _csv_text(value) -> str:
    """A CSV cell a spreadsheet opens as the text it is: typed text starting with = + - @
    gets a leading apostrophe, numbers use the decimal comma."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = sheet_text(value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    if isinstance(value, int):
        return str(value)
    return engine.vn_number(value)


def _filename(round_, ext: str) -> str:
    return f"bang-theo-doi-dot-{round_.pk}-{timezone.localdate():%Y%m%d}.{ext}"


def _csv(round_, result: Board) -> HttpResponse:
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=";")
    out.writerow([label for _, label in COLUMNS])
    for row in result.rows:
        out.writerow([_csv_text(v) for v in _cells(row, result.appraisers)])
    # A byte-order mark so that Excel reads the Vietnamese letters as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(round_, "csv")}"'
    return response


def _xlsx(round_, result: Board) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "Bảng theo dõi"
    write(sheet, 1, 1, round_.name).font = Font(bold=True, size=13)
    write(sheet, 2, 1, f"Số liệu đến {timezone.localtime():%H:%M ngày %d/%m/%Y}")
    for col, (_, label) in enumerate(COLUMNS, start=1):
        write(sheet, 4, col, label).font = Font(bold=True)
    for r, row in enumerate(result.rows, start=5):
        for col, value in enumerate(_cells(row, result.appraisers), start=1):
            cell = write(sheet, r, col, value)
            if col == 9:
                cell.number_format = "0.00"
    for col, width in enumerate((28, 16, 22, 16, 9, 12, 10, 28, 12, 12), start=1):
        sheet.column_dimensions[chr(64 + col)].width = width
    sheet.freeze_panes = "B5"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(round_, "xlsx")}"'
    return response


@login_required
def board_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The board as shown (same filters and order), as CSV or .xlsx."""
    round_ = access.get_round_for_user(request.user, pk)
    result = selectors.board(round_, **_filters(request))
    return _csv(round_, result) if fmt == "csv" else _xlsx(round_, result)


def _board_url(round_, request) -> str:
    back = request.POST.get("query", "")
    url = reverse("rounds:board", kwargs={"pk": round_.pk})
    return f"{url}?{back}" if back and "\n" not in back and len(back) < 300 else url


@login_required
@require_POST
def board_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind, extend or accept-and-return the units ticked on the board."""
    round_ = access.get_round_for_user(request.user, pk)
    ids = list(Assessment.objects.filter(round=round_).values_list("pk", flat=True))
    form = BulkForm(request.POST, assessment_ids=ids)
    back = _board_url(round_, request)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(back)
    data = form.cleaned_data
    chosen = list(
        Assessment.objects.filter(round=round_, pk__in=data["chon"])
        .select_related("unit", "period", "framework")
        .order_by("unit__name")
    )
    if data["action"] == "nhac":
        _remind(request, round_, chosen)
    elif data["action"] == "gia-han":
        _extend(request, chosen, data)
    else:
        _accept(request, chosen)
    return redirect(back)


def _remind(request, round_, chosen) -> None:
    report = services.units_remind(round_=round_, assessments=chosen)
    if report.sent:
        messages.success(
            request,
            f"Đã gửi thư nhắc {len(report.sent)} đơn vị ({report.recipients} người nhận).",
        )
    if report.no_email:
        messages.warning(
            request,
            "Không gửi được (công chức phụ trách CCHC và lãnh đạo chưa có địa chỉ email): "
            + ", ".join(report.no_email)
            + ".",
        )


def _extend(request, chosen, data) -> None:
    try:
        count = services.deadlines_extend(
            assessments=chosen,
            deadline=data["deadline"] or "self_deadline",
            until=end_of_day(data["until"]),
            reason=data["reason"],
            user=request.user,
        )
    except ValidationError as refused:
        messages.error(request, "Chưa gia hạn đơn vị nào: " + " ".join(refused.messages))
    else:
        messages.success(
            request, f"Đã gia hạn cho {count} đơn vị đến hết ngày {data['until']:%d/%m/%Y}."
        )


def _accept(request, chosen) -> None:
    report = services.assessments_accept_and_return(assessments=chosen, user=request.user)
    if report.done:
        messages.success(
            request,
            f"Đã chấp nhận điểm tự đánh giá và gửi kết quả vòng 1: {', '.join(report.done)}.",
        )
    for unit, reason in report.refused:
        messages.error(request, f"{unit}: chưa làm được – {reason}")


@login_required
def unit_progress(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """A unit's self-assessment by department: what each has entered, and what is missing."""
    if assessment_pk > 2**63 - 1:
        raise Http404("Không tìm thấy bản đánh giá.")
    assessment = scoring_access.get_assessment_for_user(request.user, assessment_pk)
    departments = selectors.unit_progress(assessment)
    context = {
        "assessment": assessment,
        "departments": departments,
        "total": sum(d.total for d in departments),
        "with_self": sum(d.with_self for d in departments),
        "with_files": sum(d.with_files for d in departments),
    }
    return render(request, "rounds/unit_progress.html", context)
