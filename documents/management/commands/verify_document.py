import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from documents import signatures


class Command(BaseCommand):
    help = (
        "Kiểm tra một tệp PDF đã ký số: có phải văn bản hệ thống đã ban hành không, còn nguyên "
        "vẹn từ khi ký không, ai ký, ký lúc nào, chứng thư có tin cậy không. Mã thoát 0 khi "
        "văn bản hợp lệ, 1 khi không hợp lệ hoặc chưa ký số, 2 khi không đọc được tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp PDF cần kiểm tra.")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        try:
            size = path.stat().st_size
            if size > settings.SIGNED_PDF_MAX_BYTES:
                raise ValueError(f"tệp nặng {size} byte, vượt giới hạn")
            data = path.read_bytes()
        except (OSError, ValueError) as exc:
            self.stderr.write(f"Không đọc được tệp {file}: {exc}; hãy kiểm tra đường dẫn.")
            sys.exit(2)
        if not data.startswith(b"%PDF-"):
            self.stderr.write(f"Tệp {file} không phải là PDF; hãy chọn tệp PDF đã ký số.")
            sys.exit(2)
        verdict = signatures.verify(data)
        self.stdout.write(verdict.headline)
        width = max(len(label) for label, _ in verdict.facts)
        for label, value in verdict.facts:
            self.stdout.write(f"  {label.ljust(width)}  {value}")
        if not verdict.valid:
            sys.exit(1)
