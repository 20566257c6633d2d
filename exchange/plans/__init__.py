"""What a parsed file would change, checked against a framework and the current scores. No Django.

The services hand these functions plain snapshots (`CriterionSpec`, `ScoreState`); they return
a `Preview`. All arithmetic comes from `scoring.engine`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from exchange.parsing.text import fold
from exchange.preview import REFUSED, PreviewRow, error
from scoring import engine

ROUNDING_WORDS = {
    engine.Rounding.HALF_UP: "làm tròn",
    engine.Rounding.CUT: "cắt bỏ sau hai chữ số thập phân",
}


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    title: str
    maximum: Decimal
    method: str  # "" for a parent
    params: Mapping[str, Any]
    parent_code: str | None
    is_leaf: bool
    source: str = "self"  # "survey", "external": the council enters it for the whole round
    when_none: str = "refuse"  # what "không phát sinh" gives (engine.NoneRule)
    kind: str = ""  # engine.Kind: a bonus or penalty item is optional, an empty one is 0

    @property
    def is_item(self) -> bool:
        return self.kind in engine.ITEM_KINDS


@dataclass(frozen=True)
class ScoreState:
    score_id: int
    version: int
    self_value: Decimal | None = None
    self_b: int | None = None
    self_a: int | None = None
    self_note: str = ""
    appraised: Decimal | None = None
    appraised_b: int | None = None
    appraised_a: int | None = None
    comment: str = ""
    responsible_note: str = ""
    may_edit_self: bool = True
    self_none: bool = False  # the unit reported "không phát sinh"
    appraised_none: bool = False  # the council confirmed it


@dataclass
class FrameworkSpec:
    name: str
    rounding: str
    criteria: dict[str, CriterionSpec] = field(default_factory=dict)

    def children(self) -> dict[str, list[str]]:
        kids: dict[str, list[str]] = {}
        for spec in self.criteria.values():
            if spec.parent_code is not None:
                kids.setdefault(spec.parent_code, []).append(spec.code)
        return kids

    def ancestors(self, code: str) -> list[str]:
        chain = []
        parent = self.criteria[code].parent_code if code in self.criteria else None
        while parent is not None:
            chain.append(parent)
            parent = self.criteria[parent].parent_code if parent in self.criteria else None
        return chain


def number(value: Decimal | None) -> str:
    """A score as the preview shows it: "1,91", "" for none."""
    return engine.vn_number(value)


def decimal_text(value: Decimal | None) -> str | None:
    """A Decimal for the stored payload (JSON has no Decimal)."""
    return None if value is None else str(value)


def short(text: str, limit: int = 90) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def value_problems(spec: CriterionSpec, value: Decimal, what: str) -> list[str]:
    """Why `value` cannot be the `what` ("Điểm thẩm định") of this criterion."""
    method = spec.method or engine.Method.JUDGEMENT
    return engine.value_problems(
        spec.code, method, spec.maximum, spec.params or {}, value, label=what.lower()
    )


def choice_labels(spec: CriterionSpec) -> list[tuple[str, Decimal]]:
    """The named values a yes/no or levels criterion takes (the sheet's drop-down list):
    "Đạt" / "Không đạt", or the level names, each with its points; [] for other methods."""
    if spec.method == engine.Method.YES_NO:
        yes, no = engine.yes_no_labels(spec.maximum)
        return [(yes, spec.maximum), (no, Decimal("0"))]
    if spec.method == engine.Method.LEVELS:
        return engine.level_choices(spec.maximum, spec.params or {})
    return []


def value_of_label(spec: CriterionSpec, text: str) -> Decimal | None:
    """The points of a named value typed or picked in a cell ("đạt", "Không đạt", "Tốt"),
    whatever its case and accents; None when the criterion has no such name."""
    wanted = fold(text)
    for label, points in choice_labels(spec):
        if fold(label) == wanted:
            return points
    return None


def rule_text(spec: CriterionSpec) -> str:
    """The scoring rule in words, without its full stop, to quote inside a message."""
    rule = engine.rule_text(spec.method, spec.maximum, spec.params or {}, kind=spec.kind)
    return rule.rstrip(".")


def identify(
    code: str, row: int, framework: FrameworkSpec, seen: dict[str, int], line: PreviewRow
) -> CriterionSpec | None:
    """The criterion a row names; None, with the error on the row, for a code already listed
    or one the framework does not have."""
    if code in seen:
        line.problems.append(
            error(
                f"Tiêu chí {code}: đã có ở dòng {seen[code]}; mỗi tiêu chí chỉ được ghi một lần.",
                row,
            )
        )
        line.action = REFUSED
        return None
    seen[code] = row
    spec = framework.criteria.get(code)
    if spec is None:
        line.problems.append(
            error(
                f"Tiêu chí {code}: không có trong bộ chỉ số “{framework.name}”; hãy sửa mã "
                "trong tệp.",
                row,
            )
        )
        line.action = REFUSED
    return spec
