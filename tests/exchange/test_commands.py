"""`import_xlsx` and `export_xlsx`: the same previews and files as the pages, with exit codes
scripts can rely on (0: done or nothing wrong; 1: errors, nothing imported)."""

from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import call_command, load_command_class
from django.db import connections

from exchange.models import ImportRecord, ImportStatus
from exchange.parsing.appendix import find_appendix
from exchange.parsing.grid import read_workbook
from tests.exchange.helpers import D, scores_by_code, snapshot
from tests.exchange.workbooks import FIXTURE, ROWS, seed002_xlsx

pytestmark = pytest.mark.django_db


def _run(*argv) -> tuple[int, str, str]:
    """Run a command as `manage.py` does, returning its exit code and output.

    run_from_argv closes the database connections when done; the test's transaction lives on
    that connection, so closing is skipped here.
    """
    out, err = StringIO(), StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err), patch.object(connections, "close_all"):
        try:
            load_command_class("exchange", argv[0]).run_from_argv(["manage.py", *argv])
        except SystemExit as exit_:
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


def _bad_file(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[3][4] = "1,5"  # 1.6 above its maximum
    path = tmp_path / "loi.xlsx"
    path.write_bytes(seed002_xlsx(rows))
    return path


def test_a_dry_run_prints_the_preview_with_row_numbers_and_changes_nothing(appraising):
    before = snapshot()
    code, out, _ = _run(
        "import_xlsx", "appraisal", str(FIXTURE), "--unit", "TXQT-P1", "--year", "2024", "--dry-run"
    )
    assert code == 0
    assert "Cảnh báo: Dòng 17: Điểm thẩm định 0,87 khác điểm tính từ số liệu 782/903" in out
    assert "Dòng 15 3.12.2: Cập nhật — Điểm thẩm định: (trống) → 0,32" in out
    assert "Tổng: 16 dòng thay đổi, 0 lỗi, 1 cảnh báo." in out
    assert snapshot() == before and not ImportRecord.objects.exists()


def test_a_file_with_errors_exits_with_1_and_imports_nothing(appraising, tmp_path):
    before = snapshot()
    code, out, err = _run(
        "import_xlsx", "appraisal", str(_bad_file(tmp_path)), "--unit", "TXQT-P1", "--year", "2024"
    )
    assert code == 1
    assert (
        "LỖI: Dòng 10: Tiêu chí 1.6: điểm thẩm định 1,50 vượt quá điểm tối đa 1,00; hãy nhập "
        "từ 0 đến 1,00." in out
    )
    assert "Tệp có 1 lỗi; không nhập gì" in err
    assert snapshot()["scores"] == before["scores"]
    assert ImportRecord.objects.get().status == ImportStatus.REJECTED  # kept, for the record


def test_the_same_file_in_a_dry_run_also_exits_with_1(appraising, tmp_path):
    code, _, err = _run(
        "import_xlsx",
        "appraisal",
        str(_bad_file(tmp_path)),
        "--unit",
        "TXQT-P1",
        "--year",
        "2024",
        "--dry-run",
    )
    assert code == 1 and "Tệp có 1 lỗi" in err


def test_an_import_is_applied_and_recorded_under_the_named_user(appraising, appraiser):
    code, out, _ = _run(
        "import_xlsx",
        "appraisal",
        str(FIXTURE),
        "--unit",
        "TXQT-P1",
        "--year",
        "2024",
        "--user",
        "thamdinh.txqt",
        "--fill-unlisted",
    )
    assert code == 0
    assert "Đã cập nhật 87 tiêu chí của Phường 1 – Năm 2024." in out
    score = scores_by_code(appraising)["3.12.2"]
    assert score.appraised_value == D("0.32")
    latest = score.history.latest("history_date")
    assert latest.history_user == appraiser
    assert latest.history_change_reason.startswith("Nhập từ tệp seed002_phu_luc.xlsx")
    assert ImportRecord.objects.get().via_command_line


def test_a_named_user_without_the_right_is_refused(appraising):
    code, _, err = _run(
        "import_xlsx", "appraisal", str(FIXTURE), "--unit", "TXQT-P1", "--year", "2024",
        "--user", "chutich.p1",
    )  # fmt: skip
    assert code == 1 and "không được nhập loại dữ liệu này" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["appraisal", "FIXTURE"], "cần --unit MÃ_ĐƠN_VỊ và --year NĂM"),
        (["appraisal", "FIXTURE", "--unit", "XYZ", "--year", "2024"], "Không có đơn vị mã “XYZ”"),
        (["appraisal", "/khong/co.xlsx", "--unit", "TXQT-P1", "--year", "2024"], "Không có tệp"),
        (
            ["appraisal", "FIXTURE", "--unit", "TXQT-P1", "--year", "2023"],
            "Bản đánh giá đang ở trạng thái “Đã công bố”",
        ),
    ],
)
def test_wrong_arguments_exit_with_1_and_say_what_is_wrong(argv, message):
    argv = [str(FIXTURE) if a == "FIXTURE" else a for a in argv]
    code, out, err = _run("import_xlsx", *argv)
    assert code == 1 and message in out + err


def test_exports_write_the_same_files_as_the_pages(phuong1_2023, tmp_path):
    out = StringIO()
    target = tmp_path / "phu_luc.xlsx"
    call_command(
        "export_xlsx", "appraisal", "--unit", "TXQT-P1", "--year", "2023", "-o", str(target),
        stdout=out,
    )  # fmt: skip
    assert f"Đã ghi {target}" in out.getvalue()
    table = find_appendix(read_workbook(target.read_bytes()))
    assert len(table.rows) == 16 and table.totals.lost == D("9")


@pytest.mark.parametrize(
    ("kind", "args", "kind_back", "assessment"),
    [
        ("framework", ["--framework", "Bộ chỉ số CCHC cấp xã (mẫu minh họa)"], "framework", None),
        ("units", [], "units", None),
        ("officials", [], "officials", None),
        ("self", ["--unit", "TXQT-P1", "--year", "2024"], "self", "fresh"),
        ("appraisal", ["--unit", "TXQT-P1", "--year", "2024", "--all"], "appraisal", "appraising"),
    ],
)
def test_every_export_imports_back_with_no_change(
    request, tmp_path, kind, args, kind_back, assessment
):
    if assessment:  # the draft takes a self-assessment sheet, the council's round a table
        request.getfixturevalue(assessment)
    code, _, _ = _run("export_xlsx", kind, *args, "-o", str(tmp_path))
    assert code == 0
    [written] = list(tmp_path.iterdir())
    extra = ["--unit", "TXQT-P1", "--year", "2024"] if kind in ("self", "appraisal") else []
    code, out, _ = _run("import_xlsx", kind_back, str(written), *extra, "--dry-run")
    assert code == 0
    assert "Tổng: 0 dòng thay đổi, 0 lỗi" in out
