"""Reading an uploaded workbook into a preview, for each kind of import. Writes nothing.

Units and officials are previewed by django-import-export's dry run, which works inside a
transaction that is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exchange import access as exchange_access
from exchange.exports import choice_labels
from exchange.lists import list_dataset, result_preview
from exchange.models import ImportKind
from exchange.parsing.appendix import find_appendix
from exchange.parsing.framework import parse_framework
from exchange.parsing.grid import FileProblem, read_workbook
from exchange.parsing.selfsheet import parse_self_sheet
from exchange.parsing.survey import parse_survey_sheet
from exchange.plans.appraisal import plan_appraisal
from exchange.plans.framework import plan_framework
from exchange.plans.selfsheet import plan_self
from exchange.plans.survey import plan_survey
from exchange.preview import Preview, error
from exchange.resources import RESOURCES
from exchange.selectors import (
    framework_signatures,
    framework_spec,
    score_states,
    survey_round,
)
from scoring.models import Assessment, Round

LIST_KEYS = {ImportKind.UNITS: "Mã đơn vị", ImportKind.OFFICIALS: "Tên đăng nhập"}


def plan_import(
    kind: str,
    data: bytes,
    *,
    user,
    assessment: Assessment | None = None,
    options: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Preview:
    """The preview of importing `data` (an .xlsx) as `kind`; `progress` hears how many cells
    have been read, now and then."""
    try:
        grids = read_workbook(data, progress=progress)
    except FileProblem as exc:
        return Preview(problems=[error(str(exc))])
    options = options or {}
    if kind == ImportKind.APPRAISAL:
        return _appraisal(grids, assessment, options)
    if kind == ImportKind.SELF_ASSESSMENT:
        return _self_assessment(grids, assessment, user)
    if kind == ImportKind.SURVEY:
        return _survey(grids, options)
    if kind == ImportKind.FRAMEWORK:
        return plan_framework(
            parse_framework(grids), existing=framework_signatures(), **choice_labels()
        )
    return _list(kind, grids, user)


def _appraisal(grids, assessment: Assessment, options: dict) -> Preview:
    preview = plan_appraisal(
        find_appendix(grids),
        framework_spec(assessment.framework),
        score_states(assessment),
        fill_unlisted=bool(options.get("fill_unlisted")),
    )
    refusal = exchange_access.appraisal_upload_refusal(assessment)
    if refusal:
        preview.problems.insert(0, error(refusal))
    return preview


def expected_meta(assessment: Assessment) -> dict[str, str]:
    """How a self-assessment sheet of this assessment names it (see writers.selfsheet)."""
    return {
        "unit_code": assessment.unit.code,
        "unit_name": assessment.unit.name,
        "year": str(assessment.period.year),
        "period_kind": assessment.period.kind,
        "period": str(assessment.period),
    }


def _self_assessment(grids, assessment: Assessment, user) -> Preview:
    preview = plan_self(
        parse_self_sheet(grids),
        framework_spec(assessment.framework),
        score_states(assessment, user if user is not None and user.is_authenticated else None),
        expected_meta=expected_meta(assessment),
    )
    refusal = exchange_access.self_upload_refusal(assessment)
    if refusal:
        preview.problems.insert(0, error(refusal))
    return preview


def _survey(grids, options: dict) -> Preview:
    round_ = Round.objects.select_related("framework").filter(pk=options.get("round_id")).first()
    if round_ is None:
        return Preview(problems=[error("Đợt đánh giá của tệp không còn; hãy tải lên lại.")])
    sheet = parse_survey_sheet(grids)
    return plan_survey(sheet, survey_round(round_, {row.unit_code for row in sheet.rows}))


def list_resource(kind: str, user):
    """The import-export resource for a list, limited to the units `user` administers."""
    allowed = exchange_access.admin_unit_ids(user) if user is not None else None
    return RESOURCES[kind](None if allowed is None else set(allowed))


def _list(kind: str, grids, user) -> Preview:
    resource = list_resource(kind, user)
    try:
        dataset, excel_rows = list_dataset(grids, resource)
    except ValueError as exc:
        return Preview(problems=[error(str(exc))])
    result = resource.import_data(dataset, dry_run=True, use_transactions=True)
    preview = result_preview(resource, result, excel_rows, LIST_KEYS[kind])
    if not preview.rows and not preview.problems:
        preview.problems.append(error("Danh sách không có dòng dữ liệu nào."))
    return preview
