"""The offline self-assessment: download the sheet, fill it in Excel, upload it back."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from exchange import exports, services
from exchange.models import ImportKind, ImportStatus
from exchange.writers import to_bytes
from exchange.writers.selfsheet import HEADER_ROW
from scoring import services as scoring_services
from scoring.models import Official, Role
from tests.exchange.helpers import D, scores_by_code, snapshot, upload
from tests.exchange.workbooks import OVERFLOW_MARK, overflowing

pytestmark = pytest.mark.django_db


def _filled(assessment, values: dict[str, dict[str, object]]) -> bytes:
    """The downloaded sheet with cells typed in: code -> {"E": value, "F": b, …}."""
    workbook = load_workbook(io.BytesIO(exports.export_self_sheet(assessment).content))
    sheet = workbook["Tự đánh giá"]
    rows = {
        str(sheet.cell(row=r, column=1).value): r for r in range(HEADER_ROW + 1, sheet.max_row + 1)
    }
    for code, cells in values.items():
        for column, value in cells.items():
            sheet[f"{column}{rows[code]}"] = value
    return to_bytes(workbook)


def _self(data, assessment, user):
    return upload(
        ImportKind.SELF_ASSESSMENT, data, user=user, assessment=assessment, name="tu_danh_gia.xlsx"
    )


def test_filled_cells_become_self_assessed_values_counts_and_explanations(fresh, coordinator):
    data = _filled(
        fresh,
        {
            "1.1.1": {"E": 1},
            "1.5.4": {"E": "0,5", "H": "Có 01 sáng kiến được công nhận"},
            "1.1.3": {"F": 44, "G": 46},  # counts alone: the value is computed
            "3.12.2": {"E": "0.32", "F": "73", "G": "757"},
        },
    )
    record = _self(data, fresh, coordinator)
    preview = record.get_preview()
    assert preview.errors == [] and preview.warnings == []
    assert record.change_count == 4
    line = next(r for r in preview.rows if r.code == "1.1.3")
    assert [(c.label, c.old, c.new) for c in line.changes] == [
        ("Điểm tự đánh giá", "", "1,91"),
        ("Số liệu b/a", "", "44/46"),
    ]
    services.import_record_apply(record=record, user=coordinator)
    scores = scores_by_code(fresh)
    assert scores["1.1.1"].self_value == D("1.00")
    assert (scores["1.1.3"].self_value, scores["1.1.3"].self_b, scores["1.1.3"].self_a) == (
        D("1.91"),
        44,
        46,
    )
    assert scores["1.5.4"].self_note == "Có 01 sáng kiến được công nhận"
    latest = scores["3.12.2"].history.latest("history_date")
    assert latest.history_user == coordinator
    assert latest.history_change_reason.startswith("Nhập từ tệp tu_danh_gia.xlsx")


def test_a_value_above_the_maximum_is_refused_on_its_row(fresh, coordinator):
    before = snapshot()
    record = _self(_filled(fresh, {"1.1.3": {"E": "2,5"}}), fresh, coordinator)
    assert record.status == ImportStatus.REJECTED
    [problem] = record.get_preview().errors
    assert (
        problem.message
        == "Tiêu chí 1.1.3: điểm tự đánh giá 2,50 vượt quá điểm tối đa 2,00; hãy nhập từ 0 "
        "đến 2,00."
    )
    assert problem.row == HEADER_ROW + 5  # 1, 1.1, 1.1.1, 1.1.2, 1.1.3
    assert snapshot() == before


def test_counts_with_b_above_a_are_refused(fresh, coordinator):
    record = _self(_filled(fresh, {"1.1.3": {"F": 50, "G": 46}}), fresh, coordinator)
    assert [p.message for p in record.get_preview().errors] == [
        "Tiêu chí 1.1.3: Số b (50) không được lớn hơn số a (46)."
    ]


def test_a_value_that_the_counts_do_not_give_is_a_warning_that_says_what_to_do(fresh, coordinator):
    record = _self(_filled(fresh, {"1.1.3": {"E": 2, "F": 44, "G": 46}}), fresh, coordinator)
    [warning] = record.get_preview().warnings
    assert warning.message == (
        "Điểm tự đánh giá 2,00 khác điểm tính từ số liệu 44/46: 1,91 (cắt bỏ sau hai chữ số "
        "thập phân). Xóa ô điểm để dùng điểm tính từ số liệu."
    )


def test_a_criterion_changed_in_the_app_after_the_download_is_not_overwritten(
    fresh, coordinator, chairperson
):
    data = _filled(fresh, {"1.1.2": {"E": "0,5"}})
    score = scores_by_code(fresh)["1.1.2"]
    scoring_services.score_set_self(score=score, value=D("1.00"), user=chairperson)
    record = _self(data, fresh, coordinator)
    [problem] = record.get_preview().errors
    assert problem.message.startswith(
        "Tiêu chí 1.1.2: đã được sửa trên ứng dụng sau khi tệp này được tải về (điểm hiện tại 1,00)"
    )
    assert scores_by_code(fresh)["1.1.2"].self_value == D("1.00")


def test_the_sheet_of_another_unit_is_refused(fresh, coordinator, phuong1_2023):
    other = phuong1_2023.__class__.objects.get(unit__code="TXQT-P2", period__year=2023)
    record = _self(exports.export_self_sheet(other).content, fresh, coordinator)
    assert (
        record.get_preview()
        .errors[0]
        .message.startswith(
            "Tệp là bảng tự đánh giá của Phường 2, Năm 2023, không phải của Phường 1, Năm 2024."
        )
    )


def test_a_submitted_assessment_takes_no_self_assessment_upload(fresh, coordinator):
    fresh.status = "submitted"
    fresh.save()
    record = _self(_filled(fresh, {"1.1.1": {"E": 1}}), fresh, coordinator)
    assert (
        record.get_preview()
        .errors[0]
        .message.startswith("Bản đánh giá đang ở trạng thái “Chờ thẩm định vòng 1”")
    )
    with pytest.raises(ValidationError):
        services.import_record_apply(record=record, user=coordinator)
    assert scores_by_code(fresh)["1.1.1"].self_value is None


def test_staff_may_only_fill_their_own_departments_criteria_when_the_unit_says_so(
    fresh, django_user_model
):
    fresh.unit.self_entry_by_department = True
    fresh.unit.save()
    staff = django_user_model.objects.get(username="vhxh.p1")  # Văn hóa - Xã hội
    assert Official.objects.get(user=staff).role == Role.STAFF
    data = _filled(fresh, {"1.4.1": {"F": 3, "G": 4}, "1.1.1": {"E": 1}})
    record = _self(data, fresh, staff)
    assert [(p.message) for p in record.get_preview().errors] == [
        "Tiêu chí 1.1.1: bạn không được giao tự đánh giá (thuộc bộ phận khác); hãy để bộ "
        "phận phụ trách nhập."
    ]


def test_a_sheet_without_the_identifying_page_is_read_with_a_warning(fresh, coordinator):
    workbook = load_workbook(io.BytesIO(_filled(fresh, {"1.1.1": {"E": 1}})))
    del workbook["_cchc"]
    record = _self(to_bytes(workbook), fresh, coordinator)
    assert record.get_preview().errors == []
    assert "không có thông tin nhận dạng" in record.get_preview().warnings[0].message


def test_a_count_excel_reads_as_infinity_is_refused_on_its_row(fresh, coordinator):
    # A count stored as 1e+309 reads as infinity; the upload was a server error.
    before = snapshot()
    data = overflowing(_filled(fresh, {"1.1.3": {"F": OVERFLOW_MARK, "G": 46}}))
    record = _self(data, fresh, coordinator)
    assert record.status == ImportStatus.REJECTED
    [problem] = record.get_preview().errors
    assert problem.message.endswith(": số quá lớn hoặc không phải là số.")
    assert snapshot() == before
