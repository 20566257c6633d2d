"""Who hears of what: the unit's own people, and the council above it."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from scoring.models import Official, Role, Unit

UNIT_LEADS = (Role.COORDINATOR, Role.CHAIRPERSON)
COUNCIL = (Role.APPRAISER, Role.SECRETARY)


def _users(unit_ids, roles) -> list:
    return list(
        get_user_model()
        .objects.filter(
            pk__in=Official.objects.current()
            .filter(unit_id__in=list(unit_ids), role__in=list(roles))
            .values("user_id"),
            is_active=True,
        )
        .order_by("pk")
    )


def unit_people(units: list[Unit], roles=UNIT_LEADS) -> dict[int, list]:
    """For each unit, its officials in `roles` (one query for all units)."""
    posts = (
        Official.objects.current()
        .filter(unit__in=units, role__in=list(roles), user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    people: dict[int, list] = {u.pk: [] for u in units}
    for post in posts:
        if post.user not in people[post.unit_id]:
            people[post.unit_id].append(post.user)
    return people


def council_of(unit: Unit) -> list:
    """The appraisers and secretary of the unit directly above `unit` (its council)."""
    return _users([unit.parent_id], COUNCIL) if unit.parent_id else []


def letter_office(letter) -> list:
    """Who drafts a letter's unit's documents: the letter's drafter and the issuing unit's
    CCHC coordinators (one query)."""
    people = [letter.created_by] if letter.created_by_id else []
    for user in unit_people([letter.issuing_unit], roles=(Role.COORDINATOR,))[
        letter.issuing_unit_id
    ]:
        if user not in people:
            people.append(user)
    return people
