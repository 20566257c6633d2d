"""An import confirmed while the council moves the assessment on waits for it, then is refused:
it never lands after the state it was checked against. Real concurrent connections, as two
gunicorn workers (or a web process and a Celery worker) would have."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction

from exchange import services
from exchange.models import ImportRecord, ImportStatus
from scoring import services as scoring_services
from scoring.demo import load_demo
from scoring.models import Assessment, AssessmentStatus, Score
from tests.exchange.helpers import appraisal, appraising_assessment
from tests.exchange.workbooks import seed002_xlsx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has one writer at a time and ignores SELECT … FOR UPDATE; "
        "CI runs this file against PostgreSQL",
    ),
]

HOLD = 1.5  # seconds the council's transaction stays open after it has moved the assessment


@pytest.fixture(autouse=True)
def demo():
    # transactional tests start from whatever the last one left
    load_demo(province_2026=False, legacy_round=True)
    yield
    load_demo(province_2026=False, legacy_round=True)


def _in_thread(target, failures: list) -> threading.Thread:
    def run():
        try:
            target()
        except BaseException as exc:  # reported by the test
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_an_import_confirmed_while_the_council_finalizes_waits_and_is_refused():
    appraiser = get_user_model().objects.get(username="thamdinh.txqt")
    assessment = appraising_assessment()
    record = appraisal(seed002_xlsx(), assessment, appraiser)
    assert record.status == ImportStatus.PREVIEWED
    moved, failures, outcome = threading.Event(), [], {}

    def council():
        with transaction.atomic():
            locked = scoring_services.assessment_lock(Assessment.objects.get(pk=assessment.pk))
            locked.status = AssessmentStatus.APPRAISED  # what finalizing does, in its lock
            locked.save(update_fields=["status"])
            moved.set()
            threading.Event().wait(HOLD)  # the import is confirmed meanwhile

    def confirm():
        moved.wait(timeout=10)
        try:
            services.import_record_apply(
                record=ImportRecord.objects.get(pk=record.pk), user=appraiser
            )
        except ValidationError as exc:
            outcome["refused"] = exc.messages

    threads = [_in_thread(council, failures), _in_thread(confirm, failures)]
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    if failures:
        raise failures[0]
    assert outcome["refused"][0].startswith("Bản đánh giá đang ở trạng thái “Đã thẩm định”")
    assert not Score.objects.filter(assessment=assessment, appraised_value__isnull=False).exists()
    record.refresh_from_db()
    assert record.status == ImportStatus.FAILED
