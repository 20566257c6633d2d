"""What an uploaded survey sheet would change in a round. No Django.

Each row names a unit by its code; each filled cell is that unit's result (%) for the column's
criterion, 0–100 with at most four decimals, and its points follow from the criterion's rule.
Every error names its Excel row; one error anywhere refuses the whole file (nothing is written
until every row is right).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from exchange.parsing.survey import SurveyRow, SurveySheet
from exchange.plans import CriterionSpec, number
from exchange.preview import (
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


@dataclass(frozen=True)
class SurveyScore:
    score_id: int
    version: int
    measure: Decimal | None
    value: Decimal | None


@dataclass
class SurveyUnit:
    code: str
    name: str
    published: bool = False
    scores: dict[str, SurveyScore] = field(default_factory=dict)  # criterion code -> score


@dataclass
class SurveyRound:
    """A round as the plan sees it: its survey and outside criteria (the columns) and units."""

    round_id: int
    name: str
    framework_name: str
    rounding: str
    columns: dict[str, CriterionSpec] = field(default_factory=dict)
    units: dict[str, SurveyUnit] = field(default_factory=dict)  # unit code -> unit
    # Codes of the file that name a unit of the app outside the round, with its name.
    elsewhere: dict[str, str] = field(default_factory=dict)


def measure_text(measure: Decimal | None) -> str:
    return "" if measure is None else engine.vn_percent(measure)


def plan_survey(sheet: SurveySheet, survey: SurveyRound) -> Preview:
    """The preview of the results in `sheet` for the round `survey`."""
    preview = Preview(problems=list(sheet.problems))
    meta_round = sheet.meta.get("round_id")
    if meta_round and meta_round != str(survey.round_id):
        preview.problems.append(
            error(
                f"Tệp là bảng kết quả của đợt “{sheet.meta.get('round', meta_round)}”, không "
                f"phải của đợt “{survey.name}”; hãy tải lên đúng tệp."
            )
        )
    for code in sheet.columns:
        if code not in survey.columns:
            preview.problems.append(
                error(
                    f"Tiêu chí {code}: không phải tiêu chí điều tra hoặc nguồn bên ngoài "
                    f"(chấm theo kết quả %) của bộ chỉ số “{survey.framework_name}”; hãy bỏ "
                    "cột này.",
                    sheet.header_row,
                )
            )
    ops: list[dict] = []
    seen: dict[str, int] = {}
    for entry in sheet.rows:
        line = PreviewRow(row=entry.row, code=entry.unit_code, title=entry.unit_name)
        preview.rows.append(line)
        unit = _identify(entry, survey, seen, line)
        if unit is not None:
            ops.extend(_plan_row(entry, unit, survey, line))
        if line.has_error:
            line.action = REFUSED
    preview.payload = {"round_id": survey.round_id, "ops": [] if preview.errors else ops}
    if not preview.errors:
        preview.notes.append(
            f"Sẽ ghi {len(ops)} kết quả của {preview.change_count} đơn vị vào đợt “{survey.name}”."
        )
    return preview


def _identify(
    entry: SurveyRow, survey: SurveyRound, seen: dict[str, int], line: PreviewRow
) -> SurveyUnit | None:
    code, row = entry.unit_code, entry.row
    if not code:
        line.problems.append(error("Dòng có kết quả nhưng thiếu mã đơn vị; hãy ghi mã.", row))
        return None
    if code in seen:
        line.problems.append(
            error(
                f"Đơn vị {code}: đã có ở dòng {seen[code]}; mỗi đơn vị chỉ ghi một dòng, hãy "
                "bỏ dòng trùng.",
                row,
            )
        )
        return None
    seen[code] = row
    unit = survey.units.get(code)
    if unit is not None:
        line.title = unit.name
        return unit
    if code in survey.elsewhere:
        message = (
            f"Đơn vị {code} ({survey.elsewhere[code]}) không được đánh giá trong đợt "
            f"“{survey.name}”; hãy bỏ dòng này hoặc sửa mã."
        )
    else:
        message = f"Mã đơn vị “{code}” không có trong danh sách đơn vị; hãy sửa mã."
    line.problems.append(error(message, row))
    return None


def _plan_row(
    entry: SurveyRow, unit: SurveyUnit, survey: SurveyRound, line: PreviewRow
) -> list[dict]:
    ops = []
    for code, cell in entry.cells.items():
        spec = survey.columns.get(code)
        if spec is None:
            continue  # the column is refused as a whole
        where = f"ô {cell.cell}"
        if cell.error:
            reason = _lower(cell.error.rstrip("."))
            line.problems.append(
                error(
                    f"Tiêu chí {code}: kết quả của {unit.code} ({where}) {reason}; "
                    "hãy nhập số từ 0 đến 100, ví dụ 87,35.",
                    entry.row,
                )
            )
            continue
        if cell.measure is None:
            continue
        problems = engine.measure_problems(code, cell.measure)
        if problems:
            line.problems.append(error(f"{problems[0]} ({unit.code}, {where})", entry.row))
            continue
        if cell.looks_like_share:
            line.problems.append(
                warning(
                    f"Tiêu chí {code}: kết quả của {unit.code} là {measure_text(cell.measure)}; "
                    "nếu ô được định dạng phần trăm trong Excel thì đây có thể là "
                    f"{measure_text(cell.measure * 100)}, hãy kiểm tra lại.",
                    entry.row,
                )
            )
        score = unit.scores.get(code)
        if score is None:
            continue
        if score.measure == cell.measure:
            continue
        points = engine.measured_score(
            spec.method, spec.maximum, spec.params or {}, survey.rounding, cell.measure
        )
        line.changes.append(
            Change(
                f"Tiêu chí {code} (%; điểm)",
                _shown(score.measure, score.value),
                _shown(cell.measure, points),
            )
        )
        ops.append(
            {
                "score_id": score.score_id,
                "version": score.version,
                "measure": f"{cell.measure:f}",
                "code": code,
                "unit": unit.code,
                "row": entry.row,
            }
        )
    if unit.published and (ops or line.has_error):
        line.problems.append(
            error(
                f"Đơn vị {unit.code}: kết quả đã công bố, không nhập lại được; hãy bỏ dòng này.",
                entry.row,
            )
        )
    line.action = UPDATE if line.changes else UNCHANGED
    return ops


def _shown(measure: Decimal | None, points: Decimal | None) -> str:
    if measure is None:
        return ""
    return f"{measure_text(measure)}; {number(points)} điểm"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text
