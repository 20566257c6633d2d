"""Benchmark: render the printed documents of a 90-criterion framework; print the medians.

Run on purpose, not in the test suite:

    .venv/bin/python bench/render_documents.py            # a throwaway SQLite database
    .venv/bin/python bench/render_documents.py --runs 50

Two documents, each rendered --runs times (20 by default) after one warm-up render:
(b) the full score sheet of a 90-criterion framework (every field, criterion and component
criterion with subtotals, landscape, about 125 rows), and a báo cáo drafted by the composer
with its phụ lục of lost criteria. The framework is the demo one (real titles, three levels)
with an eighth field of three criteria added to reach 90; the scores are seed 002's, whose
lost criteria carry the council's real comments. The aim is a median under 0,5 s per full
score sheet. Times are wall-clock from the data already read to PDF bytes: first rendered by
WeasyPrint each run, then as a second download of an unchanged document is served (the PDF
kept in the cache under the hash of its HTML; see documents/render/pdf.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="cchc-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("MEDIA_ROOT", f"{folder}/media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _framework_data() -> dict:
    """The demo framework (87 leaves) plus a field of three, with real titles: 90 leaves."""
    data = json.loads((ROOT / "fixtures/demo/framework_sample.json").read_text(encoding="utf-8"))
    data["name"] = "Bộ chỉ số đo hiệu năng (90 tiêu chí)"
    data["year_from"] = 2024
    data["max_total"] = str(Decimal(data["max_total"]) + 3)
    data["criteria"].append(
        {
            "code": "8",
            "title": "Tác động của cải cách hành chính đến người dân, tổ chức",
            "maximum": "3.00",
            "children": [
                {
                    "code": f"8.{n}",
                    "title": title,
                    "maximum": "1.00",
                    "method": "judgement",
                    "department": "Văn phòng - Thống kê",
                }
                for n, title in enumerate(
                    (
                        "Tác động đến việc thực hiện các chỉ tiêu phát triển kinh tế - xã hội",
                        "Mức độ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính",
                        "Tác động đến công tác chỉ đạo, điều hành của lãnh đạo đơn vị",
                    ),
                    start=1,
                )
            ],
        }
    )
    return data


def _assessment():
    """Phường 1 in 2024 on the 90-criterion framework, scored as seed 002, published."""
    from scoring import services
    from scoring.demo import load_demo
    from scoring.models import Period, Unit

    load_demo(province_2026=False)  # the seed 002 communes, not the 2026 province
    framework = services.framework_create(data=_framework_data())
    unit = Unit.objects.get(code="TXQT-P1")
    period, _ = Period.objects.get_or_create(year=2024, kind="annual")
    assessment = services.assessment_create(unit=unit, framework=framework, period=period)
    seed = json.loads(
        (ROOT / "fixtures/demo/seed002_phuong1_2023.json").read_text(encoding="utf-8")
    )
    lost = {row["code"]: row for row in seed["scores"]}
    lost["8.2"] = {
        "self": "1.00",
        "appraised": "0.50",
        "comment": "Chưa tổ chức lấy ý kiến người dân về mức độ hài lòng theo quy định",
        "responsible": "Bộ phận tiếp nhận và trả kết quả phường",
    }
    for score in assessment.scores.select_related("criterion", "assessment__framework"):
        row = lost.get(score.criterion.code)
        services.score_set_self(score=score, value=Decimal(row["self"]) if row else score.maximum)
        services.score_set_appraised(
            score=score,
            value=Decimal(row["appraised"]) if row else score.maximum,
            comment=row.get("comment", "") if row else "",
            responsible_note=row.get("responsible", "") if row else "",
        )
    services.assessment_publish(
        assessment=assessment,
        decision="Quyết định số 15/QĐ-UBND ngày 10/01/2025 của UBND thị xã",
        from_record=True,
    )
    return assessment


def _time(render, runs: int) -> tuple[list[float], list[float], bytes]:
    """Wall-clock and CPU seconds of each run (CPU time shows the work when the machine is
    shared: wall-clock also counts the time spent waiting for a core)."""
    data = render()  # warm-up: the first render in a process also loads the fonts
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        data = render()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu, data


def _report(name: str, times: list[float], cpu: list[float], data: bytes) -> None:
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(
        f"{name:<42} median {statistics.median(times):.3f} s (min {min(times):.3f}, "
        f"max {max(times):.3f}); CPU median {statistics.median(cpu):.3f} s; "
        f"{pages} pages, {len(data) // 1024} KB".replace(".", ",")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    _setup_django()

    from documents import services
    from documents.content import letter_content
    from documents.render import pdf
    from documents.tables import score_sheet_table
    from scoring.selectors import assessment_sheet

    assessment = _assessment()
    sheet = assessment_sheet(assessment)
    leaves = sum(1 for row in sheet.rows if row.is_leaf)
    table = score_sheet_table(sheet)
    letter = services.letter_create(assessment=assessment, kind="bao_cao")
    content = letter_content(letter)
    print(
        f"Framework: {leaves} leaf criteria, {len(table.rows)} table rows; letter with "
        f"{len(letter.directions.all())} directions and its phụ lục. {args.runs} runs each.\n"
    )
    print(f"Load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs.")
    print("Rendered (WeasyPrint, every run):")
    _report(
        "(b) full score sheet, 90 criteria",
        *_time(lambda: pdf.render_pdf(pdf.table_html(table)), args.runs),
    )
    _report(
        "báo cáo with its phụ lục",
        *_time(lambda: pdf.render_pdf(pdf.letter_html(content)), args.runs),
    )
    print("Downloaded again, unchanged (HTML built and hashed, PDF from the cache):")
    _report("(b) full score sheet, 90 criteria", *_time(lambda: pdf.table_pdf(table), args.runs))
    _report("báo cáo with its phụ lục", *_time(lambda: pdf.letter_pdf(content), args.runs))
    print(f"Load average after: {os.getloadavg()[0]:.2f}.")


if __name__ == "__main__":
    main()
