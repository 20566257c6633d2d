"""Background jobs: claiming, retrying a job whose worker died, giving up, failing cleanly.

The worker process itself (Celery on Redis, killed mid-job) is exercised in
tests/test_worker_process.py; here the rules run in-process, on both databases.
"""

import os
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc import jobs
from cchc.jobs import JobStatus
from documents.models import DocumentBundle
from documents.tasks import _requeue_stale_bundles, build_bundle
from tests.helpers import dead_pid


@pytest.fixture
def bundle(phuong1_2023, appraiser):
    from scoring.models import Assessment

    published = Assessment.objects.filter(
        framework=phuong1_2023.framework, period=phuong1_2023.period
    )
    return DocumentBundle.objects.create(
        framework=phuong1_2023.framework,
        period=phuong1_2023.period,
        requested_by=appraiser,
        assessment_ids=[a.pk for a in published],
        total=published.count(),
    )


def _held_by(bundle, pid: int, *, seconds_ago: int = 1, host: str | None = None) -> None:
    import socket

    DocumentBundle.objects.filter(pk=bundle.pk).update(
        status=JobStatus.RUNNING,
        attempts=1,
        done=2,
        worker=f"{host or socket.gethostname()} pid {pid}",
        heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


def test_claiming_counts_the_attempt_and_names_the_worker(bundle):
    claimed = jobs.claim(DocumentBundle, bundle.pk, done=0)
    assert (claimed.status, claimed.attempts, claimed.done) == (JobStatus.RUNNING, 1, 0)
    assert claimed.worker.endswith(f"pid {os.getpid()}")


def test_a_finished_or_failed_job_is_never_run_again(bundle):
    for status in (JobStatus.DONE, JobStatus.FAILED):
        DocumentBundle.objects.filter(pk=bundle.pk).update(status=status, attempts=1)
        assert jobs.claim(DocumentBundle, bundle.pk) is None
        bundle.refresh_from_db()
        assert (bundle.status, bundle.attempts) == (status, 1)


def test_a_job_a_live_worker_holds_is_left_to_it(bundle):
    _held_by(bundle, pid=1)  # init: alive on this host
    with pytest.raises(jobs.JobBusy):
        jobs.claim(DocumentBundle, bundle.pk)
    _held_by(bundle, pid=4242, host="another-app-server")  # can't see it: trust the heartbeat
    with pytest.raises(jobs.JobBusy):
        jobs.claim(DocumentBundle, bundle.pk)


def test_a_job_whose_worker_died_is_taken_over_from_the_start(bundle):
    _held_by(bundle, pid=dead_pid())
    claimed = jobs.claim(DocumentBundle, bundle.pk, done=0)
    assert (claimed.attempts, claimed.done) == (2, 0)


def test_a_job_silent_for_too_long_is_taken_over_even_on_another_host(bundle, settings):
    settings.JOB_STALE_AFTER = 60
    _held_by(bundle, pid=4242, host="another-app-server", seconds_ago=61)
    assert jobs.claim(DocumentBundle, bundle.pk).attempts == 2


def test_after_the_last_attempt_the_job_is_marked_failed_with_a_reason(bundle, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    _held_by(bundle, pid=dead_pid())
    DocumentBundle.objects.filter(pk=bundle.pk).update(attempts=3)
    assert jobs.claim(DocumentBundle, bundle.pk) is None
    bundle.refresh_from_db()
    assert bundle.status == JobStatus.FAILED
    assert "Đã chạy 3 lần" in bundle.error and "không có kết quả dở dang" in bundle.error
    assert not bundle.file


def test_a_starting_worker_sends_again_the_jobs_of_dead_workers_and_only_those(bundle, appraiser):
    alive = DocumentBundle.objects.create(
        framework=bundle.framework, period=bundle.period, requested_by=appraiser, total=1
    )
    _held_by(alive, pid=1)
    _held_by(bundle, pid=dead_pid())

    _requeue_stale_bundles()  # without a broker the resent job runs at once

    bundle.refresh_from_db()
    alive.refresh_from_db()
    assert (bundle.status, bundle.attempts, bundle.done) == (JobStatus.DONE, 2, 5)
    assert zipfile.ZipFile(bundle.file.open("rb")).testzip() is None
    assert (alive.status, alive.attempts) == (JobStatus.RUNNING, 1)


def test_a_starting_worker_sends_again_a_job_whose_message_was_lost(bundle, appraiser):
    recent = DocumentBundle.objects.create(
        framework=bundle.framework, period=bundle.period, requested_by=appraiser, total=1
    )  # just asked for: its message is on its way
    DocumentBundle.objects.filter(pk=bundle.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )

    _requeue_stale_bundles()

    bundle.refresh_from_db()
    recent.refresh_from_db()
    assert (bundle.status, bundle.attempts) == (JobStatus.DONE, 1)
    assert (recent.status, recent.attempts) == (JobStatus.PENDING, 0)


def test_the_page_tells_the_user_a_bundle_is_being_made_again(client, bundle, appraiser):
    _held_by(bundle, pid=dead_pid())
    DocumentBundle.objects.filter(pk=bundle.pk).update(attempts=2)
    client.force_login(appraiser)
    page = client.get(reverse("documents:bundle_detail", args=[bundle.pk])).content.decode()
    assert "Lần tạo thứ 2" in page and "2/5 đơn vị" in page
    assert reverse("documents:bundle_download", args=[bundle.pk]) not in page


def test_an_unwritable_media_folder_fails_the_bundle_with_a_clear_message(
    client, bundle, appraiser, settings, tmp_path
):
    media = tmp_path / "readonly-media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    media.chmod(0o500)
    try:
        if os.access(media, os.W_OK):  # root ignores permission bits: make it a file instead
            media.chmod(0o700)
            media.rmdir()
            media.write_text("not a folder")
        build_bundle.delay(bundle.pk)
    finally:
        if media.is_dir():
            media.chmod(0o700)
    bundle.refresh_from_db()
    assert bundle.status == JobStatus.FAILED
    assert "không ghi được tệp" in bundle.error
    assert not bundle.file
    client.force_login(appraiser)
    page = client.get(reverse("documents:bundle_detail", args=[bundle.pk])).content.decode()
    assert "Không tạo được gói phụ lục" in page and "ổ đĩa đầy" in page
    response = client.get(reverse("documents:bundle_download", args=[bundle.pk]))
    assert response.status_code == 404


def test_a_dead_worker_left_as_a_zombie_counts_as_dead(bundle):
    zombie = subprocess.Popen(["true"])  # exits and is not reaped until wait()
    deadline = timezone.now() + timedelta(seconds=5)
    while Path(f"/proc/{zombie.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
        assert timezone.now() < deadline
    try:
        _held_by(bundle, pid=zombie.pid)
        assert jobs.claim(DocumentBundle, bundle.pk).attempts == 2
    finally:
        zombie.wait()
