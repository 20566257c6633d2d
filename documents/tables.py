"""The phụ lục tables as plain data, built once and rendered as PDF, Excel or inside a letter.

(a) `lost_criteria_table` — the criteria that lost points, as in seed 002, with a totals row;
(b) `score_sheet_table` — every criterion, grouped by field, each field with its subtotals;
(c) `ranking_table` — every unit of a framework and period, ranked.

The numbers come from `scoring.selectors` (which computes them with `scoring.engine`); this
module only lays them out. A Table turns into JSON and back, so an issued letter keeps its
appendix exactly as it was sent.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from documents import formatting
from scoring import engine
from scoring.models import Assessment, AssessmentStatus, Framework, Period, PeriodKind
from scoring.selectors import RankingRow, Sheet

TEXT, NUMBER, SIGNED = "text", "number", "signed"
DRAFT_MARK = "DỰ THẢO – KẾT QUẢ CHƯA CÔNG BỐ"


@dataclass(frozen=True)
class Column:
    label: str
    width: float  # share of the table's width, in percent
    kind: str = TEXT  # TEXT, NUMBER (two decimals) or SIGNED (+9,18 / −1,25)
    xlsx_width: float = 10  # Excel column width, in characters


@dataclass
class Row:
    cells: list[Any]
    style: str = ""  # "" (a leaf), "field", "group" (a criterion with children), "total",
    # or "heading" (a line across the table: a ranking group's name, in its first cell)
    depth: int = 0


@dataclass
class Table:
    key: str
    heading: str  # "PHỤ LỤC" or "" for a table printed on its own without that line
    title: str
    reference: str  # the italic line under the title: "(Kèm theo Báo cáo số … )"
    columns: list[Column]
    rows: list[Row]
    landscape: bool = True
    notes: list[str] = field(default_factory=list)
    filename: str = "phu-luc"
    # The assessment's results are not published yet: every output carries DRAFT_MARK.
    draft: bool = False

    def to_json(self) -> dict:
        data = asdict(self)
        for row in data["rows"]:
            row["cells"] = [str(c) if isinstance(c, Decimal) else c for c in row["cells"]]
        return data

    @classmethod
    def from_json(cls, data: dict) -> Table:
        columns = [Column(**c) for c in data["columns"]]
        rows = []
        for row in data["rows"]:
            cells = [
                Decimal(cell) if col.kind != TEXT and cell not in (None, "") else cell
                for col, cell in zip(columns, row["cells"], strict=True)
            ]
            rows.append(Row(cells=cells, style=row["style"], depth=row["depth"]))
        return cls(**{**data, "columns": columns, "rows": rows})


def period_label(period: Period) -> str:
    """ "năm 2023" or "6 tháng đầu năm 2023", as running text writes a period."""
    if period.kind == PeriodKind.MID_YEAR:
        return f"6 tháng đầu năm {period.year}"
    return f"năm {period.year}"


def unit_authority(assessment: Assessment) -> str:
    """ "UBND phường 1", as a phụ lục's reference line names the issuing body."""
    return f"UBND {formatting.running_name(assessment.unit.name)}"


def responsible_text(row) -> str:
    """Who answers for a criterion, as the documents write it: the note, else the department."""
    score = row.score
    if score is None:
        return ""
    if score.responsible_note:
        return score.responsible_note
    return score.responsible_department.name if score.responsible_department else ""


def is_draft(assessment: Assessment) -> bool:
    """A document of an assessment whose results are not published is a draft."""
    return assessment.status != AssessmentStatus.PUBLISHED


def decision_reference(assessment: Assessment) -> str:
    decision = assessment.published_decision.strip()
    return f"(Theo {decision})" if decision else ""


SHEET_COLUMNS = [
    Column("Mục", 6.5, TEXT, 9),
    Column("Nội dung\nLĩnh vực/Tiêu chí/Tiêu chí thành phần", 28, TEXT, 48),
    Column("Điểm tối đa", 6.2, NUMBER, 9),
    Column("Điểm tự đánh giá", 6.8, NUMBER, 10),
    Column("Điểm thẩm định", 6.8, NUMBER, 10),
    Column("Số điểm bị trừ", 6.2, NUMBER, 9),
]


def item_title(row) -> str:
    """A criterion's title; a bonus item's marked "(+)", a penalty item's "(−)"."""
    kind = row.criterion.kind
    if kind == engine.Kind.BONUS:
        return f"(+) {row.criterion.title}"
    if kind == engine.Kind.PENALTY:
        return f"(−) {row.criterion.title}"
    return row.criterion.title


def lost_criteria_table(sheet: Sheet, reference: str | None = None) -> Table:
    """(a) The criteria that lost points, with the council's reason and who answers for it."""
    assessment = sheet.assessment
    rows = [
        Row(
            [
                row.criterion.code,
                item_title(row),
                row.maximum,
                row.self_value,
                row.appraised,
                row.lost,
                row.score.appraisal_comment if row.score else "",
                responsible_text(row),
            ]
        )
        for row in sheet.lost_rows
    ]
    lost = sheet.lost_rows
    rows.append(
        Row(
            [
                "",
                "Tổng cộng",
                engine.total(r.maximum for r in lost),
                engine.total(r.self_value for r in lost),
                engine.total(r.appraised for r in lost),
                engine.total(r.lost for r in lost),
                "",
                "",
            ],
            style="total",
        )
    )
    label = period_label(assessment.period)
    return Table(
        key="lost",
        heading="PHỤ LỤC",
        title=("TỔNG HỢP CÁC NỘI DUNG THỰC HIỆN CẢI CÁCH HÀNH CHÍNH BỊ TRỪ ĐIỂM " + label.upper()),
        reference=decision_reference(assessment) if reference is None else reference,
        columns=[
            *SHEET_COLUMNS,
            Column("Ghi chú\n(Lý do giảm điểm)", 24, TEXT, 40),
            Column("Trách nhiệm bộ phận phụ trách", 15.5, TEXT, 24),
        ],
        rows=rows,
        landscape=True,
        filename=f"phu-luc-tieu-chi-bi-tru-diem-{assessment.unit.code}-{assessment.period.year}",
        draft=is_draft(assessment),
    )


def score_sheet_table(sheet: Sheet) -> Table:
    """(b) Every criterion, grouped by field; each field and criterion carries its subtotals."""
    assessment = sheet.assessment
    rows = []
    for row in sheet.rows:
        style = "field" if row.depth == 0 else ("" if row.is_leaf else "group")
        score = row.score
        comment = score.appraisal_comment if score else ""
        if score and score.appraised_not_assessed and score.appraised_value is None:
            comment = f"Không phát sinh, không đánh giá: {comment}".rstrip(": ")
        rows.append(
            Row(
                [
                    row.criterion.code,
                    item_title(row),
                    row.maximum,
                    row.self_value,
                    row.appraised,
                    row.lost,
                    comment,
                    responsible_text(row) if row.is_leaf else "",
                ],
                style=style,
                depth=row.depth,
            )
        )
    results = sheet.results
    rows.append(
        Row(
            [
                "",
                "Tổng cộng",
                results.maximum,
                results.self_total,
                results.appraised_total,
                results.points_lost,
                "",
                "",
            ],
            style="total",
        )
    )
    label = period_label(assessment.period)
    return Table(
        key="sheet",
        heading="PHỤ LỤC",
        title=(
            f"BẢNG ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH {label.upper()} CỦA "
            f"{unit_authority(assessment).upper()}"
        ),
        reference=decision_reference(assessment),
        columns=[
            *SHEET_COLUMNS,
            Column("Ý kiến hội đồng thẩm định", 24, TEXT, 40),
            Column("Bộ phận phụ trách", 15.5, TEXT, 24),
        ],
        rows=rows,
        landscape=True,
        notes=result_notes(sheet),
        filename=f"bang-diem-{assessment.unit.code}-{assessment.period.year}",
        draft=is_draft(assessment),
    )


def result_notes(sheet: Sheet) -> list[str]:
    """The lines under the full score sheet: total, bonus and penalty, classification, rank."""
    r, assessment = sheet.results, sheet.assessment
    if r.rescaled is not None:
        return _rescaled_notes(sheet)
    if r.published:
        notes = [
            f"Tổng điểm: {engine.vn_number(r.total)}/{formatting.points(r.maximum)} điểm "
            f"({engine.vn_number(r.percentage)}%); xếp loại: "
            f"{r.classification or 'chưa xếp loại'}"
            + (f"; xếp thứ {r.rank}/{r.rank_of}." if r.rank else ".")
        ]
    else:
        notes = [
            f"Tổng điểm tạm tính: {engine.vn_number(r.total)}/{formatting.points(r.maximum)} "
            f"điểm ({engine.vn_number(r.percentage)}%); xếp loại và xếp hạng: chưa công bố."
        ]
    notes.extend(_bonus_penalty_notes(r, assessment))
    if r.appraised_count < r.leaf_count:
        notes.append(
            f"Đã thẩm định {r.appraised_count}/{r.leaf_count} tiêu chí; các tiêu chí chưa thẩm "
            "định không tính vào điểm bị trừ."
        )
    return notes


def _rescaled_notes(sheet: Sheet) -> list[str]:
    """The lines under a score sheet with criteria not assessed on a rescaling framework: the
    raw total against what was assessed, then the converted total the result follows."""
    r, assessment = sheet.results, sheet.assessment
    top = formatting.points(r.maximum)
    notes = [
        f"Tổng điểm: {engine.vn_number(r.total)} điểm; {r.not_assessed_count} tiêu chí không "
        f"phát sinh, không đánh giá; điểm quy đổi: {engine.vn_number(r.rescaled)}/{top} điểm "
        f"({engine.vn_number(r.percentage)}%)."
    ]
    if r.published:
        notes.append(
            f"Xếp loại: {r.classification or 'chưa xếp loại'}"
            + (f"; xếp thứ {r.rank}/{r.rank_of}." if r.rank else ".")
        )
    else:
        notes[0] = "Tạm tính. " + notes[0] + " Xếp loại và xếp hạng: chưa công bố."
    notes.extend(_bonus_penalty_notes(r, assessment))
    return notes


def _bonus_penalty_notes(r, assessment) -> list[str]:
    """What bonus and penalty added and took: the framework's items, or the lump sums."""
    if r.items:
        return [items_note(r)]
    if assessment.bonus or assessment.penalty:
        return [
            f"Trong đó điểm thưởng {engine.vn_number(assessment.bonus)}, điểm trừ ngoài bộ "
            f"tiêu chí {engine.vn_number(assessment.penalty)}."
        ]
    return []


def items_note(r) -> str:
    """How the bonus and penalty items count in the total, held to the framework's caps:
    "Trong đó điểm thưởng +1,00 (các mục cộng 1,25, tối đa 1,00), điểm trừ −1,50; …"."""

    def side(label: str, sign: str, applied: Decimal, summed: Decimal) -> str:
        text = f"{label} {sign}{engine.vn_number(applied)}"
        if summed != applied:  # held to the cap, which is then what it adds or takes
            cap = engine.vn_number(applied)
            text += f" (các mục cộng {engine.vn_number(summed)}, tối đa {cap})"
        return text

    bonus = side("điểm thưởng", "+", r.bonus_added, r.bonus_items)
    penalty = side("điểm trừ", "−", r.penalty_taken, r.penalty_items)
    return (
        f"Trong đó tổng điểm các tiêu chí {engine.vn_number(r.appraised_total)}, {bonus}, "
        f"{penalty}."
    )


def ranking_table(framework: Framework, period: Period, ranking: list[RankingRow]) -> Table:
    """(c) Every published unit of a framework and period: rank, total, %, class, change.

    Each change is against the unit's previous published result of the same kind; the column
    names that period when it is the same for every unit, and a note names it for the units
    compared with another one (a unit without a result for some years)."""
    compared = [r.previous_period for r in ranking if r.change is not None and r.previous_period]
    usual = Counter(compared).most_common(1)[0][0] if compared else None
    previous = period_label(usual) if usual else "kỳ trước"
    others = [
        f"{r.assessment.unit.name}: so với {period_label(r.previous_period)}."
        for r in ranking
        if r.change is not None and r.previous_period and r.previous_period != usual
    ]
    rows = []
    # Councils print "Điểm quy đổi" beside the total where any unit's result was converted.
    rescaled = any(r.rescaled is not None for r in ranking)
    grouped = any(r.group is not None for r in ranking)
    for group, members in itertools.groupby(ranking, key=lambda r: r.group):
        members = list(members)
        if grouped:  # each ranking group is ranked on its own: a heading row, then its units
            name = group.name if group else "Kết quả công bố trước khi chia nhóm"
            blank = [""] * (6 if rescaled else 5)
            rows.append(Row([f"{name} ({len(members)} đơn vị)", *blank], "heading"))
        rows += [
            Row(
                [
                    f"{r.rank}/{r.rank_of or len(members)}",
                    r.assessment.unit.name,
                    r.total,
                    *([r.total if r.rescaled is None else r.rescaled] if rescaled else []),
                    r.percentage,
                    r.classification or "",
                    r.change,
                ]
            )
            for r in members
        ]
    units = [r.assessment.unit for r in ranking]
    peers = formatting.peer_kinds(u.get_kind_display() for u in units) or "các đơn vị"
    where = ""
    if len({u.parent_id for u in units}) == 1 and units[0].parent:
        where = " TRÊN ĐỊA BÀN " + units[0].parent.name.upper()
    decisions = {r.assessment.published_decision for r in ranking}
    reference = f"(Theo {decisions.pop()})" if len(decisions) == 1 and "" not in decisions else ""
    return Table(
        key="ranking",
        heading="PHỤ LỤC",
        title=(
            f"KẾT QUẢ XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH {period_label(period).upper()} "
            f"CỦA {peers.upper()}{where}"
        ),
        reference=reference,
        columns=_ranking_columns(framework, previous, rescaled=rescaled),
        rows=rows,
        landscape=False,
        notes=[f"Bộ chỉ số: {framework.name}.", *others],
        filename=f"xep-hang-{period.year}"
        + ("-6-thang" if period.kind == PeriodKind.MID_YEAR else ""),
    )


def _ranking_columns(framework: Framework, previous: str, *, rescaled: bool) -> list[Column]:
    top = formatting.points(framework.max_total)
    if not rescaled:
        return [
            Column("Xếp hạng", 10, TEXT, 10),
            Column("Đơn vị", 30, TEXT, 30),
            Column(f"Tổng điểm (tối đa {top})", 15, NUMBER, 14),
            Column("Tỷ lệ (%)", 12, NUMBER, 11),
            Column("Xếp loại", 15, TEXT, 14),
            Column(f"Tăng/giảm so với {previous}", 18, SIGNED, 18),
        ]
    return [
        Column("Xếp hạng", 9, TEXT, 10),
        Column("Đơn vị", 25, TEXT, 30),
        Column(f"Tổng điểm (tối đa {top})", 13, NUMBER, 14),
        Column(f"Điểm quy đổi (tối đa {top})", 13, NUMBER, 14),
        Column("Tỷ lệ (%)", 10, NUMBER, 11),
        Column("Xếp loại", 14, TEXT, 14),
        Column(f"Tăng/giảm so với {previous}", 16, SIGNED, 18),
    ]


def cell_text(column: Column, value: Any) -> str:
    """A cell as printed: numbers with a decimal comma, change with its sign."""
    if value == "":  # a heading row's empty cell
        return ""
    if value is None:
        return "" if column.kind != SIGNED else "—"
    if column.kind == NUMBER:
        return engine.vn_number(value)
    if column.kind == SIGNED:
        return formatting.signed_change(value)
    return str(value)
