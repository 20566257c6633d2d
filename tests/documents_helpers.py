"""Reading generated documents back in tests: PDF text, page sizes, fonts and positions."""

from __future__ import annotations

import io
from contextlib import contextmanager
from itertools import pairwise

import pdfplumber
from django.db import transaction
from fontTools.ttLib import TTFont
from pypdf import PdfReader

MM = 72 / 25.4  # points per millimetre
A4 = (595.28, 841.89)


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Text with every run of whitespace made one space, so wrapped lines read as one."""
    return " ".join(text.split())


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width), float(page.mediabox.height))
        for page in PdfReader(io.BytesIO(data)).pages
    ]


def embedded_font_families(data: bytes) -> set[str]:
    """The family names written inside the font files embedded in the PDF (name ID 1)."""
    families = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:  # a composite font: the descriptor sits on its descendant
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            stream = descriptor.get_object()["/FontFile2"].get_object().get_data()
            families.add(TTFont(io.BytesIO(stream))["name"].getDebugName(1))
    return families


def words(data: bytes, page_number: int) -> list[dict]:
    """Words of one page (0-based) with their positions in points, top-left origin."""
    with pdfplumber.open(io.BytesIO(data)) as document:
        return document.pages[page_number].extract_words()


def table_rows(data: bytes, page_number: int) -> list[list[dict]]:
    """The words of each table row drawn on a page, header row first.

    Rows are the bands of text between the horizontal rules drawn in the PDF (the short
    rule under a title makes no row: nothing is written between it and the table).
    """
    with pdfplumber.open(io.BytesIO(data)) as document:
        page = document.pages[page_number]
        rules = sorted({round(e["top"], 1) for e in page.edges if e["orientation"] == "h"})
        page_words = page.extract_words()
    bands = [[w for w in page_words if top < w["top"] < bottom] for top, bottom in pairwise(rules)]
    return [band for band in bands if band]


@contextmanager
def rolled_back(django_db_blocker):
    """Database work outside a test's own transaction, undone afterwards (module fixtures)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def approved(letter, *, by=None):
    """The letter submitted for signature and approved by its named signer (trình ký), ready
    for `documents.services.letter_issue`, which issues nothing else. `by` submits it (the
    drafter by default)."""
    from documents import approval

    letter = approval.letter_submit(letter=letter, user=by or letter.created_by)
    return approval.letter_approve(letter=letter, user=letter.signer.user)
