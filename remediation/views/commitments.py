"""Commitments and breakthrough work: officials register them, the office settles them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from remediation import access, selectors, services
from remediation.forms import CommitmentForm, CommitmentStatusForm, first_error, unit_officials
from remediation.models import CommitmentKind, CommitmentStatus
from scoring import access as scoring_access


def _unit_and_year(request):
    """The unit (?don_vi=, default the user's own) and year (?nam=, default this year)."""
    raw_unit = request.GET.get("don_vi", "")
    if raw_unit.isdigit():
        unit = access.get_unit_for_user(request.user, int(raw_unit))
    else:
        own = sorted(scoring_access.own_unit_ids(request.user))
        if not own:
            raise Http404("Bạn không thuộc đơn vị nào.")
        unit = access.get_unit_for_user(request.user, own[0])
    raw_year = request.GET.get("nam", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    return unit, year or timezone.localdate().year


def _registering_officials(user, unit):
    """Whom the user may register for: anyone of the unit if they manage it, else themselves."""
    officials = unit_officials(unit.pk)
    if access.may_manage_unit(user, unit.pk):
        return officials
    return officials.filter(user=user)


def _page_url(unit, year) -> str:
    return f"{reverse('remediation:commitments')}?don_vi={unit.pk}&nam={year}"


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    """A unit's commitments for a year, the 1.6-type score they give, and the register form."""
    unit, year = _unit_and_year(request)
    may_register = access.may_register_commitment(request.user, unit.pk)
    form = None
    if may_register:
        form = CommitmentForm(
            request.POST or None, officials=_registering_officials(request.user, unit)
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Chỉ cán bộ, công chức của đơn vị đăng ký cam kết của đơn vị.")
        if form.is_valid():
            try:
                services.commitment_register(
                    unit=unit, year=year, user=request.user, **form.cleaned_data
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, "Đã đăng ký.")
                return redirect(_page_url(unit, year))
    commitments = access.visible_commitments(request.user).filter(unit=unit, year=year)
    context = {
        "unit": unit,
        "year": year,
        "years": [year - 1, year, year + 1],
        "commitments": [c for c in commitments if c.kind == CommitmentKind.COMMITMENT],
        "breakthroughs": [c for c in commitments if c.kind == CommitmentKind.BREAKTHROUGH],
        "result": selectors.commitment_score(unit, year),
        "form": form,
        "may_manage": access.may_manage_unit(request.user, unit.pk),
        "statuses": CommitmentStatus.choices,
    }
    status = 422 if form is not None and form.errors else 200
    return render(request, "remediation/commitment_list.html", context, status=status)


@login_required
@require_POST
def commitment_status(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = access.get_commitment_for_user(request.user, pk)
    if not access.may_manage_unit(request.user, commitment.unit_id):
        raise PermissionDenied(
            "Chỉ công chức phụ trách CCHC và lãnh đạo đơn vị xác nhận kết quả cam kết."
        )
    form = CommitmentStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            services.commitment_set_status(
                commitment=commitment, user=request.user, **form.cleaned_data
            )
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            messages.success(request, f"Đã ghi kết quả: {commitment.get_status_display()}.")
    return redirect(_page_url(commitment.unit, commitment.year))


@login_required
@require_POST
def commitment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = access.get_commitment_for_user(request.user, pk)
    own = commitment.official.user_id == request.user.pk
    if not (own or access.may_manage_unit(request.user, commitment.unit_id)):
        raise PermissionDenied(
            "Chỉ người đăng ký, công chức phụ trách CCHC và lãnh đạo đơn vị xóa cam kết."
        )
    unit, year = commitment.unit, commitment.year
    try:
        services.commitment_delete(commitment=commitment, user=request.user)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, "Đã rút đăng ký.")
    return redirect(_page_url(unit, year))
