"""Benchmark: the first download of a full score sheet after publication, against the render.

Run on purpose, not in the test suite:

    .venv/bin/python bench/first_download.py              # a throwaway SQLite database
    .venv/bin/python bench/first_download.py --units 20

A round of --units communes on the 90-criterion benchmark framework is opened, appraised and
published with `DOCUMENTS_PRERENDER` on (the job runs in this process, as the worker would
run it: Celery is eager here); then the first download of one unit's full score sheet (PDF)
is timed through the test client, and WeasyPrint's render of the same document. Aim: the first
download under 50 ms, because the document was rendered before anyone asked.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--renders", type=int, default=5)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ["DEBUG"] = "false"
    os.environ["OTP_REQUIRED"] = "false"
    os.environ["DOCUMENTS_PRERENDER"] = "true"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import F
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone
    from province import province_round

    from documents.render import pdf
    from documents.tables import score_sheet_table
    from scoring import services
    from scoring.models import Assessment, AssessmentStatus, Score
    from scoring.selectors import assessment_sheet

    setup_test_environment()
    round_ = province_round(args.units, wards=False)
    group = round_.groups.get()
    services.round_open(round_=round_)
    Score.objects.filter(assessment__round=round_).update(appraised_value=F("maximum"))
    Assessment.objects.filter(round=round_).update(status=AssessmentStatus.APPRAISED)
    started = time.perf_counter()
    services.group_publish(
        round_=round_, group=group, decision="QĐ đo hiệu năng", decided_on=timezone.localdate()
    )
    prerender = time.perf_counter() - started
    first = Assessment.objects.filter(round=round_).order_by("pk").first()
    url = reverse("documents:assessment_table", args=[first.pk, "bang-diem", "pdf"])
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("bench", password=None))
    client.get(reverse("summary"))  # the URLconf and templates loaded once per process
    started = time.perf_counter()
    response = client.get(url)
    download = (time.perf_counter() - started) * 1000
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    html = pdf.table_html(score_sheet_table(assessment_sheet(first)))
    renders = []
    for _ in range(args.renders):
        started = time.perf_counter()
        pdf.render_pdf(html)
        renders.append((time.perf_counter() - started) * 1000)
    verdict = "đạt" if download < 50 else "CHƯA ĐẠT"
    print(f"{args.units} xã × 90 tiêu chí; công bố nhóm và dựng sẵn văn bản: {prerender:.1f} s")
    print(f"Tải bảng điểm đầy đủ lần đầu sau công bố: {download:.1f} ms (< 50 ms {verdict})")
    print(f"Dựng bảng điểm bằng WeasyPrint (trung vị {args.renders} lần): "
          f"{statistics.median(renders):.0f} ms")  # fmt: skip
    sys.exit(0 if download < 50 else 1)


if __name__ == "__main__":
    main()
