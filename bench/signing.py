"""Benchmark: signing a 10-page letter PDF (PAdES, with its visible box) and verifying it.

Run on purpose, not in the test suite:

    .venv/bin/python bench/signing.py              # 20 signatures, 20 verifications
    .venv/bin/python bench/signing.py --runs 50

A throwaway self-signed certificate (RSA 2048) is made in a temporary folder; the document is
a letter-like HTML of ten A4 pages rendered once by WeasyPrint, with the signature place
marked as the letter template marks it. Signing is timed as issuing runs it
(documents.signatures: key loaded once, the box drawn for the signing time, pyHanko's
incremental signature); verifying as the verification page runs pyHanko's checks. Aim: the
median signature under 150 ms.
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

PARAGRAPH = (
    "Ủy ban nhân dân phường yêu cầu các bộ phận, công chức chuyên môn rà soát kết quả "
    "đánh giá, xác định nguyên nhân các tiêu chí bị trừ điểm và đề ra giải pháp khắc phục "
    "cụ thể, hoàn thành trong quý; báo cáo kết quả về Văn phòng - Thống kê để tổng hợp. "
)


def letter_html(pages: int) -> str:
    body = "".join(f"<p>{i + 1}. {PARAGRAPH * 3}</p>" for i in range(pages * 4 - 2))
    return (
        '<html lang="vi"><body><div class="body">'
        + body
        + '</div><table class="signoff"><colgroup><col class="left"><col class="right">'
        + '</colgroup><tr><td><div class="receivers-title">Nơi nhận:</div></td>'
        + '<td class="sign"><div>CHỦ TỊCH</div><div class="space">'
        + '<div class="slot" id="chu-ky-so"></div></div><div>Lê Thị Huệ</div></td></tr>'
        + "</table></body></html>"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.conf import settings
    from pypdf import PdfReader

    from documents import signatures, signing
    from documents.models import Letter
    from documents.render import pdf

    p12 = workdir / "bench.p12"
    p12.write_bytes(
        signing.self_signed_pkcs12(
            common_name="Ủy ban nhân dân Phường 1", organisation="Đo hiệu năng", passphrase="b"
        )
    )
    settings.SIGNING_PKCS12_FILE, settings.SIGNING_PKCS12_PASSPHRASE = str(p12), "b"
    data = pdf.render_pdf(letter_html(args.pages))
    pages = len(PdfReader(io.BytesIO(data)).pages)
    letter = Letter(signer_name="Lê Thị Huệ", place="Phường 1", symbol="UBND-VP", kind="cong_van")

    signatures.sign_issued(letter, data)  # the key read and WeasyPrint warmed, as in a server
    signing_ms, box_ms, verify_ms = [], [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        signed = signatures.sign_issued(letter, data)
        signing_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        pdf.signature_box_pdf(
            signer_name="Lê Thị Huệ",
            organisation="Ủy ban nhân dân Phường 1",
            when=letter.signature_time,
        )
        box_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        checked = signing.verify_pdf(signed)
        verify_ms.append((time.perf_counter() - started) * 1000)
        assert checked.unaltered, checked
    median = statistics.median(signing_ms)
    verdict = "đạt" if median < 150 else "CHƯA ĐẠT"
    print(f"Tệp PDF {pages} trang, {len(data) // 1024} KB; chứng thư RSA 2048; {args.runs} lần")
    print(f"Ký số (PAdES, có ô chữ ký hiển thị): trung vị {median:.0f} ms, "
          f"nhanh nhất {min(signing_ms):.0f} ms (< 150 ms {verdict})")  # fmt: skip
    print(f"  trong đó dựng ô chữ ký bằng WeasyPrint: trung vị {statistics.median(box_ms):.0f} ms")
    print(f"Kiểm tra chữ ký: trung vị {statistics.median(verify_ms):.0f} ms, "
          f"nhanh nhất {min(verify_ms):.0f} ms")  # fmt: skip
    sys.exit(0 if median < 150 else 1)


if __name__ == "__main__":
    main()
