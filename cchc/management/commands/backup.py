from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp đã tải lên vào một tệp nén có ghi ngày giờ."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir", default="backups", help="Thư mục chứa bản sao lưu (mặc định: backups/)"
        )

    def handle(self, *args, dir, **options) -> None:
        try:
            path = backup_create(directory=Path(dir))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã sao lưu vào {path}")
