"""Who runs which council's rounds. Every round page scopes through `get_round_for_user`.

The council's secretary and the administrators of the council's unit run its rounds
(`scoring.access.may_run_rounds`); superusers run every council's. For anyone else a round
does not exist: 404, whatever the reason, so a URL does not reveal it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from scoring.access import ROUND_ROLES, own_unit_ids
from scoring.models import Role, Round, Unit, UnitKind

# Units that can hold a council: those with units below them to assess.
COUNCIL_KINDS = (
    UnitKind.PROVINCE,
    UnitKind.CENTRAL_CITY,
    UnitKind.PROVINCIAL_CITY,
    UnitKind.URBAN_DISTRICT,
    UnitKind.RURAL_DISTRICT,
    UnitKind.TOWN,
)


def council_units(user) -> QuerySet[Unit]:
    """The units whose rounds the user runs (a superuser: every active council-level unit)."""
    if user.is_superuser:
        return Unit.objects.filter(is_active=True, kind__in=COUNCIL_KINDS)
    return Unit.objects.filter(pk__in=own_unit_ids(user, ROUND_ROLES))


def runs_any_round(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(own_unit_ids(user, ROUND_ROLES)))


def visible_rounds(user) -> QuerySet[Round]:
    rounds = Round.objects.select_related("council_unit", "framework", "period")
    if user.is_superuser:
        return rounds
    return rounds.filter(council_unit_id__in=own_unit_ids(user, ROUND_ROLES))


def get_round_for_user(user, pk: int) -> Round:
    """The round if the user runs its council's rounds; 404 otherwise."""
    try:
        return visible_rounds(user).get(pk=pk)
    except Round.DoesNotExist:
        raise Http404("Không tìm thấy đợt đánh giá.") from None


def require_runs_rounds(user) -> None:
    """Pages for those who run some council's rounds: 404 for everyone else."""
    if not runs_any_round(user):
        raise Http404("Không tìm thấy trang.")


# Who enters the council's round-wide results (survey, outside indices): those who run its
# rounds and its appraisers.
SURVEY_ROLES = (*ROUND_ROLES, Role.APPRAISER)


def council_rounds(user) -> QuerySet[Round]:
    """Rounds of the councils where the user is secretary, administrator or appraiser."""
    rounds = Round.objects.select_related("council_unit", "framework", "period")
    if user.is_superuser:
        return rounds
    return rounds.filter(council_unit_id__in=own_unit_ids(user, SURVEY_ROLES))


def get_round_for_council(user, pk: int) -> Round:
    """The round if the user is of its council (runs its rounds or appraises); 404 otherwise."""
    try:
        return council_rounds(user).get(pk=pk)
    except Round.DoesNotExist:
        raise Http404("Không tìm thấy đợt đánh giá.") from None


def may_enter_survey(user, round_id: int | None) -> bool:
    return (
        user.is_authenticated
        and round_id is not None
        and council_rounds(user).filter(pk=round_id).exists()
    )
