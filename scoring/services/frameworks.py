"""Writes to frameworks: create one from plain data, put one in force."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from scoring import engine
from scoring.models import ClassificationBand, Criterion, Framework, Source, Unit
from scoring.selectors import framework_problems


@dataclass(frozen=True)
class _FlatCriterion:
    data: Mapping[str, Any]
    parent_code: str | None
    is_leaf: bool


def _flatten(items: Sequence[Mapping[str, Any]], parent_code: str | None = None) -> list:
    flat = []
    for item in items:
        children = item.get("children") or []
        flat.append(_FlatCriterion(item, parent_code, not children))
        flat.extend(_flatten(children, str(item["code"])))
    return flat


def _decimal(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError) as exc:
        raise ValidationError(f"{what}: “{value}” không phải là số.") from exc


def criteria_tree_problems(
    items: Sequence[Mapping[str, Any]],
    max_total: Decimal,
    *,
    bonus_cap: Decimal | None = None,
    penalty_cap: Decimal | None = None,
) -> list[str]:
    """Everything wrong with a criteria tree given as nested data, before anything is saved."""
    flat = _flatten(items)
    problems = []
    nodes = []
    for entry in flat:
        code = str(entry.data.get("code", "")).strip()
        try:
            maximum = _decimal(entry.data.get("maximum"), f"Tiêu chí {code}: điểm tối đa")
        except ValidationError as exc:
            problems.extend(exc.messages)
            continue
        kind = entry.data.get("kind") or ""
        nodes.append(engine.Node(code, maximum, entry.parent_code, kind))
        method = entry.data.get("method") or ""
        problems.extend(engine.item_method_problems(code, kind, method))
        if entry.is_leaf and not method:
            problems.append(f"Tiêu chí {code}: không có tiêu chí con nên phải có phương pháp chấm.")
        elif not entry.is_leaf and method:
            problems.append(
                f"Tiêu chí {code}: có tiêu chí con nên không có phương pháp chấm riêng."
            )
        elif method:
            problems.extend(
                engine.params_problems(
                    code, method, entry.data.get("params") or {}, maximum=maximum
                )
            )
    return problems + engine.tree_problems(
        nodes, max_total, bonus_cap=bonus_cap, penalty_cap=penalty_cap
    )


@transaction.atomic
def framework_create(*, data: Mapping[str, Any], issuing_unit: Unit | None = None) -> Framework:
    """Create an active framework with its bands and criteria tree from plain data.

    `data` has the shape of fixtures/demo/framework_sample.json. A broken tree is refused
    whole, with a message for each node at fault.
    """
    max_total = _decimal(data.get("max_total", "100"), "Tổng điểm tối đa")
    bonus_cap = _decimal(data.get("bonus_cap", "0"), "Điểm thưởng tối đa")
    penalty_cap = _decimal(data.get("penalty_cap", "0"), "Điểm trừ tối đa")
    problems = criteria_tree_problems(
        data.get("criteria", []), max_total, bonus_cap=bonus_cap, penalty_cap=penalty_cap
    )
    if problems:
        raise ValidationError(problems)
    framework = Framework(
        name=data["name"],
        decision=data.get("decision", ""),
        note=data.get("note", ""),
        issuing_unit=issuing_unit,
        year_from=data["year_from"],
        year_to=data.get("year_to"),
        unit_level=data["unit_level"],
        max_total=max_total,
        rounding=data.get("rounding", engine.Rounding.HALF_UP),
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
        rescales=bool(data.get("rescales", False)),
    )
    framework.full_clean()
    framework.save()
    for band in data.get("bands", []):
        row = ClassificationBand(
            framework=framework,
            label=band["label"],
            lower_bound=_decimal(band["lower_bound"], f"Mức xếp loại {band['label']}"),
        )
        row.full_clean()
        row.save()
    created: dict[str, Criterion] = {}
    for entry in _flatten(data.get("criteria", [])):
        item = entry.data
        criterion = Criterion(
            framework=framework,
            parent=created.get(entry.parent_code) if entry.parent_code else None,
            code=str(item["code"]).strip(),
            title=item["title"],
            maximum=_decimal(item["maximum"], "Điểm tối đa"),
            method=item.get("method") or "",
            kind=item.get("kind") or "",
            params=item.get("params") or {},
            source=item.get("source") or Source.SELF,
            guidance=item.get("guidance", ""),
            evidence_required=item.get("evidence", ""),
            default_department=item.get("department", ""),
            when_none=item.get("when_none") or engine.NoneRule.REFUSE,
        )
        criterion.full_clean()
        criterion.save()
        created[criterion.code] = criterion
    framework_activate(framework=framework)
    return framework


@transaction.atomic
def framework_activate(*, framework: Framework) -> Framework:
    """Put a framework in force; refuse it, naming each node, if its tree does not add up."""
    problems = framework_problems(framework)
    if problems:
        raise ValidationError(problems)
    framework.is_active = True
    framework.save(update_fields=["is_active"])
    return framework
