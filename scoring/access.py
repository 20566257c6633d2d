"""Who may see and do what, from their Official records. Every view goes through here.

- A unit's own officials see its assessments; staff enter the self-assessment (only their
  department's criteria when the unit restricts entry by department); the CCHC coordinator and
  the chairperson also review and submit it.
- Officials of a unit above (appraisers, chairpersons, coordinators, administrators) see the
  units below it; appraisers above a unit appraise and publish its assessments.
- Superusers see everything.

Objects outside a user's scope are answered with 404 (never 403), so a URL does not even reveal
that the object exists.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from scoring.models import Assessment, Official, Role, Score, Unit

SUPERVISING_ROLES = (
    Role.APPRAISER,
    Role.SECRETARY,
    Role.CHAIRPERSON,
    Role.COORDINATOR,
    Role.ADMINISTRATOR,
)
# Who runs a council's rounds: opens them, follows the board, publishes each group.
ROUND_ROLES = (Role.SECRETARY, Role.ADMINISTRATOR)
SUBMITTING_ROLES = (Role.COORDINATOR, Role.CHAIRPERSON)
MAX_DEPTH = 6  # province → district → commune is 3; leave room for other shapes


def officials_of(user) -> list[Official]:
    """The user's current posts (active, not ended), cached on the user for the request."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_cchc_officials"):
        user._cchc_officials = list(
            Official.objects.current().filter(user=user).select_related("unit", "department")
        )
    return user._cchc_officials


def below_q(unit_ids, prefix: str = "") -> Q:
    """Units whose parent, grandparent, … (up to MAX_DEPTH levels) is one of `unit_ids` (a set
    or a subquery): a join per level in one query, never a list of every descendant. `prefix`
    is the path to the unit from the model filtered ("unit__" for assessments)."""
    condition = Q()
    path = f"{prefix}parent"
    for _ in range(MAX_DEPTH):
        condition |= Q(**{f"{path}_id__in": unit_ids})
        path += "__parent"
    return condition


def descendant_ids(unit_ids: set[int]) -> set[int]:
    """All units below the given ones, at any depth (one query)."""
    if not unit_ids:
        return set()
    return set(Unit.objects.filter(below_q(unit_ids)).values_list("id", flat=True))


def own_unit_ids(user, roles=None) -> set[int]:
    return {o.unit_id for o in officials_of(user) if roles is None or o.role in roles}


def supervised_unit_ids(user, roles=SUPERVISING_ROLES) -> set[int]:
    """Units below those where the user holds one of `roles`."""
    if not hasattr(user, "_cchc_supervised"):
        user._cchc_supervised = {}
    key = tuple(roles)
    if key not in user._cchc_supervised:
        user._cchc_supervised[key] = descendant_ids(own_unit_ids(user, roles))
    return user._cchc_supervised[key]


def visible_unit_ids(user) -> set[int] | None:
    """Ids of the units whose assessments the user may see; None means all (superuser)."""
    if user.is_superuser:
        return None
    return own_unit_ids(user) | supervised_unit_ids(user)


def in_scope_q(user, prefix: str = "") -> Q | None:
    """The units the user may see as a filter on the model `prefix` leads from ("unit__" for
    assessments, "" for units): their posts' units and everything below where they supervise,
    by joins on the unit tree (a province's 3 300 communes are not sent as an id list). None
    means all (superuser)."""
    if user.is_superuser:
        return None
    condition = Q(**{f"{prefix}id__in": own_unit_ids(user)})
    supervising = own_unit_ids(user, SUPERVISING_ROLES)
    if supervising:
        condition |= below_q(supervising, prefix)
    return condition


def supervised_q(user, roles=SUPERVISING_ROLES, prefix: str = "") -> Q:
    """Units below those where the user holds one of `roles`, as a filter (see `in_scope_q`)."""
    return below_q(own_unit_ids(user, roles), prefix)


def visible_assessments(user) -> QuerySet[Assessment]:
    queryset = Assessment.objects.select_related("unit", "period", "framework")
    scope = in_scope_q(user, "unit__")
    return queryset if scope is None else queryset.filter(scope)


def get_assessment_for_user(user, pk: int) -> Assessment:
    """The assessment if the user may see it; 404 otherwise, whatever the reason."""
    try:
        return visible_assessments(user).get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404("Không tìm thấy bản đánh giá.") from None


def get_score_for_user(user, assessment: Assessment, pk: int) -> Score:
    """A score of an assessment the user may already see; 404 if it belongs elsewhere."""
    try:
        return assessment.scores.select_related(
            "criterion", "assessment__framework", "responsible_department"
        ).get(pk=pk)
    except Score.DoesNotExist:
        raise Http404("Không tìm thấy tiêu chí.") from None


def may_enter_self(user, assessment: Assessment) -> bool:
    """Staff, coordinator or chairperson of the assessed unit (superusers too)."""
    return user.is_superuser or assessment.unit_id in own_unit_ids(
        user, (Role.STAFF, *SUBMITTING_ROLES)
    )


def may_enter_self_for(user, score: Score) -> bool:
    """Whether the user may enter this criterion's self-assessment, department rules included."""
    assessment = score.assessment
    if not may_enter_self(user, assessment):
        return False
    if user.is_superuser or not assessment.unit.self_entry_by_department:
        return True
    posts = [o for o in officials_of(user) if o.unit_id == assessment.unit_id]
    if any(o.role in SUBMITTING_ROLES for o in posts):
        return True
    departments = {o.department_id for o in posts if o.department_id}
    return score.responsible_department_id in departments


def may_submit(user, assessment: Assessment) -> bool:
    return user.is_superuser or assessment.unit_id in own_unit_ids(user, SUBMITTING_ROLES)


def may_appraise(user, assessment: Assessment) -> bool:
    """Appraisers of a unit above the assessed one (superusers too)."""
    return user.is_superuser or assessment.unit_id in supervised_unit_ids(user, (Role.APPRAISER,))


def may_ever_appraise(user) -> bool:
    """Whether the user is an appraiser anywhere (superusers too): who needs the queue at all."""
    return user.is_authenticated and (
        user.is_superuser or bool(own_unit_ids(user, (Role.APPRAISER,)))
    )


def may_run_rounds(user, council_unit_id: int) -> bool:
    """The council's secretary and the administrators of its unit (superusers too)."""
    return user.is_superuser or council_unit_id in own_unit_ids(user, ROUND_ROLES)
