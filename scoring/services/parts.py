"""Writes: divide a round's appraisal into parts, each given to one appraiser for every unit.

A part is some fields or criteria of the round's framework (a field or criterion with children
covers every leaf below it). Two parts of a round never share a leaf, so every criterion has at
most one appraiser in charge; the round's row is locked while a part is checked and saved, so
two people defining parts at once cannot both take the same criterion.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from scoring.models import AppraisalPart, Criterion, Official, Role, Round
from scoring.parts import leaves_below, parts_leaf_ids

MAX_CODES = 10


def _codes(ids: set[int], code_of: dict[int, str], sort_of: dict[int, str]) -> str:
    codes = [code_of[i] for i in sorted(ids, key=lambda i: sort_of[i])]
    more = f" và {len(codes) - MAX_CODES} tiêu chí khác" if len(codes) > MAX_CODES else ""
    return ", ".join(codes[:MAX_CODES]) + more


def _check_appraiser(round_: Round, appraiser) -> None:
    council = round_.council_unit
    unit_ids = {council.pk, *(u.pk for u in council.ancestors())}
    if (
        not Official.objects.current()
        .filter(user=appraiser, unit_id__in=unit_ids, role=Role.APPRAISER)
        .exists()
    ):
        raise ValidationError(
            {
                "appraiser": f"{appraiser} không phải thành viên hội đồng thẩm định của "
                f"{council} hay cấp trên; hãy chọn người thẩm định của hội đồng."
            }
        )


def _check_criteria(round_: Round, criteria: list[Criterion], part: AppraisalPart | None):
    """Refuse criteria of another framework, an empty choice, and leaves another part of the
    round already covers (named, with that part)."""
    if not criteria:
        raise ValidationError({"criteria": "Hãy chọn ít nhất một lĩnh vực hoặc tiêu chí."})
    foreign = [c for c in criteria if c.framework_id != round_.framework_id]
    if foreign:
        raise ValidationError(
            {
                "criteria": f"Tiêu chí {', '.join(c.code for c in foreign)}: không thuộc bộ "
                f"chỉ số “{round_.framework}” của đợt đánh giá; hãy bỏ chọn."
            }
        )
    rows = list(
        Criterion.objects.filter(framework_id=round_.framework_id).values_list(
            "id", "parent_id", "code", "sort_key"
        )
    )
    nodes = [(i, p) for i, p, _, _ in rows]
    code_of = {i: code for i, _, code, _ in rows}
    sort_of = {i: key for i, _, _, key in rows}
    mine = leaves_below(nodes, [c.pk for c in criteria])
    others = list(
        round_.parts.exclude(pk=part.pk if part else None)
        .select_related("appraiser", "round")
        .order_by("name")
    )
    taken = parts_leaf_ids(others)
    problems = [
        f"Tiêu chí {_codes(shared, code_of, sort_of)} đã thuộc phần “{other.name}” "
        f"({other.appraiser})."
        for other in others
        if (shared := mine & taken[other.pk])
    ]
    if problems:
        problems.append("Mỗi tiêu chí chỉ giao cho một phần việc; hãy bỏ chọn các tiêu chí trên.")
        raise ValidationError({"criteria": problems})


def _check_name(round_: Round, name: str, part: AppraisalPart | None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Hãy đặt tên cho phần việc."})
    clash = round_.parts.filter(name=name)
    if part is not None:
        clash = clash.exclude(pk=part.pk)
    if clash.exists():
        raise ValidationError({"name": f"Đợt đánh giá đã có phần việc tên “{name}”."})
    return name


def _locked_round(round_: Round) -> Round:
    return (
        Round.objects.select_for_update(of=("self",))
        .select_related("council_unit", "framework")
        .get(pk=round_.pk)
    )


def _save(part: AppraisalPart, round_: Round, name: str, appraiser, criteria) -> AppraisalPart:
    criteria = list(criteria)
    part.name = _check_name(round_, name, part if part.pk else None)
    _check_appraiser(round_, appraiser)
    _check_criteria(round_, criteria, part if part.pk else None)
    part.round, part.appraiser = round_, appraiser
    part.full_clean(exclude=["round", "appraiser"], validate_unique=False)
    part.save()
    part.criteria.set(criteria)
    return part


@transaction.atomic
def part_create(*, round_: Round, name: str, appraiser, criteria, user=None) -> AppraisalPart:
    """Give `appraiser` the chosen fields or criteria of the round, for every unit of it.

    Refused (ValidationError by field, in Vietnamese) when the name is empty or taken, the
    appraiser is not on the council of the round's unit or above, a criterion is of another
    framework, or a leaf already belongs to another part of the round. `user` is who defines
    it; the views check that they may run the round.
    """
    locked = _locked_round(round_)
    return _save(AppraisalPart(), locked, name, appraiser, criteria)


@transaction.atomic
def part_update(*, part: AppraisalPart, name: str, appraiser, criteria, user=None) -> AppraisalPart:
    """Change a part's name, appraiser or criteria, with the same checks as `part_create`.

    What was appraised stays: the scores belong to the units, not to the part."""
    locked = _locked_round(part.round)
    return _save(part, locked, name, appraiser, criteria)


@transaction.atomic
def part_delete(*, part: AppraisalPart, user=None) -> None:
    """Remove a part: its criteria go back to the whole council; scores are kept."""
    _locked_round(part.round)
    part.delete()
