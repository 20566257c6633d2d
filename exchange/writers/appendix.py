"""The appraisal table in the layout of the seeds' phụ lục, ready to attach to a report."""

from __future__ import annotations

from cchc.spreadsheet import write
from exchange.writers import (
    BORDER,
    CENTER,
    PARENT_FILL,
    fit_rows,
    font,
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
    "Mục",
    "Nội dung",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Số điểm bị trừ",
    "Ghi chú\n(Lý do giảm điểm)",
    "Trách nhiệm bộ phận phụ trách",
]
SUBTITLE = "Lĩnh vực/ Tiêu chí/Tiêu chí thành phần"
NONE_WORDS = "Không phát sinh"
WIDTH = len(COLUMNS)


def appendix_workbook(sheet: Sheet, *, lost_only: bool) -> bytes:
    """Every criterion (parents with their sums), or only the leaves that lost points as in
    seed 002, ending with a "Tổng cộng" row."""
    assessment = sheet.assessment
    workbook, ws = new_workbook("Phụ lục")
    title_line(ws, 1, "PHỤ LỤC", WIDTH, bold=True, size=13)
    if lost_only:
        heading = (
            "TỔNG HỢP CÁC NỘI DUNG THỰC HIỆN CẢI CÁCH HÀNH CHÍNH BỊ TRỪ ĐIỂM "
            f"{str(assessment.period).upper()}"
        )
    else:
        heading = f"KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH {str(assessment.period).upper()}"
    title_line(ws, 2, heading, WIDTH, bold=True)
    title_line(ws, 3, f"({assessment.unit} – {assessment.framework})", WIDTH, italic=True)
    _header(ws, 5)
    rows = sheet.lost_rows if lost_only else sheet.rows
    row = 7
    for line in rows:
        is_parent = not line.is_leaf
        score = line.score
        values = [
            line.criterion.code,
            line.criterion.title,
            line.maximum,
            line.self_value,
            # Written as the import reads it back: the council found nothing arose.
            NONE_WORDS
            if line.is_leaf and score and score.appraised_not_assessed
            else line.appraised,
            line.lost,
            score.appraisal_comment if score and line.is_leaf else None,
            score.responsible_note if score and line.is_leaf else None,
        ]
        for col, value in enumerate(values, start=1):
            cell = put(ws, row, col, value, bold=is_parent, score=3 <= col <= 6)
            if is_parent:
                cell.fill = PARENT_FILL
        row += 1
    top = [line for line in rows if line.is_leaf] if lost_only else sheet.scored_fields
    totals = [
        "Tổng cộng",
        None,
        engine.total(line.maximum for line in top),
        engine.total(line.self_value for line in top),
        engine.total(line.appraised for line in top),
        engine.total(line.lost for line in top),
        None,
        None,
    ]
    for col, value in enumerate(totals, start=1):
        put(ws, row, col, value, bold=True, score=3 <= col <= 6)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    results = sheet.results
    if results.items and not lost_only:
        row += 1
        put(ws, row, 1, "Tổng điểm (cộng điểm thưởng, trừ điểm trừ, trong mức tối đa)", bold=True)
        put(ws, row, 5, results.total, bold=True, score=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    if sheet.results.rescaled is not None and not lost_only:
        row += 1  # after the totals row, which ends the table for the import
        put(ws, row, 1, "Điểm quy đổi", bold=True)
        put(ws, row, 5, sheet.results.rescaled, bold=True, score=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    widths(ws, (9, 46, 9, 10, 10, 9, 36, 24))
    ws.freeze_panes = "A7"
    fit_rows(ws, 7)
    landscape(ws, "5:6")
    return to_bytes(workbook)


def _header(ws, row: int) -> None:
    for col, label in enumerate(COLUMNS, start=1):
        for r in (row, row + 1):
            cell = ws.cell(row=r, column=col)
            cell.border = BORDER
            cell.alignment = CENTER
            cell.font = font(bold=True)
        write(ws, row, col, label)
        if col == 2:
            write(ws, row + 1, col, SUBTITLE).font = font(italic=True)
        else:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
