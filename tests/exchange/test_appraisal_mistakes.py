"""Published tables contain mistakes. Each kind is reported on its Excel row with a Vietnamese
reason; errors stop the import and leave the database exactly as it was, warnings let the user
decide."""

import copy

import pytest
from django.core.exceptions import ValidationError

from exchange import services
from exchange.models import ImportStatus
from scoring import services as scoring_services
from tests.exchange.helpers import D, appraisal, scores_by_code, snapshot
from tests.exchange.workbooks import (
    FIRST_DATA_ROW,
    ROWS,
    TOTALS,
    TOTALS_ROW,
    row_of,
    seed002_xlsx,
)

pytestmark = pytest.mark.django_db
FRAMEWORK = "Bộ chỉ số CCHC cấp xã (mẫu minh họa)"


def _rows(**changes) -> list[list]:
    """The seed rows with some cells changed: code -> {column index: value}."""
    rows = copy.deepcopy(ROWS)
    for row in rows:
        for col, value in changes.get(row[0].replace(".", "_"), {}).items():
            row[col] = value
    return rows


def _refused(appraising, appraiser, data) -> tuple:
    before = snapshot()
    record = appraisal(data, appraising, appraiser)
    assert record.status == ImportStatus.REJECTED
    with pytest.raises(ValidationError, match="không xác nhận lại được"):
        services.import_record_apply(record=record, user=appraiser)
    assert snapshot() == before
    return [(p.row, p.message) for p in record.get_preview().errors]


def test_an_unknown_criterion_code_is_an_error_on_its_row(appraising, appraiser):
    errors = _refused(appraising, appraiser, seed002_xlsx(_rows(**{"4_4": {0: "4.9"}})))
    assert errors == [
        (
            row_of("4.4"),
            f"Tiêu chí 4.9: không có trong bộ chỉ số “{FRAMEWORK}”; hãy sửa mã trong tệp.",
        )
    ]


def test_a_value_above_the_maximum_is_an_error_on_its_row(appraising, appraiser):
    errors = _refused(appraising, appraiser, seed002_xlsx(_rows(**{"1_6": {4: "1,5", 5: "-0,5"}})))
    assert errors == [
        (
            row_of("1.6"),
            "Tiêu chí 1.6: điểm thẩm định 1,50 vượt quá điểm tối đa 1,00; hãy nhập từ 0 đến 1,00.",
        )
    ]


def test_a_value_below_zero_is_an_error_on_its_row(appraising, appraiser):
    errors = _refused(appraising, appraiser, seed002_xlsx(_rows(**{"1_5_4": {4: "- 0,5"}})))
    assert (
        row_of("1.5.4"),
        "Tiêu chí 1.5.4: điểm thẩm định -0,50 không được âm; hãy nhập từ 0 đến 2,00.",
    ) in (errors)


def test_counts_with_b_above_a_are_an_error_on_their_row(appraising, appraiser):
    data = seed002_xlsx(_rows(**{"3_12_2": {6: "757/73 hồ sơ có thanh toán trực tuyến"}}))
    assert _refused(appraising, appraiser, data) == [
        (
            row_of("3.12.2"),
            "Số liệu “757/73” trong ghi chú: số b (757) không được lớn hơn số a (73).",
        )
    ]


def test_a_code_listed_twice_is_an_error_on_the_second_row(appraising, appraiser):
    rows = [*copy.deepcopy(ROWS), ["1.6", "Thực hiện cam kết", 1, 1, "0.8", "0.2", "", ""]]
    totals = [*TOTALS[:2], 21, "19.5", "11.8", "9.2", None, None]
    errors = _refused(appraising, appraiser, seed002_xlsx(rows, totals))
    assert errors == [
        (
            FIRST_DATA_ROW + len(ROWS),  # the added last row
            f"Tiêu chí 1.6: đã có ở dòng {row_of('1.6')}; mỗi tiêu chí chỉ được ghi một lần.",
        )
    ]


def _warned(appraising, appraiser, data) -> list:
    before = snapshot()
    record = appraisal(data, appraising, appraiser)
    assert record.status == ImportStatus.PREVIEWED
    assert snapshot() == before  # a preview changes nothing
    return [(p.row, p.message) for p in record.get_preview().warnings]


def test_points_lost_that_are_not_maximum_minus_appraised_are_a_warning(appraising, appraiser):
    warnings = _warned(appraising, appraiser, seed002_xlsx(_rows(**{"1_1_3": {5: "0,19"}}), None))
    assert (
        row_of("1.1.3"),
        "Số điểm bị trừ 0,19 khác điểm tối đa − điểm thẩm định = 2,00 − 1,91 = 0,09.",
    ) in warnings


def test_points_lost_printed_with_a_minus_sign_are_read_as_lost(appraising, appraiser):
    warnings = _warned(appraising, appraiser, seed002_xlsx(_rows(**{"1_1_3": {5: "- 0,09"}})))
    assert not [w for w in warnings if w[0] == row_of("1.1.3")]


def test_a_parent_that_is_not_the_sum_of_its_children_is_a_warning(appraising, appraiser):
    rows = copy.deepcopy(ROWS)
    rows.insert(1, ["1.5", "Sự năng động trong chỉ đạo, điều hành", 4, "2,5", 2, 2, "", ""])
    warnings = _warned(appraising, appraiser, seed002_xlsx(rows, None))
    assert warnings == [
        (
            row_of("1.5.3"),  # the parent now sits where 1.5.3 was
            "Tiêu chí 1.5: điểm thẩm định 2,00 khác tổng các tiêu chí con 1,50 (tiêu chí con "
            "không có trong bảng được tính là đạt điểm tối đa).",
        ),
        (
            row_of("1.5.3"),
            "Tiêu chí 1.5: số điểm bị trừ 2,00 khác tổng các tiêu chí con 2,50 (tiêu chí con "
            "không có trong bảng được tính là đạt điểm tối đa).",
        ),
        (
            row_of("3.13.3") + 1,
            "Điểm thẩm định 0,87 khác điểm tính từ số liệu 782/903 trong ghi chú: 0,86 "
            "(Điểm = 1,00 × b/a, cắt bỏ sau hai chữ số thập phân).",
        ),
    ]


def test_a_totals_row_that_does_not_match_the_rows_is_a_warning(appraising, appraiser):
    totals = [*TOTALS[:4], "11,5", *TOTALS[5:]]
    warnings = _warned(appraising, appraiser, seed002_xlsx(None, totals))
    assert (
        TOTALS_ROW,
        "Dòng tổng cộng: điểm thẩm định 11,50 khác tổng các dòng trong bảng 11,00.",
    ) in warnings


def test_an_appraised_value_the_counts_do_not_give_is_a_warning(appraising, appraiser):
    data = seed002_xlsx(_rows(**{"3_12_2": {6: "75/757 hồ sơ có thanh toán trực tuyến"}}))
    assert (
        row_of("3.12.2"),
        "Điểm thẩm định 0,32 khác điểm tính từ số liệu 75/757 trong ghi chú: 0,33 "
        "(Điểm = 1,00 × (b/a) / 30,00%, không quá 1,00 điểm, cắt bỏ sau hai chữ số thập phân).",
    ) in _warned(appraising, appraiser, data)


def test_warnings_do_not_stop_the_user_from_confirming(appraising, appraiser):
    record = appraisal(
        seed002_xlsx(None, [*TOTALS[:4], "11,5", *TOTALS[5:]]), appraising, appraiser
    )
    services.import_record_apply(record=record, user=appraiser)
    assert scores_by_code(appraising)["7.3.2"].appraised_value == D("1.92")


def test_a_score_changed_after_the_preview_makes_the_whole_import_fail_and_change_nothing(
    appraising, appraiser, chairperson
):
    record = appraisal(seed002_xlsx(), appraising, appraiser)
    score = scores_by_code(appraising)["7.3.2"]  # the last row: every other row is written first
    scoring_services.score_set_appraised(score=score, value=D("2.00"), user=chairperson)
    before = snapshot()
    with pytest.raises(ValidationError, match=r"Tiêu chí 7\.3\.2: vừa được Lê Thị Huệ sửa"):
        services.import_record_apply(record=record, user=appraiser)
    assert snapshot() == before
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert record.outcome.startswith("Không có gì thay đổi: Tiêu chí 7.3.2: vừa được")


def test_a_published_assessment_refuses_an_appraisal_table(phuong1_2023, appraiser):
    before = snapshot()
    record = appraisal(seed002_xlsx(), phuong1_2023, appraiser)
    assert record.status == ImportStatus.REJECTED
    assert (
        record.get_preview()
        .errors[0]
        .message.startswith(
            "Bản đánh giá đang ở trạng thái “Đã công bố”: chỉ nhập bảng thẩm định khi"
        )
    )
    assert snapshot() == before


def test_a_confirmed_import_cannot_be_confirmed_twice(appraising, appraiser):
    record = appraisal(seed002_xlsx(), appraising, appraiser)
    services.import_record_apply(record=record, user=appraiser)
    with pytest.raises(ValidationError, match="đã nhập; không xác nhận lại được"):
        services.import_record_apply(record=record, user=appraiser)
