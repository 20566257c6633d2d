"""A framework as a workbook: "Thông tin chung" (name, years, level, maximum, rounding, caps,
classification bands) and "Tiêu chí" (the tree, one criterion a line, with its scoring rule).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cchc.spreadsheet import write
from exchange.plans.framework import SOURCE_WORDS
from exchange.writers import (
    PARENT_FILL,
    fit_rows,
    font,
    header_row,
    landscape,
    new_workbook,
    put,
    title_line,
    to_bytes,
    widths,
)
from scoring import engine

CRITERIA_COLUMNS = [
    "Mã",
    "Nội dung",
    "Điểm tối đa",
    "Phương pháp chấm",
    "Ngưỡng / chỉ tiêu (%)",
    "Các mức (tên: tỷ lệ %)",
    "Tham số (bậc tỷ lệ; điểm trừ)",
    "Nguồn điểm",
    "Hướng dẫn chấm",
    "Tài liệu kiểm chứng",
    "Bộ phận phụ trách",
    "Khi không phát sinh",
    "Loại",
]
KIND_COLUMN = get_column_letter(CRITERIA_COLUMNS.index("Loại") + 1)
LISTS_SHEET = "_danh_muc"


def percent_text(share: Any) -> str:
    """Decimal("0.70") -> "70%", Decimal("0.755") -> "75,5%"."""
    value = (Decimal(str(share)) * 100).normalize()
    return f"{value:f}".replace(".", ",") + "%"


def levels_text(levels: list[dict]) -> str:
    return "; ".join(
        f"{level['label']}: {percent_text(Decimal(str(level['percent'])) / 100)}"
        for level in levels
    )


def params_text(method: str, params: Mapping[str, Any]) -> str:
    """The "Tham số" cell: "≥90%: 1; ≥70%: 0,5" for a stepped ratio, "0,25 mỗi trường hợp"
    for a deduction; empty for the other methods."""
    if method in (engine.Method.RATIO_STEPS, engine.Method.PERCENT_STEPS):
        return "; ".join(
            f"≥{engine.vn_percent(at_least)}: {_plain(points)}"
            for at_least, points in engine.steps_of(params)
        )
    if method == engine.Method.DEDUCTION and params.get("per_case") not in (None, ""):
        return f"{_plain(Decimal(str(params['per_case'])))} mỗi trường hợp"
    return ""


def _plain(value: Decimal) -> str:
    """Decimal("0.50") -> "0,5", Decimal("1") -> "1"."""
    return f"{value.normalize():f}".replace(".", ",")


def _walk(items: list[dict], depth: int = 0) -> Iterator[tuple[int, dict]]:
    for item in items:
        yield depth, item
        yield from _walk(item.get("children") or [], depth + 1)


def framework_workbook(
    data: Mapping[str, Any],
    *,
    levels: Mapping[str, str],
    roundings: Mapping[str, str],
    methods: Mapping[str, str],
) -> bytes:
    """`data` is `exchange.selectors.framework_data(framework)`; the mappings are the labels of
    the unit levels, rounding rules and methods as the app shows them."""
    workbook, info = new_workbook("Thông tin chung")
    _info_sheet(info, data, levels, roundings)
    criteria = workbook.create_sheet("Tiêu chí")
    last_row = _criteria_sheet(criteria, data, methods)
    _method_list(workbook, criteria, methods, last_row)
    _source_list(criteria, last_row)
    workbook.active = 1
    return to_bytes(workbook)


def _info_sheet(info, data: Mapping[str, Any], levels, roundings) -> None:
    title_line(info, 1, "BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", 2, bold=True, size=13)
    lines = [
        ("Tên bộ chỉ số", data["name"]),
        ("Quyết định ban hành", data.get("decision", "")),
        ("Ghi chú", data.get("note", "")),
        ("Áp dụng từ năm", data["year_from"]),
        ("Áp dụng đến năm", data.get("year_to")),
        ("Áp dụng cho", levels.get(data["unit_level"], data["unit_level"])),
        ("Tổng điểm tối đa", Decimal(data["max_total"])),
        ("Làm tròn điểm tính toán", roundings.get(data["rounding"], data["rounding"])),
        ("Điểm thưởng tối đa", Decimal(data.get("bonus_cap") or 0)),
        ("Điểm trừ tối đa", Decimal(data.get("penalty_cap") or 0)),
        ("Quy đổi điểm", "Có" if data.get("rescales") else "Không"),
    ]
    row = 3
    for label, value in lines:
        put(info, row, 1, label, bold=True)
        put(info, row, 2, value, score=isinstance(value, Decimal))
        row += 1
    row += 1
    header_row(info, row, ["Xếp loại", "Từ (% điểm tối đa)"])
    for band in data.get("bands", []):
        row += 1
        put(info, row, 1, band["label"])
        put(info, row, 2, Decimal(band["lower_bound"]), score=True)
    widths(info, (28, 70))
    fit_rows(info, 3)


def _criteria_sheet(criteria, data: Mapping[str, Any], methods) -> int:
    """One criterion a line, parents bold, titles indented by depth; returns the last row."""
    header_row(criteria, 1, CRITERIA_COLUMNS)
    row = 1
    for depth, item in _walk(data.get("criteria", [])):
        row += 1
        parent = bool(item.get("children"))
        for col, value in enumerate(_criterion_values(item, methods), start=1):
            cell = put(criteria, row, col, value, bold=parent, score=col == 3)
            if parent:
                cell.fill = PARENT_FILL
        criteria.cell(row=row, column=2).alignment = Alignment(
            wrap_text=True, vertical="top", indent=depth
        )
    widths(criteria, (9, 52, 9, 30, 12, 34, 26, 18, 48, 36, 24, 18, 14))
    criteria.freeze_panes = "C2"
    fit_rows(criteria, 2)
    landscape(criteria, "1:1")
    return row


def _criterion_values(item: Mapping[str, Any], methods) -> list:
    parent = bool(item.get("children"))
    params = item.get("params") or {}
    method = item.get("method") or ""
    threshold = params.get("floor") or params.get("target")
    return [
        item["code"],
        item["title"],
        Decimal(str(item["maximum"])),
        "" if parent else methods.get(method, method),
        percent_text(threshold) if threshold not in (None, "") and not parent else "",
        levels_text(params.get("levels") or []) if method == engine.Method.LEVELS else "",
        "" if parent else params_text(method, params),
        "" if parent else SOURCE_WORDS.get(item.get("source") or "self", ""),
        item.get("guidance", ""),
        item.get("evidence", ""),
        item.get("department", ""),
        ""
        if parent
        else engine.NONE_RULE_LABELS[engine.NoneRule(item.get("when_none") or "refuse")],
        _kind_text(item, parent),
    ]


def _kind_text(item: Mapping[str, Any], parent: bool) -> str:
    """ "Tiêu chí", "Điểm thưởng" or "Điểm trừ" for a leaf; blank for a parent of scored
    criteria."""
    kind = item.get("kind") or ""
    if parent and not kind:
        return ""
    return engine.KIND_LABELS[engine.Kind(kind)]


def _method_list(workbook, criteria, methods: Mapping[str, str], last_row: int) -> None:
    """A drop-down of method labels (kept on a hidden page: the labels contain commas)."""
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    for index, label in enumerate(methods.values(), start=1):
        write(lists, index, 1, label).font = font()
    rule = DataValidation(
        type="list",
        formula1=f"{LISTS_SHEET}!$A$1:$A${len(methods)}",
        allow_blank=True,
        showErrorMessage=False,
    )
    rule.add(f"D2:D{max(last_row, 2) + 200}")
    criteria.add_data_validation(rule)
    _none_rule_list(criteria, last_row)
    kinds = DataValidation(
        type="list",
        formula1='"' + ",".join(engine.KIND_LABELS.values()) + '"',
        allow_blank=True,
        showErrorMessage=False,
    )
    kinds.add(f"{KIND_COLUMN}2:{KIND_COLUMN}{max(last_row, 2) + 200}")
    criteria.add_data_validation(kinds)


def _source_list(criteria, last_row: int) -> None:
    """A drop-down of the "Nguồn điểm" words; blank reads as "Tự đánh giá"."""
    column = CRITERIA_COLUMNS.index("Nguồn điểm") + 1
    letter = criteria.cell(row=1, column=column).column_letter
    rule = DataValidation(
        type="list",
        formula1='"' + ",".join(SOURCE_WORDS.values()) + '"',
        allow_blank=True,
        showErrorMessage=False,
    )
    rule.add(f"{letter}2:{letter}{max(last_row, 2) + 200}")
    criteria.add_data_validation(rule)


def _none_rule_list(criteria, last_row: int) -> None:
    """A drop-down of the "Khi không phát sinh" rules, in the column after the department."""
    column = get_column_letter(CRITERIA_COLUMNS.index("Khi không phát sinh") + 1)
    labels = ",".join(engine.NONE_RULE_LABELS.values())
    rule = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
    rule.add(f"{column}2:{column}{max(last_row, 2) + 200}")
    criteria.add_data_validation(rule)
