"""What import_xlsx and export_xlsx share: finding the assessment and the user named on the
command line."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from scoring.models import Assessment
from scoring.selectors import assessment_for_code

KINDS = {
    "framework": "bộ chỉ số",
    "self": "bảng tự đánh giá của một đơn vị (cần --unit, --year)",
    "appraisal": "bảng kết quả thẩm định / phụ lục (cần --unit, --year)",
    "units": "danh sách đơn vị",
    "officials": "danh sách cán bộ, công chức",
}
ASSESSMENT_KINDS = ("self", "appraisal")


def add_assessment_arguments(parser) -> None:
    parser.add_argument("--unit", help="Mã đơn vị, ví dụ TXQT-P1")
    parser.add_argument("--year", type=int, help="Năm đánh giá, ví dụ 2023")
    parser.add_argument(
        "--mid-year", action="store_true", help="Kỳ đánh giá 6 tháng đầu năm thay vì cả năm"
    )


def kinds_help() -> str:
    return "; ".join(f"{kind}: {text}" for kind, text in KINDS.items())


def find_assessment(unit_code: str | None, year: int | None, mid_year: bool) -> Assessment:
    if not unit_code or not year:
        raise CommandError("Loại dữ liệu này cần --unit MÃ_ĐƠN_VỊ và --year NĂM.")
    try:
        return assessment_for_code(unit_code, year, mid_year=mid_year)
    except LookupError as exc:
        raise CommandError(str(exc)) from exc


def find_user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Không có người dùng “{username}”.")
    return user
