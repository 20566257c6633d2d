"""What a council's appraisal table would change in an assessment. No Django.

Errors (the import cannot go ahead): an unknown code, a code listed twice, a value above the
maximum or below zero (or otherwise impossible for the criterion's method), counts b > a.

Warnings (shown; the user decides): points lost that are not maximum − appraised, a parent whose
values are not the sum of its children, a totals row that does not match the rows, an appraised
value that differs from what the counts in the reason give, a maximum that differs from the
framework's, a self-assessed value that differs from the unit's own (or that the unit has not
given).

Only leaf criteria are written, and only their appraisal (value, counts, comment,
responsibility): the self-assessment column is compared, never written. Parent rows are
checked against their children.
"""

from __future__ import annotations

from decimal import Decimal

from exchange.parsing.appendix import AppendixRow, AppendixTable
from exchange.parsing.counts import Counts, counts_in
from exchange.plans import (
    ROUNDING_WORDS,
    CriterionSpec,
    FrameworkSpec,
    ScoreState,
    decimal_text,
    identify,
    number,
    rule_text,
    short,
    value_problems,
)
from exchange.preview import (
    CHECK_ONLY,
    REFUSED,
    UNCHANGED,
    UPDATE,
    Change,
    Preview,
    PreviewRow,
    error,
    warning,
)
from scoring import engine

COLUMN_WORDS = {
    "maximum": "điểm tối đa",
    "self_value": "điểm tự đánh giá",
    "appraised": "điểm thẩm định",
    "lost": "số điểm bị trừ",
}
RESPONSIBLE_MAX = 300  # Score.responsible_note


def plan_appraisal(
    table: AppendixTable,
    framework: FrameworkSpec,
    states: dict[str, ScoreState],
    *,
    fill_unlisted: bool = False,
) -> Preview:
    """The preview of importing `table` into the assessment whose leaf scores are `states`."""
    preview = Preview(problems=list(table.problems), notes=list(table.notes))
    listed: dict[str, AppendixRow] = {}
    ops: list[dict] = []
    seen: dict[str, int] = {}
    for entry in table.rows:
        spec = framework.criteria.get(entry.code)
        line = PreviewRow(row=entry.row, code=entry.code, title=spec.title if spec else entry.title)
        preview.rows.append(line)
        if identify(entry.code, entry.row, framework, seen, line) is None:
            continue
        listed[entry.code] = entry
        op = _plan_row(entry, spec, framework, states.get(entry.code), line)
        if op:
            ops.append(op)
    preview.problems.extend(_parent_problems(listed, framework))
    preview.problems.extend(_totals_problems(table, listed, framework))
    ops.extend(_unlisted(framework, states, seen, preview, fill_unlisted=fill_unlisted))
    preview.payload = {"ops": ops}
    return preview


def _plan_row(
    entry: AppendixRow,
    spec: CriterionSpec,
    framework: FrameworkSpec,
    state: ScoreState | None,
    line: PreviewRow,
) -> dict | None:
    counts = _check_row(entry, spec, framework, line)
    if line.has_error or entry.unreadable:
        line.action = REFUSED
    elif not spec.is_leaf:
        line.action = CHECK_ONLY
    elif state is None:
        line.problems.append(
            error(
                f"Tiêu chí {entry.code}: bản đánh giá chưa có dòng điểm của tiêu chí này; hãy "
                "kiểm tra mã tiêu chí trong tệp.",
                entry.row,
            )
        )
        line.action = REFUSED
    elif entry.appraised_none:
        return _none_changes(entry, spec, state, line)
    else:
        return _changes(entry, spec, state, counts, line)
    return None


def _none_changes(
    entry: AppendixRow, spec: CriterionSpec, state: ScoreState, line: PreviewRow
) -> dict | None:
    """A row whose appraised cell says "không phát sinh": the council confirms it (or finds
    it itself), with its reason, the unit's own where the unit reported it."""
    if spec.when_none in ("", engine.NoneRule.REFUSE):
        line.problems.append(
            error(
                f"Tiêu chí {spec.code}: tiêu chí này không chấp nhận “không phát sinh”; hãy "
                "nhập điểm thẩm định.",
                entry.row,
            )
        )
        line.action = REFUSED
        return None
    comment = entry.note if entry.note is not None else state.comment
    if not (comment or "").strip() and state.self_none:
        comment = state.self_note
    if not (comment or "").strip():
        line.problems.append(
            error(
                f"Tiêu chí {spec.code}: xác định không phát sinh cần ghi lý do; hãy ghi lý do "
                "vào cột ghi chú.",
                entry.row,
            )
        )
        line.action = REFUSED
        return None
    value = engine.none_score(spec.code, spec.when_none, spec.maximum)
    changes = []
    if not state.appraised_none or value != state.appraised:
        shown = "Không phát sinh" + (f" ({number(value)})" if value is not None else "")
        changes.append(Change("Điểm thẩm định", number(state.appraised), shown))
    if comment != state.comment:
        changes.append(Change("Ý kiến thẩm định", short(state.comment), short(comment)))
    line.changes = changes
    line.action = UPDATE if changes else UNCHANGED
    if not changes:
        return None
    return {
        "score_id": state.score_id,
        "version": state.version,
        "code": spec.code,
        "row": entry.row,
        "appraised": {
            "value": decimal_text(value),
            "b": None,
            "a": None,
            "comment": comment,
            "responsible_note": None,
            "none": True,
        },
    }


def _unlisted(
    framework: FrameworkSpec,
    states: dict[str, ScoreState],
    seen: dict[str, int],
    preview: Preview,
    *,
    fill_unlisted: bool,
) -> list[dict]:
    """Leaves the table leaves out and that have no appraised value yet: full marks when the
    user says the table lists only lost criteria; otherwise left alone, with a note."""
    empty = [
        spec
        for code, spec in sorted(framework.criteria.items(), key=lambda i: engine.sort_key(i[0]))
        if spec.is_leaf
        and not spec.is_item  # an item left out stays empty: nothing won, nothing taken
        and code not in seen
        and code in states
        and states[code].appraised is None
        and not states[code].appraised_none
    ]
    if fill_unlisted:
        return [_fill(spec, states[spec.code], preview) for spec in empty]
    if empty and seen:
        preview.notes.append(
            f"Bảng có {len(seen)} tiêu chí; {len(empty)} tiêu chí khác chưa có điểm thẩm định "
            "và được giữ nguyên. Nếu bảng chỉ liệt kê các tiêu chí bị trừ điểm, hãy chọn “Các "
            "tiêu chí không có trong bảng đạt điểm tối đa”."
        )
    return []


def _check_row(
    entry: AppendixRow, spec: CriterionSpec, framework: FrameworkSpec, line: PreviewRow
) -> Counts | None:
    """Problems of one row on its own; the counts its reason gives, when they can be used."""
    row = entry.row
    if entry.code_was_number and f"{entry.code}0" in framework.criteria:
        line.problems.append(
            warning(
                f"Mã {entry.code} được Excel lưu dạng số; nếu đó là mã {entry.code}0 hãy định "
                "dạng cột Mục là Văn bản (Text) rồi nhập lại.",
                row,
            )
        )
    if entry.maximum is not None and engine.signed_value(spec.maximum, entry.maximum) != (
        spec.maximum
    ):
        line.problems.append(
            warning(
                f"Tiêu chí {spec.code}: điểm tối đa {number(entry.maximum)} trong tệp khác "
                f"điểm tối đa {number(spec.maximum)} trong bộ chỉ số.",
                row,
            )
        )
    for attr, what in (("self_value", "Điểm tự đánh giá"), ("appraised", "Điểm thẩm định")):
        # A penalty item's "0,5" is the points it takes: −0,5.
        value = engine.signed_value(spec.maximum, getattr(entry, attr))
        setattr(entry, attr, value)
        if value is not None:
            line.problems.extend(error(m, row) for m in value_problems(spec, value, what))
    if entry.lost is not None and entry.appraised is not None:
        maximum = entry.maximum if entry.maximum is not None else spec.maximum
        expected = engine.Line(maximum, None, entry.appraised, spec.kind).lost or engine.ZERO
        if abs(entry.lost) != expected:
            line.problems.append(
                warning(
                    f"Số điểm bị trừ {number(abs(entry.lost))} khác điểm tối đa − điểm thẩm "
                    f"định = {number(maximum)} − {number(entry.appraised)} = {number(expected)}.",
                    row,
                )
            )
    if entry.responsible and len(entry.responsible) > RESPONSIBLE_MAX:
        line.problems.append(
            error(
                f"Cột Trách nhiệm dài {len(entry.responsible)} ký tự; chỉ nhận tối đa "
                f"{RESPONSIBLE_MAX}. Hãy rút gọn rồi nhập lại.",
                row,
            )
        )
    if not spec.is_leaf or spec.method not in engine.RATIO_METHODS:
        return None
    return _check_counts(entry, spec, framework.rounding, line)


def _check_counts(
    entry: AppendixRow, spec: CriterionSpec, rounding: str, line: PreviewRow
) -> Counts | None:
    counts = counts_in(entry.note)
    if counts is None or entry.appraised is None:
        return None
    if counts.b > counts.a and not engine.may_pass_whole(spec.method, spec.params or {}):
        line.problems.append(
            error(
                f"Số liệu “{counts.text}” trong ghi chú: số b ({counts.b}) không được lớn hơn "
                f"số a ({counts.a}).",
                entry.row,
            )
        )
        return None
    if counts.a == 0:
        line.problems.append(
            warning(
                f"Số liệu “{counts.text}” trong ghi chú có tổng số bằng 0; không dùng để đối "
                "chiếu và không lưu.",
                entry.row,
            )
        )
        return None
    suggested = engine.suggested_score(
        spec.method, spec.maximum, spec.params or {}, rounding, b=counts.b, a=counts.a
    )
    if suggested != entry.appraised:
        line.problems.append(
            warning(
                f"Điểm thẩm định {number(entry.appraised)} khác điểm tính từ số liệu "
                f"{counts.label} trong ghi chú: {number(suggested)} "
                f"({rule_text(spec)}, {ROUNDING_WORDS.get(rounding, rounding)}).",
                entry.row,
            )
        )
    return counts


def _changes(
    entry: AppendixRow,
    spec: CriterionSpec,
    state: ScoreState,
    counts: Counts | None,
    line: PreviewRow,
) -> dict | None:
    """The row's changes to one score, and the operation that applies them (None: nothing)."""
    appraised = entry.appraised if entry.appraised is not None else state.appraised
    if counts is not None:
        b, a = counts.b, counts.a
    elif appraised == state.appraised:
        b, a = state.appraised_b, state.appraised_a
    else:
        b = a = None  # a new value without counts: old counts no longer describe it
    comment = entry.note if entry.note is not None else state.comment
    responsible = entry.responsible if entry.responsible is not None else state.responsible_note
    changes = []
    if appraised != state.appraised:
        changes.append(Change("Điểm thẩm định", number(state.appraised), number(appraised)))
    if (b, a) != (state.appraised_b, state.appraised_a):
        changes.append(
            Change("Số liệu b/a", _counts(state.appraised_b, state.appraised_a), _counts(b, a))
        )
    if comment != state.comment:
        changes.append(Change("Ý kiến thẩm định", short(state.comment), short(comment)))
    if responsible != state.responsible_note:
        changes.append(Change("Trách nhiệm", short(state.responsible_note), short(responsible)))
    _self_value_problem(entry, spec, state, line)
    line.changes = changes
    line.action = UPDATE if changes else UNCHANGED
    if not changes:
        return None
    return {
        "score_id": state.score_id,
        "version": state.version,
        "code": spec.code,
        "row": entry.row,
        "appraised": {
            "value": decimal_text(appraised),
            "b": b,
            "a": a,
            "comment": comment if comment != state.comment else None,
            "responsible_note": responsible if responsible != state.responsible_note else None,
        },
    }


def _self_value_problem(
    entry: AppendixRow, spec: CriterionSpec, state: ScoreState, line: PreviewRow
) -> None:
    """The table's self-assessed value is only compared: the unit's own is never changed."""
    if entry.self_value is None or entry.self_value == state.self_value:
        return
    if state.self_value is None:
        message = (
            f"Tiêu chí {spec.code}: điểm tự đánh giá {number(entry.self_value)} trong tệp, "
            "nhưng đơn vị chưa tự đánh giá; bảng thẩm định không ghi điểm tự đánh giá: giữ "
            "điểm của đơn vị (để trống)."
        )
    else:
        message = (
            f"Điểm tự đánh giá {number(entry.self_value)} trong tệp khác điểm đơn vị đã tự "
            f"đánh giá {number(state.self_value)}; giữ điểm của đơn vị."
        )
    line.problems.append(warning(message, entry.row))


def _counts(b: int | None, a: int | None) -> str:
    return "" if b is None or a is None else f"{b}/{a}"


def _fill(spec: CriterionSpec, state: ScoreState, preview: Preview) -> dict:
    """Full marks for a criterion a lost-points-only table leaves out (the appraised value
    only: the unit's self-assessed value stays as the unit left it)."""
    changes = [Change("Điểm thẩm định", "", number(spec.maximum))]
    preview.rows.append(
        PreviewRow(row=None, code=spec.code, title=spec.title, action=UPDATE, changes=changes)
    )
    return {
        "score_id": state.score_id,
        "version": state.version,
        "code": spec.code,
        "row": None,
        "appraised": {
            "value": decimal_text(spec.maximum),
            "b": state.appraised_b,
            "a": state.appraised_a,
            "comment": None,
            "responsible_note": None,
        },
    }


# --- consistency of the table with itself --------------------------------------------------

_UNKNOWN = object()


def _listed_value(entry: AppendixRow, attr: str):
    value = getattr(entry, attr)
    if value is None:
        return _UNKNOWN
    return abs(value) if attr == "lost" else value


def _effective(code: str, attr: str, listed, framework: FrameworkSpec, kids) -> object:
    """A node's value as the table states it; a node the table leaves out counts as full marks
    (nothing lost), which is what a table listing only lost criteria means."""
    if code in listed:
        return _listed_value(listed[code], attr)
    children = kids.get(code)
    if not children:
        spec = framework.criteria[code]
        return engine.ZERO if attr == "lost" or spec.is_item else spec.maximum
    parts = [_effective(child, attr, listed, framework, kids) for child in children]
    if any(part is _UNKNOWN for part in parts):
        return _UNKNOWN
    return engine.total(parts)


def _parent_problems(listed: dict[str, AppendixRow], framework: FrameworkSpec) -> list:
    kids = framework.children()
    with_listed_below = {a for code in listed for a in framework.ancestors(code)}
    problems = []
    for code, entry in listed.items():
        if code not in with_listed_below:
            continue
        for attr, words in COLUMN_WORDS.items():
            value = _listed_value(entry, attr)
            if value is _UNKNOWN:
                continue
            parts = [_effective(child, attr, listed, framework, kids) for child in kids[code]]
            if any(part is _UNKNOWN for part in parts):
                continue
            expected = engine.total(parts)
            if value != expected:
                assumed = any(
                    child not in listed and child not in with_listed_below for child in kids[code]
                )
                problems.append(
                    warning(
                        f"Tiêu chí {code}: {words} {number(value)} khác tổng các tiêu chí con "
                        f"{number(expected)}"
                        + (
                            " (tiêu chí con không có trong bảng được tính là đạt điểm tối đa)."
                            if assumed
                            else "."
                        ),
                        entry.row,
                    )
                )
    return problems


def _totals_problems(
    table: AppendixTable, listed: dict[str, AppendixRow], framework: FrameworkSpec
) -> list:
    totals = table.totals
    if totals is None:
        return []
    top = [
        entry
        for code, entry in listed.items()
        if not any(a in listed for a in framework.ancestors(code))
    ]
    problems = []
    for attr, words in COLUMN_WORDS.items():
        stated: Decimal | None = getattr(totals, attr)
        if stated is None:
            continue
        values = [getattr(entry, attr) for entry in top]
        if attr == "lost":
            values = [abs(v) for v in values if v is not None]
        expected = engine.total(values)
        if (abs(stated) if attr == "lost" else stated) != expected:
            problems.append(
                warning(
                    f"Dòng tổng cộng: {words} {number(stated)} khác tổng các dòng trong bảng "
                    f"{number(expected)}.",
                    totals.row,
                )
            )
    return problems
