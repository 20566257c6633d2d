"""Faults the app must survive: a storage that refuses files, a database that drops every
connection. Each leaves the data as it was and tells the user in Vietnamese.

(A worker killed mid-job: tests/test_worker_process.py and tests/test_jobs.py.)
"""

import errno
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.urls import reverse

from cchc.storage import STORAGE_FAILED
from documents import services as documents_services
from documents.models import LetterKind, LetterStatus
from exchange.exports import export_units
from exchange.models import ImportRecord
from remediation import services as remediation_services
from remediation.models import TaskFile
from scoring.demo import load_demo
from scoring.models import Evidence
from tests.documents_helpers import approved
from tests.helpers import pdf, postgres_test_url, score_of


@pytest.fixture(params=["unwritable", "disk-full"])
def broken_storage(request, settings, tmp_path, monkeypatch):
    """The media folder cannot be written (a file where the folder should be, which refuses
    even root), or the disk is full."""
    if request.param == "unwritable":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        settings.MEDIA_ROOT = blocker / "media"
    else:

        def full(self, name, content):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(FileSystemStorage, "_save", full)
    return Path(settings.MEDIA_ROOT)


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []


def _shown(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_evidence_upload_to_a_broken_storage_saves_nothing_and_says_why(
    client, coordinator, current_p1, broken_storage
):
    score = score_of(current_p1, "1.1.1")
    client.force_login(coordinator)
    url = reverse("scoring:criterion", args=[current_p1.pk, score.pk])
    response = client.post(url, {"file": pdf("ke-hoach.pdf")}, follow=True)
    assert response.status_code == 200
    assert STORAGE_FAILED in _shown(response)
    assert not Evidence.objects.filter(score=score).exists()
    assert _stored_files(broken_storage) == []


def test_task_file_upload_to_a_broken_storage_saves_nothing_and_says_why(
    client, coordinator, phuong1_2023, broken_storage
):
    drafts = remediation_services.task_drafts_create(assessment=phuong1_2023, user=coordinator)
    task = next(t for t in drafts if t.department_id)
    remediation_services.task_assign(task=task, deadline=date(2030, 1, 1), user=coordinator)
    client.force_login(coordinator)
    url = reverse("remediation:task_file_upload", args=[task.pk])
    response = client.post(url, {"file": pdf("bien-ban.pdf")}, follow=True)
    assert response.status_code == 200
    assert STORAGE_FAILED in _shown(response)
    assert not TaskFile.objects.exists()
    assert _stored_files(broken_storage) == []


def test_excel_upload_to_a_broken_storage_keeps_no_record_and_says_why(db, client, broken_storage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(get_user_model().objects.get(username="admin"))
    upload = SimpleUploadedFile("don-vi.xlsx", export_units(None).content)
    response = client.post(
        reverse("exchange:admin_upload", args=["don-vi"]), {"file": upload}, follow=True
    )
    assert response.status_code == 200
    assert STORAGE_FAILED in _shown(response)
    assert not ImportRecord.objects.exists()
    assert _stored_files(broken_storage) == []


def test_issuing_a_letter_onto_a_broken_storage_leaves_it_unissued(
    client, chairperson, phuong1_2023, broken_storage
):
    letter = approved(
        documents_services.letter_create(
            assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
        )
    )
    client.force_login(chairperson)
    response = client.post(
        reverse("documents:letter_issue", args=[letter.pk]),
        {"number": "105", "date": "2024-02-28"},
    )
    assert STORAGE_FAILED in response.content.decode()
    letter.refresh_from_db()
    assert (letter.status, letter.number, bool(letter.pdf)) == (
        LetterStatus.APPROVED,
        None,
        False,
    )
    assert not letter.events.filter(action="issued").exists()
    assert _stored_files(broken_storage) == []


@pytest.fixture
def gunicorn(tmp_path):
    """The app as production serves it: gunicorn with gunicorn.conf.py (one worker process, its
    threads each keeping a database connection between requests, CONN_MAX_AGE), on the test
    database."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": postgres_test_url(),
        "DEBUG": "true",  # the test's signed-in session was made with the development key
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cchc.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/healthz/", timeout=5)
            break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=15)
    log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app_connections(cursor) -> set[int]:
    """The server processes of the app's connections to the test database (not this test's)."""
    cursor.execute(
        "SELECT pid FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return {pid for (pid,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="dropping server connections needs PostgreSQL; CI runs this file on it",
)
def test_the_app_recovers_when_the_database_drops_every_connection(gunicorn, client):
    # transactional tests start from whatever the last one left
    load_demo(province_2026=False, legacy_round=True)
    client.force_login(get_user_model().objects.get(username="chutich.p1"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    def get(path: str) -> int:
        request = urllib.request.Request(gunicorn + path, headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    pages = ["/", reverse("remediation:my_tasks"), reverse("scoring:assessments"), "/healthz/"]
    assert [get(p) for p in pages] == [200] * 4
    threads = int(os.environ.get("GUNICORN_THREADS", "4"))
    with connection.cursor() as cursor:
        # gunicorn's threads keep their connections: at most one each, never one per request
        before = _app_connections(cursor)
        assert 1 <= len(before) <= threads
        # What a restart of PostgreSQL does to its clients: every connection cut.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    assert [get(p) for p in pages] == [200] * 4  # no error page, no restart of the app
    with connection.cursor() as cursor:
        after = _app_connections(cursor)
    # new connections, made on the next requests; none of the cut ones is still counted
    assert 1 <= len(after) <= threads
    assert not after & before
