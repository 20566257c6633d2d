"""Small helpers shared by the page tests."""

import subprocess
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from scoring import services
from scoring.models import Assessment, Score

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name: str = "bao-cao.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def score_of(assessment: Assessment, code: str) -> Score:
    return assessment.scores.select_related("criterion", "assessment__framework").get(
        criterion__code=code
    )


def fill_self_assessment(assessment: Assessment, user) -> None:
    """Claim full marks everywhere, with an explanation instead of files (fast)."""
    for score in assessment.scores.select_related("criterion", "assessment__framework"):
        services.score_set_self(
            score=score, value=score.maximum, note="Đã thực hiện đầy đủ", user=user
        )


def appraise_all(assessment: Assessment, user, lose: dict[str, str] | None = None) -> None:
    """Appraise every criterion at its maximum except those in `lose` (code → value)."""
    lose = lose or {}
    for score in assessment.scores.select_related("criterion", "assessment__framework"):
        code = score.criterion.code
        value = Decimal(lose[code]) if code in lose else score.maximum
        services.score_set_appraised(
            score=score, value=value, comment="Chưa đạt" if code in lose else "", user=user
        )


def snapshot(assessment: Assessment) -> list[tuple]:
    """Everything a user could have changed on an assessment, to compare before and after."""
    fields = (
        "self_value", "self_b", "self_a", "self_note", "appraised_value", "appraised_b",
        "appraised_a", "appraisal_comment", "response", "version",
    )  # fmt: skip
    rows = list(assessment.scores.order_by("pk").values_list("pk", *fields))
    files = list(
        assessment.scores.filter(evidence__isnull=False).values_list("evidence__pk", flat=True)
    )
    return [*rows, ("files", *files), ("status", Assessment.objects.get(pk=assessment.pk).status)]


def postgres_test_url() -> str:
    """DATABASE_URL of the PostgreSQL test database, for the app's own processes (gunicorn, a
    worker) that a test starts beside itself."""
    from django.db import connection

    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def run_jobs():
    """Run the background jobs the requests inside ask for, as the worker would.

    A job is sent to the workers when the request's transaction commits (`jobs.enqueue`);
    a test runs inside a transaction that never commits, so this runs them at the end of the
    block instead (without a broker, a job runs in the process that sends it).
    """
    return TestCase.captureOnCommitCallbacks(execute=True)


def dead_pid() -> int:
    """The id of a process that has exited: a worker that died."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
