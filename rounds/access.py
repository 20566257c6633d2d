"""Who may open a round's pages: those who run the round's council (`may_run_rounds`)."""

from __future__ import annotations

from django.http import Http404

from scoring.access import may_run_rounds
from scoring.models import Round


def get_round_for_user(user, pk: int) -> Round:
    """The round if the user may run its council's rounds; 404 otherwise, whatever the reason."""
    round_ = (
        Round.objects.select_related("council_unit", "framework", "period").filter(pk=pk).first()
    )
    if round_ is None or not may_run_rounds(user, round_.council_unit_id):
        raise Http404("Không tìm thấy đợt đánh giá.")
    return round_
