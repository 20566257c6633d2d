"""State changes and writes to an assessment take turns, with real concurrent connections.

Two threads, each with its own PostgreSQL connection, as two gunicorn workers would be. The
first holds its transaction open at a barrier (or, when the other is blocked by a lock, until
the barrier times out); without the locks both would go through at once and the assertions
below fail: score changes landing after "submit", two publishes each ranking itself 1 of 1.
"""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction

from scoring import services
from scoring.demo import load_demo
from scoring.models import Assessment, AssessmentStatus, Period, Score
from scoring.selectors import period_results
from tests.helpers import appraise_all, fill_self_assessment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has one writer at a time and ignores SELECT … FOR UPDATE; "
        "CI runs this file against PostgreSQL",
    ),
]

HOLD = 1.5  # seconds the first transaction waits for the other at the barrier


@pytest.fixture(autouse=True)
def demo():
    # transactional tests start from whatever the last one left
    load_demo(province_2026=False, legacy_round=True)
    yield
    load_demo(province_2026=False, legacy_round=True)


def _run(*targets):
    """Run each target in its own thread (its own connection); re-raise the first failure."""
    failures = []

    def wrap(target):
        try:
            target()
        except BaseException as exc:  # reported to the test below
            failures.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    if failures:
        raise failures[0]


def _wait(barrier: threading.Barrier) -> None:
    # A broken barrier: the other side is blocked by a lock, so go on alone.
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=HOLD)


def _scores(assessment: Assessment) -> list[Score]:
    return list(
        assessment.scores.select_related("criterion", "assessment__framework").order_by(
            "criterion__sort_key"
        )
    )


def _draft_ready_to_submit(coordinator) -> Assessment:
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    fill_self_assessment(assessment, coordinator)
    return assessment


def _users():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return users.get(username="cchc.p1"), users.get(username="thamdinh.txqt")


def test_a_save_that_started_before_submit_lands_before_the_submission_never_after():
    coordinator, _ = _users()
    assessment = _draft_ready_to_submit(coordinator)
    barrier, started = threading.Barrier(2), threading.Event()
    outcome = {}

    def save():
        with transaction.atomic():  # one page save: every changed row in one transaction
            scores = _scores(assessment)
            for i, score in enumerate(scores):
                services.score_set_self(
                    score=score, value=score.maximum, note="Sửa lại trước khi gửi", user=coordinator
                )
                if i == 0:
                    started.set()
                    _wait(barrier)
            outcome["saved"] = len(scores)

    def submit():
        started.wait(timeout=10)
        with transaction.atomic():
            fresh = Assessment.objects.get(pk=assessment.pk)
            services.assessment_submit(assessment=fresh, user=coordinator)
            _wait(barrier)

    _run(save, submit)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    late = Score.history.filter(
        assessment_id=assessment.pk, history_date__gt=assessment.submitted_at
    ).count()
    assert late == 0, f"{late} score changes landed after the submission"
    assert set(assessment.scores.values_list("self_note", flat=True)) == {"Sửa lại trước khi gửi"}
    assert outcome["saved"] > 50


def test_a_save_that_comes_after_submit_is_refused_whole():
    coordinator, _ = _users()
    assessment = _draft_ready_to_submit(coordinator)
    before = sorted(assessment.scores.values_list("pk", "self_value"))
    submitted, outcome = threading.Event(), {}

    def submit():
        with transaction.atomic():
            services.assessment_submit(
                assessment=Assessment.objects.get(pk=assessment.pk), user=coordinator
            )
            submitted.set()
            threading.Event().wait(HOLD)  # commit a moment later, the save already waiting

    def save():
        submitted.wait(timeout=10)
        try:
            with transaction.atomic():
                for score in _scores(assessment):
                    services.score_set_self(score=score, value=Decimal(0), user=coordinator)
        except ValidationError as exc:
            outcome["refused"] = exc.messages[0]

    _run(submit, save)
    assert "đã gửi thẩm định" in outcome["refused"]
    assert sorted(assessment.scores.values_list("pk", "self_value")) == before


def test_two_publishes_at_once_rank_both_units_as_recomputing_would():
    _, appraiser = _users()
    period = Period.objects.create(year=2027, kind="annual")
    template = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    appraised = []
    for code, lose in (("TXQT-P1", {"1.6": "0"}), ("TXQT-P2", {})):
        assessment = services.assessment_create(
            unit=template.unit.__class__.objects.get(code=code),
            framework=template.framework,
            period=period,
        )
        appraise_all(assessment, appraiser, lose)
        appraised.append(assessment)
    barrier = threading.Barrier(2)

    def publish(assessment):
        def run():
            with transaction.atomic():
                services.assessment_publish(
                    assessment=Assessment.objects.get(pk=assessment.pk),
                    user=appraiser,
                    from_record=True,
                )
                _wait(barrier)

        return run

    _run(*(publish(a) for a in appraised))
    frozen = {
        a.unit.code: (a.result_rank, a.result_rank_of)
        for a in Assessment.objects.filter(period=period).select_related("unit")
    }
    recomputed = {
        row.assessment.unit.code: (row.rank, len(rows))
        for rows in [period_results(template.framework, period)]
        for row in rows
    }
    assert frozen == recomputed == {"TXQT-P2": (1, 2), "TXQT-P1": (2, 2)}
