"""Template helpers of the round pages."""

from django import template

from rounds.access import runs_any_round

register = template.Library()


@register.filter
def runs_rounds(user) -> bool:
    """Whether the user runs some council's rounds (the "Đợt đánh giá" link in the menu)."""
    return runs_any_round(user)
