"""Pages of a council's rounds: the list, opening a round in one form, a round's page (its
groups, units and history; add late units, close, re-open) and one unit's deadline extension.

Every page scopes through `rounds.access`: a round the user does not run is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rounds import access, selectors, services
from rounds.forms import ExtendForm, RoundCreateForm, StatusForm, end_of_day, first_error
from scoring import services as scoring
from scoring.models import Assessment

MAX_ID = 2**63 - 1


def _refused(request, refused: ValidationError) -> None:
    for message in refused.messages:
        messages.error(request, message)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    access.require_runs_rounds(request.user)
    rounds = selectors.round_list(access.visible_rounds(request.user))
    return render(request, "rounds/round_list.html", {"rounds": rounds})


def _councils_without_groups(councils) -> list[tuple]:
    """Councils the user runs that have no ranking group yet, with the groups suggested."""
    bare = [c for c in councils if not c.ranking_groups.exists()]
    return [(c, services.ranking_groups_suggest(council_unit=c)) for c in bare[:10]]


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    """Open a round in one form: council, framework, period, groups, exclusions, deadlines."""
    access.require_runs_rounds(request.user)
    councils = list(access.council_units(request.user).order_by("name"))
    form = RoundCreateForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_, report = services.round_create_and_open(
                council_unit=data["council_unit"],
                framework=data["framework"],
                year=data["year"],
                period_kind=data["period_kind"],
                name=data["name"],
                groups=list(data["groups"]),
                excluded=list(data["excluded"]),
                self_deadline=end_of_day(data["self_deadline"]),
                response_deadline=end_of_day(data.get("response_deadline")),
                appraisal_deadline=end_of_day(data.get("appraisal_deadline")),
                user=request.user,
            )
        except ValidationError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            _report_opening(request, report, opened=True)
            return redirect("rounds:detail", pk=round_.pk)
    context = {
        "form": form,
        "bare_councils": _councils_without_groups(councils),
        "name_placeholder": form.suggested_name(),
    }
    return render(request, "rounds/round_create.html", context, status=422 if form.errors else 200)


def _report_opening(request, report, *, opened: bool) -> None:
    created = len(report.created)
    if opened:
        messages.success(
            request,
            f"Đã mở đợt đánh giá: tạo {created} bản đánh giá ({report.scores} điểm tiêu chí).",
        )
    elif created:
        messages.success(request, f"Đã thêm {created} đơn vị mới vào đợt đánh giá.")
    else:
        messages.info(request, "Không có đơn vị mới: mọi đơn vị của đợt đã có bản đánh giá.")
    if report.already and opened:
        messages.warning(
            request,
            f"{len(report.already)} đơn vị đã có bản đánh giá kỳ này theo cùng bộ chỉ số "
            "từ trước; giữ nguyên bản đó (không thuộc đợt này).",
        )
    if report.elsewhere:
        names = ", ".join(str(u) for u in report.elsewhere[:10])
        messages.warning(
            request, f"Đã được đánh giá kỳ này theo bộ chỉ số khác, không thêm: {names}."
        )


@login_required
@require_POST
def groups_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """One click: the usual ranking groups for the kinds of units below the council."""
    council = access.council_units(request.user).filter(pk=unit_pk).first()
    if council is None:
        raise Http404("Không tìm thấy đơn vị.")
    try:
        created = services.ranking_groups_create_usual(council_unit=council)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        names = ", ".join(g.name for g in created) or "không có nhóm mới"
        messages.success(request, f"Đã tạo nhóm xếp hạng cho {council}: {names}.")
    return redirect("rounds:create")


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = access.get_round_for_user(request.user, pk)
    context = {
        "round": round_,
        "groups": selectors.round_groups(round_),
        "assessments": selectors.round_assessments(round_),
        "history": selectors.round_status_history(round_),
        "framework_changes": selectors.round_framework_changes(round_),
        "excluded": list(round_.excluded_units.all()),
        "status_form": StatusForm(),
    }
    return render(request, "rounds/round_detail.html", context)


@login_required
@require_POST
def round_add_units(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the assessments of units that joined the groups since (idempotent)."""
    round_ = access.get_round_for_user(request.user, pk)
    try:
        report = scoring.round_open(round_=round_, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        _report_opening(request, report, opened=False)
    return redirect("rounds:detail", pk=round_.pk)


@login_required
@require_POST
def round_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Close or re-open the round, with the reason kept in its history."""
    round_ = access.get_round_for_user(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("rounds:detail", pk=round_.pk)
    change = scoring.round_close if action == "dong" else scoring.round_reopen
    try:
        change(round_=round_, note=form.cleaned_data["note"], user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        done = "Đã đóng đợt đánh giá." if action == "dong" else "Đã mở lại đợt đánh giá."
        messages.success(request, done)
    return redirect("rounds:detail", pk=round_.pk)


def round_assessment(round_, assessment_pk: int) -> Assessment:
    """A unit's assessment within a round the user runs; 404 if it is not the round's."""
    if assessment_pk > MAX_ID:
        raise Http404("Không tìm thấy bản đánh giá.")
    try:
        return Assessment.objects.select_related("unit", "period", "framework").get(
            pk=assessment_pk, round=round_
        )
    except Assessment.DoesNotExist:
        raise Http404("Không tìm thấy bản đánh giá.") from None


@login_required
def deadline_extend(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    """Give one unit more time, with the reason: its row shows its own deadline after."""
    round_ = access.get_round_for_user(request.user, pk)
    assessment = round_assessment(round_, assessment_pk)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                scoring.deadline_extend(
                    assessment=assessment,
                    deadline=data["deadline"],
                    until=end_of_day(data["until"]),
                    reason=data["reason"],
                    user=request.user,
                )
        except ValidationError as refused:
            for message in refused.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, f"Đã gia hạn cho {assessment.unit} đến hết ngày {data['until']:%d/%m/%Y}."
            )
            return redirect("rounds:detail", pk=round_.pk)
    context = {
        "round": round_,
        "assessment": assessment,
        "form": form,
        "extensions": assessment.deadline_extensions.select_related("granted_by"),
    }
    return render(
        request, "rounds/deadline_extend.html", context, status=422 if form.errors else 200
    )
