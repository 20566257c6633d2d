"""Template filters for text people wrote."""

from django import template

from cchc.text import shorten as _shorten

register = template.Library()


@register.filter
def shorten(text, limit: int = 100) -> str:
    """`text` cut after the last whole word within `limit` characters, ended with "…"."""
    return _shorten(str(text or ""), int(limit))
