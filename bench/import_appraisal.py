"""Benchmark: import appraisal tables of 90 criteria for 200 units; print rows per second.

Run on purpose, not in the test suite:

    .venv/bin/python bench/import_appraisal.py                 # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python \
        bench/import_appraisal.py --units 50                   # an existing, empty PostgreSQL db

Each table goes the whole way a user's does: upload (read, check, preview kept with the import
record and the file), then confirm (every score through scoring.services, with history).

The units have already assessed themselves and sent it (every self value entered and the
assessment submitted, untimed): a council imports its tables only while it appraises, and an
appraisal table never writes self values.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIELDS, LEAVES = 9, 10  # 90 leaf criteria


def _framework_data() -> dict:
    fields = []
    for f in range(1, FIELDS + 1):
        leaves = []
        for n in range(1, LEAVES + 1):
            method = "ratio" if n % 2 else "judgement"
            leaves.append(
                {
                    "code": f"{f}.{n}",
                    "title": f"Tiêu chí {f}.{n}",
                    "maximum": "1.00",
                    "method": method,
                }
            )
        fields.append(
            {
                "code": str(f),
                "title": f"Lĩnh vực {f}",
                "maximum": f"{LEAVES}.00",
                "children": leaves,
            }
        )
    return {
        "name": "Bộ chỉ số đo hiệu năng",
        "year_from": 2024,
        "unit_level": "commune",
        "max_total": f"{FIELDS * LEAVES}.00",
        "rounding": "cut",
        "bands": [{"label": "Tốt", "lower_bound": "80"}, {"label": "Yếu", "lower_bound": "0"}],
        "criteria": fields,
    }


def _table(rng: random.Random) -> bytes:
    """A council's table listing every criterion, with counts in the reasons and a totals row."""
    from scoring import engine

    header = ["Mục", "Nội dung", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định",
              "Số điểm bị trừ", "Ghi chú (Lý do giảm điểm)", "Trách nhiệm"]  # fmt: skip
    rows = [["KẾT QUẢ THẨM ĐỊNH CHỈ SỐ CCHC"], [], header]
    total = Decimal(0)
    for f in range(1, FIELDS + 1):
        for n in range(1, LEAVES + 1):
            if n % 2:
                a = rng.randint(20, 900)
                b = rng.randint(a // 2, a)
                value = engine.ratio_score(Decimal(1), b, a, rounding="cut")
                note = f"{b}/{a} hồ sơ, đạt {engine.vn_number(Decimal(100 * b) / a)}%"
            else:
                value = Decimal(rng.choice(["0", "0.25", "0.5", "0.75", "1"]))
                note = "Đã thực hiện" if value == 1 else "Thực hiện chưa đầy đủ"
            total += value
            rows.append([f"{f}.{n}", f"Tiêu chí {f}.{n}", 1, 1, engine.vn_number(value),
                         engine.vn_number(1 - value), note, "Văn phòng - Thống kê"])  # fmt: skip
    lost = FIELDS * LEAVES - total
    rows.append(["Tổng cộng", None, FIELDS * LEAVES, FIELDS * LEAVES, engine.vn_number(total),
                 engine.vn_number(lost), None, None])  # fmt: skip
    workbook = Workbook()
    for values in rows:
        workbook.active.append(values or [None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from exchange import services
    from scoring import services as scoring_services
    from scoring.models import Assessment, AssessmentStatus, Period, Score, Unit

    call_command("migrate", verbosity=0)
    framework = scoring_services.framework_create(data=_framework_data())
    district = Unit.objects.create(code="BENCH", name="Huyện đo hiệu năng", kind="huyen")
    period, _ = Period.objects.get_or_create(year=2024, kind="annual")
    user = get_user_model().objects.create_superuser("bench", password=None)
    assessments = [
        scoring_services.assessment_create(
            unit=Unit.objects.create(
                code=f"BENCH-{i:03d}", name=f"Xã {i:03d}", kind="xa", parent=district
            ),
            framework=framework,
            period=period,
        )
        for i in range(args.units)
    ]
    Score.objects.filter(assessment__in=assessments).update(
        self_value=Decimal("1.00"), self_note="Có hồ sơ"
    )
    Assessment.objects.filter(pk__in=[a.pk for a in assessments]).update(
        status=AssessmentStatus.SUBMITTED
    )
    for assessment in assessments:
        assessment.status = AssessmentStatus.SUBMITTED
    rng = random.Random(2024)
    tables = [_table(rng) for _ in assessments]
    print(f"{args.units} bảng × {FIELDS * LEAVES} tiêu chí, CSDL: {django.db.connection.vendor}")

    preview_time = apply_time = 0.0
    for assessment, data in zip(assessments, tables, strict=True):
        started = time.perf_counter()
        record = services.import_record_create(
            kind="appraisal", name="bang.xlsx", data=data, user=user, assessment=assessment
        )
        previewed = time.perf_counter()
        assert record.error_count == 0, record.get_preview().as_text()
        services.import_record_apply(record=record, user=user)
        preview_time += previewed - started
        apply_time += time.perf_counter() - previewed

    rows = args.units * FIELDS * LEAVES
    elapsed = preview_time + apply_time
    print(f"Xem trước: {preview_time:.1f} s ({rows / preview_time:.0f} dòng/s)")
    print(f"Xác nhận:  {apply_time:.1f} s ({rows / apply_time:.0f} dòng/s)")
    print(f"Tổng: {rows} dòng trong {elapsed:.1f} s = {rows / elapsed:.0f} dòng/giây")


if __name__ == "__main__":
    main()
