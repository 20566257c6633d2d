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
from datetime import timedelta
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
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from import_appraisal import _framework_data

    from scoring import services
    from scoring.models import Period, RankingGroup, Score, Unit

    call_command("migrate", verbosity=0)
    province = Unit.objects.create(code="BENCH-T", name="Tỉnh đo hiệu năng", kind="tinh")
    Unit.objects.bulk_create(
        Unit(
            code=f"BENCH-{i:04d}",
            name=f"{'Phường' if i % 3 == 0 else 'Xã'} {i:04d}",
            kind="phuong" if i % 3 == 0 else "xa",
            parent=province,
        )
        for i in range(args.units)
    )
    wards = RankingGroup.objects.create(council_unit=province, name="Phường", kinds=["phuong"])
    communes = RankingGroup.objects.create(council_unit=province, name="Xã", kinds=["xa"])
    framework = services.framework_create(data=_framework_data())
    period, _ = Period.objects.get_or_create(year=2026, kind="annual")
    round_ = services.round_create(
        council_unit=province,
        framework=framework,
        period=period,
        name="Đợt đo hiệu năng",
        groups=[wards, communes],
        self_deadline=timezone.now() + timedelta(days=30),
    )
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
