"""An appraisal table goes only into an assessment the council is appraising (round 1 or
round 2, when the appraisal page takes scores too), is checked again when confirmed, and never
writes the unit's self-assessment."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange import services
from exchange.exports import XLSX
from exchange.models import ImportRecord, ImportStatus
from scoring.models import Assessment, AssessmentStatus, Score
from tests.exchange.helpers import D, appraisal, scores_by_code, snapshot
from tests.exchange.workbooks import ROWS, row_of, seed002_xlsx
from tests.helpers import run_jobs

pytestmark = pytest.mark.django_db

DRAFT_REFUSAL = (
    "Bản đánh giá đang ở trạng thái “Đang tự đánh giá”: chỉ nhập bảng thẩm định khi hội đồng "
    "đang thẩm định (trạng thái “Chờ thẩm định vòng 1” hoặc “Chờ thẩm định vòng 2”), cũng là "
    "lúc trang thẩm định cho sửa điểm; kết quả đã chốt hoặc đã công bố thì không nhập lại được."
)


def _refusal(status: AssessmentStatus) -> str:
    return DRAFT_REFUSAL.replace("Đang tự đánh giá", status.label, 1)


def _move(assessment: Assessment, status: AssessmentStatus) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    assessment.refresh_from_db()


def test_an_appraisers_table_for_a_draft_is_refused_at_upload_and_changes_nothing(
    client, fresh, appraiser
):
    before = snapshot()
    client.force_login(appraiser)
    url = reverse("exchange:assessment_upload", args=[fresh.pk, "appraisal"])
    with run_jobs():
        response = client.post(url, {"file": SimpleUploadedFile("pl.xlsx", seed002_xlsx(), XLSX)})
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.REJECTED
    assert record.get_preview().errors[0].message == DRAFT_REFUSAL
    assert DRAFT_REFUSAL in client.get(response["Location"]).content.decode()
    with pytest.raises(ValidationError, match="không xác nhận lại được"):
        services.import_record_apply(record=record, user=appraiser)
    assert snapshot() == before


@pytest.mark.parametrize(
    "status",
    [AssessmentStatus.RETURNED, AssessmentStatus.APPRAISED, AssessmentStatus.PUBLISHED],
)
def test_a_table_is_refused_while_the_council_is_not_appraising(appraising, appraiser, status):
    _move(appraising, status)
    before = snapshot()
    record = appraisal(seed002_xlsx(), appraising, appraiser)
    assert record.status == ImportStatus.REJECTED
    assert record.get_preview().errors[0].message == _refusal(status)
    assert snapshot() == before


def test_round_2_takes_a_table_like_round_1(appraising, appraiser):
    _move(appraising, AssessmentStatus.ROUND_2)
    record = appraisal(seed002_xlsx(), appraising, appraiser)
    services.import_record_apply(record=record, user=appraiser)
    assert scores_by_code(appraising)["1.6"].appraised_value == D("0.80")


def _with_self_cells(**cells) -> bytes:
    """The seed table with other values in its "Điểm tự đánh giá" column (code_with_underscores
    → value)."""
    rows = [list(row) for row in ROWS]
    for row in rows:
        row[3] = cells.get(row[0].replace(".", "_"), row[3])
    return seed002_xlsx(rows, totals=None)  # its totals row would no longer add up


def test_a_table_never_writes_the_units_self_assessment(appraising, appraiser):
    # After submission the unit's 1.7 lost its value (an old record): the table must not fill it.
    Score.objects.filter(assessment=appraising, criterion__code="1.7").update(self_value=None)
    before = {code: score.self_value for code, score in scores_by_code(appraising).items()}
    data = _with_self_cells(**{"1_6": "0,5"})
    record = appraisal(data, appraising, appraiser, fill_unlisted=True)
    assert [
        (w.row, w.message) for w in record.get_preview().warnings if "tự đánh giá" in w.message
    ] == [
        (
            row_of("1.6"),
            "Điểm tự đánh giá 0,50 trong tệp khác điểm đơn vị đã tự đánh giá 1,00; giữ điểm "
            "của đơn vị.",
        ),
        (
            row_of("1.7"),
            "Tiêu chí 1.7: điểm tự đánh giá 1,00 trong tệp, nhưng đơn vị chưa tự đánh giá; bảng "
            "thẩm định không ghi điểm tự đánh giá: giữ điểm của đơn vị (để trống).",
        ),
    ]
    services.import_record_apply(record=record, user=appraiser)
    scores = scores_by_code(appraising)
    assert {code: score.self_value for code, score in scores.items()} == before
    assert scores["1.6"].self_value == D("1.00") and scores["1.7"].self_value is None
    assert scores["1.6"].appraised_value == D("0.80") and scores["1.7"].appraised_value == 0
    imported = Score.history.filter(history_change_reason=record.history_reason())
    assert imported.count() == len(scores)  # one write per criterion: the appraisal only


@pytest.mark.parametrize(
    "status",
    [AssessmentStatus.RETURNED, AssessmentStatus.APPRAISED, AssessmentStatus.PUBLISHED],
)
def test_a_table_confirmed_after_the_appraisal_moved_on_fails_whole(appraising, appraiser, status):
    record = appraisal(seed002_xlsx(), appraising, appraiser)
    assert record.status == ImportStatus.PREVIEWED
    _move(appraising, status)  # returned, finalized or published before the confirmation
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.import_record_apply(record=record, user=appraiser)
    assert refused.value.messages == [_refusal(status)]
    assert snapshot() == before
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert record.outcome == f"Không có gì thay đổi: {_refusal(status)}"
