from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Phục hồi một bản sao lưu vào cơ sở dữ liệu trống (đã chạy migrate)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="Tệp cchc-backup-….tar.gz")

    def handle(self, *args, archive, **options) -> None:
        try:
            manifest = backup_restore(archive_path=Path(archive))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã phục hồi bản sao lưu ngày {manifest['created']}: {manifest['rows']} bản ghi, "
            f"{len(manifest['files'])} tệp."
        )
