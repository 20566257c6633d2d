"""Benchmark: open a round for a province's units × 90 criteria; print the time and queries.

Run on purpose, not in the test suite:

    .venv/bin/python bench/open_round.py                        # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench_round .venv/bin/python \
        bench/open_round.py --units 170                         # an empty PostgreSQL database

Opening creates every unit's assessment (with its history row) and a score for every leaf
criterion, in one transaction: 170 units × 90 criteria is 15,300 scores. Aim: under 5 s, with
a query count that does not grow per unit or per score. It then opens the round again (the
idempotent case: nothing to create).
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
    from django.test.utils import CaptureQueriesContext
    from province import province_round

    from scoring import services
    from scoring.models import Score

    round_ = province_round(args.units, wards=True)
    print(f"{args.units} đơn vị × 90 tiêu chí, CSDL: {connection.vendor}")
    for label in ("Mở đợt", "Mở lại (không còn gì để tạo)"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = services.round_open(round_=round_)
            elapsed = time.perf_counter() - started
        print(
            f"{label}: {elapsed:.2f} s, {len(queries)} truy vấn, "
            f"{len(report.created)} bản đánh giá mới, {report.scores} điểm tiêu chí"
        )
    assert Score.objects.filter(assessment__round=round_).count() == args.units * 90


if __name__ == "__main__":
    main()
