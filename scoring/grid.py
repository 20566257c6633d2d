"""Read a page of criterion inputs (self-assessment, appraisal or explanations) from a form.

One HTML form carries every editable criterion of an assessment; its fields are named
`<pk>-value`, `<pk>-b`, `<pk>-a`, `<pk>-text` and `<pk>-version`. Parsing never touches the
database: it turns text into numbers and reports, per criterion, what could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.http import QueryDict

from cchc.text import control_character_problem
from scoring import engine
from scoring.models import Score


class Mode(StrEnum):
    SELF = "self"  # the unit enters its self-assessment
    APPRAISE = "appraise"  # the council enters appraised values
    RESPOND = "respond"  # the unit explains (giải trình) after round 1
    READ = "read"  # nothing to enter


@dataclass
class Entry:
    """What the form says for one criterion, as typed and as read."""

    score: Score
    raw: dict[str, str]
    value: Decimal | None = None
    b: int | None = None
    a: int | None = None
    text: str = ""
    version: int | None = None
    errors: list[str] = field(default_factory=list)
    # The council's measured result (survey %, outside index) of a criterion scored from it.
    measure: Decimal | None = None
    # "Không phát sinh": the box ticked, "KPS" typed, or a ratio's a = 0 where the rule allows.
    nothing: bool = False

    def effective_value(self, rounding: str) -> Decimal | None:
        """The value as saved: the one typed, for criteria scored from counts (ratios,
        deductions) what the counts give, for a measured criterion what its result gives;
        where nothing arose, what the rule gives."""
        criterion = self.score.criterion
        if self.nothing:
            return criterion.maximum if criterion.when_none == engine.NoneRule.FULL else None
        if criterion.is_measured and self.value is None:
            if self.measure is None or self.errors:
                return None
            return engine.measured_score(
                criterion.method, criterion.maximum, criterion.params, rounding, self.measure
            )
        if self.value is not None or criterion.method not in engine.COUNTED_METHODS:
            return self.value
        if self.b is None or engine.counts_problems(
            self.b, self.a, method=criterion.method, params=criterion.params or {}
        ):
            return None
        return engine.suggested_score(
            criterion.method, criterion.maximum, criterion.params, rounding, b=self.b, a=self.a
        )


# Counts are stored as 32-bit integers (PostgreSQL); no unit counts a billion files.
MAX_COUNT_DIGITS = 9


def _int(raw: str, label: str, code: str, errors: list[str]) -> int | None:
    raw = raw.strip().replace(".", "").replace(" ", "")
    if not raw:
        return None
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    if not raw.isdecimal():
        errors.append(f"Tiêu chí {code}: số {label} “{raw}” phải là số nguyên không âm.")
        return None
    if len(raw.lstrip("0")) > MAX_COUNT_DIGITS:
        errors.append(f"Tiêu chí {code}: số {label} quá lớn (tối đa {MAX_COUNT_DIGITS} chữ số).")
        return None
    return int(raw)


def _version(raw: str) -> int | None:
    """The edit version the page was loaded at; None when the form gives no usable one."""
    return int(raw) if raw.isdecimal() and len(raw) <= 18 else None


def parse_entry(score: Score, data: QueryDict, mode: Mode) -> Entry:
    prefix = f"{score.pk}-"
    raw = {k[len(prefix) :]: v for k, v in data.items() if k.startswith(prefix)}
    entry = Entry(score=score, raw=raw, text=raw.get("text", "").strip())
    code = score.criterion.code
    entry.version = _version(raw.get("version", ""))
    problem = control_character_problem("".join(raw.values()), f"Tiêu chí {code}")
    if problem:  # PostgreSQL cannot store NUL in text; see cchc.text
        entry.errors.append(problem)
        return entry
    if mode == Mode.RESPOND:
        return entry
    if mode == Mode.APPRAISE and score.criterion.is_measured:
        _read_measure(entry, raw, code)
        return entry
    value = raw.get("value", "").strip()
    entry.nothing = raw.get("none", "") in ("1", "on") or engine.is_none_word(value)
    if engine.is_none_word(value):
        value = ""
    if entry.nothing and not score.criterion.allows_none:
        entry.errors.append(
            f"Tiêu chí {code}: tiêu chí này không chấp nhận “không phát sinh”; hãy nhập số liệu."
        )
        return entry
    if value:
        try:
            # A penalty item takes "0,5" as −0,5 (the points it takes).
            entry.value = engine.signed_value(score.maximum, engine.parse_number(value))
        except engine.ScoringError as exc:
            entry.errors.append(f"Tiêu chí {code}: {exc}")
    _read_counts(entry, raw, code)
    if entry.value is not None and not entry.errors:
        criterion = score.criterion
        entry.errors.extend(
            engine.value_problems(
                code, criterion.method, criterion.maximum, criterion.params, entry.value
            )
        )
    return entry


def _read_measure(entry: Entry, raw: dict[str, str], code: str) -> None:
    """The council's result (%) of a criterion scored from it: 0–100, at most four decimals.
    Points or counts typed for it are refused: they follow from the result."""
    if raw.get("value", "").strip() or raw.get("b", "").strip() or raw.get("a", "").strip():
        entry.errors.append(
            f"Tiêu chí {code}: điểm tính từ kết quả (%); hãy nhập kết quả, không nhập điểm "
            "hay số liệu."
        )
        return
    typed = raw.get("measure", "").strip()
    if not typed:
        return
    try:
        entry.measure = engine.parse_measure(typed)
    except engine.ScoringError as exc:
        entry.errors.append(f"Tiêu chí {code}: kết quả {exc}")
        return
    entry.errors.extend(engine.measure_problems(code, entry.measure))


def _read_counts(entry: Entry, raw: dict[str, str], code: str) -> None:
    """The counts b and a, checked against the criterion's method: a ratio needs both, a
    deduction the number of cases alone, any other method none (refused, never kept)."""
    criterion = entry.score.criterion
    method = criterion.method
    b_label = "trường hợp" if method == engine.Method.DEDUCTION else "b"
    entry.b = _int(raw.get("b", ""), b_label, code, entry.errors)
    entry.a = _int(raw.get("a", ""), "a", code, entry.errors)
    if entry.b is None and entry.a is None:
        return
    if (
        method in engine.RATIO_METHODS
        and criterion.allows_none
        and engine.nothing_arose(entry.b, entry.a)
    ):
        entry.nothing = True  # a = 0: nothing arose, as the rule allows
        entry.b = entry.a = None
        return
    if method in engine.RATIO_METHODS and (entry.b is None) != (entry.a is None):
        entry.errors.append(f"Tiêu chí {code}: cần nhập đủ cả hai số b và a.")
        return
    entry.errors.extend(
        f"Tiêu chí {code}: {p}"
        for p in engine.counts_problems(
            entry.b, entry.a, method=method or engine.Method.JUDGEMENT, params=criterion.params
        )
    )


def parse_grid(scores: list[Score], data: QueryDict, mode: Mode) -> dict[int, Entry]:
    """Entries for the scores the form mentions (a criterion the user may not edit is absent)."""
    present = {key.split("-", 1)[0] for key in data if "-" in key}
    return {s.pk: parse_entry(s, data, mode) for s in scores if str(s.pk) in present}
