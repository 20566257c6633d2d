"""Benchmark: publish one ranking group of a round; print the time and queries.

Run on purpose, not in the test suite:

    .venv/bin/python bench/publish_group.py                      # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench_publish .venv/bin/python \
        bench/publish_group.py --units 170                       # an empty PostgreSQL database

Every unit of the group is appraised (90 criteria each) and finalized beforehand; what is timed
is `group_publish` alone: the ranking lock and the rows' locks, the preview (totals summed by
the database), one set-based UPDATE freezing every unit's results, one history insert and the
publication's record. Aim: under 0,3 s at 170 units. It then times a re-publication.

Measured on the shared 2-core machine (load average 5–6), PostgreSQL 15: 170 units 0,08–0,39 s
(16 queries; the spread is the machine's load, the queries themselves add up to about 0,08 s),
1 000 units 0,95–1,1 s (16 queries); a re-publication costs the same plus one query.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=170)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from province import province_round

    from scoring import services
    from scoring.models import Assessment, AssessmentStatus, Score

    round_ = province_round(args.units, wards=False)
    communes = round_.groups.get()
    services.round_open(round_=round_)
    scores = Score.objects.filter(assessment__round=round_)
    scores.update(appraised_value=F("maximum"))
    # Spread the totals: every seventh criterion of every third unit loses half its points.
    for i, assessment_id in enumerate(
        Assessment.objects.filter(round=round_).order_by("pk").values_list("pk", flat=True)
    ):
        if i % 3:
            cut = scores.filter(assessment_id=assessment_id, criterion__code__endswith=str(i % 7))
            cut.update(appraised_value=F("maximum") / 2, appraisal_comment="Chưa đạt")
    Assessment.objects.filter(round=round_).update(status=AssessmentStatus.APPRAISED)
    today = timezone.localdate()
    print(f"{args.units} đơn vị × 90 tiêu chí trong một nhóm, CSDL: {connection.vendor}")
    steps = [
        ("Công bố nhóm", lambda: services.group_publish(
            round_=round_, group=communes, decision="QĐ đo hiệu năng", decided_on=today
        )),
        ("Công bố lại", lambda: services.group_republish(
            round_=round_, group=communes, decision="QĐ đính chính", decided_on=today,
            reason="Đo hiệu năng",
        )),
    ]  # fmt: skip
    for label, step in steps:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            publication = step()
            elapsed = time.perf_counter() - started
        print(f"{label}: {elapsed:.3f} s, {len(queries)} truy vấn, {publication.unit_count} đơn vị")
    published = Assessment.objects.filter(round=round_, status=AssessmentStatus.PUBLISHED)
    assert published.count() == args.units
    assert not published.filter(result_rank__isnull=True).exists()


if __name__ == "__main__":
    main()
