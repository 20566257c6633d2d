"""What a framework workbook would create. No Django.

The result's payload is the nested data `scoring.services.framework_create` takes (the shape of
fixtures/demo/framework_sample.json); that service checks the tree again when it is applied.
A framework of the same name that is identical to the file makes the import a no-op, so a
framework exported and imported again changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from exchange.parsing.framework import (
    FrameworkRow,
    FrameworkSheet,
    parse_per_case,
    parse_steps,
)
from exchange.parsing.text import CellError, cell_count, cell_number, cell_text, fold
from exchange.plans import number
from exchange.preview import CREATE, REFUSED, UNCHANGED, Change, Preview, PreviewRow, error
from scoring import engine

# The "Nguồn điểm" column: who gives a leaf its value (scoring.models.Source).
SOURCE_WORDS = {
    "self": "Tự đánh giá",
    "survey": "Điều tra xã hội học",
    "external": "Nguồn bên ngoài",
}
_CODE_IN_MESSAGE = re.compile(r"(?:[Tt]iêu chí|Mã tiêu chí) (\d+(?:\.\d+)*)")


def choice_value(text: object, choices: Mapping[str, str]) -> str | None:
    """The stored value for a label or value as typed ("Cấp xã", "commune", "cap xa")."""
    folded = fold(text)
    for value, label in choices.items():
        if folded in (fold(value), fold(label)):
            return value
    return None


def plan_framework(
    sheet: FrameworkSheet,
    *,
    levels: Mapping[str, str],
    roundings: Mapping[str, str],
    methods: Mapping[str, str],
    existing: Mapping[str, tuple],
) -> Preview:
    """The preview of creating the framework in `sheet`; `existing` maps the names of the
    frameworks already in the app to their `signature`."""
    preview = Preview(problems=list(sheet.problems))
    data = _info(sheet, levels, roundings, preview)
    data["bands"] = _bands(sheet, preview)
    rows_by_code = _criteria(sheet, methods, preview)
    nodes = [
        engine.Node(code, row.maximum, _parent(code), row.kind)
        for code, row in rows_by_code.items()
    ]
    max_total = data.get("max_total")
    if isinstance(max_total, Decimal):
        caps = {"bonus_cap": data.get("bonus_cap"), "penalty_cap": data.get("penalty_cap")}
        for message in engine.tree_problems(nodes, max_total, **caps):
            match = _CODE_IN_MESSAGE.search(message)
            row = rows_by_code.get(match.group(1)) if match else None
            preview.problems.append(error(message, row.row if row else None))
    data["criteria"] = _nest(rows_by_code, methods)
    if preview.errors:
        return preview
    payload = _json_ready(data)
    name = payload["name"]
    if _words(name) in existing:
        if existing[_words(name)] == signature(payload):
            for line in preview.rows:
                line.action = UNCHANGED
                line.changes = []
            preview.notes.append(f"Bộ chỉ số “{name}” đã có và giống hệt tệp: không có gì để nhập.")
            return preview
        preview.problems.append(
            error(
                f"Đã có bộ chỉ số tên “{name}” khác với tệp. Hãy đặt tên khác cho bộ chỉ số "
                "trong tệp (ví dụ ghi thêm năm áp dụng) rồi tải lên lại."
            )
        )
        return preview
    preview.payload = {"data": payload}
    preview.notes.append(
        f"Sẽ tạo bộ chỉ số “{name}” với {len(rows_by_code)} tiêu chí và "
        f"{len(data['bands'])} mức xếp loại, rồi đưa vào áp dụng."
    )
    return preview


def _parent(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def _info(sheet: FrameworkSheet, levels, roundings, preview: Preview) -> dict[str, Any]:
    info, rows = sheet.info, sheet.info_rows
    data: dict[str, Any] = {}

    def problem(key: str, message: str) -> None:
        preview.problems.append(error(message, rows.get(key)))

    data["name"] = cell_text(info.get("name"))
    if not data["name"]:
        problem("name", "Thiếu tên bộ chỉ số (dòng “Tên bộ chỉ số”).")
    data["decision"] = cell_text(info.get("decision"))
    data["note"] = cell_text(info.get("note"))
    for key, label, required in (
        ("year_from", "Áp dụng từ năm", True),
        ("year_to", "Áp dụng đến năm", False),
    ):
        try:
            data[key] = cell_count(info.get(key), f"B{rows.get(key, '?')}")
        except CellError as exc:
            problem(key, str(exc))
            data[key] = None
        if required and data[key] is None:
            problem(key, f"Thiếu “{label}” (ví dụ 2024).")
    if data["year_from"] and data["year_to"] and data["year_to"] < data["year_from"]:
        problem("year_to", "Năm kết thúc áp dụng không được trước năm bắt đầu.")
    data["unit_level"] = choice_value(info.get("unit_level"), levels)
    if data["unit_level"] is None:
        problem(
            "unit_level",
            f"“Áp dụng cho” phải là một trong: {', '.join(levels.values())}.",
        )
    raw_rounding = info.get("rounding")
    data["rounding"] = (
        choice_value(raw_rounding, roundings) if cell_text(raw_rounding) else "half_up"
    )
    if data["rounding"] is None:
        problem("rounding", f"“Làm tròn” phải là một trong: {'; '.join(roundings.values())}.")
    for key, label, default in (
        ("max_total", "Tổng điểm tối đa", Decimal("100")),
        ("bonus_cap", "Điểm thưởng tối đa", Decimal("0")),
        ("penalty_cap", "Điểm trừ tối đa", Decimal("0")),
    ):
        try:
            value = cell_number(info.get(key), f"B{rows.get(key, '?')}")
        except CellError as exc:
            problem(key, str(exc))
            value = None
        data[key] = default if value is None and key not in info else value
        if data[key] is None:
            problem(key, f"Thiếu “{label}”.")
    data["rescales"] = _yes_no(info.get("rescales"))
    if data["rescales"] is None:
        problem("rescales", "“Quy đổi điểm” phải là “Có” hoặc “Không” (để trống: Không).")
    return data


def _yes_no(value: object) -> bool | None:
    """ "Có" / "Không" (or empty: no), as typed in a "label | value" line."""
    folded = fold(value)
    if folded in ("", "khong", "no", "false", "0"):
        return False
    if folded in ("co", "yes", "true", "1", "x"):
        return True
    return None


def _bands(sheet: FrameworkSheet, preview: Preview) -> list[dict[str, Any]]:
    bands, seen = [], set()
    for row, label, lower in sheet.bands:
        if lower is None or not engine.ZERO <= lower <= engine.HUNDRED:
            preview.problems.append(
                error(f"Mức xếp loại “{label}” cần tỷ lệ từ 0 đến 100 (% điểm tối đa).", row)
            )
            continue
        if label in seen:
            preview.problems.append(error(f"Mức xếp loại “{label}” ghi hai lần.", row))
            continue
        seen.add(label)
        bands.append({"label": label, "lower_bound": lower})
    if not bands and not preview.errors:
        preview.problems.append(
            error("Bộ chỉ số chưa có mức xếp loại nào (bảng “Xếp loại | Từ (% điểm tối đa)”).")
        )
    return bands


def _criteria(sheet: FrameworkSheet, methods, preview: Preview) -> dict[str, FrameworkRow]:
    by_code: dict[str, FrameworkRow] = {}
    lines: dict[str, PreviewRow] = {}
    for row in sheet.rows:
        line = PreviewRow(row=row.row, code=row.code, title=row.title, action=CREATE)
        preview.rows.append(line)
        if row.code in by_code:
            line.problems.append(
                error(
                    f"Tiêu chí {row.code}: đã có ở dòng {by_code[row.code].row}; mỗi tiêu chí "
                    "chỉ được ghi một lần.",
                    row.row,
                )
            )
            line.action = REFUSED
            continue
        by_code[row.code] = row
        lines[row.code] = line
    parents = {_parent(code) for code in by_code}
    for code, row in by_code.items():
        line = lines[code]
        _read_kind(row, line)
        method = choice_value(row.method, methods) if row.method else ""
        if code in parents:
            if row.method:
                line.problems.append(
                    error(
                        f"Tiêu chí {code}: có tiêu chí con nên không có phương pháp chấm riêng.",
                        row.row,
                    )
                )
        elif method is None:
            line.problems.append(
                error(
                    f"Tiêu chí {code}: không có phương pháp chấm “{row.method}”; chọn một "
                    f"trong: {'; '.join(methods.values())}.",
                    row.row,
                )
            )
        elif not method:
            line.problems.append(
                error(
                    f"Tiêu chí {code}: không có tiêu chí con nên phải có phương pháp chấm.", row.row
                )
            )
        else:
            row.method = method
            _read_source(row, line)
            _read_when_none(row, line)
            try:
                _read_params(row)
            except CellError as exc:
                line.problems.append(error(str(exc), row.row))
            else:
                message = engine.params_problems(code, method, _params(row), maximum=row.maximum)
                message += engine.item_method_problems(code, row.kind, method)
                line.problems.extend(error(m, row.row) for m in message)
        if line.has_error:
            line.action = REFUSED
        else:
            label = "tổng các tiêu chí con" if code in parents else methods.get(method, method)
            line.changes = [Change("Điểm tối đa; cách chấm", "", f"{number(row.maximum)}; {label}")]
    return by_code


def _read_source(row: FrameworkRow, line: PreviewRow) -> None:
    """The "Nguồn điểm" cell as a source ("self" when blank); an unknown one is an error."""
    if not row.source:
        row.source = "self"
        return
    source = choice_value(row.source, SOURCE_WORDS)
    if source is None:
        line.problems.append(
            error(
                f"Tiêu chí {row.code}: nguồn điểm “{row.source}” không có; hãy chọn một trong: "
                f"{'; '.join(SOURCE_WORDS.values())}.",
                row.row,
            )
        )
    row.source = source or "self"


def _read_when_none(row: FrameworkRow, line: PreviewRow) -> None:
    """The "Khi không phát sinh" cell as a rule (empty: refused, as before the column)."""
    rule = choice_value(row.when_none, engine.NONE_RULE_LABELS) if row.when_none else "refuse"
    if rule is None:
        labels = "; ".join(engine.NONE_RULE_LABELS.values())
        line.problems.append(
            error(
                f"Tiêu chí {row.code}: “Khi không phát sinh” là “{row.when_none}”; hãy chọn một "
                f"trong: {labels}.",
                row.row,
            )
        )
    row.when_none = rule or ""


KINDS = {kind.value: label for kind, label in engine.KIND_LABELS.items()}


def _read_kind(row: FrameworkRow, line: PreviewRow) -> None:
    """The "Loại" cell: blank or "Tiêu chí" for a scored criterion, "Điểm thưởng" or "Điểm
    trừ" for an item. A penalty item's maximum may be typed as the points it takes ("0,5"):
    it is stored negative (−0,5), as the rule text says."""
    kind = choice_value(row.kind, KINDS) if row.kind else ""
    if kind is None:
        line.problems.append(
            error(
                f"Tiêu chí {row.code}: loại “{row.kind}” không có; hãy chọn một trong: "
                f"{'; '.join(KINDS.values())}.",
                row.row,
            )
        )
        kind = ""
    row.kind = kind
    if kind == engine.Kind.PENALTY and row.maximum is not None:
        row.maximum = -abs(row.maximum)


def _read_params(row: FrameworkRow) -> None:
    """The "Tham số" cell read the way the row's method needs it."""
    if row.method in (engine.Method.RATIO_STEPS, engine.Method.PERCENT_STEPS):
        row.steps = parse_steps(row.params_text, row.params_cell)
    elif row.method == engine.Method.DEDUCTION:
        row.per_case = parse_per_case(row.params_text, row.params_cell)


def _params(row: FrameworkRow) -> dict[str, Any]:
    if row.method in (engine.Method.RATIO_STEPS, engine.Method.PERCENT_STEPS):
        return {"steps": row.steps}
    if row.method == engine.Method.DEDUCTION:
        return {"per_case": row.per_case} if row.per_case is not None else {}
    if row.method == engine.Method.RATIO_FLOOR:
        return {"floor": row.threshold} if row.threshold is not None else {}
    if row.method == engine.Method.RATIO_TARGET:
        return {"target": row.threshold} if row.threshold is not None else {}
    if row.method == engine.Method.LEVELS:
        return {"levels": row.levels}
    return {}


def _nest(by_code: dict[str, FrameworkRow], methods) -> list[dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    parents = {_parent(code) for code in by_code}
    for code in sorted(by_code, key=engine.sort_key):
        row = by_code[code]
        is_parent = code in parents
        node: dict[str, Any] = {
            "code": code,
            "title": row.title,
            "maximum": row.maximum,
            "guidance": row.guidance,
            "evidence": row.evidence,
            "department": row.department,
        }
        if row.kind:
            node["kind"] = row.kind
        if is_parent:
            node["children"] = []
        else:
            node["method"] = row.method if row.method in methods else ""
            node["params"] = _params(row)
            if row.source and row.source != "self":
                node["source"] = row.source
            node["when_none"] = row.when_none or engine.NoneRule.REFUSE.value
        nodes[code] = node
        parent = nodes.get(_parent(code) or "")
        (parent["children"] if parent and "children" in parent else roots).append(node)
    return roots


def _json_ready(value: Any) -> Any:
    """Decimals as text ("0.70"), so the data can be stored and handed to framework_create."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _words(text: Any) -> str:
    return " ".join(str(text or "").split())


def signature(data: Mapping[str, Any]) -> tuple:
    """What makes two frameworks the same, in the framework_create data shape: names, years,
    numbers compared as numbers ("0.7" = "0.70"), texts compared word by word, the whole tree.
    """

    def params_key(params: Mapping[str, Any]) -> tuple:
        levels = tuple((lv["label"], _dec(lv["percent"])) for lv in params.get("levels") or [])
        steps = tuple(
            (_dec(step.get("at_least")), _dec(step.get("points")))
            for step in params.get("steps") or []
        )
        return (
            _dec(params.get("floor")),
            _dec(params.get("target")),
            levels,
            steps,
            _dec(params.get("per_case")),
        )

    def walk(items) -> tuple:
        return tuple(
            (
                str(item["code"]),
                _words(item.get("title")),
                _dec(item["maximum"]),
                item.get("method") or "",
                params_key(item.get("params") or {}),
                item.get("source") or "self",
                _words(item.get("guidance")),
                _words(item.get("evidence")),
                _words(item.get("department")),
                str(item.get("when_none") or "refuse") if not item.get("children") else "",
                item.get("kind") or "",
                walk(item.get("children") or []),
            )
            for item in items
        )

    return (
        _words(data.get("name")),
        _words(data.get("decision")),
        _words(data.get("note")),
        data.get("year_from"),
        data.get("year_to"),
        data.get("unit_level"),
        _dec(data.get("max_total")),
        data.get("rounding"),
        _dec(data.get("bonus_cap")),
        _dec(data.get("penalty_cap")),
        bool(data.get("rescales")),
        tuple(sorted((_words(b["label"]), _dec(b["lower_bound"])) for b in data.get("bands", []))),
        walk(data.get("criteria", [])),
    )
