"""Units and officials lists: previewed with import-export's dry run, applied whole."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from exchange import exports, services
from exchange.access import admin_unit_ids
from exchange.models import ImportKind, ImportStatus
from exchange.parsing.grid import read_workbook
from scoring.models import Department, Official, Role, Unit
from tests.exchange.helpers import snapshot, upload
from tests.exchange.workbooks import xlsx

pytestmark = pytest.mark.django_db

UNIT_HEADER = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    "Mã đơn vị cấp trên",
    "Đang hoạt động",
    "Bộ phận chuyên môn",
]
OFFICIAL_HEADER = ["Tên đăng nhập", "Họ và tên", "Mã đơn vị", "Vai trò", "Bộ phận", "Chức vụ"]


def test_new_units_and_their_departments_are_created_parents_first(admin_user):
    rows = [
        ["DANH SÁCH ĐƠN VỊ"],
        UNIT_HEADER,
        [
            "TXQT-NEW",
            "Phường Mới",
            "Phường",
            "TXQT",
            "Có",
            "Văn phòng - Thống kê; Tư pháp - Hộ tịch",
        ],
        [],
        ["TXQT-NEW-1", "Khu phố thử", "xa", "TXQT-NEW", "", ""],
        ["TXQT-P1", "Phường 1", "Phường", "TXQT", "Có", ""],
    ]
    record = upload(ImportKind.UNITS, xlsx(rows), user=admin_user)
    preview = record.get_preview()
    assert preview.errors == []
    assert [(r.row, r.code, r.action) for r in preview.rows] == [
        (3, "TXQT-NEW", "create"),
        (5, "TXQT-NEW-1", "create"),
        (6, "TXQT-P1", "unchanged"),
    ]
    assert not Unit.objects.filter(code="TXQT-NEW").exists()  # the dry run left nothing
    services.import_record_apply(record=record, user=admin_user)
    unit = Unit.objects.get(code="TXQT-NEW")
    assert unit.kind == "phuong" and unit.parent.code == "TXQT"
    assert Unit.objects.get(code="TXQT-NEW-1").parent == unit
    assert set(Department.objects.filter(unit=unit).values_list("name", flat=True)) == {
        "Văn phòng - Thống kê",
        "Tư pháp - Hộ tịch",
    }


def test_a_unit_under_an_unknown_parent_is_refused_on_its_row(admin_user):
    before = snapshot()
    rows = [UNIT_HEADER, ["X-1", "Xã Một", "Xã", "KHONG-CO", "Có", ""]]
    record = upload(ImportKind.UNITS, xlsx(rows), user=admin_user)
    assert record.status == ImportStatus.REJECTED
    assert [(p.row, p.message) for p in record.get_preview().errors] == [
        (2, "Không có đơn vị mã “KHONG-CO”.")
    ]
    assert snapshot() == before


def test_a_unit_kind_that_does_not_exist_is_refused_with_the_choices(admin_user):
    rows = [UNIT_HEADER, ["X-1", "Xã Một", "Làng", "TXQT", "Có", ""]]
    message = upload(ImportKind.UNITS, xlsx(rows), user=admin_user).get_preview().errors[0].message
    assert message.startswith("“Làng” không phải một trong: Tỉnh, Thành phố trực thuộc")


def test_an_administrator_cannot_reach_units_outside_their_own(django_user_model):
    admin = django_user_model.objects.create_user("qt.p1", password="x")
    Official.objects.create(
        user=admin, unit=Unit.objects.get(code="TXQT-P1"), role=Role.ADMINISTRATOR
    )
    rows = [UNIT_HEADER, ["TXQT-P2", "Phường Hai", "Phường", "TXQT", "Có", ""]]
    record = upload(ImportKind.UNITS, xlsx(rows), user=admin)
    assert record.get_preview().errors[0].message == (
        "Đơn vị TXQT-P2 nằm ngoài phạm vi quản lý của bạn."
    )
    exported = read_workbook(exports.export_units(admin_unit_ids(admin)).content)[0]
    assert [row[0] for row in exported.rows] == ["Mã đơn vị", "TXQT-P1"]


def test_an_officials_list_updates_titles_and_creates_missing_accounts(admin_user):
    rows = [
        OFFICIAL_HEADER,
        [
            "chutich.p1",
            "Lê Thị Huệ",
            "TXQT-P1",
            "Chủ tịch / Phó Chủ tịch",
            "",
            "Chủ tịch UBND phường",
        ],
        [
            "diachinh.p1",
            "Nguyễn Văn An",
            "TXQT-P1",
            "staff",
            "Địa chính - Xây dựng",
            "Công chức Địa chính",
        ],
    ]
    record = upload(ImportKind.OFFICIALS, xlsx(rows), user=admin_user)
    preview = record.get_preview()
    assert preview.errors == []
    assert [(r.code, r.action) for r in preview.rows] == [
        ("chutich.p1", "update"),
        ("diachinh.p1", "create"),
    ]
    assert [(c.label, c.old, c.new) for c in preview.rows[0].changes] == [
        ("Chức vụ", "Phó Chủ tịch UBND phường", "Chủ tịch UBND phường")
    ]
    assert "Chưa có tài khoản “diachinh.p1”: tài khoản sẽ được tạo" in preview.warnings[0].message
    assert not get_user_model().objects.filter(username="diachinh.p1").exists()
    services.import_record_apply(record=record, user=admin_user)
    user = get_user_model().objects.get(username="diachinh.p1")
    assert user.full_name == "Nguyễn Văn An" and not user.has_usable_password()
    assert Official.objects.get(user=user).department.name == "Địa chính - Xây dựng"
    assert Official.objects.get(user__username="chutich.p1").title == "Chủ tịch UBND phường"


def test_an_official_in_a_department_the_unit_does_not_have_is_refused(admin_user):
    rows = [OFFICIAL_HEADER, ["x.p1", "X", "TXQT-P1", "Công chức chuyên môn", "Phòng Không Có", ""]]
    before = snapshot()
    record = upload(ImportKind.OFFICIALS, xlsx(rows), user=admin_user)
    assert [(p.row, p.message) for p in record.get_preview().errors] == [
        (2, "Đơn vị TXQT-P1 không có bộ phận “Phòng Không Có” (thêm bộ phận ở danh sách đơn vị).")
    ]
    assert snapshot() == before


def test_a_list_without_its_key_columns_says_which_it_needs(admin_user):
    record = upload(ImportKind.OFFICIALS, xlsx([["Họ tên", "Đơn vị"], ["A", "B"]]), user=admin_user)
    assert (
        record.get_preview()
        .errors[0]
        .message.startswith(
            "Không tìm thấy dòng tiêu đề của danh sách: cần các cột “Tên đăng nhập”, “Mã đơn vị”, "
            "“Vai trò”"
        )
    )


def test_a_list_whose_rows_would_now_do_something_else_is_not_applied(admin_user):
    rows = [UNIT_HEADER, ["TXQT-NEW", "Phường Mới", "Phường", "TXQT", "Có", ""]]
    record = upload(ImportKind.UNITS, xlsx(rows), user=admin_user)
    assert record.get_preview().rows[0].action == "create"
    Unit.objects.create(code="TXQT-NEW", name="Phường Khác", kind="phuong")  # meanwhile
    before = snapshot()
    with pytest.raises(ValidationError, match="đã thay đổi kể từ khi xem trước"):
        services.import_record_apply(record=record, user=admin_user)
    assert snapshot() == before
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
