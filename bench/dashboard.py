"""How fast the dashboard and ranking pages are on a province-sized dataset.

Requests go through Django's test client (the whole stack: middleware, session, views,
templates; no network), on the database DATABASE_URL names, SQLite by default:

    .venv/bin/python bench/dashboard.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_remed .venv/bin/python bench/dashboard.py

The dataset is `manage.py seed_scale` (200 communes, 90 criteria, 10 rounds, tasks); it is
created first if missing (migrations included). Prints, per page, the SQL queries one request
costs, the median and the 95th percentile over --runs requests, and the issue's aim.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory: not what production runs
os.environ["OTP_REQUIRED"] = "false"  # the pages after the council's second factor

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from pages import measure  # noqa: E402

from remediation.scale import PROVINCE_CODE, scale_exists  # noqa: E402
from scoring.models import Assessment, Score, Unit  # noqa: E402


def pages() -> list[tuple[str, str, str, float | None]]:
    """(label, username, url, aim in ms)."""
    first = Unit.objects.get(code=f"{PROVINCE_CODE}-001")
    latest = Assessment.objects.filter(unit=first).order_by("-period__year", "period__kind").first()
    unit_page = reverse("dashboard:unit", args=[first.pk])
    worktable = reverse("remediation:assessment_tasks", args=[latest.pk])
    return [
        ("Bảng điều khiển 1 xã (chủ tịch)", "qmt.chutich", reverse("summary"), 150),
        ("Xếp hạng 200 xã (tỉnh)", "qmt.tinh", reverse("dashboard:ranking"), 300),
        ("Bảng điều khiển 1 xã (tỉnh mở)", "qmt.tinh", unit_page, 150),
        ("Việc khắc phục, trang 1 (tỉnh)", "qmt.tinh", reverse("remediation:tasks"), None),
        ("Việc khắc phục của 1 kỳ (xã)", "qmt.cchc", worktable, None),
        ("Việc của tôi (xã)", "qmt.motcua", reverse("remediation:my_tasks"), None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not scale_exists():
        print("Tạo dữ liệu quy mô tỉnh (seed_scale)…", flush=True)
        call_command("seed_scale")
    setup_test_environment()
    vendor = connection.vendor
    scores = Score.objects.filter(assessment__unit__parent__code=PROVINCE_CODE).count()
    print(f"CSDL: {vendor} · {scores} điểm tiêu chí · {args.runs} lượt đo mỗi trang\n")
    print(f"{'Trang':<36}{'truy vấn':>9}{'trung vị':>11}{'p95':>10}{'mục tiêu':>11}")
    users = get_user_model().objects
    failed = False
    for label, username, url, aim in pages():
        client = Client()
        client.force_login(users.get(username=username))
        queries, samples = measure(client, url, args.runs, args.warmup)
        median = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20, method="inclusive")[18]
        verdict = ""
        if aim is not None:
            verdict = f"< {aim:.0f} ms " + ("đạt" if median < aim else "CHƯA ĐẠT")
            failed |= median >= aim
        print(f"{label:<36}{queries:>9}{median:>8.1f} ms{p95:>7.1f} ms  {verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
