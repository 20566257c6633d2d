"""Benchmark: a round's survey sheet for 170 communes × 3 survey and outside criteria, read
into its preview and confirmed (written in one transaction), as the council does it.

Run on purpose, not in the test suite, on an empty or earlier-benchmarked database (SQLite by
default, in a temporary folder; PostgreSQL with DATABASE_URL):

    .venv/bin/python bench/survey_import.py --units 170 --runs 7
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_survey_bench \\
        .venv/bin/python bench/survey_import.py

The dataset is made once per database: a province ("BENCH-KS") with N communes, a 16-point
framework whose field 3 holds three criteria the council enters for the round (two survey
results scored as 2 × % / 100, the national service index scored in bands), and the 2026 round
of those communes. Each run fills the round's own downloaded sheet with other results, times
the preview (`import_record_create`: read, check against the round, plan) and the confirm
(`import_record_apply`: every score locked, checked, written with its history), and prints
the median rows (units) per second of each, with the queries of one run.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCE = "BENCH-KS"
BANDS = [
    {"at_least": "80", "points": "2"},
    {"at_least": "65", "points": "1.5"},
    {"at_least": "50", "points": "1"},
]


def framework_data() -> dict:
    def leaf(code, title, maximum, method, **extra):
        return {"code": code, "title": title, "maximum": maximum, "method": method, **extra}

    return {
        "name": "Bộ chỉ số đo thử: điều tra xã hội học",
        "year_from": 2020,
        "unit_level": "commune",
        "max_total": "16.00",
        "rounding": "half_up",
        "bands": [{"label": "Tốt", "lower_bound": "80"}, {"label": "Yếu", "lower_bound": "0"}],
        "criteria": [
            {
                "code": "1",
                "title": "Lĩnh vực một",
                "maximum": "10.00",
                "children": [
                    leaf("1.1", "Tỷ lệ hồ sơ đúng hạn", "6.00", "ratio"),
                    leaf("1.2", "Ban hành kế hoạch", "4.00", "yes_no"),
                ],
            },
            {
                "code": "2",
                "title": "Sự hài lòng",
                "maximum": "6.00",
                "children": [
                    leaf("2.1", "Hài lòng về thủ tục (SIPAS)", "2.00", "percent", source="survey"),
                    leaf(
                        "2.2",
                        "Chỉ số phục vụ người dân, doanh nghiệp",
                        "2.00",
                        "percent_steps",
                        params={"steps": BANDS},
                        source="external",
                    ),
                    leaf("2.3", "Hài lòng về cán bộ", "2.00", "percent", source="survey"),
                ],
            },
        ],
    }


def dataset(units: int):
    """The province, its communes, the framework and the opened round (made once)."""
    from django.utils import timezone

    from scoring import services
    from scoring.models import Framework, Period, RankingGroup, Round, Unit

    province, _ = Unit.objects.get_or_create(
        code=PROVINCE, defaults={"name": "Tỉnh Đo Thử", "kind": "tinh"}
    )
    present = Unit.objects.filter(parent=province).count()
    Unit.objects.bulk_create(
        Unit(code=f"{PROVINCE}-{i:04d}", name=f"Xã Đo Thử {i:04d}", kind="xa", parent=province)
        for i in range(present + 1, units + 1)
    )
    data = framework_data()
    framework = Framework.objects.filter(name=data["name"]).first()
    if framework is None:
        framework = services.framework_create(data=data)
    group, _ = RankingGroup.objects.get_or_create(
        council_unit=province, name="Xã", defaults={"kinds": ["xa"]}
    )
    period, _ = Period.objects.get_or_create(year=2026, kind="annual")
    round_ = Round.objects.filter(council_unit=province, framework=framework).first()
    if round_ is None:
        round_ = services.round_create(
            council_unit=province,
            framework=framework,
            period=period,
            name="Đo thử: kết quả điều tra năm 2026",
            groups=[group],
            self_deadline=timezone.now() + timezone.timedelta(days=30),
        )
    services.round_open(round_=round_)
    return round_


def filled(round_, run: int) -> bytes:
    """The round's sheet as downloaded, every cell given a result that differs by run."""
    import openpyxl

    from exchange.exports import export_survey

    workbook = openpyxl.load_workbook(io.BytesIO(export_survey(round_).content))
    ws = workbook["Kết quả điều tra"]
    for row in range(7, ws.max_row + 1):
        for col in (4, 5, 6):
            ws.cell(row, col).value = f"{40 + (row * 7 + col * 3 + run) % 60},{run % 10}5"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=170)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exchange import services as exchange
    from exchange.models import ImportKind, ImportStatus

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="cchc-bench-media-")
    call_command("migrate", verbosity=0)
    round_ = dataset(args.units)
    units = round_.assessments.count()
    print(f"CSDL: {connection.vendor} · {units} xã × 3 tiêu chí · {args.runs} lượt đo\n")
    previews, confirms, queries = [], [], None
    # Each run types other results than the database holds (a benchmarked database is reused).
    start = int(time.time()) % 1000
    for run in range(start, start + args.runs):
        data = filled(round_, run)
        with CaptureQueriesContext(connection) as read:
            started = time.perf_counter()
            record = exchange.import_record_create(
                kind=ImportKind.SURVEY,
                name=f"dieu-tra-{run}.xlsx",
                data=data,
                user=None,
                options={"round_id": round_.pk},
            )
            previews.append(time.perf_counter() - started)
        if record.status != ImportStatus.PREVIEWED:
            sys.exit(record.get_preview().as_text())
        with CaptureQueriesContext(connection) as write:
            started = time.perf_counter()
            exchange.import_record_apply(record=record, user=None)
            confirms.append(time.perf_counter() - started)
        queries = (len(read), len(write))
        if os.environ.get("SLOW"):
            for q in sorted(write.captured_queries, key=lambda q: -float(q["time"]))[:3]:
                print(q["time"], q["sql"][:300])
    preview, confirm = statistics.median(previews), statistics.median(confirms)
    print(f"Xem trước: {preview:.3f} s (trung vị) → {units / preview:,.0f} dòng/s")
    print(f"Xác nhận:  {confirm:.3f} s (trung vị) → {units / confirm:,.0f} dòng/s")
    print(f"Truy vấn mỗi lượt: xem trước {queries[0]}, xác nhận {queries[1]}")


if __name__ == "__main__":
    main()
