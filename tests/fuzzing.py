"""Shared pieces of the fuzz tests (issue 7): hostile input, a per-example rollback, a snapshot
of everything the scoring pages and imports may write, and the "is this message Vietnamese"
check.

Each hypothesis example runs inside `rolled_back()`, a savepoint of the test's own transaction
that is rolled back at the end, so every example starts from the same demo data.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from decimal import Decimal

from django.db import transaction
from django.utils.html import escape
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from scoring.models import Assessment, Evidence, Score

# Every fuzz test: no deadline (a page render varies with the machine), and the pytest
# fixtures are set up once per test on purpose (each example rolls back to their state).
FUZZ = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}


def fuzz_settings(max_examples: int) -> settings:
    """Sized so the fuzz tests stay within a minute; FUZZ_SCALE=20 runs twenty times as many
    examples, for a long hunt."""
    scale = int(os.environ.get("FUZZ_SCALE") or 1)
    return settings(max_examples=max_examples * scale, **FUZZ)


# What people, broken clients and attackers put in a number box.
HOSTILE_NUMBERS = [
    "",
    " ",
    "0",
    "0,5",
    "0.5",
    " 2,00 ",
    "1.234,5",
    "1,234.5",
    "- 0,5",
    "−0,5",
    "-1",
    "+1",
    "1e309",
    "-1e309",
    "1e99999999999",
    "-1e99999999999",
    "1E-99999999999",
    "NaN",
    "sNaN",
    "-nan",
    "Infinity",
    "-inf",
    "0x10",
    "1_0",
    "١٢",
    "٣",
    "²",
    "³",
    "①",
    "１２",
    "1..2",
    ",,",
    ".",
    "-",
    "0,001",
    "1,005",
    "99999999999999999999999999",
    "9" * 5000,
    "1" + "0" * 400,
    "\x00",
    "1\x00",
    "\u00a01\u00a0",
    "1\t",
    "True",
    "None",
    "[]",
]

HOSTILE_TEXT = [
    "",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE scoring_score; --",
    "1 OR 1=1",
    "\x00",
    "a\x00b",
    "Đã thực hiện đầy đủ",
    "   ",
    "\r\n\t",
    "x" * 20_000,
    "{{ 7*7 }}",
    "{% now 'Y' %}",
    "%s %(x)s {0}",
    "‮RTL",
    "🙂" * 50,
]


@st.composite
def typed_numbers(draw) -> str:
    """A number as somebody might type it: dot or comma, grouping, spaces, signs, exponents."""
    value = draw(
        st.one_of(
            st.decimals(min_value=-10, max_value=200, places=2, allow_nan=False),
            st.decimals(min_value=0, max_value=5, places=draw(st.integers(0, 5)), allow_nan=False),
            st.integers(-(10**12), 10**12).map(Decimal),
            st.decimals(allow_nan=True, allow_infinity=True),
        )
    )
    text = str(value)
    style = draw(st.sampled_from(["plain", "comma", "grouped", "spaced", "exp"]))
    if style == "comma":
        text = text.replace(".", ",")
    elif style == "grouped" and value.is_finite():
        text = f"{value:,}".replace(",", "_").replace(".", ",").replace("_", ".")
    elif style == "spaced":
        text = f" {text.replace('-', '- ')} "
    elif style == "exp" and value.is_finite():
        text = f"{value:e}"
    return text


def field_values(numbers: bool = True) -> st.SearchStrategy[str]:
    """Anything at all, weighted towards the inputs that break parsers."""
    hostile = HOSTILE_NUMBERS if numbers else HOSTILE_TEXT
    return st.one_of(
        st.sampled_from(hostile),
        typed_numbers(),
        st.text(max_size=30),
        st.sampled_from(HOSTILE_TEXT if numbers else HOSTILE_NUMBERS),
    )


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def db_state() -> dict:
    """Everything score entry and imports may write, as plain values."""
    score_fields = [f.attname for f in Score._meta.concrete_fields if f.attname != "updated_at"]
    return {
        "scores": {row[0]: row for row in Score.objects.values_list(*score_fields)},
        "score_history": Score.history.count(),
        "evidence": sorted(Evidence.objects.values_list("pk", "score_id", "file", "stage")),
        "assessments": sorted(
            Assessment.objects.values_list("pk", "status", "response_deadline", "published_at")
        ),
    }


def changed_scores(before: dict, after: dict) -> set[int]:
    """Ids of the scores whose stored values differ between two `db_state()`s."""
    assert before["scores"].keys() == after["scores"].keys()
    return {pk for pk, row in after["scores"].items() if before["scores"][pk] != row}


_VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
_ENGLISH = re.compile(
    r"\b(ensure|enter a|this field|invalid|must be|is not|cannot|error|required|exception|"
    r"traceback|none)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile("“.*”", re.DOTALL)


def is_vietnamese(message: str) -> bool:
    """Non-empty, written with Vietnamese letters and no English phrase outside what it quotes
    (a message may quote the user's own input: “the value”)."""
    text = _QUOTED.sub("", str(message))
    return (
        bool(str(message).strip()) and bool(_VIETNAMESE.search(text)) and not _ENGLISH.search(text)
    )


def shown(message: str, page: str) -> bool:
    """Whether a message is visible in an HTML page (escaped as templates escape it)."""
    return escape(message) in page
