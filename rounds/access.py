"""Which rounds a user may see: outside their scope a round answers 404."""

from __future__ import annotations

from django.http import Http404

from scoring.access import visible_unit_ids
from scoring.models import Round


def get_round_for_user(user, pk: int) -> Round:
    """The round if the user works in its council's unit or above it (superusers: any);
    404 otherwise, whatever the reason. What they may do there is checked by the view."""
    rounds = Round.objects.select_related("council_unit", "framework", "period")
    unit_ids = visible_unit_ids(user)
    if unit_ids is not None:
        rounds = rounds.filter(council_unit_id__in=unit_ids)
    try:
        return rounds.get(pk=pk)
    except Round.DoesNotExist:
        raise Http404("Không tìm thấy đợt đánh giá.") from None
