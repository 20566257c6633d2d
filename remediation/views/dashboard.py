"""The chairperson's dashboard of a unit, and the ranking a parent unit sees of its units."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from remediation import access, dashboard, selectors
from scoring import access as scoring_access
from scoring.models import Assessment, Role


def landing_unit_id(user) -> int | None:
    """The unit whose dashboard the user lands on: one of their own units that is scored,
    the one where they are chairperson first (1 query)."""
    posts = scoring_access.officials_of(user)
    ranked = sorted(posts, key=lambda o: (o.role != Role.CHAIRPERSON, o.unit.name))
    scored = set(
        Assessment.objects.filter(unit_id__in=[o.unit_id for o in posts]).values_list(
            "unit_id", flat=True
        )
    )
    return next((o.unit_id for o in ranked if o.unit_id in scored), None)


PERIOD_NOT_FOUND = "Không có kết quả được công bố của kỳ này."


def _period_choice(request: HttpRequest, pattern: str) -> str | None:
    """The period asked for in `?ky=` (bookmarkable); None for the default, 404 for nonsense.
    Every page with a period selector answers 404 for a period it has no published result of,
    as for any object outside the user's scope."""
    raw = request.GET.get("ky", "").strip()
    if not raw:
        return None
    if not re.fullmatch(pattern, raw) or len(raw) > 40:
        raise Http404(PERIOD_NOT_FOUND)
    return raw


@login_required
def unit_dashboard(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, unit_pk)
    today = timezone.localdate()
    chosen = _period_choice(request, r"\d{1,18}")
    try:
        board = dashboard.unit_dashboard(
            unit, today=today, period_id=int(chosen) if chosen else None
        )
    except dashboard.PeriodNotPublished:
        raise Http404(PERIOD_NOT_FOUND) from None
    context = {
        "board": board,
        "may_manage": access.may_manage_unit(request.user, unit.pk),
        "supervises": bool(scoring_access.supervised_unit_ids(request.user)),
        "rows": selectors.my_tasks(request.user),
        "today": today,
    }
    return render(request, "remediation/dashboard.html", context)


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    key = _period_choice(request, r"\d{1,18}(-\d{1,18}){0,2}")
    page = request.GET.get("trang", "")
    try:
        result = dashboard.ranking(
            request.user,
            key=key,
            today=today,
            page=int(page) if page.isdigit() and len(page) < 7 else 1,
        )
    except dashboard.PeriodNotPublished:
        raise Http404(PERIOD_NOT_FOUND) from None
    return render(request, "remediation/ranking.html", {"ranking": result, "today": today})
