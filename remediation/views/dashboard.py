"""The chairperson's dashboard of a unit, and the ranking a parent unit sees of its units."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
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


@login_required
def unit_dashboard(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = access.get_unit_for_user(request.user, unit_pk)
    today = timezone.localdate()
    context = {
        "board": dashboard.unit_dashboard(unit, today=today),
        "may_manage": access.may_manage_unit(request.user, unit.pk),
        "supervises": bool(scoring_access.supervised_unit_ids(request.user)),
        "rows": selectors.my_tasks(request.user),
        "today": today,
    }
    return render(request, "remediation/dashboard.html", context)


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("ky", "")
    today = timezone.localdate()
    key = raw if re.fullmatch(r"\d+-\d+", raw) else None
    result = dashboard.ranking(request.user, key=key, today=today)
    return render(request, "remediation/ranking.html", {"ranking": result, "today": today})
