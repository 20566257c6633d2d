"""The files the app hands out, the same from the web pages and from `manage.py export_xlsx`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from exchange.resources import OfficialResource, UnitResource
from exchange.selectors import framework_data
from exchange.writers.appendix import appendix_workbook
from exchange.writers.framework import framework_workbook
from exchange.writers.lists import dataset_workbook
from exchange.writers.selfsheet import self_sheet_workbook
from exchange.writers.survey import SheetColumn, SheetUnit, survey_workbook
from scoring.models import Assessment, Criterion, Framework, Round, UnitLevel
from scoring.selectors import assessment_sheet
from scoring.survey import survey_columns, survey_lines

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    content_type: str = XLSX


def choice_labels() -> dict[str, dict[str, str]]:
    """The Vietnamese labels the framework workbook uses, as the app shows them."""
    return {
        "levels": {str(k): str(v) for k, v in UnitLevel.choices},
        "roundings": {
            str(k): str(v) for k, v in Framework._meta.get_field("rounding").choices or []
        },
        "methods": {
            str(k): str(v) for k, v in Criterion._meta.get_field("method").choices or [] if k
        },
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tep"


def _period_slug(assessment: Assessment) -> str:
    suffix = "-6-thang" if assessment.period.kind == "mid_year" else ""
    return f"{assessment.period.year}{suffix}"


def export_framework(framework: Framework) -> Export:
    content = framework_workbook(framework_data(framework), **choice_labels())
    return Export(f"bo-chi-so-{framework.pk}-{framework.year_from}.xlsx", content)


def export_self_sheet(assessment: Assessment) -> Export:
    content = self_sheet_workbook(assessment_sheet(assessment))
    name = f"tu-danh-gia-{_slug(assessment.unit.code)}-{_period_slug(assessment)}.xlsx"
    return Export(name, content)


def export_appraisal(assessment: Assessment, *, lost_only: bool) -> Export:
    content = appendix_workbook(assessment_sheet(assessment), lost_only=lost_only)
    kind = "bi-tru-diem" if lost_only else "ket-qua-tham-dinh"
    name = f"phu-luc-{kind}-{_slug(assessment.unit.code)}-{_period_slug(assessment)}.xlsx"
    return Export(name, content)


def export_survey(round_: Round) -> Export:
    """The round's survey sheet: its units, its survey and outside criteria, the results so
    far (3 queries)."""
    columns = survey_columns(round_.framework)
    units = [
        SheetUnit(
            code=line.assessment.unit.code,
            name=line.assessment.unit.name,
            group=str(line.assessment.ranking_group or ""),
            measures={
                c.code: s.appraised_measure
                for c, s in zip(columns, line.cells, strict=True)
                if s is not None
            },
        )
        for line in survey_lines(round_, columns)
    ]
    content = survey_workbook(
        round_id=round_.pk,
        round_name=round_.name,
        columns=[SheetColumn(c.code, c.title, c.rule_text()) for c in columns],
        units=units,
    )
    return Export(f"ket-qua-dieu-tra-dot-{round_.pk}.xlsx", content)


def export_units(allowed_units: set[int] | None) -> Export:
    dataset = UnitResource(allowed_units).export()
    return Export("danh-sach-don-vi.xlsx", dataset_workbook(dataset, "Đơn vị"))


def export_officials(allowed_units: set[int] | None) -> Export:
    dataset = OfficialResource(allowed_units).export()
    return Export("danh-sach-can-bo.xlsx", dataset_workbook(dataset, "Cán bộ, công chức"))
