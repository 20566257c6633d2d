"""Template helpers of the documents area."""

from django import template

from documents.selectors import awaiting_signature_count

register = template.Library()


@register.filter
def awaiting_signature(user) -> int | None:
    """Letters waiting for the user's signature (the "Văn bản chờ ký" link and its count);
    None for someone who signs nothing."""
    return awaiting_signature_count(user)
