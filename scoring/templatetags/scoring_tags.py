"""Template helpers of the scoring pages."""

from django import template

from scoring.access import may_ever_appraise

register = template.Library()


@register.filter
def appraises(user) -> bool:
    """Whether the user may appraise anything (the "Thẩm định" link in the menu)."""
    return may_ever_appraise(user)
