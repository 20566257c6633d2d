"""The seed 002 phụ lục, typed into a workbook exactly as printed, imported into an assessment
of Phường 1 that the council is appraising: the council's numbers come out, with the one
rounding it printed differently flagged as a warning."""

import pytest

from exchange import services
from exchange.models import ImportStatus
from exchange.parsing.appendix import find_appendix
from exchange.parsing.grid import read_workbook
from scoring.models import Score
from scoring.selectors import assessment_sheet
from tests.exchange.helpers import D, appraisal, scores_by_code
from tests.exchange.workbooks import FIXTURE, ROWS, TOTALS, row_of, seed002_xlsx
from tests.seed002 import ROWS as SEED_ROWS
from tests.seed002 import TOTALS as SEED_TOTALS

pytestmark = pytest.mark.django_db


def test_the_committed_fixture_is_the_seed_typed_as_printed():
    committed = find_appendix(read_workbook(FIXTURE.read_bytes()))
    typed = find_appendix(read_workbook(seed002_xlsx()))
    assert [(r.row, r.code, r.appraised, r.note) for r in committed.rows] == [
        (r.row, r.code, r.appraised, r.note) for r in typed.rows
    ]
    assert len(committed.rows) == len(ROWS) == 16
    assert committed.totals is not None
    assert (committed.totals.maximum, committed.totals.self_value) == (D("20"), D("18.5"))
    assert TOTALS[2:6] == [20, "18.5", 11, 9]


def test_the_preview_lists_sixteen_changes_and_only_the_3_13_3_rounding_warning(
    appraising, appraiser
):
    record = appraisal(FIXTURE.read_bytes(), appraising, appraiser, name="seed002_phu_luc.xlsx")
    preview = record.get_preview()
    assert record.status == ImportStatus.PREVIEWED
    assert preview.errors == []
    assert [(w.row, w.message) for w in preview.warnings] == [
        (
            row_of("3.13.3"),
            "Điểm thẩm định 0,87 khác điểm tính từ số liệu 782/903 trong ghi chú: 0,86 "
            "(Điểm = 1,00 × b/a, cắt bỏ sau hai chữ số thập phân).",
        )
    ]
    assert record.change_count == 16
    assert Score.objects.filter(assessment=appraising, appraised_value__isnull=False).count() == 0


def test_confirming_gives_the_seed_numbers(appraising, appraiser):
    record = appraisal(FIXTURE.read_bytes(), appraising, appraiser, name="seed002_phu_luc.xlsx")
    services.import_record_apply(record=record, user=appraiser)
    sheet = assessment_sheet(appraising)
    lost = [
        (row.criterion.code, row.maximum, row.self_value, row.appraised, row.lost)
        for row in sheet.lost_rows
    ]
    assert lost == SEED_ROWS
    assert sheet.results.points_lost == D("9.00")
    assert sum((r[3] for r in lost), D(0)) == D("11.00")
    assert tuple(sum((r[i] for r in lost), D(0)) for i in range(1, 5)) == SEED_TOTALS
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED


def test_counts_comments_and_responsibilities_are_kept_where_they_belong(appraising, appraiser):
    services.import_record_apply(
        record=appraisal(seed002_xlsx(), appraising, appraiser), user=appraiser
    )
    scores = scores_by_code(appraising)
    assert (scores["3.12.2"].appraised_b, scores["3.12.2"].appraised_a) == (73, 757)
    assert (scores["3.12.1"].appraised_b, scores["3.12.1"].appraised_a) == (3, 30)
    assert (scores["1.5.4"].appraised_b, scores["1.5.4"].appraised_a) == (None, None)
    assert scores["3.12.2"].appraisal_comment == "73/757 hồ sơ có thanh toán trực tuyến"
    assert scores["1.5.3"].responsible_note == "- Văn phòng - Thống kê (phụ trách CCHC)"
    assert scores["1.1.3"].appraisal_comment.startswith("Hoàn thành 44/46 nhiệm vụ, đạt 95,68%\n")
    assert scores["1.1.2"].appraised_value is None  # not in the table: left as it was


def test_history_says_who_imported_which_file(appraising, appraiser):
    record = appraisal(seed002_xlsx(), appraising, appraiser, name="phu_luc_phuong1_2023.xlsx")
    services.import_record_apply(record=record, user=appraiser)
    score = scores_by_code(appraising)["3.12.2"]
    latest = score.history.latest("history_date")
    assert latest.history_user == appraiser
    assert latest.history_change_reason == (
        f"Nhập từ tệp phu_luc_phuong1_2023.xlsx (lần nhập số {record.pk})"
    )
    assert latest.appraised_value == D("0.32")


def test_a_lost_points_table_can_give_full_marks_to_what_it_leaves_out(appraising, appraiser):
    record = appraisal(seed002_xlsx(), appraising, appraiser, fill_unlisted=True)
    assert record.change_count == len(scores_by_code(appraising))
    services.import_record_apply(record=record, user=appraiser)
    results = assessment_sheet(appraising).results
    assert results.total == D("91.00")
    # Not published yet: the total is provisional, no classification or rank before that.
    assert (results.published, results.classification, results.rank) == (False, None, None)
    assert results.appraised_count == results.leaf_count


def test_without_that_choice_the_preview_says_the_rest_stays_unappraised(appraising, appraiser):
    notes = appraisal(seed002_xlsx(), appraising, appraiser).get_preview().notes
    assert any("tiêu chí khác chưa có điểm thẩm định" in note for note in notes)


def test_a_very_long_file_name_still_fits_the_history_reason(appraising, appraiser):
    name = "ket_qua_tham_dinh_" + "rat_dai_" * 20 + ".xlsx"
    record = appraisal(seed002_xlsx(), appraising, appraiser, name=name)
    services.import_record_apply(record=record, user=appraiser)
    reason = scores_by_code(appraising)["1.6"].history.latest("history_date").history_change_reason
    assert len(reason) <= 100
    assert reason.startswith("Nhập từ tệp ket_qua_tham_dinh_")
    assert reason.endswith(f"(lần nhập số {record.pk})")
