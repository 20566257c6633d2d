"""The round-wide survey sheet: download it, fill it in, upload it, read the preview (every
error with its Excel row), confirm: all of it in one transaction, or nothing (issue 16)."""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange import exports
from exchange import services as exchange
from exchange.models import ImportKind, ImportStatus
from scoring import services
from scoring.models import Score
from tests.factories import UnitFactory
from tests.helpers import run_jobs, score_of
from tests.survey.conftest import make_round

pytestmark = pytest.mark.django_db

FIRST_ROW = 7  # title, round, guide, blank, header (5), rules (6), then one row per unit


def _sheet(round_) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(exports.export_survey(round_).content))


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(round_, rows: dict[str, tuple]) -> bytes:
    """The downloaded sheet with `rows` (unit code -> results of 3.1, 3.2, 3.3) typed in."""
    workbook = _sheet(round_)
    ws = workbook["Kết quả điều tra"]
    for row in range(FIRST_ROW, ws.max_row + 1):
        code = ws.cell(row, 1).value
        for col, value in enumerate(rows.get(code, ()), start=4):
            ws.cell(row, col).value = value
    return _bytes(workbook)


def _import(round_, data: bytes, user):
    return exchange.import_record_create(
        kind=ImportKind.SURVEY,
        name="ket-qua-dieu-tra.xlsx",
        data=data,
        user=user,
        options={"round_id": round_.pk},
    )


def _measures(round_) -> list:
    return list(
        Score.objects.filter(assessment__round=round_)
        .order_by("pk")
        .values_list("appraised_measure", "appraised_value", "version")
    )


def test_the_template_lists_every_unit_and_criterion_with_its_rule(round_):
    ws = _sheet(round_)["Kết quả điều tra"]
    assert [ws.cell(5, c).value for c in range(1, 7)] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Nhóm xếp hạng",
        "3.1. Mức độ hài lòng về thủ tục hành chính (SIPAS)",
        "3.2. Bộ chỉ số phục vụ người dân, doanh nghiệp",
        "3.3. Mức độ hài lòng về cán bộ, công chức",
    ]
    assert ws.cell(6, 1).value == "Cách tính điểm"
    assert ws.cell(6, 4).value == "Điểm = 2,00 × kết quả (%) / 100."
    assert ws.cell(6, 5).value.startswith("Theo kết quả (%) — từ 80% được 2,00")
    assert [ws.cell(r, 1).value for r in range(7, 10)] == ["KS-X1", "KS-X2", "KS-X3"]
    assert ws.cell(7, 3).value == "Xã"


def test_a_good_file_is_previewed_then_written_whole(round_, secretary):
    data = _fill(round_, {"KS-X1": ("87,3512", 79.99, "60 %"), "KS-X3": (None, "80", None)})
    record = _import(round_, data, secretary)
    assert record.status == ImportStatus.PREVIEWED, record.get_preview().as_text()
    preview = record.get_preview()
    rows = {line.code: line for line in preview.rows}
    assert rows["KS-X1"].row == 7 and rows["KS-X3"].row == 9
    assert [(c.label, c.new) for c in rows["KS-X1"].changes] == [
        ("Tiêu chí 3.1 (%; điểm)", "87,3512%; 1,75 điểm"),
        ("Tiêu chí 3.2 (%; điểm)", "79,99%; 1,50 điểm"),
        ("Tiêu chí 3.3 (%; điểm)", "60%; 1,20 điểm"),
    ]
    assert record.change_count == 2
    exchange.import_record_apply(record=record, user=secretary)
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert (
        record.outcome == "Đã ghi 4 kết quả của 2 đơn vị vào đợt “Đánh giá CCHC năm 2026 – các xã”."
    )
    x1 = round_.assessments.get(unit__code="KS-X1")
    assert score_of(x1, "3.1").appraised_value == D("1.75")
    assert score_of(x1, "3.3").appraisal_comment == "Kết quả điều tra xã hội học: 60%."
    latest = score_of(x1, "3.1").history.first()
    assert latest.history_change_reason.startswith("Nhập từ tệp ket-qua-dieu-tra.xlsx")
    assert latest.history_user == secretary
    # The same file again changes nothing.
    again = _import(round_, _bytes(_sheet(round_)), secretary)
    assert again.change_count == 0


@pytest.mark.parametrize(
    ("rows", "row", "message"),
    [
        ({"KS-X2": ("101", None, None)}, 8, "Tiêu chí 3.1: kết quả 101% nằm ngoài 0–100%"),
        ({"KS-X2": ("-0,5", None, None)}, 8, "Tiêu chí 3.1: kết quả -0,5% nằm ngoài 0–100%"),
        ({"KS-X2": (None, "tốt", None)}, 8, "Tiêu chí 3.2: kết quả của KS-X2 (ô E8) “tốt”"),
        ({"KS-X3": (None, None, "87,35125")}, 9, "có quá bốn chữ số thập phân"),
    ],
)
def test_each_bad_cell_is_an_error_on_its_excel_row_and_nothing_is_written(
    round_, secretary, rows, row, message
):
    before = _measures(round_)
    good = {"KS-X1": ("90", "90", "90")}
    record = _import(round_, _fill(round_, {**good, **rows}), secretary)
    assert record.status == ImportStatus.REJECTED
    errors = record.get_preview().errors
    assert [(e.row, message in e.message) for e in errors] == [(row, True)], errors
    assert _measures(round_) == before
    with pytest.raises(ValidationError):
        exchange.import_record_apply(record=record, user=secretary)
    assert _measures(round_) == before


def test_unknown_units_units_outside_the_round_and_duplicates_are_errors_with_their_row(
    round_, secretary
):
    UnitFactory(code="NGOAI", name="Xã Ngoài Đợt", kind="xa")
    workbook = _sheet(round_)
    ws = workbook["Kết quả điều tra"]
    for values in (
        ["KHONG-CO", "Xã Không Có", "", "50"],
        ["NGOAI", "Xã Ngoài Đợt", "", "50"],
        ["KS-X1", "Xã Khảo Sát 001", "", "70"],
        ["", "", "", "40"],
    ):
        ws.append(values)
    record = _import(round_, _bytes(workbook), secretary)
    messages = [(e.row, e.message) for e in record.get_preview().errors]
    assert messages == [
        (10, "Mã đơn vị “KHONG-CO” không có trong danh sách đơn vị; hãy sửa mã."),
        (
            11,
            "Đơn vị NGOAI (Xã Ngoài Đợt) không được đánh giá trong đợt “Đánh giá CCHC năm "
            "2026 – các xã”; hãy bỏ dòng này hoặc sửa mã.",
        ),
        (12, "Đơn vị KS-X1: đã có ở dòng 7; mỗi đơn vị chỉ ghi một dòng, hãy bỏ dòng trùng."),
        (13, "Dòng có kết quả nhưng thiếu mã đơn vị; hãy ghi mã."),
    ]
    assert record.status == ImportStatus.REJECTED


def test_a_column_that_is_no_survey_criterion_is_refused(round_, secretary):
    workbook = _sheet(round_)
    workbook["Kết quả điều tra"].cell(5, 7).value = "1.1. Tỷ lệ"
    record = _import(round_, _bytes(workbook), secretary)
    [problem] = record.get_preview().errors
    assert (problem.row, problem.message.split(";")[0]) == (
        5,
        "Tiêu chí 1.1: không phải tiêu chí điều tra hoặc nguồn bên ngoài (chấm theo kết quả "
        "%) của bộ chỉ số “Bộ chỉ số có điều tra xã hội học”",
    )


def test_a_result_changed_in_the_app_after_the_preview_refuses_the_whole_import(
    round_, secretary, council_appraiser
):
    record = _import(round_, _fill(round_, {"KS-X1": ("90", "90", "90")}), secretary)
    x1 = round_.assessments.get(unit__code="KS-X1")
    services.score_set_measure(score=score_of(x1, "3.2"), measure=D("10"), user=council_appraiser)
    before = _measures(round_)
    with pytest.raises(ValidationError) as refused:
        exchange.import_record_apply(record=record, user=secretary)
    assert "Tiêu chí 3.2 của Xã Khảo Sát 001: vừa được Thành viên hội đồng sửa" in " ".join(
        refused.value.messages
    )
    assert _measures(round_) == before
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED


def test_the_page_upload_preview_and_confirm(client, round_, secretary):
    client.force_login(secretary)
    data = _fill(round_, {"KS-X2": ("75,5", "66", "49,99")})
    upload = io.BytesIO(data)
    upload.name = "dieu-tra.xlsx"
    with run_jobs():
        response = client.post(reverse("rounds:survey_upload", args=[round_.pk]), {"file": upload})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "KS-X2" in page and "75,5%; 1,51 điểm" in page and "49,99%; 1,00 điểm" in page
    assert f'href="{reverse("rounds:survey", args=[round_.pk])}"' in page  # back to the round
    with run_jobs():
        client.post(response.url + "xac-nhan/")
    x2 = round_.assessments.get(unit__code="KS-X2")
    assert score_of(x2, "3.2").appraised_value == D("1.50")
    assert score_of(x2, "3.3").appraised_value == D("1.00")


def test_only_the_council_uploads_or_reads_the_record(client, round_, secretary, unit_coordinator):
    record = _import(round_, _fill(round_, {"KS-X1": ("90", None, None)}), secretary)
    client.force_login(unit_coordinator)
    upload = io.BytesIO(b"x")
    upload.name = "x.xlsx"
    url = reverse("rounds:survey_upload", args=[round_.pk])
    assert client.post(url, {"file": upload}).status_code == 404
    assert client.get(reverse("exchange:record", args=[record.pk])).status_code == 404


def _measured_queries(round_, user) -> tuple[int, int]:
    codes = [a.unit.code for a in round_.assessments.select_related("unit")]
    data = _fill(round_, {code: ("80", "70", "60") for code in codes})
    with CaptureQueriesContext(connection) as preview:
        record = _import(round_, data, user)
    assert record.change_count == len(codes)
    with CaptureQueriesContext(connection) as confirm:
        exchange.import_record_apply(record=record, user=user)
    assert Score.objects.filter(
        assessment__round=round_, appraised_measure__isnull=False
    ).count() == 3 * len(codes)
    return len(preview), len(confirm)


def test_preview_and_confirm_cost_the_same_queries_for_3_units_as_for_7(
    province, framework, secretary
):
    small = _measured_queries(make_round(province, framework, 3), secretary)
    other = UnitFactory(code="KT", name="Tỉnh Khảo Sát Hai", kind="tinh")
    large = _measured_queries(make_round(other, framework, 7), secretary)
    assert large == small, (small, large)
