"""The offline self-assessment sheet: the criteria tree with its maxima and rules, yellow input
cells for the self value, counts b/a and the explanation; everything else locked.

A hidden "_cchc" page names the assessment; a hidden "Phiên bản" column keeps each criterion's
edit version, so the upload can spot a criterion changed in the app after the download.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cchc.spreadsheet import Formula, write
from exchange.parsing.selfsheet import META_SHEET
from exchange.writers import (
    INPUT_FILL,
    PARENT_FILL,
    WRAP,
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
from scoring.selectors import Sheet

COLUMNS = [
    "Mã",
    "Nội dung",
    "Cách chấm",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Số b / số trường hợp",
    "Số a",
    "Giải thích của đơn vị",
    "Bộ phận phụ trách",
    "Phiên bản",
    "Điểm quy đổi",
]
HEADER_ROW = 6
VALUE, B, A, NOTE, VERSION, POINTS = 5, 6, 7, 8, 10, 11
GUIDE = (
    "Nhập vào các ô nền vàng: điểm tự đánh giá (tiêu chí đạt/không đạt hoặc theo mức: chọn "
    "trong danh sách); với tiêu chí tính theo tỷ lệ, số b và số a; với tiêu chí trừ điểm theo số "
    "trường hợp, số trường hợp ở cột Số b (để trống ô điểm thì ứng dụng tự tính điểm từ số "
    "liệu); giải thích khi chưa có tài liệu kiểm chứng. Không sửa các cột khác và không xóa "
    "dòng. Tải tệp lên ở trang Trao đổi Excel."
)


def self_sheet_workbook(sheet: Sheet) -> bytes:
    assessment = sheet.assessment
    workbook, ws = new_workbook("Tự đánh giá")
    width = len(COLUMNS) - 1
    title_line(ws, 1, "BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", width, bold=True, size=13)
    title_line(
        ws,
        2,
        f"Đơn vị: {assessment.unit} (mã {assessment.unit.code}) – Kỳ đánh giá: {assessment.period}",
        width,
        bold=True,
    )
    title_line(ws, 3, f"Bộ chỉ số: {assessment.framework}", width, italic=True)
    title_line(ws, 4, GUIDE, width, italic=True, size=11)
    ws.row_dimensions[4].height = 45
    header_row(ws, HEADER_ROW, COLUMNS)
    rows_of: dict[str, int] = {}
    children: dict[str, list[str]] = defaultdict(list)
    limits: dict[str, list[str]] = defaultdict(list)  # maximum -> value cells
    lists: dict[tuple[str, ...], list[str]] = defaultdict(list)  # named values -> value cells
    counts_cells: list[str] = []
    row = HEADER_ROW + 1
    for line in sheet.rows:
        criterion = line.criterion
        rows_of[criterion.code] = row
        parent_code = criterion.code.rsplit(".", 1)[0] if "." in criterion.code else None
        if parent_code:
            children[parent_code].append(criterion.code)
        choices = _choices(line)
        _write_row(ws, row, line, choices, rescales=assessment.framework.rescales)
        if line.is_leaf and criterion.is_self_assessed:
            labels = tuple(label for label, _ in choices)
            if criterion.allows_none:
                # "Không phát sinh" is typed in the value cell: no number limit, and in a
                # drop-down it is one more choice.
                if labels:
                    lists[(*labels, NONE_WORDS)].append(f"E{row}")
            elif labels:
                lists[labels].append(f"E{row}")
            else:
                limits[f"{line.maximum:f}"].append(f"E{row}")
            if criterion.method in engine.RATIO_METHODS:
                counts_cells.extend((f"F{row}", f"G{row}"))
            elif criterion.method == engine.Method.DEDUCTION:
                counts_cells.append(f"F{row}")
        row += 1
    # Parents show the sum of their children as Excel computes it; the upload ignores them.
    # The sums add the hidden "Điểm quy đổi" column: a leaf's points (a named value turned
    # into its points), a parent's own sum.
    for code, kids in children.items():
        if code in rows_of:
            refs = "+".join(f"K{rows_of[kid]}" for kid in kids)
            write(ws, rows_of[code], VALUE, Formula(f"={refs}"))
    fields = [line.criterion.code for line in sheet.scored_fields]
    put(ws, row, 1, "Tổng cộng", bold=True)
    put(ws, row, 4, sheet.results.maximum, bold=True, score=True)
    total = "+".join(f"K{rows_of[c]}" for c in fields) or "0"
    put(ws, row, VALUE, Formula(f"={total}"), bold=True, score=True)
    _validations(ws, limits, counts_cells)
    _meta(workbook, sheet)
    _choice_lists(workbook, ws, lists)
    widths(ws, (9, 48, 26, 9, 11, 8, 8, 36, 22, 8, 8))
    ws.column_dimensions["J"].hidden = True
    ws.column_dimensions["K"].hidden = True
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    fit_rows(ws, HEADER_ROW + 1)
    landscape(ws, f"{HEADER_ROW}:{HEADER_ROW}")
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    return to_bytes(workbook)


def _choices(line) -> list[tuple[str, Decimal]]:
    """The named values of a yes/no or levels leaf ("Đạt" / "Không đạt", level names)."""
    if not line.is_leaf:
        return []
    criterion = line.criterion
    if criterion.method == engine.Method.YES_NO:
        yes, no = engine.yes_no_labels(criterion.maximum)
        return [(yes, criterion.maximum), (no, Decimal("0"))]
    if criterion.method == engine.Method.LEVELS:
        return engine.level_choices(criterion.maximum, criterion.params)
    return []


NONE_WORDS = "Không phát sinh"


def _shown_value(score, choices: list[tuple[str, Decimal]]):
    """The self value as the cell shows it: "Không phát sinh" where the unit reported it, the
    name of a named value, else the number."""
    if score and score.self_not_assessed:
        return NONE_WORDS
    value = score.self_value if score else None
    for label, points in choices:
        if value is not None and value == points:
            return label
    return value


def _points_formula(row: int, choices: list[tuple[str, Decimal]]) -> Formula:
    """A leaf's points for Excel's sums: a number as typed, a named value as its points."""
    formula = f"N(E{row})"
    for label, points in reversed(choices):
        quoted = label.replace('"', '""')
        formula = f'IF(E{row}="{quoted}",{points:f},{formula})'
    return Formula(f"={formula}")


def _write_row(
    ws, row: int, line, choices: list[tuple[str, Decimal]], *, rescales: bool = False
) -> None:
    criterion, score = line.criterion, line.score
    parent = not line.is_leaf
    named = choices
    if criterion.when_none == engine.NoneRule.FULL:
        named = [*choices, (NONE_WORDS, criterion.maximum)]
    write(ws, row, POINTS, Formula(f"=E{row}") if parent else _points_formula(row, named))
    values = [
        criterion.code,
        criterion.title,
        " ".join(
            filter(None, [criterion.rule_text(), criterion.none_rule_text(rescales=rescales)])
        ),
        line.maximum,
        None if parent else _shown_value(score, choices),
        score.self_b if score and not parent else None,
        score.self_a if score and not parent else None,
        score.self_note if score and not parent else None,
        (score.responsible_department.name if score and score.responsible_department else None),
        score.version if score and not parent else None,
    ]
    for col, value in enumerate(values, start=1):
        cell = put(ws, row, col, value, bold=parent, score=col in (4, VALUE))
        if parent:
            cell.fill = PARENT_FILL
    if parent:
        return
    if not criterion.is_self_assessed:
        # The council enters it for the whole round: no input cell, said in words.
        put(ws, row, NOTE, criterion.entered_by_council_text())
        return
    inputs = [VALUE, NOTE]
    if criterion.method in engine.RATIO_METHODS:
        inputs += [B, A]
    elif criterion.method == engine.Method.DEDUCTION:
        inputs.append(B)
    for col in inputs:
        cell = ws.cell(row=row, column=col)
        cell.fill = INPUT_FILL
        cell.protection = Protection(locked=False)
        cell.alignment = WRAP


def _validations(ws, limits: dict[str, list[str]], counts_cells: list[str]) -> None:
    for maximum, cells in limits.items():
        top = Decimal(maximum)
        # A penalty item takes the points typed either way: "0,5" or "−0,5".
        low, high = (-abs(top), abs(top)) if top < 0 else (engine.ZERO, top)
        error = f"Điểm tự đánh giá phải từ 0 đến {engine.vn_number(top)}."
        if top < 0:
            error = f"Điểm trừ phải từ 0 đến {engine.vn_number(abs(top))} (số điểm bị trừ)."
        rule = DataValidation(
            type="decimal",
            operator="between",
            formula1=f"{low:f}",
            formula2=f"{high:f}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Điểm không hợp lệ",
            error=error,
        )
        _validate(ws, rule, cells)
    if counts_cells:
        rule = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Số lượng không hợp lệ",
            error="Số b, số a và số trường hợp là số nguyên không âm.",
        )
        _validate(ws, rule, counts_cells)


def _validate(ws, rule: DataValidation, cells) -> None:
    """Apply `rule` to every cell reference in `cells` and keep it on the sheet."""
    for ref in cells:
        rule.add(ref)
    ws.add_data_validation(rule)


# Excel keeps a drop-down list written in the rule itself to 255 characters, without commas
# inside a name; a longer list, or one with commas, is read from the hidden page instead.
INLINE_LIST_CHARS = 255


def _choice_lists(workbook, ws, lists: dict[tuple[str, ...], list[str]]) -> None:
    """A drop-down list on each yes/no or levels value cell: the names the upload accepts."""
    column = 4  # on the hidden "_cchc" page, beside its key/value pairs
    for labels, cells in lists.items():
        inline = ",".join(labels)
        if len(inline) + 2 <= INLINE_LIST_CHARS and not any("," in label for label in labels):
            source = f'"{inline}"'
        else:
            meta = workbook[META_SHEET]
            for row, label in enumerate(labels, start=1):
                write(meta, row, column, label)
            letter = get_column_letter(column)
            source = f"'{META_SHEET}'!${letter}$1:${letter}${len(labels)}"
            column += 1
        rule = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Chọn trong danh sách",
            error=f"Chọn một trong: {', '.join(labels)}.",
        )
        _validate(ws, rule, cells)


def _meta(workbook, sheet: Sheet) -> None:
    assessment = sheet.assessment
    meta = workbook.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    lines = [
        ("kind", "self_assessment"),
        ("assessment_id", assessment.id),
        ("unit_code", assessment.unit.code),
        ("unit_name", assessment.unit.name),
        ("year", assessment.period.year),
        ("period_kind", assessment.period.kind),
        ("period", str(assessment.period)),
        ("framework", assessment.framework.name),
        ("exported_at", timezone.localtime().strftime("%d/%m/%Y %H:%M")),
    ]
    for row, (key, value) in enumerate(lines, start=1):
        write(meta, row, 1, key)
        write(meta, row, 2, str(value))
    for cell in meta["A"]:
        cell.font = font()
