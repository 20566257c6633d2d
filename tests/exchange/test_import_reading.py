"""An uploaded workbook is read by the background worker, never by the web process: the page
follows the reading, a hostile file ends as a rejected record with the reason, and a reading
that runs out of memory or whose workers keep dying says so instead of hanging.
"""

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.jobs import JobStatus
from exchange.models import ImportCheck, ImportRecord, ImportStatus
from exchange.tasks import check_import
from tests.exchange import hostile
from tests.exchange.helpers import snapshot
from tests.exchange.workbooks import seed002_xlsx
from tests.helpers import run_jobs

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _post(client, assessment, data: bytes, name="phu_luc.xlsx"):
    url = reverse("exchange:assessment_upload", args=[assessment.pk, "appraisal"])
    return client.post(url, {"file": SimpleUploadedFile(name, data, XLSX)})


def test_the_web_request_stores_the_file_and_the_worker_reads_it(
    client, appraising, appraiser, django_capture_on_commit_callbacks
):
    client.force_login(appraiser)
    with (
        mock.patch("exchange.importers.read_workbook", side_effect=AssertionError("parsed")),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        response = _post(client, appraising, seed002_xlsx())
    assert response.status_code == 302 and len(callbacks) == 1
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.CHECKING and record.preview == {}
    page = client.get(response["Location"]).content.decode()
    assert "Đang kiểm tra tệp" in page and 'http-equiv="refresh"' in page
    cancel = reverse("exchange:record_cancel", args=[record.pk])
    assert "Xác nhận nhập" not in page and cancel not in page
    assert "Từng dòng" not in page and "dòng thay đổi" not in page  # nothing read yet

    callbacks[0]()  # the worker
    record.refresh_from_db()
    assert record.status == ImportStatus.PREVIEWED and record.reading.status == JobStatus.DONE
    assert record.reading.cells_read > 0
    page = client.get(response["Location"]).content.decode()
    assert "Xác nhận nhập 16 thay đổi" in page and 'http-equiv="refresh"' not in page


def test_the_page_says_how_far_the_reading_has_got(client, appraising, appraiser):
    client.force_login(appraiser)
    with mock.patch("exchange.views.jobs.enqueue"):
        response = _post(client, appraising, seed002_xlsx())
    ImportCheck.objects.update(status=JobStatus.RUNNING, cells_read=1500, attempts=2)
    page = client.get(response["Location"]).content.decode()
    assert "đã đọc 1500 ô" in page and "Lần đọc thứ 2" in page


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (hostile.numbers_sheet(100_000, 50), "vượt giới hạn 16 MB"),
        (hostile.far_row_sheet(1_048_576), "chỉ nhận tối đa 5000 dòng"),
        (b"PK\x03\x04 not really a zip", "bị hỏng"),
    ],
)
def test_a_hostile_file_is_a_rejected_record_with_the_reason(
    client, appraising, appraiser, data, reason
):
    before = snapshot()
    client.force_login(appraiser)
    with run_jobs():
        response = _post(client, appraising, data)
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.REJECTED and record.file.size == len(data)
    page = client.get(response["Location"]).content.decode()
    assert reason in page and "không có gì được nhập" in page
    assert snapshot() == before


def test_a_reading_that_runs_out_of_memory_is_rejected_with_the_reason(
    client, appraising, appraiser, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as on a worker: the reading is limited
    client.force_login(appraiser)
    with (
        mock.patch("exchange.views.jobs.enqueue"),
        mock.patch("exchange.services.plan_import", side_effect=MemoryError),
    ):
        _post(client, appraising, seed002_xlsx())
        check_import.run(ImportCheck.objects.get().pk)
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.REJECTED
    assert "cần quá nhiều bộ nhớ để đọc (quá 512 MB)" in record.get_preview().errors[0].message


def test_an_unexpected_error_while_reading_is_a_rejected_record_not_a_hang(
    client, appraising, appraiser, caplog
):
    client.force_login(appraiser)
    with (
        mock.patch("exchange.services.plan_import", side_effect=KeyError("bug")),
        run_jobs(),
    ):
        _post(client, appraising, seed002_xlsx())
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.REJECTED
    assert "Lỗi hệ thống khi đọc tệp" in record.get_preview().errors[0].message
    assert "Reading import" in caplog.text


def test_a_reading_given_up_after_its_workers_died_rejects_the_record(
    client, appraising, appraiser, settings
):
    client.force_login(appraiser)
    with mock.patch("exchange.views.jobs.enqueue"):
        _post(client, appraising, seed002_xlsx())
    job = ImportCheck.objects.get()
    ImportCheck.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=settings.JOB_MAX_ATTEMPTS, worker="x pid 1"
    )
    check_import.run(job.pk)
    record = ImportRecord.objects.get()
    assert record.status == ImportStatus.REJECTED
    assert "Không đọc được tệp: Đã chạy 3 lần" in record.get_preview().errors[0].message


def test_the_record_page_while_reading_costs_a_fixed_number_of_queries(
    client, appraising, appraiser, django_assert_max_num_queries
):
    client.force_login(appraiser)
    with mock.patch("exchange.views.jobs.enqueue"):
        response = _post(client, appraising, seed002_xlsx())
    with django_assert_max_num_queries(8):
        assert client.get(response["Location"]).status_code == 200


_ALLOCATE = """
import os, sys
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
import django
django.setup()
from cchc.jobs import MemoryLimitExceeded, memory_limit
try:
    with memory_limit(100):
        block = bytearray(300 * 1024 * 1024)
    print("allocated")
except MemoryLimitExceeded as exc:
    print("refused", exc)
block = bytearray(300 * 1024 * 1024)  # the limit is lifted afterwards
print("after", len(block) // (1024 * 1024))
"""


def test_the_memory_limit_refuses_an_allocation_past_it_and_is_lifted_after():
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", _ALLOCATE.format(root=root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split("\n")[:2] == ["refused more than 100 MB", "after 300"]
