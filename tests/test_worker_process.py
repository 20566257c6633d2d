"""A real Celery worker on Redis, killed in the middle of a job (a bundle of phụ lục, an import).

The job must be done again from the start, or marked failed; never left half-made. The
worker is a separate process, so it needs a database the test can share: PostgreSQL (CI runs
the suite on it; SQLite's test database lives in the test process's memory).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection, transaction

from cchc.jobs import JobStatus
from documents.models import DocumentBundle
from scoring.demo import load_demo
from scoring.models import Assessment
from tests.helpers import postgres_test_url

BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a worker process cannot reach SQLite's in-memory test database; "
        "CI runs this file against PostgreSQL",
    ),
]


@pytest.fixture
def broker():
    import redis

    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis is not running at {BROKER_URL}")
    client.flushdb()
    yield Celery(broker=BROKER_URL)
    client.flushdb()


class Worker:
    """`celery -A cchc worker` as the README starts it, on the test database."""

    def __init__(self, log: Path):
        self.env = {
            **os.environ,
            "DATABASE_URL": postgres_test_url(),
            "CELERY_BROKER_URL": BROKER_URL,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DEBUG": "false",
        }
        self.log = log
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "cchc", "worker"]
        command += ["--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        command += ["--hostname", f"test-{uuid.uuid4().hex[:8]}@%h"]
        with self.log.open("a") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        self.processes.append(process)
        return process

    def kill_all(self, process: subprocess.Popen) -> None:
        """The whole worker, main process and pool, at once: a host losing power."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


@pytest.fixture
def worker(tmp_path):
    worker = Worker(tmp_path / "worker.log")
    yield worker
    worker.stop()


def _bundle() -> DocumentBundle:
    # transactional tests start from whatever the last one left
    load_demo(province_2026=False, legacy_round=True)
    one = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    published = Assessment.objects.filter(framework=one.framework, period=one.period)
    from django.contrib.auth import get_user_model

    return DocumentBundle.objects.create(
        framework=one.framework,
        period=one.period,
        requested_by=get_user_model().objects.get(username="thamdinh.txqt"),
        assessment_ids=[a.pk for a in published],
        total=published.count(),
    )


def _wait(bundle, condition, worker, seconds=90) -> DocumentBundle:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        bundle.refresh_from_db()
        if condition(bundle):
            return bundle
        time.sleep(0.02)
    raise AssertionError(
        f"bundle stayed {bundle.status} {bundle.done}/{bundle.total} attempt {bundle.attempts}; "
        f"worker log:\n{worker.log.read_text()[-4000:]}"
    )


def _archives() -> list[Path]:
    return sorted((Path(settings.MEDIA_ROOT) / "goi-phu-luc").glob("*"))


def _midway(bundle: DocumentBundle) -> bool:
    return bundle.status == JobStatus.RUNNING and 1 <= bundle.done < bundle.total


def _complete(bundle: DocumentBundle) -> None:
    assert (bundle.status, bundle.done, bundle.error) == (JobStatus.DONE, bundle.total, "")
    with zipfile.ZipFile(bundle.file.open("rb")) as archive:
        assert archive.testzip() is None
        assert len(archive.namelist()) == 2 + 2 * bundle.total  # ranking + each unit's phụ lục
    assert len(_archives()) == 1  # the finished archive, and no leftover of the killed attempt


def test_a_job_whose_worker_process_is_killed_midway_is_done_again_from_the_start(broker, worker):
    bundle = _bundle()
    worker.start()
    broker.send_task("documents.tasks.build_bundle", args=[bundle.pk])
    bundle = _wait(bundle, _midway, worker)

    os.kill(int(bundle.worker.rsplit(" pid ", 1)[1]), signal.SIGKILL)  # the pool process only

    bundle.refresh_from_db()
    assert not bundle.file and _archives() == []
    bundle = _wait(bundle, lambda b: b.status != JobStatus.RUNNING or b.attempts > 1, worker)
    bundle = _wait(bundle, lambda b: b.status != JobStatus.RUNNING, worker)
    assert bundle.attempts == 2
    _complete(bundle)


def test_a_job_whose_whole_worker_died_is_resumed_by_the_next_worker_to_start(broker, worker):
    bundle = _bundle()
    first = worker.start()
    broker.send_task("documents.tasks.build_bundle", args=[bundle.pk])
    bundle = _wait(bundle, _midway, worker)

    worker.kill_all(first)

    bundle.refresh_from_db()
    assert bundle.status == JobStatus.RUNNING and not bundle.file and _archives() == []
    worker.start()
    bundle = _wait(bundle, lambda b: b.status != JobStatus.RUNNING, worker)
    assert bundle.attempts == 2
    _complete(bundle)


def test_an_import_whose_worker_is_killed_midway_lands_once_and_whole(broker, worker):
    """The worker is stopped inside the import's transaction (it waits for a row this test
    holds, after writing the criteria before it), then killed: none of its writes survive,
    and the next attempt applies the whole stored preview, each criterion exactly once."""
    from django.contrib.auth import get_user_model

    from exchange import services as exchange_services
    from exchange.models import ImportApplication, ImportStatus
    from scoring.models import Score
    from tests.exchange.helpers import appraisal, appraising_assessment
    from tests.exchange.workbooks import seed002_xlsx

    load_demo(province_2026=False, legacy_round=True)
    appraiser = get_user_model().objects.get(username="thamdinh.txqt")
    record = appraisal(seed002_xlsx(), appraising_assessment(), appraiser)
    ops = record.get_preview().payload["ops"]
    job = exchange_services.import_record_queue(record=record, user=appraiser)
    worker.start()
    with transaction.atomic():
        Score.objects.select_for_update().get(pk=ops[-1]["score_id"])  # the last one it writes
        broker.send_task("exchange.tasks.apply_import", args=[job.pk])
        _wait_for(lambda: _lock_waits() > 0, worker)  # the worker is blocked mid-import
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING and job.attempts == 1
        os.kill(int(job.worker.rsplit(" pid ", 1)[1]), signal.SIGKILL)
        # Celery gives the message back; a new pool process takes the job over from the start
        _wait_for(lambda: ImportApplication.objects.get(pk=job.pk).attempts == 2, worker)
        reason = record.history_reason()
        assert not Score.history.filter(history_change_reason=reason).exists()
    # the lock is released: the killed attempt's transaction can only roll back, as its
    # process is gone; the second attempt goes on
    _wait_for(lambda: ImportApplication.objects.get(pk=job.pk).status == JobStatus.DONE, worker)
    job.refresh_from_db()
    record.refresh_from_db()
    assert (job.attempts, record.status) == (2, ImportStatus.APPLIED)
    imported = Score.history.filter(history_change_reason=reason)
    writes = Counter(op["score_id"] for op in ops)  # one history row per criterion written
    assert Counter(imported.values_list("id", flat=True)) == writes
    assert Score.objects.get(pk=ops[-1]["score_id"]).appraised_value is not None


def _lock_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def _wait_for(condition, worker, seconds=90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; worker log:\n{worker.log.read_text()[-4000:]}")
        time.sleep(0.05)
