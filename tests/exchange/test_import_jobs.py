"""Confirming an import hands it to the background worker: the page follows the job, the
import lands whole on the worker or not at all, a job whose worker died is applied again from
the stored preview, and one given up on says so on the record.

A real Celery worker killed in the middle of an import: tests/test_worker_process.py.
"""

import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.jobs import JobStatus
from exchange.models import ImportApplication, ImportStatus
from exchange.tasks import _requeue_stale_imports, apply_import
from scoring import services as scoring_services
from tests.exchange.helpers import D, appraisal, scores_by_code, snapshot
from tests.exchange.workbooks import seed002_xlsx
from tests.helpers import dead_pid, run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(appraising, appraiser):
    return appraisal(seed002_xlsx(), appraising, appraiser)


def _confirm(client, record):
    return client.post(reverse("exchange:record_apply", args=[record.pk]))


def test_confirming_queues_the_import_and_the_page_follows_it_until_it_lands(
    client, record, appraising, appraiser, django_capture_on_commit_callbacks
):
    before = snapshot()
    client.force_login(appraiser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _confirm(client, record)
    assert response.status_code == 302
    assert len(callbacks) == 1  # sent to the worker once the request has committed
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLYING
    assert snapshot() == before  # nothing lands before the worker applies it
    page = client.get(response["Location"]).content.decode()
    assert "Đang nhập" in page and 'http-equiv="refresh"' in page
    assert "Xác nhận nhập" not in page  # no second confirm while it runs

    callbacks[0]()  # the worker (without a broker: at once, in this process)
    record.refresh_from_db()
    job = record.application
    assert (record.status, job.status, job.attempts) == (
        ImportStatus.APPLIED,
        JobStatus.DONE,
        1,
    )
    assert scores_by_code(appraising)["1.6"].appraised_value == D("0.80")
    page = client.get(response["Location"]).content.decode()
    assert "Đã cập nhật 16 tiêu chí" in page and 'http-equiv="refresh"' not in page


def test_the_confirmation_is_said_once_and_the_outcome_stated_on_the_record(
    client, record, appraiser
):
    client.force_login(appraiser)
    with run_jobs():  # the worker runs after the request, as with a broker
        response = _confirm(client, record)
    page = client.get(response["Location"]).content.decode()
    assert page.count("Đã xác nhận; máy chủ đang nhập tệp.") == 1  # not again by the Excel page
    assert page.count("Đã cập nhật 16 tiêu chí") == 1


def test_an_import_being_applied_cannot_be_confirmed_again_or_cancelled(
    client, record, appraiser, django_capture_on_commit_callbacks
):
    client.force_login(appraiser)
    with django_capture_on_commit_callbacks(execute=False):
        _confirm(client, record)
    with django_capture_on_commit_callbacks(execute=False) as again:
        page = client.post(
            reverse("exchange:record_apply", args=[record.pk]), follow=True
        ).content.decode()
    assert again == [] and ImportApplication.objects.count() == 1
    assert "Lần nhập này đang nhập; không xác nhận lại được." in page
    page = client.post(
        reverse("exchange:record_cancel", args=[record.pk]), follow=True
    ).content.decode()
    assert "không hủy được" in page
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLYING


def test_an_import_refused_on_the_worker_changes_nothing_and_says_why(
    client, record, appraising, appraiser
):
    score = scores_by_code(appraising)["1.6"]
    client.force_login(appraiser)
    before = snapshot()
    with run_jobs():
        _confirm(client, record)
        # someone appraises 1.6 between the confirm and the worker: the preview is stale
        scoring_services.score_set_appraised(score=score, value=D("0.50"), comment="Thiếu")
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert record.outcome.startswith("Không có gì thay đổi:")
    assert record.application.status == JobStatus.FAILED
    after = snapshot()
    assert [row for row in after if row not in before] == [
        row for row in after if row[0] == score.pk
    ]  # only the other editor's change
    page = client.get(reverse("exchange:record", args=[record.pk])).content.decode()
    assert record.outcome in page


def test_an_error_midway_rolls_the_whole_import_back_and_fails_it_in_words(
    client, record, appraiser
):
    real = scoring_services.score_set_appraised
    calls = []

    def breaks_on_the_fifth(**kwargs):
        calls.append(kwargs["score"].pk)
        if len(calls) == 5:
            raise RuntimeError("connection lost")
        return real(**kwargs)

    client.force_login(appraiser)
    before = snapshot()
    breaking = mock.patch.object(scoring_services, "score_set_appraised", breaks_on_the_fifth)
    with breaking, run_jobs():
        _confirm(client, record)
    assert len(calls) == 5
    assert snapshot() == before  # the four written before the error are rolled back
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
    assert "Lỗi hệ thống khi nhập" in record.outcome and "connection lost" not in record.outcome
    assert record.application.status == JobStatus.FAILED


def _running(record, appraiser, **fields) -> ImportApplication:
    record.status = ImportStatus.APPLYING
    record.save()
    values = {
        "status": JobStatus.RUNNING,
        "attempts": 1,
        "worker": f"{socket.gethostname()} pid {dead_pid()}",
        "heartbeat_at": timezone.now(),
        **fields,
    }
    return ImportApplication.objects.create(record=record, requested_by=appraiser, **values)


def test_an_import_whose_worker_died_is_applied_again_from_the_stored_preview(
    record, appraising, appraiser
):
    job = _running(record, appraiser)
    apply_import(job.pk)  # the broker delivers it again
    job.refresh_from_db()
    record.refresh_from_db()
    assert (job.status, job.attempts, record.status) == (JobStatus.DONE, 2, ImportStatus.APPLIED)
    assert scores_by_code(appraising)["1.6"].appraised_value == D("0.80")
    imported = scores_by_code(appraising)["1.6"].history.filter(
        history_change_reason=record.history_reason()
    )
    assert imported.count() == 1  # imported once
    apply_import(job.pk)  # a late duplicate delivery is harmless
    job.refresh_from_db()
    assert job.attempts == 2
    assert imported.count() == 1


def test_the_page_says_when_an_import_is_being_applied_again(client, record, appraiser):
    _running(record, appraiser, attempts=2)
    client.force_login(appraiser)
    page = client.get(reverse("exchange:record", args=[record.pk])).content.decode()
    assert "Lần nhập thứ 2" in page and "không có thay đổi nào được lưu" in page


def test_an_import_given_up_after_the_last_attempt_is_failed_on_the_record(
    record, appraiser, settings
):
    settings.JOB_MAX_ATTEMPTS = 3
    job = _running(record, appraiser, attempts=3)
    before = snapshot()
    apply_import(job.pk)
    job.refresh_from_db()
    record.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert record.status == ImportStatus.FAILED
    assert record.outcome.startswith("Không có gì thay đổi: Đã chạy 3 lần")
    assert snapshot() == before


def test_a_starting_worker_sends_again_the_imports_of_dead_workers(record, appraiser):
    job = _running(record, appraiser, heartbeat_at=timezone.now() - timedelta(hours=1))
    with mock.patch.object(apply_import, "delay") as delay:
        _requeue_stale_imports()
    delay.assert_called_once_with(job.pk)


def test_queries_of_the_record_page_while_applying_stay_fixed(
    client, record, appraiser, django_assert_max_num_queries
):
    _running(record, appraiser)
    client.force_login(appraiser)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("exchange:record", args=[record.pk])).status_code == 200
