"""What an uploaded offline self-assessment sheet would change. No Django.

The sheet lists every criterion; only leaves are read (parents are sums). A blank value cell
means "no value". For ratio criteria the counts b and a may stand alone, and for deductions the
number of cases (column "Số b"): the value is then computed from them, as on the score sheet.
Counts given for a criterion of another method are refused.
"""

from __future__ import annotations

from exchange.parsing.selfsheet import SelfRow, SelfSheet
from exchange.plans import (
    ROUNDING_WORDS,
    CriterionSpec,
    FrameworkSpec,
    ScoreState,
    choice_labels,
    decimal_text,
    identify,
    number,
    short,
    value_of_label,
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


def plan_self(
    sheet: SelfSheet,
    framework: FrameworkSpec,
    states: dict[str, ScoreState],
    *,
    expected_meta: dict[str, str],
) -> Preview:
    """The preview of an uploaded self-assessment sheet; `expected_meta` names the assessment
    it is uploaded to (unit code, year, period kind), checked against the sheet's own."""
    preview = Preview(problems=list(sheet.problems))
    mismatch = _meta_problem(sheet.meta, expected_meta)
    if mismatch:
        preview.problems.append(mismatch)
    ops = []
    seen: dict[str, int] = {}
    for entry in sheet.rows:
        spec = framework.criteria.get(entry.code)
        line = PreviewRow(row=entry.row, code=entry.code, title=spec.title if spec else "")
        preview.rows.append(line)
        if identify(entry.code, entry.row, framework, seen, line) is None:
            continue
        if entry.errors:
            line.problems.extend(error(m, entry.row) for m in entry.errors)
            line.action = REFUSED
            continue
        if not spec.is_leaf or entry.code not in states:
            line.action = CHECK_ONLY
            continue
        if spec.source != "self":
            _council_entered(entry, spec, line)
            continue
        op = _plan_row(entry, spec, states[entry.code], framework.rounding, line)
        if op:
            ops.append(op)
    preview.payload = {"ops": ops}
    return preview


def _meta_problem(meta: dict[str, str], expected: dict[str, str]):
    if not meta:
        return warning(
            "Tệp không có thông tin nhận dạng của ứng dụng (trang ẩn “_cchc”); hãy chắc chắn "
            f"đây là bảng tự đánh giá của {expected.get('unit_name', 'đơn vị')}, "
            f"{expected.get('period', '')}."
        )
    for key in ("unit_code", "year", "period_kind"):
        if meta.get(key) != expected.get(key):
            return error(
                f"Tệp là bảng tự đánh giá của {meta.get('unit_name') or meta.get('unit_code')}, "
                f"{meta.get('period', '')}, không phải của {expected.get('unit_name')}, "
                f"{expected.get('period')}. Hãy tải lên đúng tệp."
            )
    return None


def _nothing_arose(entry: SelfRow, spec: CriterionSpec, line: PreviewRow) -> bool:
    """The row reports "không phát sinh": the words in the value cell, or a ratio's a = 0
    where the criterion's rule allows it (where it does not, a = 0 gets the usual refusal)."""
    allowed = spec.when_none not in ("", engine.NoneRule.REFUSE)
    if engine.is_none_word(entry.value_text):
        if not allowed:
            line.problems.append(
                error(
                    f"Tiêu chí {spec.code}: tiêu chí này không chấp nhận “không phát sinh”; hãy "
                    "nhập số liệu.",
                    entry.row,
                )
            )
        return allowed
    return (
        allowed and spec.method in engine.RATIO_METHODS and engine.nothing_arose(entry.b, entry.a)
    )


def _plan_none(
    entry: SelfRow, spec: CriterionSpec, state: ScoreState, line: PreviewRow
) -> dict | None:
    """A row reporting "không phát sinh": its reason is required; the rule gives the value."""
    note = entry.note if entry.note is not None else state.self_note
    if not (note or "").strip():
        line.problems.append(
            error(
                f"Tiêu chí {spec.code}: báo không phát sinh cần ghi lý do; hãy ghi lý do vào cột "
                "“Giải thích của đơn vị”.",
                entry.row,
            )
        )
        line.action = REFUSED
        return None
    value = engine.none_score(spec.code, spec.when_none, spec.maximum)
    line.changes = []
    if not state.self_none or value != state.self_value:
        shown = "Không phát sinh" + (f" ({number(value)})" if value is not None else "")
        line.changes.append(Change("Điểm tự đánh giá", number(state.self_value), shown))
    if note != state.self_note:
        line.changes.append(Change("Giải thích", short(state.self_note), short(note)))
    line.action = UPDATE if line.changes else UNCHANGED
    if not line.changes:
        return None
    _check_may_change(entry, spec, state, line)
    if line.has_error:
        line.action = REFUSED
        return None
    return {
        "score_id": state.score_id,
        "version": state.version,
        "code": spec.code,
        "row": entry.row,
        "value": decimal_text(value),
        "b": None,
        "a": None,
        "note": note,
        "none": True,
    }


def _plan_row(
    entry: SelfRow, spec: CriterionSpec, state: ScoreState, rounding: str, line: PreviewRow
) -> dict | None:
    if _nothing_arose(entry, spec, line):
        return _plan_none(entry, spec, state, line)
    if line.has_error:
        line.action = REFUSED
        return None
    value, b, a = _values(entry, spec, state, rounding, line)
    if line.has_error:
        line.action = REFUSED
        return None
    note = entry.note if entry.note is not None else state.self_note
    line.changes = _changes(state, value, b, a, note)
    line.action = UPDATE if line.changes else UNCHANGED
    if not line.changes:
        return None
    _check_may_change(entry, spec, state, line)
    if line.has_error:
        line.action = REFUSED
        return None
    return {
        "score_id": state.score_id,
        "version": state.version,
        "code": spec.code,
        "row": entry.row,
        "value": decimal_text(value),
        "b": b,
        "a": a,
        "note": note if note != state.self_note else None,
    }


def _values(entry: SelfRow, spec: CriterionSpec, state: ScoreState, rounding: str, line):
    """The value and counts the row asks for, checked; for ratio criteria given only counts,
    the value they give."""
    row = entry.row
    counted = spec.method in engine.COUNTED_METHODS
    b, a = (entry.b, entry.a) if counted else (state.self_b, state.self_a)
    if not counted and (entry.b is not None or entry.a is not None):
        # Counts for a criterion that takes none would be kept with no score: refused.
        line.problems.extend(
            error(f"Tiêu chí {spec.code}: {m}", row)
            for m in engine.counts_problems(entry.b, entry.a, method=spec.method)
        )
    value = engine.signed_value(spec.maximum, entry.value)  # a penalty's "0,5" is −0,5
    if entry.value_text:
        value = value_of_label(spec, entry.value_text)
        if value is None:
            line.problems.append(error(_label_refusal(entry, spec), row))
            return None, b, a
    if value is not None:
        line.problems.extend(error(m, row) for m in value_problems(spec, value, "Điểm tự đánh giá"))
    if not counted or (b is None and a is None):
        return value, b, a
    problems = engine.counts_problems(b, a, method=spec.method, params=spec.params or {})
    line.problems.extend(error(f"Tiêu chí {spec.code}: {m}", row) for m in problems)
    if problems:
        return value, b, a
    suggested = engine.suggested_score(
        spec.method, spec.maximum, spec.params or {}, rounding, b=b, a=a
    )
    if value is None:
        return suggested, b, a
    if value != suggested:
        line.problems.append(
            warning(
                f"Điểm tự đánh giá {number(value)} khác điểm tính từ số liệu {_counts(b, a)}: "
                f"{number(suggested)} ({ROUNDING_WORDS.get(rounding, rounding)}). "
                "Xóa ô điểm để dùng điểm tính từ số liệu.",
                row,
            )
        )
    return value, b, a


def _council_entered(entry: SelfRow, spec: CriterionSpec, line: PreviewRow) -> None:
    """A survey or outside criterion: the council enters it for the round, never the unit;
    anything typed for it is refused."""
    line.action = CHECK_ONLY
    if entry.value is None and not entry.value_text and entry.b is None and entry.a is None:
        return
    line.problems.append(
        error(
            f"Tiêu chí {spec.code}: hội đồng nhập kết quả cho cả đợt (điều tra xã hội học "
            "hoặc nguồn bên ngoài), đơn vị không tự chấm; hãy để trống ô điểm và số liệu.",
            entry.row,
        )
    )
    line.action = REFUSED


def _label_refusal(entry: SelfRow, spec: CriterionSpec) -> str:
    labels = [label for label, _ in choice_labels(spec)]
    if not labels:
        return entry.value_error
    return (
        f"Tiêu chí {spec.code}: “{entry.value_text}” không phải là mức chấm của tiêu chí; "
        f"hãy chọn trong danh sách: {', '.join(labels)}."
    )


def _changes(state: ScoreState, value, b, a, note: str) -> list[Change]:
    changes = []
    if value != state.self_value or (state.self_none and value is not None):
        changes.append(Change("Điểm tự đánh giá", number(state.self_value), number(value)))
    if (b, a) != (state.self_b, state.self_a):
        changes.append(Change("Số liệu b/a", _counts(state.self_b, state.self_a), _counts(b, a)))
    if note != state.self_note:
        changes.append(Change("Giải thích", short(state.self_note), short(note)))
    return changes


def _check_may_change(entry: SelfRow, spec: CriterionSpec, state: ScoreState, line) -> None:
    """A changed row must come from a file downloaded after the criterion's last edit, and
    the user must be allowed to enter it."""
    if entry.version is not None and entry.version != state.version:
        line.problems.append(
            error(
                f"Tiêu chí {spec.code}: đã được sửa trên ứng dụng sau khi tệp này được tải về "
                f"(điểm hiện tại {number(state.self_value) or '(trống)'}). Hãy tải bảng điểm "
                "mới về, nhập lại và tải lên.",
                entry.row,
            )
        )
    if not state.may_edit_self:
        line.problems.append(
            error(
                f"Tiêu chí {spec.code}: bạn không được giao tự đánh giá (thuộc bộ phận "
                "khác); hãy để bộ phận phụ trách nhập.",
                entry.row,
            )
        )


def _counts(b: int | None, a: int | None) -> str:
    if b is None:
        return ""
    return f"{b} trường hợp" if a is None else f"{b}/{a}"
