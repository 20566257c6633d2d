"""Background jobs: the row every long job keeps, and the rules for running it on a worker.

A job's truth is its row, not the queue: the page that follows a job reads the row, and the
worker claims the row before working. The queue only says "look at row N". That gives three
guarantees whatever happens to a worker:

- A job is delivered again when its worker dies (Celery's late acknowledgement, see settings),
  and a worker that starts up re-queues the jobs whose worker stopped reporting progress. Each
  delivery claims the row and counts an attempt; after `JOB_MAX_ATTEMPTS` the job is marked
  failed with a Vietnamese reason instead of being tried forever.
- A job already finished or failed is never run again, so a late duplicate delivery is harmless.
- A job writes its result only at the end (one file save, one row update), so a job killed
  midway leaves nothing half-made behind: no partial file is ever offered for download.
"""

from __future__ import annotations

import logging
import os
import resource
import socket
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


class JobStatus(models.TextChoices):
    PENDING = "pending", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Lỗi"


class BackgroundJob(models.Model):
    status = models.CharField(
        "trạng thái", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("số lần chạy", default=0)
    worker = models.CharField("tiến trình xử lý", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("lần báo tiến độ cuối", null=True, blank=True)
    error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def in_progress(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)


def enqueue(task, pk: int) -> None:
    """Send the job to the workers once the row that describes it is committed."""
    transaction.on_commit(lambda: task.delay(pk))


class JobBusy(Exception):
    """Another live worker holds the job; ask again later."""


def _this_worker() -> str:
    return f"{socket.gethostname()} pid {os.getpid()}"


def holder_alive(job: BackgroundJob, now=None) -> bool:
    """Whether the worker that last claimed a running job may still be working on it.

    Silent for longer than JOB_STALE_AFTER means dead. On the same host we can tell sooner:
    a holder whose process is gone (or that is this very process, which runs one job at a
    time) is dead.
    """
    now = now or timezone.now()
    if job.heartbeat_at is None or now - job.heartbeat_at > timedelta(
        seconds=settings.JOB_STALE_AFTER
    ):
        return False
    host, _, pid = job.worker.partition(" pid ")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    return int(pid) != os.getpid() and _process_running(int(pid))


def _process_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process whose parent died too can linger as a zombie: it is not running
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def claim(model: type[BackgroundJob], pk: int, **reset) -> BackgroundJob | None:
    """Take job `pk` for this process: the row, or None when there is nothing to do.

    Raises JobBusy when another live worker is on it. `reset` gives the fields a fresh
    attempt starts from (e.g. progress back to zero).
    """
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=pk).first()
        if job is None or job.status in (JobStatus.DONE, JobStatus.FAILED):
            return None
        now = timezone.now()
        if job.status == JobStatus.RUNNING and holder_alive(job, now):
            raise JobBusy(f"{model.__name__} {pk} is held by {job.worker}")
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            job.status = JobStatus.FAILED
            job.error = (
                f"Đã chạy {job.attempts} lần nhưng lần nào tiến trình xử lý cũng dừng giữa chừng "
                "(máy chủ khởi động lại hoặc hết bộ nhớ); không có kết quả dở dang nào được lưu."
            )
            job.finished_at = now
            job.save()
            log.error("Job %s %s failed after %s attempts", model.__name__, pk, job.attempts)
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.worker = _this_worker()
        job.heartbeat_at = now
        for field, value in reset.items():
            setattr(job, field, value)
        job.save()
    return job


def beat(job: BackgroundJob, **progress) -> None:
    """Record progress (and that the job is alive), visible at once to the page polling it."""
    type(job).objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **progress)


def requeue_stale(model: type[BackgroundJob], task) -> list[int]:
    """Send again the jobs a worker should have but does not; `claim` counts the attempt.

    Called when a worker starts. It picks up the running jobs of a worker that died with its
    host (and so could not give them back to the queue) without waiting for the broker's
    redelivery timeout, and the jobs still waiting long after they were asked for, whose
    message the broker lost (Redis restarted without persistence). A duplicate is harmless:
    `claim` lets one delivery work and the others find the job taken or finished.
    """
    now = timezone.now()
    running = model.objects.filter(status=JobStatus.RUNNING).only("pk", "worker", "heartbeat_at")
    stale = [job.pk for job in running if not holder_alive(job, now)]
    stale += model.objects.filter(
        status=JobStatus.PENDING,
        created_at__lt=now - timedelta(seconds=settings.JOB_STALE_AFTER),
    ).values_list("pk", flat=True)
    for pk in stale:
        log.warning(
            "Job %s %s lost its worker or its message; sending it again", model.__name__, pk
        )
        task.delay(pk)
    return stale


class MemoryLimitExceeded(Exception):
    """The work inside `memory_limit` asked for more memory than it was given."""


@contextmanager
def memory_limit(megabytes: int):
    """Let the code inside grow this process by at most `megabytes` of address space.

    For untrusted input on a worker (reading an uploaded workbook): past the limit an
    allocation fails with MemoryError, turned into MemoryLimitExceeded here, instead of the
    host's OOM killer taking the worker and whatever else it picks. The limit is the process's
    soft RLIMIT_AS, set from its current size and put back afterwards; it applies to the whole
    process, so use it only where one job runs at a time (a prefork worker child).
    """
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = current + megabytes * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (OSError, ValueError) as exc:  # no /proc, or the limit cannot be set here
        log.warning("No memory limit for this job: %s", exc)
        yield
        return
    try:
        yield
    except MemoryError:
        raise MemoryLimitExceeded(f"more than {megabytes} MB") from None
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
