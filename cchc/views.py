from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from remediation.dashboard import ranking_unit_ids
from remediation.views import dashboard as dashboard_views
from remediation.views.dashboard import landing_unit_id
from scoring import access
from scoring.models import AssessmentStatus, Role
from scoring.selectors import home_results


def _current_assessment(user):
    """The latest assessment of the user's own unit, an open one before a published one."""
    units = access.own_unit_ids(user, (Role.STAFF, Role.COORDINATOR))
    assessments = access.visible_assessments(user).filter(unit_id__in=units)
    # Within a year the annual round comes after the mid-year one: "annual" < "mid_year".
    ordered = assessments.order_by("-period__year", "period__kind", "unit__name")
    return ordered.exclude(status=AssessmentStatus.PUBLISHED).first() or ordered.first()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands where its work is: staff on their unit's current assessment,
    appraisers on the units awaiting appraisal, chairpersons on the summary."""
    user = request.user
    roles = {o.role for o in access.officials_of(user)}
    if Role.CHAIRPERSON in roles:
        return redirect("summary")
    if Role.APPRAISER in roles or user.is_superuser:
        return redirect("scoring:queue")
    current = _current_assessment(user)
    if current is not None:
        return redirect("scoring:assessment", pk=current.pk)
    return redirect("summary")


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """Officials of a scored unit see its dashboard (the chairperson's first page); officials
    above units see the ranking of the units below; anyone else the results they may see."""
    unit_id = landing_unit_id(request.user)
    if unit_id is not None:
        return dashboard_views.unit_dashboard(request, unit_id)
    if ranking_unit_ids(request.user) != set():
        return dashboard_views.ranking(request)
    return render(request, "cchc/summary.html", {"results": home_results(request.user)})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """For the pages' scripts, before a save: is the session still there (a 401 if not, see
    cchc.middleware), and the current CSRF token (it changes at each sign-in)."""
    return JsonResponse({"user": request.user.get_username(), "csrf_token": get_token(request)})
