"""Pages of the scoring cycle: lists, the assessment page, its criteria, evidence, actions."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from cchc.dates import DayInput
from cchc.middleware import wants_json
from scoring import access, engine, services
from scoring.grid import Entry, Mode, parse_grid
from scoring.history import score_history
from scoring.models import AssessmentStatus, Evidence, EvidenceStage, Role, Score
from scoring.pages import field_groups, page_mode, row_views, rows_shown, status_steps
from scoring.parts import Scope, appraisal_scope, appraiser_queue
from scoring.selectors import (
    FILTER_ALL,
    SHEET_FILTERS,
    assessment_sheet,
    sheet_default_filter,
    sheet_filter_counts,
    sheet_filter_matches,
)
from scoring.survey import rounds_with_survey

# Columns of the assessment table after "Mã", by mode: a parent row spans them all.
COLUMNS_AFTER_CODE = {Mode.SELF: 5, Mode.APPRAISE: 6, Mode.RESPOND: 6, Mode.READ: 7}

AWAITING_APPRAISAL = (
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.RETURNED,
    AssessmentStatus.ROUND_2,
    AssessmentStatus.APPRAISED,
)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    assessments = access.visible_assessments(request.user).order_by(
        "-period__year", "period__kind", "unit__name"
    )
    return render(request, "scoring/assessment_list.html", {"assessments": assessments})


@login_required
def appraisal_queue(request: HttpRequest) -> HttpResponse:
    """Assessments of the units below the appraiser, those waiting for the council first."""
    units = access.supervised_unit_ids(request.user, (Role.APPRAISER,))
    queryset = access.visible_assessments(request.user)
    if not request.user.is_superuser:
        queryset = queryset.filter(access.supervised_q(request.user, (Role.APPRAISER,), "unit__"))
    # An appraiser given parts of a round finds that round's units under each part instead.
    parts = appraiser_queue(request.user, None if request.user.is_superuser else units)
    queryset = queryset.exclude(round_id__in={q.part.round_id for q in parts})
    waiting = queryset.filter(status__in=AWAITING_APPRAISAL).order_by("submitted_at", "unit__name")
    others = queryset.exclude(status__in=AWAITING_APPRAISAL).order_by(
        "-period__year", "unit__name"
    )[:50]
    return render(
        request,
        "scoring/appraisal_queue.html",
        {
            "parts": parts,
            "waiting": waiting,
            "others": others,
            "survey_rounds": rounds_with_survey(request.user),
        },
    )


def _scope(user, assessment, mode: Mode) -> Scope | None:
    """In appraisal mode, what the user may appraise (their parts, in a round with parts)."""
    return appraisal_scope(user, assessment) if mode == Mode.APPRAISE else None


def _page_context(request, assessment, mode, entries=None, errors=None) -> dict:
    sheet = assessment_sheet(assessment, with_evidence=True)
    scope = _scope(request.user, assessment, mode)
    sheet_filter = _sheet_filter(request, assessment, mode, sheet)
    # Rows being corrected stay on the page whatever the filter says.
    shown = sheet_filter["shown"] | set(entries or ()) | set(errors or ())
    views = row_views(sheet, request.user, mode, entries, errors, scope)
    groups = field_groups(rows_shown(views, shown))
    if scope is not None and scope.restricted:
        # A part-holder finds their own fields unfolded, the others folded (read-only).
        for field, rows in groups:
            field.folded = not any(v.editable or v.errors for v in rows)
    drafting = assessment.status == AssessmentStatus.DRAFT
    readiness = _readiness(assessment, sheet, shown) if drafting else None
    return {
        "scope": scope,
        "my_parts": _my_parts_progress(scope, views),
        "assessment": assessment,
        "sheet": sheet,
        "results": sheet.results,
        "mode": mode.value,
        "colspan": COLUMNS_AFTER_CODE[mode],
        "groups": groups,
        "filters": sheet_filter["tabs"],
        "filter": sheet_filter["active"],
        "any_editable": any(v.editable for _, rows in groups for v in rows),
        "steps": status_steps(assessment),
        "may_submit": access.may_submit(request.user, assessment),
        "may_appraise": access.may_appraise(request.user, assessment),
        "readiness": readiness,
        "missing": [gap.message for gap in readiness["gaps"]]
        if readiness
        else _missing(assessment, mode),
        "grid_errors": sorted((errors or {}).items()),
        "today": timezone.localdate(),
    }


def _entering(mode: Mode, assessment) -> str:
    """Which value counts for "chưa nhập": the one the page enters, or on a read-only page
    the one the assessment's stage is about."""
    if mode == Mode.RESPOND:
        return "response"
    if mode == Mode.SELF or (mode == Mode.READ and assessment.status == AssessmentStatus.DRAFT):
        return "self"
    return "appraised"


def _sheet_filter(request, assessment, mode: Mode, sheet) -> dict:
    """The filter asked for in ?loc= (or the page's default), the criteria it lists and the
    tabs with their counts. An unknown filter lists everything, and says so."""
    entering = _entering(mode, assessment)
    counts = sheet_filter_counts(sheet, entering)
    key = request.GET.get("loc", "").strip() or sheet_default_filter(assessment, counts)
    if key not in counts:
        messages.warning(request, f"Không có bộ lọc “{key[:40]}”; đang hiện tất cả tiêu chí.")
        key = FILTER_ALL
    shown = {
        row.score.pk
        for row in sheet.rows
        if row.is_leaf and row.score and sheet_filter_matches(key, row.score, entering)
    }
    tabs = [
        {"key": f.key, "label": f.label, "hint": f.hint, "count": counts[f.key]}
        for f in SHEET_FILTERS
        # Always "tất cả" and "chưa nhập"; the others once they list something.
        if f.key in (FILTER_ALL, "chua-nhap", key) or counts[f.key]
    ]
    return {"active": key, "shown": shown, "tabs": tabs}


def _readiness(assessment, sheet, shown: set[int]) -> dict:
    """For the self-assessment: how many criteria are entered, and what keeps the unit from
    submitting, each item linking to its row (on this page, or on the unfiltered one)."""
    gaps = services.self_assessment_gaps(assessment)
    # Survey and outside criteria are the council's: not counted as the unit's to enter.
    total = sum(
        1 for row in sheet.rows if row.is_leaf and row.score and row.criterion.is_self_assessed
    )
    entered = total - sum(1 for gap in gaps if gap.kind == "value")
    items = [
        {"gap": gap, "href": ("" if gap.score_id in shown else f"?loc={FILTER_ALL}")}
        for gap in gaps
    ]
    return {"entered": entered, "total": total, "gaps": gaps, "items": items}


def _my_parts_progress(scope: Scope | None, views) -> dict | None:
    """For a part-holder: their parts' names and how many of their criteria are done here."""
    if scope is None or not scope.restricted:
        return None
    mine = [
        v for v in views if v.row.is_leaf and v.score and v.score.criterion_id in scope.leaf_ids
    ]
    done = sum(
        1
        for v in mine
        if v.score.appraised_not_assessed
        or (
            v.score.appraised_value is not None
            and (
                not v.score.loses_points(v.score.appraised_value)
                or v.score.appraisal_comment.strip()
            )
        )
    )
    pending = sum(
        1 for v in mine if v.score.appraised_value is None and v.score.self_value is not None
    )
    return {"parts": scope.mine, "done": done, "total": len(mine), "pending_self": pending}


def _missing(assessment, mode: Mode) -> list[str]:
    if mode == Mode.SELF:
        return _linked(assessment, services.self_assessment_missing(assessment))
    if mode == Mode.APPRAISE:
        return _linked(assessment, services.appraisal_missing(assessment))
    return []


_CRITERION_FIRST = re.compile(r"Tiêu chí (\d+(?:\.\d+)*):")


def _linked(assessment, problems: list[str]) -> list[str | SafeString]:
    """Each problem that starts "Tiêu chí 1.2.3: …" as a link to that criterion's row of
    the assessment page, so that a refusal's list leads to what needs doing."""
    if not any(_CRITERION_FIRST.match(p) for p in problems):
        return problems
    rows = dict(assessment.scores.values_list("criterion__code", "pk"))
    linked = []
    for problem in problems:
        match = _CRITERION_FIRST.match(problem)
        pk = rows.get(match[1]) if match else None
        linked.append(format_html('<a href="#row-{}">{}</a>', pk, problem) if pk else problem)
    return linked


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment page: self-assessment, appraisal, explanations or read-only results."""
    assessment = access.get_assessment_for_user(request.user, pk)
    mode = page_mode(request.user, assessment)
    if request.method != "POST":
        return render(
            request, "scoring/assessment_detail.html", _page_context(request, assessment, mode)
        )
    if mode == Mode.READ:
        if wants_json(request):
            return JsonResponse({"message": READ_ONLY}, status=409)
        messages.error(request, READ_ONLY)
        return redirect(request.get_full_path())
    views = row_views(
        assessment_sheet(assessment),
        request.user,
        mode,
        scope=_scope(request.user, assessment, mode),
    )
    # Appraisal rows outside the user's part are read, so that the service refuses them with
    # the reason instead of the page dropping them silently.
    posted = [v.score for v in views if v.editable or (mode == Mode.APPRAISE and v.score)]
    entries = parse_grid(posted, request.POST, mode)
    try:
        saved = services.score_grid_save(
            assessment=assessment, entries=entries, mode=mode, user=request.user
        )
    except services.GridRefused as refused:
        if wants_json(request):
            return _refused_json(refused)
        messages.error(request, refused.messages[0])
        for pk in refused.refreshed:
            del entries[pk]  # shown with the other person's saved value
        for pk, version in refused.conflicts.items():
            entries[pk].raw["version"] = str(version)  # saving again overwrites, knowingly
        context = _page_context(request, assessment, mode, entries, refused.errors)
        return render(request, "scoring/assessment_detail.html", context, status=422)
    if wants_json(request):
        # The page's autosave: the rows' new versions, for its next save of the same rows.
        versions = Score.objects.filter(pk__in=entries).values_list("pk", "version")
        return JsonResponse({"saved": saved, "versions": {str(pk): v for pk, v in versions}})
    saved += _autosaved_before(request.POST, entries)
    messages.success(request, f"Đã lưu {saved} tiêu chí." if saved else "Không có thay đổi nào.")
    return redirect(request.get_full_path())  # the same filter (?loc=)


def _autosaved_before(data, entries: dict[int, Entry]) -> int:
    """Rows the page's autosave saved since it was loaded (it lists them in `autosaved`) and
    this save left as they were: counted in "Đã lưu N tiêu chí" with the rest, so that the
    message says what the user's typing saved, whenever it was sent."""
    listed = {int(pk) for pk in data.get("autosaved", "").split(",") if pk.isdecimal()}
    posted = {pk: entries[pk].version for pk in listed if pk in entries}
    # A row this save changed again has a newer version than the one posted.
    current = Score.objects.filter(pk__in=posted).values_list("pk", "version")
    return sum(1 for pk, version in current if version == posted[pk])


READ_ONLY = "Bản đánh giá hiện không nhận nhập liệu từ bạn; chưa lưu gì."


def _refused_json(refused: services.GridRefused) -> JsonResponse:
    """The autosave's refusal: per row, what is wrong; for a row someone else saved since the
    page was loaded, their version (the page shows the conflict and saves nothing over it)."""
    return JsonResponse(
        {
            "message": refused.messages[0],
            "errors": {str(pk): errors for pk, errors in refused.errors.items()},
            "conflicts": {str(pk): version for pk, version in refused.conflicts.items()},
            "refreshed": [str(pk) for pk in refused.refreshed],
        },
        status=422,
    )


@login_required
@require_POST
def assessment_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the computed scores, field subtotals and total for what is typed, unsaved."""
    assessment = access.get_assessment_for_user(request.user, pk)
    mode = page_mode(request.user, assessment)
    sheet = assessment_sheet(assessment)
    if mode not in (Mode.SELF, Mode.APPRAISE):
        return HttpResponse("")
    views = row_views(sheet, request.user, mode, scope=_scope(request.user, assessment, mode))
    entries = parse_grid([v.score for v in views if v.editable], request.POST, mode)
    rounding = assessment.framework.rounding
    values, computed, checks = {}, [], []
    for row in sheet.rows:
        if not row.is_leaf or row.score is None:
            continue
        score = row.score
        saved = score.self_value if mode == Mode.SELF else score.appraised_value
        entry = entries.get(score.pk)
        if entry is None:
            values[row.criterion.code] = saved
            continue
        value = None if entry.errors else entry.effective_value(rounding)
        values[row.criterion.code] = value
        if row.criterion.is_measured and mode == Mode.APPRAISE:
            computed.append((score.pk, entry, value, None, ""))  # the result's points
        elif row.criterion.method in engine.COUNTED_METHODS:
            counted = None
            if not entry.errors and entry.value is not None and entry.b is not None:
                counted = Entry(score=score, raw={}, b=entry.b, a=entry.a).effective_value(rounding)
            computed.append(
                (score.pk, entry, value, counted if counted != value else None, _step(entry))
            )
        else:  # a value over the maximum, or no number: said as it is typed
            checks.append((score.pk, entry.errors[0] if entry.errors else ""))
    nodes = [
        engine.Node(r.criterion.code, r.maximum, _parent_code(r), r.criterion.kind)
        for r in sheet.rows
    ]
    sums = engine.rollup(nodes, values)
    fields = [(r.criterion.code, sums[r.criterion.code]) for r in sheet.rows if r.depth == 0]
    total = _preview_total(assessment, nodes, values)
    return render(
        request,
        "scoring/partials/preview.html",
        {"computed": computed, "checks": checks, "fields": fields, "total": total},
    )


def _preview_total(assessment, nodes, values) -> Decimal:
    """The scored criteria's sum, plus the bonus items and minus the penalty items, each side
    held to the framework's cap."""
    framework = assessment.framework
    parents = {node.parent_code for node in nodes}
    leaves = [
        engine.Line(node.maximum, None, values.get(node.code), node.kind)
        for node in nodes
        if node.code not in parents
    ]
    return engine.lines_total(
        leaves, bonus_cap=framework.bonus_cap, penalty_cap=framework.penalty_cap
    )


def _step(entry: Entry) -> str:
    """The step a stepped ratio's typed counts reach, said beside the computed score."""
    criterion = entry.score.criterion
    if criterion.method != engine.Method.RATIO_STEPS or entry.errors or not entry.a:
        return ""
    return engine.step_reached(entry.b, entry.a, criterion.params)


def _parent_code(row) -> str | None:
    return row.criterion.code.rpartition(".")[0] or None


class ReturnForm(forms.Form):
    response_deadline = forms.DateField(
        label="Hạn giải trình",
        error_messages={"required": "Cần chọn hạn giải trình.", "invalid": "Ngày không hợp lệ."},
        widget=DayInput(),
    )


class PublishForm(forms.Form):
    decision = forms.CharField(
        label="Quyết định công bố",
        max_length=300,
        error_messages={"required": "Cần ghi số, ngày của quyết định công bố."},
    )


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


# In scope (the user sees the assessment) but not theirs to do: 403 with the reason.
UNIT_ONLY = "Chỉ công chức phụ trách CCHC và lãnh đạo đơn vị được đánh giá gửi bản tự đánh giá."
COUNCIL_ONLY = {
    "return": "Chỉ hội đồng thẩm định cấp trên trả kết quả vòng 1 để đơn vị giải trình.",
    "accept-self": "Chỉ hội đồng thẩm định cấp trên lấy điểm tự đánh giá làm điểm thẩm định.",
    "finalize": "Chỉ hội đồng thẩm định cấp trên chốt kết quả thẩm định.",
    "publish": "Chỉ hội đồng thẩm định cấp trên công bố kết quả.",
}
ROUND_2_ONLY = (
    "Chỉ công chức phụ trách CCHC, lãnh đạo đơn vị được đánh giá hoặc hội đồng thẩm định cấp "
    "trên chuyển sang thẩm định vòng 2."
)


def _allow(action: str, user, assessment) -> None:
    """Raise 404 for an action that does not exist, 403 with the reason for one the user may
    not take on this assessment, and a refusal (ValidationError) for a council that asks for
    round 2 while the unit may still explain."""
    if action == "submit":
        if not access.may_submit(user, assessment):
            raise PermissionDenied(UNIT_ONLY)
    elif action in COUNCIL_ONLY:
        if not access.may_appraise(user, assessment):
            raise PermissionDenied(COUNCIL_ONLY[action])
    elif action == "round2":
        if access.may_submit(user, assessment):
            return
        if not access.may_appraise(user, assessment):
            raise PermissionDenied(ROUND_2_ONLY)
        if assessment.response_open():
            deadline = assessment.response_deadline
            until = f" đến {timezone.localtime(deadline):%d/%m/%Y}" if deadline else ""
            raise ValidationError(
                f"Đơn vị còn hạn giải trình{until}; hội đồng chuyển sang vòng 2 khi hết hạn, "
                "hoặc sớm hơn khi đơn vị gửi giải trình."
            )
    else:
        raise Http404("Thao tác không có.")


def _run_action(request, assessment, action: str):
    user = request.user
    _allow(action, user, assessment)
    if action == "submit":
        services.assessment_submit(assessment=assessment, user=user)
        return "Đã gửi bản tự đánh giá để thẩm định."
    if action == "return":
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        deadline = _end_of_day(form.cleaned_data["response_deadline"])
        services.assessment_return(assessment=assessment, response_deadline=deadline, user=user)
        return "Đã gửi kết quả thẩm định vòng 1 cho đơn vị giải trình."
    if action == "round2":
        services.assessment_start_round_2(assessment=assessment, user=user)
        return "Đã chuyển sang thẩm định vòng 2."
    if action == "accept-self":
        filled = services.assessment_accept_self_values(assessment=assessment, user=user)
        return f"Đã lấy điểm tự đánh giá làm điểm thẩm định cho {filled} tiêu chí."
    if action == "finalize":
        services.assessment_finalize(assessment=assessment, user=user)
        return "Đã chốt kết quả thẩm định."
    form = PublishForm(request.POST)
    if not form.is_valid():
        raise ValidationError([e for errs in form.errors.values() for e in errs])
    services.assessment_publish(
        assessment=assessment, decision=form.cleaned_data["decision"], user=user
    )
    return "Đã công bố kết quả."


@login_required
@require_POST
def assessment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    assessment = access.get_assessment_for_user(request.user, pk)
    try:
        done = _run_action(request, assessment, action)
    except ValidationError as refused:
        for message in _linked(assessment, refused.messages):
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("scoring:assessment", pk=pk)


@login_required
def criterion_detail(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """One criterion: its numbers, evidence files (upload here) and the history of its score."""
    assessment = access.get_assessment_for_user(request.user, pk)
    score = access.get_score_for_user(request.user, assessment, score_pk)
    stage = _upload_stage(request.user, score)
    if request.method == "POST":
        _upload(request, score, stage)
        return redirect("scoring:criterion", pk=pk, score_pk=score_pk)
    context = {
        "assessment": assessment,
        "score": score,
        "criterion": score.criterion,
        "field": _field_of(score),
        "evidence": score.evidence.select_related("uploaded_by").prefetch_related(
            "linked_scores__criterion"
        ),
        "shared": score.linked_evidence.select_related("uploaded_by", "score__criterion"),
        "share_to": _share_targets(request.user, score, stage),
        "upload_stage": stage,
        "history": score_history(score),
        "rule": score.criterion.rule_text(),
    }
    return render(request, "scoring/criterion_detail.html", context)


def _upload(request, score, stage) -> bool:
    """Attach the files picked or dropped (field "files", several; "file", one), saying what
    happened as messages; True when they were stored."""
    uploads = request.FILES.getlist("files") or request.FILES.getlist("file")
    code = score.criterion.code
    if stage is None:
        messages.error(request, f"Tiêu chí {code}: bạn không thể tải tài liệu lên lúc này.")
        return False
    try:
        services.evidence_add_many(score=score, uploads=uploads, stage=stage, user=request.user)
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
        return False
    names = ", ".join(f"“{u.name}”" for u in uploads)
    if len(uploads) == 1:
        messages.success(request, f"Tiêu chí {code}: đã tải lên {names}.")
    else:
        messages.success(request, f"Tiêu chí {code}: đã tải lên {len(uploads)} tệp ({names}).")
    return True


def _share_targets(user, score, stage) -> list:
    """The other criteria of the assessment a file of this one may also prove: those the
    user may add files to in the same stage."""
    if stage is None:
        return []
    others = score.assessment.scores.exclude(pk=score.pk).select_related(
        "criterion", "assessment", "responsible_department"
    )
    return [s for s in others.order_by("criterion__sort_key") if _upload_stage(user, s) == stage]


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """Files picked or dropped on a row of the assessment page. A script's request (htmx
    header) gets the row's files cell back; a plain form post returns to the row."""
    assessment = access.get_assessment_for_user(request.user, pk)
    score = access.get_score_for_user(request.user, assessment, score_pk)
    stored = _upload(request, score, _upload_stage(request.user, score))
    if request.headers.get("HX-Request"):
        score = (
            assessment.scores.filter(pk=score.pk)
            .select_related("criterion")
            .prefetch_related("evidence", "linked_evidence")
            .get()
        )
        sent = [(m.tags, str(m)) for m in messages.get_messages(request)]
        context = {"assessment": assessment, "s": score, "sent": sent, "may_upload": True}
        return render(
            request,
            "scoring/partials/row_files.html",
            context,
            status=200 if stored else 422,
        )
    return redirect(reverse("scoring:assessment", args=[pk]) + f"#row-{score.pk}")


@login_required
@require_POST
def evidence_share(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Let a file prove other criteria of the assessment too (chosen on its criterion page)."""
    _, evidence = _get_evidence(request, pk, evidence_pk)
    owner = evidence.score
    stage = _upload_stage(request.user, owner)
    if stage != evidence.stage:
        raise PermissionDenied(EVIDENCE_CLOSED)
    allowed = {s.pk: s for s in _share_targets(request.user, owner, stage)}
    chosen = [allowed.get(int(v)) for v in request.POST.getlist("scores") if v.isdecimal()]
    targets = [s for s in chosen if s is not None]
    if not targets:
        messages.error(
            request,
            f"Tiêu chí {owner.criterion.code}: hãy chọn tiêu chí cũng dùng tệp "
            f"“{evidence.original_name}”.",
        )
    else:
        try:
            services.evidence_link(evidence=evidence, scores=targets, user=request.user)
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            codes = ", ".join(s.criterion.code for s in targets)
            messages.success(
                request, f"Tệp “{evidence.original_name}” dùng chung cho tiêu chí {codes}."
            )
    return redirect("scoring:criterion", pk=pk, score_pk=owner.pk)


@login_required
@require_POST
def evidence_unshare(request: HttpRequest, pk: int, evidence_pk: int, score_pk: int):
    """Stop a shared file proving one criterion (the file stays where it was uploaded)."""
    assessment, evidence = _get_evidence(request, pk, evidence_pk)
    score = access.get_score_for_user(request.user, assessment, score_pk)
    if _upload_stage(request.user, score) != evidence.stage:
        raise PermissionDenied(EVIDENCE_CLOSED)
    try:
        services.evidence_unlink(evidence=evidence, score=score, user=request.user)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(
            request,
            f"Tiêu chí {score.criterion.code}: đã gỡ tệp dùng chung “{evidence.original_name}”.",
        )
    return redirect("scoring:criterion", pk=pk, score_pk=score.pk)


def _field_of(score):
    code = score.criterion.code.split(".")[0]
    return score.assessment.framework.criteria.filter(code=code).first()


def _upload_stage(user, score) -> str | None:
    assessment = score.assessment
    if assessment.self_entry_open() and access.may_enter_self_for(user, score):
        return EvidenceStage.SELF
    if assessment.response_open() and access.may_enter_self(user, assessment):
        return EvidenceStage.RESPONSE
    return None


EVIDENCE_CLOSED = (
    "Chỉ cán bộ của đơn vị được nhập tiêu chí này xóa tài liệu, và chỉ khi giai đoạn "
    "nộp tài liệu đó (tự đánh giá hoặc giải trình) còn mở."
)


def _get_evidence(request, pk: int, evidence_pk: int):
    assessment = access.get_assessment_for_user(request.user, pk)
    evidence = (
        Evidence.objects.filter(pk=evidence_pk, score__assessment=assessment)
        .select_related("score__criterion", "score__assessment")
        .first()
    )
    if evidence is None:
        raise Http404("Không tìm thấy tài liệu.")
    return assessment, evidence


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """Serve an evidence file, only to users who may see its assessment."""
    _, evidence = _get_evidence(request, pk, evidence_pk)
    inline = evidence.content_type in ("application/pdf", "image/png", "image/jpeg")
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    _, evidence = _get_evidence(request, pk, evidence_pk)
    score = evidence.score
    if _upload_stage(request.user, score) != evidence.stage:
        raise PermissionDenied(EVIDENCE_CLOSED)
    try:
        services.evidence_delete(evidence=evidence, user=request.user)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, f"Đã xóa “{evidence.original_name}”.")
    return redirect("scoring:criterion", pk=pk, score_pk=score.pk)
