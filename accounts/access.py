"""Whose accounts a user manages: invites, adds to a unit, ends posts.

- Superusers: everyone.
- An administrator (role "Quản trị hệ thống") of a unit: the people of that unit and of every
  unit below it (a province's administrator onboards the whole province).
- A unit's CCHC coordinator and chairperson: the people of their own unit.

Outside that, a unit's people page answers 404, like every other page out of scope.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from scoring import access
from scoring.models import Official, Role, Unit

UNIT_MANAGERS = (Role.COORDINATOR, Role.CHAIRPERSON)


def managed_unit_ids(user) -> set[int] | None:
    """Ids of the units whose people the user manages; None means all (superuser)."""
    if user.is_superuser:
        return None
    administered = access.own_unit_ids(user, (Role.ADMINISTRATOR,))
    return (
        administered
        | access.descendant_ids(administered)
        | access.own_unit_ids(user, UNIT_MANAGERS)
    )


def manages_people(user) -> bool:
    unit_ids = managed_unit_ids(user)
    return unit_ids is None or bool(unit_ids)


def managed_units(user) -> QuerySet[Unit]:
    unit_ids = managed_unit_ids(user)
    units = Unit.objects.filter(is_active=True)
    return units if unit_ids is None else units.filter(pk__in=unit_ids)


def get_unit_for_manager(user, pk: int) -> Unit:
    try:
        return (
            Unit.objects.filter(is_active=True)
            .filter(pk__in=managed_units(user).values("pk"))
            .get(pk=pk)
        )
    except Unit.DoesNotExist:
        raise Http404("Không tìm thấy đơn vị.") from None


def get_official_for_manager(user, unit: Unit, pk: int) -> Official:
    try:
        return unit.officials.select_related("user", "department").get(pk=pk)
    except Official.DoesNotExist:
        raise Http404("Không tìm thấy cán bộ.") from None


def managed_users(user):
    """The accounts holding a current post in a unit the user manages (all for superusers)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    unit_ids = managed_unit_ids(user)
    if unit_ids is None:
        return users
    return users.filter(
        pk__in=Official.objects.current().filter(unit_id__in=unit_ids).values("user_id")
    )
