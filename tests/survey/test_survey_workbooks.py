"""Survey and outside criteria in the framework workbook ("Nguồn điểm", PERCENT and
PERCENT_STEPS with their steps) and in the offline self-assessment sheet (read-only there)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from exchange import exports
from exchange import services as exchange
from exchange.models import ImportKind, ImportStatus
from exchange.plans.framework import signature
from exchange.selectors import framework_data
from scoring.models import Criterion, Framework, Source
from tests.helpers import score_of

pytestmark = pytest.mark.django_db


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(kind, data: bytes, user, **kw):
    return exchange.import_record_create(kind=kind, name="tep.xlsx", data=data, user=user, **kw)


def _column(ws, label: str) -> int:
    return next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == label)


def test_the_framework_workbook_writes_the_source_and_the_percent_rules(framework):
    ws = load_workbook(io.BytesIO(exports.export_framework(framework).content))["Tiêu chí"]
    source, params, method = _column(ws, "Nguồn điểm"), 7, 4
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert ws.cell(rows["3.1"], source).value == "Điều tra xã hội học"
    assert ws.cell(rows["3.2"], source).value == "Nguồn bên ngoài"
    assert ws.cell(rows["1.1"], source).value == "Tự đánh giá"
    assert ws.cell(rows["3"], source).value in (None, "")  # a parent has none
    assert ws.cell(rows["3.1"], method).value == "Theo kết quả % (điểm = điểm tối đa × % / 100)"
    assert ws.cell(rows["3.2"], params).value == "≥80%: 2; ≥65%: 1,5; ≥50%: 1"


def test_the_framework_reads_back_as_itself_and_a_renamed_copy_keeps_every_source(
    framework, admin_user
):
    exported = exports.export_framework(framework).content
    same = _import(ImportKind.FRAMEWORK, exported, admin_user)
    assert same.get_preview().errors == []
    assert "đã có và giống hệt tệp" in same.get_preview().notes[0]
    workbook = load_workbook(io.BytesIO(exported))
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số có điều tra – bản sao"
    record = _import(ImportKind.FRAMEWORK, _bytes(workbook), admin_user)
    exchange.import_record_apply(record=record, user=admin_user)
    copy = Framework.objects.get(name="Bộ chỉ số có điều tra – bản sao")
    expected = framework_data(framework) | {"name": copy.name}
    assert signature(framework_data(copy)) == signature(expected)
    sources = dict(copy.criteria.values_list("code", "source"))
    assert (sources["3.1"], sources["3.2"], sources["1.1"]) == (
        Source.SURVEY,
        Source.EXTERNAL,
        Source.SELF,
    )
    assert copy.criteria.get(code="3.2").params == framework.criteria.get(code="3.2").params


def test_an_unknown_source_and_steps_past_100_are_errors_on_their_row(framework, admin_user):
    workbook = load_workbook(io.BytesIO(exports.export_framework(framework).content))
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số có lỗi"
    ws = workbook["Tiêu chí"]
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["3.1"], _column(ws, "Nguồn điểm")).value = "Hỏi ý kiến"
    ws.cell(rows["3.2"], 7).value = "≥120%: 2; ≥50%: 1"
    record = _import(ImportKind.FRAMEWORK, _bytes(workbook), admin_user)
    assert record.status == ImportStatus.REJECTED
    errors = [(e.row, e.message) for e in record.get_preview().errors]
    assert (
        rows["3.1"],
        "Tiêu chí 3.1: nguồn điểm “Hỏi ý kiến” không có; hãy chọn một trong: Tự đánh giá; "
        "Điều tra xã hội học; Nguồn bên ngoài.",
    ) in errors
    assert (
        rows["3.2"],
        "Tiêu chí 3.2: bậc của kết quả % phải từ 0 đến 100; hãy sửa tỷ lệ của bậc.",
    ) in errors
    assert not Framework.objects.filter(name="Bộ chỉ số có lỗi").exists()


def test_a_workbook_without_the_source_column_reads_every_criterion_as_self_assessed(
    phuong1_2023, admin_user
):
    workbook = load_workbook(io.BytesIO(exports.export_framework(phuong1_2023.framework).content))
    ws = workbook["Tiêu chí"]
    ws.delete_cols(_column(ws, "Nguồn điểm"))
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số cũ không có cột nguồn"
    record = _import(ImportKind.FRAMEWORK, _bytes(workbook), admin_user)
    exchange.import_record_apply(record=record, user=admin_user)
    created = Framework.objects.get(name="Bộ chỉ số cũ không có cột nguồn")
    assert set(Criterion.objects.filter(framework=created).values_list("source", flat=True)) == {
        Source.SELF
    }


def test_the_offline_self_sheet_shows_survey_criteria_read_only_and_refuses_values_for_them(
    x1, unit_coordinator
):
    workbook = load_workbook(io.BytesIO(exports.export_self_sheet(x1).content))
    ws = workbook["Tự đánh giá"]
    rows = {ws.cell(r, 1).value: r for r in range(7, ws.max_row + 1)}
    assert ws.cell(rows["3.1"], 8).value == "Hội đồng nhập kết quả điều tra"
    assert ws.cell(rows["3.2"], 8).value == "Nhập từ nguồn bên ngoài"
    assert ws.cell(rows["3.1"], 5).protection.locked
    assert not ws.cell(rows["1.2"], 5).protection.locked
    # Read back untouched: nothing to change, no error.
    record = _import(ImportKind.SELF_ASSESSMENT, _bytes(workbook), unit_coordinator, assessment=x1)
    assert record.get_preview().errors == [] and record.change_count == 0
    ws.cell(rows["3.1"], 5).value = 2
    record = _import(ImportKind.SELF_ASSESSMENT, _bytes(workbook), unit_coordinator, assessment=x1)
    [problem] = record.get_preview().errors
    assert problem.row == rows["3.1"]
    assert problem.message.startswith("Tiêu chí 3.1: hội đồng nhập kết quả cho cả đợt")
    assert score_of(x1, "3.1").self_value is None
