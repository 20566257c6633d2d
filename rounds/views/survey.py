"""The council's round-wide results (survey percentages, outside indices): a grid of the
round's units × its survey and outside criteria, saved one unit's row at a time, and the same
as an Excel sheet to download, fill in and upload (preview, then confirm, all or nothing).

For the round's council: those who run its rounds and its appraisers (`rounds.access`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cchc import jobs
from exchange import exports
from exchange import services as exchange_services
from exchange.forms import UploadForm
from exchange.models import ImportKind
from exchange.tasks import check_import
from rounds.access import get_round_for_council
from scoring import services
from scoring.grid import Mode, parse_grid
from scoring.survey import survey_columns, survey_lines


def _context(round_, *, entries=None, errors=None, failed_row=None, form=None) -> dict:
    columns = survey_columns(round_.framework)
    lines = survey_lines(round_, columns)
    entries, errors = entries or {}, errors or {}
    rows = []
    for line in lines:
        cells = []
        for score in line.cells:
            entry = entries.get(score.pk) if score else None
            cells.append(
                {
                    "score": score,
                    "typed": entry.raw.get("measure", "") if entry else _shown(score),
                    "version": entry.raw.get("version", "") if entry else (score and score.version),
                    "text": entry.raw.get("text", "")
                    if entry
                    else (score and score.appraisal_comment),
                    "errors": errors.get(score.pk, []) if score else [],
                }
            )
        rows.append({"line": line, "cells": cells, "failed": line.assessment.pk == failed_row})
    return {
        "round": round_,
        "columns": columns,
        "rows": rows,
        "upload_form": form or UploadForm(),
    }


def _shown(score) -> str:
    if score is None or score.appraised_measure is None:
        return ""
    return f"{score.appraised_measure.normalize():f}".replace(".", ",")


@login_required
def survey_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the grid. POST: one unit's row (`row` = its assessment), with the versions its
    cells were loaded at: a cell someone else saved since is refused with their value."""
    round_ = get_round_for_council(request.user, pk)
    if request.method != "POST":
        return render(request, "rounds/survey_grid.html", _context(round_))
    row = request.POST.get("row", "")
    assessment = (
        round_.assessments.select_related("unit", "framework")
        .filter(pk=int(row) if row.isdecimal() and len(row) < 18 else 0)
        .first()
    )
    if assessment is None:
        messages.error(request, "Không tìm thấy đơn vị của dòng vừa lưu; hãy tải lại trang.")
        return redirect("rounds:survey", pk=pk)
    columns = survey_columns(round_.framework)
    scores = list(
        assessment.scores.filter(criterion__in=columns).select_related(
            "criterion", "assessment__framework", "updated_by"
        )
    )
    entries = parse_grid(scores, request.POST, Mode.APPRAISE)
    try:
        saved = services.score_grid_save(
            assessment=assessment, entries=entries, mode=Mode.APPRAISE, user=request.user
        )
    except services.GridRefused as refused:
        messages.error(request, f"{assessment.unit}: {refused.messages[0]}")
        for score_pk, version in refused.conflicts.items():
            entries[score_pk].raw["version"] = str(version)  # saving again overwrites
        for score_pk in refused.refreshed:
            del entries[score_pk]
        context = _context(round_, entries=entries, errors=refused.errors, failed_row=assessment.pk)
        return render(request, "rounds/survey_grid.html", context, status=422)
    said = f"đã lưu {saved} kết quả." if saved else "không có thay đổi nào."
    messages.success(request, f"{assessment.unit}: {said}")
    return redirect(reverse("rounds:survey", args=[pk]) + f"#unit-{assessment.pk}")


@login_required
@require_GET
def survey_download(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_council(request.user, pk)
    export = exports.export_survey(round_)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
@require_POST
def survey_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep the uploaded sheet and have a worker read it; its preview lists every change and
    every error with its Excel row, and confirming writes all of it or nothing."""
    round_ = get_round_for_council(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = exchange_services.import_record_upload(
                kind=ImportKind.SURVEY,
                name=upload.name,
                data=upload.read(),
                user=request.user,
                options={"round_id": round_.pk},
            )
        except ValidationError as refused:
            form.add_error("file", refused)
        else:
            jobs.enqueue(check_import, job.pk)
            return redirect("exchange:record", pk=job.record_id)
    return render(request, "rounds/survey_grid.html", _context(round_, form=form), status=400)
