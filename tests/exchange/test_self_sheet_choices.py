"""Yes/no and levels criteria on the offline sheet: a drop-down of their names ("Đạt" /
"Không đạt", the level names) that the upload turns into points; every cell that cannot be
read is shown in its own row of the preview; the outcome of an import is said once."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exchange import exports, services
from exchange.models import ImportKind, ImportStatus
from exchange.writers import to_bytes
from exchange.writers.selfsheet import HEADER_ROW
from scoring import services as scoring_services
from tests.exchange.helpers import D, scores_by_code, upload
from tests.helpers import run_jobs

pytestmark = pytest.mark.django_db


def _sheet(assessment):
    workbook = load_workbook(io.BytesIO(exports.export_self_sheet(assessment).content))
    sheet = workbook["Tự đánh giá"]
    rows = {
        str(sheet.cell(row=r, column=1).value): r for r in range(HEADER_ROW + 1, sheet.max_row + 1)
    }
    return workbook, sheet, rows


def _filled(assessment, values: dict[str, object]) -> bytes:
    workbook, sheet, rows = _sheet(assessment)
    for code, value in values.items():
        sheet[f"E{rows[code]}"] = value
    return to_bytes(workbook)


def _self(data, assessment, user):
    return upload(
        ImportKind.SELF_ASSESSMENT, data, user=user, assessment=assessment, name="tu_danh_gia.xlsx"
    )


def _list_on(sheet, cell: str) -> str | None:
    for rule in sheet.data_validations.dataValidation:
        if rule.type == "list" and cell in rule.sqref:
            return rule.formula1
    return None


def test_yes_no_and_level_cells_offer_their_names_in_a_drop_down(fresh):
    _, sheet, rows = _sheet(fresh)
    assert _list_on(sheet, f"E{rows['1.1.1']}") == '"Đạt,Không đạt"'
    assert _list_on(sheet, f"E{rows['2.5']}") == '"Tốt,Khá,Đạt,Không đạt"'
    assert _list_on(sheet, f"E{rows['1.3.2']}") == (
        '"Hoàn thành đầy đủ,Hoàn thành nhưng chưa đầy đủ,Không thực hiện"'
    )
    assert _list_on(sheet, f"E{rows['1.5.4']}") is None  # a judgement: a number from 0 to max


def test_names_picked_or_typed_are_imported_as_their_points(fresh, coordinator):
    data = _filled(
        fresh,
        {"1.1.1": "Đạt", "1.3.1": "không đạt", "2.5": "Khá", "1.3.2": "Hoàn thành đầy đủ"},
    )
    record = _self(data, fresh, coordinator)
    preview = record.get_preview()
    assert preview.errors == []
    assert record.change_count == 4
    services.import_record_apply(record=record, user=coordinator)
    scores = scores_by_code(fresh)
    assert scores["1.1.1"].self_value == D("1.00")
    assert scores["1.3.1"].self_value == D("0.00")
    assert scores["2.5"].self_value == D("0.75")
    assert scores["1.3.2"].self_value == D("1.50")


def test_a_downloaded_sheet_shows_the_names_and_reads_back_unchanged(fresh, coordinator):
    for code, value in (("1.1.1", "1"), ("2.5", "0.5")):
        scoring_services.score_set_self(
            score=fresh.scores.get(criterion__code=code), value=D(value), user=coordinator
        )
    _, sheet, rows = _sheet(fresh)
    assert sheet[f"E{rows['1.1.1']}"].value == "Đạt"
    assert sheet[f"E{rows['2.5']}"].value == "Đạt"  # the level "Đạt" is worth 50 %
    # Excel's own total counts the names as their points (hidden column K).
    assert sheet[f"K{rows['2.5']}"].value.startswith(f'=IF(E{rows["2.5"]}="Tốt",1.00,')
    record = _self(exports.export_self_sheet(fresh).content, fresh, coordinator)
    assert record.get_preview().errors == [] and record.change_count == 0


def test_a_name_the_criterion_does_not_have_is_an_error_in_its_row(fresh, coordinator):
    record = _self(_filled(fresh, {"2.5": "Xuất sắc", "1.5.4": "nhiều"}), fresh, coordinator)
    assert record.status == ImportStatus.REJECTED
    preview = record.get_preview()
    by_code = {line.code: line for line in preview.rows}
    assert [p.message for p in by_code["2.5"].problems] == [
        "Tiêu chí 2.5: “Xuất sắc” không phải là mức chấm của tiêu chí; hãy chọn trong danh "
        "sách: Tốt, Khá, Đạt, Không đạt."
    ]
    [problem] = by_code["1.5.4"].problems
    assert problem.is_error and "“nhiều”" in problem.message
    assert preview.problems == []  # nothing left outside the rows


def test_every_cell_error_is_shown_in_its_row_of_the_preview_page(client, fresh, coordinator):
    workbook, sheet, rows = _sheet(fresh)
    sheet[f"E{rows['1.5.4']}"] = "nhiều"
    sheet[f"F{rows['1.1.3']}"] = "-3"
    client.force_login(coordinator)
    url = reverse("exchange:assessment_upload", args=[fresh.pk, "self"])
    file = io.BytesIO(to_bytes(workbook))
    file.name = "tu.xlsx"
    with run_jobs():
        response = client.post(url, {"file": file})
    page = client.get(response["Location"]).content.decode()
    table = page[page.index("Từng dòng") :]
    for code in ("1.5.4", "1.1.3"):
        row = table[table.index(f"<td>{code}</td>") :]
        row = row[: row.index("</tr>")]
        assert 'class="x-error"' in row, code


def test_the_outcome_of_an_import_is_said_once(client, fresh, coordinator, monkeypatch):
    # Without a broker the job runs as soon as it is sent, before the page is shown (a test's
    # transaction would hold it back until the test ends).
    monkeypatch.setattr("exchange.views.jobs.enqueue", lambda task, pk: task.delay(pk))
    client.force_login(coordinator)
    record = _self(_filled(fresh, {"1.1.1": "Đạt"}), fresh, coordinator)
    response = client.post(reverse("exchange:record_apply", args=[record.pk]), follow=True)
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert response.content.decode().count(record.outcome) == 1
