"""A framework (bộ chỉ số) workbook: a "Thông tin chung" page and a "Tiêu chí" page. No Django.

The general page lists "label | value" lines (name, decision, years, level, maximum, rounding,
caps) and a "Xếp loại | Từ (% điểm tối đa)" table; the criteria page is a flat table whose
codes give the tree (3.12.2 sits under 3.12).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from exchange.parsing.grid import Grid
from exchange.parsing.table import Header, find_header
from exchange.parsing.text import (
    CellError,
    cell_code,
    cell_name,
    cell_number,
    cell_text,
    fold,
    is_code,
    percent_value,
)
from exchange.preview import Problem, error, warning

CRITERIA_PATTERNS = (
    ("source", (r"\bnguon diem\b",)),
    ("when_none", (r"\bkhong phat sinh\b",)),
    ("params", (r"\btham so\b",)),
    ("guidance", (r"\bhuong dan\b",)),
    ("evidence", (r"\bkiem chung\b",)),
    ("department", (r"\bbo phan\b", r"\bphu trach\b")),
    ("levels", (r"\bcac muc\b", r"\bmuc cham\b")),
    ("threshold", (r"\bnguong\b", r"\bchi tieu\b")),
    ("method", (r"\bphuong phap\b", r"\bcach cham\b")),
    ("maximum", (r"\btoi da\b", r"\bdiem chuan\b")),
    ("code", (r"^(ma|ma tieu chi|muc|stt)\b",)),
    ("title", (r"\bnoi dung\b", r"\bten tieu chi\b")),
    ("kind", (r"^loai$", r"^loai muc\b")),
)
# Labels of the general page, folded; the first that a label starts with wins.
INFO_LABELS = (
    ("ten bo chi so", "name"),
    ("quyet dinh", "decision"),
    ("ghi chu", "note"),
    ("ap dung tu nam", "year_from"),
    ("ap dung den nam", "year_to"),
    ("ap dung cho", "unit_level"),
    ("tong diem toi da", "max_total"),
    ("lam tron", "rounding"),
    ("diem thuong toi da", "bonus_cap"),
    ("diem tru toi da", "penalty_cap"),
    ("quy doi diem", "rescales"),
)


@dataclass
class FrameworkRow:
    row: int
    code: str
    title: str = ""
    maximum: Decimal | None = None
    method: str = ""  # as typed; mapped to a method by the plan
    threshold: Decimal | None = None  # floor or target, as a share (0.70)
    levels: list[dict] = field(default_factory=list)
    # The "Tham số" cell as typed, and its name: read by the plan once the method is known
    # (stepped ratio "≥90%: 1; ≥70%: 0,5", deduction "0,25 mỗi trường hợp").
    params_text: str = ""
    params_cell: str = ""
    steps: list[dict] = field(default_factory=list)
    per_case: Decimal | None = None
    guidance: str = ""
    evidence: str = ""
    department: str = ""
    source: str = ""  # "Nguồn điểm" as typed; mapped to a source by the plan
    when_none: str = ""  # as typed ("Không đánh giá"); mapped to a rule by the plan
    kind: str = ""  # the "Loại" cell as typed (Tiêu chí / Điểm thưởng / Điểm trừ)


@dataclass
class FrameworkSheet:
    info: dict[str, object] = field(default_factory=dict)  # key -> raw cell value
    info_rows: dict[str, int] = field(default_factory=dict)  # key -> Excel row
    bands: list[tuple[int, str, Decimal | None]] = field(default_factory=list)
    header: Header | None = None
    rows: list[FrameworkRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_levels(text: str, where: str) -> list[dict]:
    """ "Tốt: 100%; Khá: 75%; Đạt: 50%" (or one level a line) -> [{"label", "percent"}]."""
    levels = []
    for part in re.split(r"[;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        label, sep, share = part.rpartition(":")
        if not sep or not label.strip():
            raise CellError(
                f"Ô {where}: mức “{part}” cần ghi dạng “Tên mức: tỷ lệ %”, ví dụ “Tốt: 100%”."
            )
        percent = cell_number(share.replace("%", "").strip(), where)
        if percent is None:
            raise CellError(f"Ô {where}: mức “{label.strip()}” thiếu tỷ lệ phần trăm.")
        levels.append({"label": label.strip(), "percent": f"{percent.normalize():f}"})
    return levels


_STEP_MARK = re.compile(r"^(?:≥|>=|=>|từ|tu)\s*", re.IGNORECASE)
_PER_CASE = re.compile(r"^\s*(?:trừ\s*)?([+-]?[\d.,]+)\s*(?:điểm)?\s*(?:/|mỗi|cho mỗi)?", re.I)


def parse_steps(text: str, where: str) -> list[dict]:
    """ "≥90%: 1; ≥70%: 0,5" (or one step a line) -> [{"at_least": "90", "points": "1"}, …]."""
    steps = []
    for part in re.split(r"[;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        share, sep, points = part.partition(":")
        share = _STEP_MARK.sub("", share.strip()).replace("%", "").strip()
        if not sep or not share or not points.strip():
            raise CellError(
                f"Ô {where}: bậc “{part}” cần ghi dạng “≥tỷ lệ %: số điểm”, ví dụ “≥90%: 1”."
            )
        at_least = cell_number(share, where)
        value = cell_number(points.strip(), where)
        steps.append({"at_least": f"{at_least.normalize():f}", "points": f"{value.normalize():f}"})
    return steps


def parse_per_case(text: str, where: str) -> Decimal | None:
    """ "0,25 mỗi trường hợp", "trừ 0,25 điểm/trường hợp" or "0,25" -> Decimal("0.25")."""
    if not (text or "").strip():
        return None
    match = _PER_CASE.match(text)
    if not match:
        raise CellError(
            f"Ô {where}: “{text}” cần ghi số điểm trừ mỗi trường hợp, ví dụ “0,25 mỗi trường hợp”."
        )
    return cell_number(match.group(1).rstrip(".,"), where)


def parse_framework(grids: list[Grid]) -> FrameworkSheet:
    sheet = FrameworkSheet()
    criteria_grid = None
    for grid in grids:
        if grid.hidden:
            continue
        header = find_header(grid, CRITERIA_PATTERNS, required=("code", "maximum", "method"))
        if header is not None and criteria_grid is None:
            criteria_grid, sheet.header = grid, header
        elif not sheet.info:
            _read_info(grid, sheet)
    if criteria_grid is None or sheet.header is None:
        sheet.problems.append(
            error(
                "Không tìm thấy bảng tiêu chí: cần dòng tiêu đề có các cột “Mã”, “Nội dung”, "
                "“Điểm tối đa” và “Phương pháp chấm”."
            )
        )
        return sheet
    if not sheet.info:
        sheet.problems.append(
            error(
                "Không tìm thấy trang “Thông tin chung” (tên bộ chỉ số, năm áp dụng, cấp đơn "
                "vị, tổng điểm tối đa, xếp loại)."
            )
        )
    _read_criteria(criteria_grid, sheet.header, sheet)
    return sheet


def _read_info(grid: Grid, sheet: FrameworkSheet) -> None:
    in_bands = False
    for row in range(1, grid.height + 1):
        label, value = cell_text(grid.cell(row, 1)), grid.cell(row, 2)
        folded = fold(label)
        if not folded:
            in_bands = False if not cell_text(value) else in_bands
            continue
        if folded.startswith("xep loai") and fold(value).startswith("tu"):
            in_bands = True
            continue
        if in_bands:
            try:
                lower = cell_number(cell_text(value).rstrip("%").strip(), cell_name(row, 2))
            except CellError as exc:
                sheet.problems.append(error(str(exc), row))
                lower = None
            sheet.bands.append((row, label, lower))
            continue
        for prefix, key in INFO_LABELS:
            if folded.startswith(prefix) and key not in sheet.info:
                sheet.info[key] = value
                sheet.info_rows[key] = row
                break


def _read_criteria(grid: Grid, header: Header, sheet: FrameworkSheet) -> None:
    cols = header.columns
    for row in range(header.data_start, grid.height + 1):
        code, _ = cell_code(grid.cell(row, cols["code"]))
        if not code:
            continue
        if not is_code(code):
            sheet.problems.append(
                error(f"Mã “{code}” không phải mã tiêu chí (ví dụ hợp lệ: 3.12.2).", row)
            )
            continue
        entry = FrameworkRow(row=row, code=code)
        entry.title = _text(grid, row, cols.get("title"))
        entry.method = _text(grid, row, cols.get("method"))
        entry.guidance = _text(grid, row, cols.get("guidance"))
        entry.evidence = _text(grid, row, cols.get("evidence"))
        entry.department = _text(grid, row, cols.get("department"))
        entry.source = _text(grid, row, cols.get("source"))
        entry.when_none = _text(grid, row, cols.get("when_none"))
        entry.kind = _text(grid, row, cols.get("kind"))
        if "params" in cols:
            entry.params_text = _text(grid, row, cols["params"])
            entry.params_cell = cell_name(row, cols["params"])
        try:
            entry.maximum = cell_number(
                grid.cell(row, cols["maximum"]), cell_name(row, cols["maximum"])
            )
            if "threshold" in cols:
                entry.threshold = percent_value(
                    grid.cell(row, cols["threshold"]), cell_name(row, cols["threshold"])
                )
            if "levels" in cols:
                entry.levels = parse_levels(
                    _text(grid, row, cols["levels"]), cell_name(row, cols["levels"])
                )
        except CellError as exc:
            sheet.problems.append(error(str(exc), row))
            continue
        if entry.maximum is None:
            sheet.problems.append(error(f"Tiêu chí {code}: thiếu điểm tối đa.", row))
            continue
        if not entry.title:
            sheet.problems.append(warning(f"Tiêu chí {code}: chưa có nội dung.", row))
        sheet.rows.append(entry)
    if not sheet.rows:
        sheet.problems.append(error("Bảng tiêu chí không có dòng nào mang mã tiêu chí."))


def _text(grid: Grid, row: int, col: int | None) -> str:
    return "" if col is None else cell_text(grid.cell(row, col))
