"""Publishing a round's results, one ranking group at a time: the ranking as it would be
frozen, the units still keeping the group back, the publish form; after publication the
record of each publication and the re-publication form (with its required reason)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cchc.dates import DayInput
from rounds.access import get_round_for_user
from scoring import services
from scoring.models import RankingGroup, Round
from scoring.publication_selectors import group_preview


class PublishForm(forms.Form):
    decision = forms.CharField(
        label="Quyết định công bố",
        max_length=300,
        error_messages={"required": "Hãy ghi số, ngày và cơ quan ban hành quyết định công bố."},
    )
    decided_on = forms.DateField(
        label="Ngày quyết định",
        widget=DayInput(),
        error_messages={"required": "Hãy chọn ngày quyết định.", "invalid": "Ngày không hợp lệ."},
    )


class RepublishForm(PublishForm):
    reason = forms.CharField(
        label="Lý do công bố lại",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Công bố lại cần ghi lý do."},
    )


def _round_and_group(request: HttpRequest, pk: int, group_pk: int) -> tuple[Round, RankingGroup]:
    """The round (404 unless the user runs its council's rounds) and one of its groups."""
    round_ = get_round_for_user(request.user, pk)
    group = round_.groups.filter(pk=group_pk).first()
    if group is None:
        raise Http404("Nhóm xếp hạng không thuộc đợt đánh giá này.")
    return round_, group


@login_required
def publication_preview(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    round_, group = _round_and_group(request, pk, group_pk)
    return _page(request, round_, group)


def _page(request, round_, group, form=None, republish_form=None, status=200) -> HttpResponse:
    preview = group_preview(round_=round_, group=group)
    today = timezone.localdate()
    context = {
        "round": round_,
        "group": group,
        "preview": preview,
        "form": form or PublishForm(initial={"decided_on": today}),
        "republish_form": republish_form or RepublishForm(initial={"decided_on": today}),
        "today": today,
    }
    return render(request, "rounds/publication_preview.html", context, status=status)


def _refused(request, refused: ValidationError) -> None:
    for message in refused.messages:
        messages.error(request, message)


@login_required
@require_POST
def publication_publish(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    round_, group = _round_and_group(request, pk, group_pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _page(request, round_, group, form=form, status=422)
    try:
        publication = services.group_publish(
            round_=round_, group=group, user=request.user, **form.cleaned_data
        )
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(
            request, f"Đã công bố kết quả nhóm “{group}”: {publication.unit_count} đơn vị."
        )
    return redirect("rounds:publication_preview", pk=pk, group_pk=group_pk)


@login_required
@require_POST
def publication_republish(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    round_, group = _round_and_group(request, pk, group_pk)
    form = RepublishForm(request.POST)
    if not form.is_valid():
        return _page(request, round_, group, republish_form=form, status=422)
    try:
        publication = services.group_republish(
            round_=round_, group=group, user=request.user, **form.cleaned_data
        )
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(
            request,
            f"Đã công bố lại kết quả nhóm “{group}” (lần {publication.revision - 1}): "
            f"{publication.unit_count} đơn vị, xếp hạng lại.",
        )
    return redirect("rounds:publication_preview", pk=pk, group_pk=group_pk)
