"""Text people type: control characters are refused, with a message, before anything is saved.

PostgreSQL cannot store NUL in text (saving one was a server error there), and the other C0
control characters cannot go into the .xlsx and .docx files the app writes (XML), print as
nothing and only ever arrive by accident (pasted from another program) or on purpose. Tab, line
feed and carriage return are ordinary typing and stay.

Every Django form text field refuses them (`install_form_check`, from `CchcConfig.ready`: NUL
is Django's own ProhibitNullCharactersValidator, with its message in locale/vi); the pages that
read their fields by hand (the score grid, the letter composer's body) call
`control_character_problem` with the name of the field.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def shorten(text: str, limit: int) -> str:
    """`text` on one line in at most `limit` characters: when longer, cut after the last whole
    word that fits and ended with "…" (never in the middle of a word)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-–") + "…"


def control_characters(text: str) -> str:
    """The control characters in `text` as a message names them ("NUL, U+0007"); "" if none."""
    found = sorted(set(CONTROL_CHARACTERS.findall(text)))
    return ", ".join("NUL" if c == "\x00" else f"U+{ord(c):04X}" for c in found)


def control_character_problem(text: str, label: str) -> str | None:
    """The message refusing `text` typed in the field `label`, or None when it is clean."""
    names = control_characters(text)
    if not names:
        return None
    return f"{label}: nội dung có ký tự không hợp lệ ({names}); hãy xóa ký tự đó rồi nhập lại."


@deconstructible
class ProhibitControlCharactersValidator:
    """The C0 control characters other than NUL, tab, line feed and carriage return (a form
    text field already refuses NUL with Django's validator; one message per problem)."""

    message = "Nội dung có ký tự không hợp lệ (%(names)s); hãy xóa ký tự đó rồi nhập lại."
    code = "control_characters"

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        names = control_characters(value.replace("\x00", ""))
        if names:
            raise ValidationError(self.message, code=self.code, params={"names": names})

    def __eq__(self, other) -> bool:
        return isinstance(other, ProhibitControlCharactersValidator)


def install_form_check() -> None:
    """Give every forms.CharField (so every text field of the site's forms, ModelForms and the
    admin) the check, as Django gives each the NUL check: one place instead of each form."""
    validator = ProhibitControlCharactersValidator()
    if validator not in forms.CharField.default_validators:
        # A new list: the inherited one is shared by every form field class.
        forms.CharField.default_validators = [*forms.CharField.default_validators, validator]
