"""The framework workbook carries "Khi không phát sinh" and "Quy đổi điểm" both ways (issue 16,
item 2)."""

import io

import pytest
from openpyxl import load_workbook

from exchange import exports, services
from exchange.models import ImportKind, ImportStatus
from exchange.writers import to_bytes
from exchange.writers.framework import CRITERIA_COLUMNS
from scoring.models import Criterion, Framework
from tests.exchange.helpers import snapshot, upload

pytestmark = pytest.mark.django_db

RULE_COLUMN = CRITERIA_COLUMNS.index("Khi không phát sinh") + 1


def _with_rules(framework) -> None:
    Criterion.objects.filter(framework=framework, code="6.1.1").update(when_none="not_assessed")
    Criterion.objects.filter(framework=framework, code="1.5.4").update(when_none="full")
    Framework.objects.filter(pk=framework.pk).update(rescales=True)
    framework.refresh_from_db()


def _info_value(workbook, label: str):
    sheet = workbook["Thông tin chung"]
    for row in sheet.iter_rows(values_only=True):
        if row[0] == label:
            return row[1]
    raise AssertionError(label)


def _rule_of(sheet, code: str):
    for row in range(2, sheet.max_row + 1):
        if str(sheet.cell(row, 1).value) == code:
            return row, sheet.cell(row, RULE_COLUMN).value
    raise AssertionError(code)


def test_the_workbook_writes_each_leafs_rule_and_the_rescaling_flag(phuong1_2023):
    _with_rules(phuong1_2023.framework)
    workbook = load_workbook(io.BytesIO(exports.export_framework(phuong1_2023.framework).content))
    sheet = workbook["Tiêu chí"]
    assert sheet.cell(1, RULE_COLUMN).value == "Khi không phát sinh"
    assert _rule_of(sheet, "6.1.1")[1] == "Không đánh giá"
    assert _rule_of(sheet, "1.5.4")[1] == "Đạt điểm tối đa"
    assert _rule_of(sheet, "1.1.1")[1] == "Không chấp nhận"
    assert _rule_of(sheet, "1")[1] is None  # a field has no rule of its own
    assert _info_value(workbook, "Quy đổi điểm") == "Có"


def test_the_rules_and_the_flag_read_back_the_same(phuong1_2023, admin_user):
    _with_rules(phuong1_2023.framework)
    workbook = load_workbook(io.BytesIO(exports.export_framework(phuong1_2023.framework).content))
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số quy đổi 2025"
    record = upload(ImportKind.FRAMEWORK, to_bytes(workbook), user=admin_user)
    assert record.get_preview().errors == []
    services.import_record_apply(record=record, user=admin_user)
    created = Framework.objects.get(name="Bộ chỉ số quy đổi 2025")
    assert created.rescales
    rules = dict(created.criteria.values_list("code", "when_none"))
    assert (rules["6.1.1"], rules["1.5.4"], rules["1.1.1"]) == ("not_assessed", "full", "refuse")
    again = upload(ImportKind.FRAMEWORK, exports.export_framework(created).content, user=admin_user)
    assert "đã có và giống hệt tệp" in again.get_preview().notes[0]


def test_a_changed_rule_makes_it_another_framework(phuong1_2023, admin_user):
    workbook = load_workbook(io.BytesIO(exports.export_framework(phuong1_2023.framework).content))
    row, _ = _rule_of(workbook["Tiêu chí"], "6.1.1")
    workbook["Tiêu chí"].cell(row, RULE_COLUMN).value = "Không đánh giá"
    record = upload(ImportKind.FRAMEWORK, to_bytes(workbook), user=admin_user)
    assert record.get_preview().errors[0].message.startswith("Đã có bộ chỉ số tên")


def test_an_unknown_rule_and_flag_are_refused_on_their_rows(phuong1_2023, admin_user):
    workbook = load_workbook(io.BytesIO(exports.export_framework(phuong1_2023.framework).content))
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số thử"
    sheet = workbook["Tiêu chí"]
    row, _ = _rule_of(sheet, "6.1.1")
    sheet.cell(row, RULE_COLUMN).value = "Tùy hội đồng"
    info = workbook["Thông tin chung"]
    flag_row = next(
        r for r in range(1, info.max_row + 1) if info.cell(r, 1).value == "Quy đổi điểm"
    )
    info.cell(flag_row, 2).value = "Có lẽ"
    before = snapshot()
    record = upload(ImportKind.FRAMEWORK, to_bytes(workbook), user=admin_user)
    assert record.status == ImportStatus.REJECTED
    messages = [(p.row, p.message) for p in record.get_preview().errors]
    assert (
        row,
        "Tiêu chí 6.1.1: “Khi không phát sinh” là “Tùy hội đồng”; hãy chọn một trong: Không "
        "chấp nhận; Đạt điểm tối đa; Không đánh giá.",
    ) in messages
    assert (flag_row, "“Quy đổi điểm” phải là “Có” hoặc “Không” (để trống: Không).") in messages
    assert snapshot() == before


def test_a_workbook_without_the_column_keeps_the_old_rule(phuong1_2023, admin_user):
    workbook = load_workbook(io.BytesIO(exports.export_framework(phuong1_2023.framework).content))
    workbook["Thông tin chung"]["B3"] = "Bộ chỉ số không cột"
    workbook["Tiêu chí"].delete_cols(RULE_COLUMN)
    record = upload(ImportKind.FRAMEWORK, to_bytes(workbook), user=admin_user)
    assert record.get_preview().errors == []
    services.import_record_apply(record=record, user=admin_user)
    created = Framework.objects.get(name="Bộ chỉ số không cột")
    assert not created.rescales
    assert set(created.criteria.values_list("when_none", flat=True)) == {"refuse"}
