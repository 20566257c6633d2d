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


def _plan_row(
    entry: SelfRow, spec: CriterionSpec, state: ScoreState, rounding: str, line: PreviewRow
) -> dict | None:
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
    if value != state.self_value:
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
