"""The locks that serialise changes to an assessment and to a round's ranking.

Every state change (submit, return, round 2, finalize, publish) and every write to an
assessment's scores or evidence (grid saves, imports, accept-all, uploads) first takes the
assessment's row lock and re-reads its state inside it, so a check ("still a draft?") and the
write it allows cannot be split by another transaction: a grid save that started before
"submit" either lands before the submission or is refused after it, never after it.

Freezing ranks reads every published assessment of a framework and period; two publishes at
once would each miss the other's. `ranking_lock` makes them take turns.

On SQLite these are no-ops (`SELECT … FOR UPDATE` is ignored): SQLite lets one writer at a
time anyway. The locks are held until the surrounding transaction ends.
"""

from __future__ import annotations

from django.db import connection

from scoring.models import Assessment, Framework, Period


def assessment_lock(assessment: Assessment) -> Assessment:
    """Lock the assessment's row for the rest of the transaction; refresh `assessment` from
    the locked row (status, deadlines, dates), and return it."""
    if not connection.in_atomic_block:
        raise RuntimeError("assessment_lock needs a transaction (transaction.atomic).")
    assessment.refresh_from_db(from_queryset=Assessment.objects.select_for_update(of=("self",)))
    return assessment


def ranking_lock(*, framework: Framework, period: Period) -> None:
    """Take the lock for ranking one framework's assessments of one period, until the
    transaction ends (a PostgreSQL transaction-level advisory lock on the pair)."""
    if not connection.in_atomic_block:
        raise RuntimeError("ranking_lock needs a transaction (transaction.atomic).")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [framework.pk, period.pk])
