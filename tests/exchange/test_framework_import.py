"""Loading next year's framework from a workbook, and copying last year's."""

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from exchange import services
from exchange.models import ImportKind, ImportStatus
from exchange.selectors import framework_data
from exchange.writers import to_bytes
from scoring.models import Framework
from tests.exchange.helpers import D, snapshot, upload
from tests.exchange.workbooks import xlsx

pytestmark = pytest.mark.django_db

INFO = [
    ["BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"],
    [],
    ["Tên bộ chỉ số", "Bộ chỉ số cấp xã năm 2025"],
    ["Quyết định ban hành", "Quyết định số 12/QĐ-UBND ngày 05/01/2025"],
    ["Áp dụng từ năm", 2025],
    ["Áp dụng cho", "Cấp xã"],
    ["Tổng điểm tối đa", "10,00"],
    ["Làm tròn điểm tính toán", "Cắt bỏ sau hai chữ số thập phân"],
    [],
    ["Xếp loại", "Từ (% điểm tối đa)"],
    ["Tốt", "80"],
    ["Yếu", "0"],
]
HEADER = ["Mã", "Nội dung", "Điểm tối đa", "Phương pháp chấm", "Ngưỡng / chỉ tiêu (%)", "Các mức"]
CRITERIA = [
    ["1", "Chỉ đạo, điều hành", "6,00", "", "", ""],
    [
        "1.1",
        "Tỷ lệ nhiệm vụ hoàn thành",
        "4,00",
        "Theo tỷ lệ b/a, dưới ngưỡng được 0 điểm",
        "70%",
        "",
    ],
    ["1.2", "Chất lượng báo cáo", "2,00", "Theo mức", "", "Tốt: 100%; Đạt: 50%; Không đạt: 0%"],
    ["2", "Chính quyền số", "4,00", "Đạt / không đạt", "", ""],
]


def _workbook(info=INFO, criteria=CRITERIA) -> bytes:
    workbook = Workbook()
    first = workbook.active
    first.title = "Thông tin chung"
    for row in info:
        first.append(row or [None])
    sheet = workbook.create_sheet("Tiêu chí")
    sheet.append(HEADER)
    for row in criteria:
        sheet.append(row)
    return to_bytes(workbook)


def test_a_framework_workbook_creates_an_active_framework_with_its_rules(admin_user):
    record = upload(ImportKind.FRAMEWORK, _workbook(), user=admin_user)
    preview = record.get_preview()
    assert preview.errors == []
    assert record.change_count == 4
    services.import_record_apply(record=record, user=admin_user)
    framework = Framework.objects.get(name="Bộ chỉ số cấp xã năm 2025")
    assert framework.is_active and framework.rounding == "cut"
    assert framework.max_total == D("10.00") and framework.year_from == 2025
    assert framework.issuing_unit.code == "TXQT"  # the administrator's unit
    criteria = {c.code: c for c in framework.criteria.all()}
    assert criteria["1.1"].method == "ratio_floor"
    assert D(criteria["1.1"].params["floor"]) == D("0.70")
    assert criteria["1.2"].params["levels"][1] == {"label": "Đạt", "percent": "50"}
    assert criteria["1.1"].parent == criteria["1"]
    assert [b.label for b in framework.classification_bands.all()] == ["Tốt", "Yếu"]


def test_a_parent_that_is_not_the_sum_of_its_children_is_refused_on_its_row(admin_user):
    criteria = [["1", "Chỉ đạo, điều hành", "5,00", "", "", ""], *CRITERIA[1:]]
    before = snapshot()
    record = upload(ImportKind.FRAMEWORK, _workbook(criteria=criteria), user=admin_user)
    assert record.status == ImportStatus.REJECTED
    assert [(p.row, p.message) for p in record.get_preview().errors] == [
        (None, "Tổng điểm tối đa các lĩnh vực là 9,00, khác điểm tối đa của bộ chỉ số 10,00."),
        (2, "Tiêu chí 1: điểm tối đa 5,00 khác tổng điểm tối đa các tiêu chí con 6,00."),
    ]
    assert snapshot() == before


def test_an_unknown_method_a_missing_threshold_and_a_duplicate_code_are_refused(admin_user):
    criteria = [
        CRITERIA[0],
        ["1.1", "Tỷ lệ nhiệm vụ", "4,00", "Theo tỷ lệ b/a, dưới ngưỡng được 0 điểm", "", ""],
        ["1.2", "Chất lượng báo cáo", "2,00", "Tùy hội đồng", "", ""],
        ["1.2", "Chất lượng báo cáo", "2,00", "Đạt / không đạt", "", ""],
        CRITERIA[3],
    ]
    record = upload(ImportKind.FRAMEWORK, _workbook(criteria=criteria), user=admin_user)
    messages = [(p.row, p.message) for p in record.get_preview().errors]
    assert (5, "Tiêu chí 1.2: đã có ở dòng 4; mỗi tiêu chí chỉ được ghi một lần.") in messages
    assert (
        3,
        "Tiêu chí 1.1: ngưỡng (floor) phải là tỷ lệ từ 0 đến 1, ví dụ 0.70.",
    ) in messages
    assert any(
        row == 4 and m.startswith("Tiêu chí 1.2: không có phương pháp chấm “Tùy hội đồng”")
        for row, m in messages
    )


def test_missing_general_information_is_named(admin_user):
    info = [row for row in INFO if row[:1] not in (["Áp dụng từ năm"], ["Áp dụng cho"])]
    record = upload(ImportKind.FRAMEWORK, _workbook(info=info), user=admin_user)
    messages = [p.message for p in record.get_preview().errors]
    assert "Thiếu “Áp dụng từ năm” (ví dụ 2024)." in messages
    assert any(m.startswith("“Áp dụng cho” phải là một trong: Cấp tỉnh") for m in messages)


def test_a_different_framework_under_an_existing_name_is_refused(admin_user):
    info = [
        row if row[:1] != ["Tên bộ chỉ số"] else [row[0], Framework.objects.get().name]
        for row in INFO
    ]
    record = upload(ImportKind.FRAMEWORK, _workbook(info=info), user=admin_user)
    assert record.get_preview().errors[0].message.startswith("Đã có bộ chỉ số tên")


def test_a_broken_workbook_is_refused_with_a_plain_message(admin_user):
    record = upload(ImportKind.FRAMEWORK, xlsx([["Danh sách"], ["x"]]), user=admin_user)
    assert record.get_preview().errors[0].message.startswith("Không tìm thấy bảng tiêu chí")


def test_copying_last_years_framework_gives_the_same_tree_from_the_new_year(phuong1_2023):
    source = phuong1_2023.framework
    # The demo's current round is 2026, so the new framework starts in 2027.
    copy = services.framework_copy(source=source, year_from=2027, name="Bộ chỉ số cấp xã 2027")
    source.refresh_from_db()
    assert source.year_to == 2026
    assert copy.is_active and (copy.year_from, copy.year_to) == (2027, None)
    old, new = framework_data(source), framework_data(copy)
    assert new["criteria"] == old["criteria"] and new["bands"] == old["bands"]


def test_a_copy_that_would_end_the_old_framework_under_its_own_assessments_is_refused(
    phuong1_2023,
):
    before = snapshot()
    with pytest.raises(ValidationError, match="đã có bản đánh giá từ năm 2023 trở đi"):
        services.framework_copy(
            source=phuong1_2023.framework, year_from=2023, name="Bộ chỉ số cấp xã 2023 (sửa)"
        )
    assert snapshot() == before
