from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from exchange import access as exchange_access
from exchange import services
from exchange.importers import plan_import
from exchange.management.commands._common import (
    ASSESSMENT_KINDS,
    KINDS,
    add_assessment_arguments,
    find_assessment,
    find_user,
    kinds_help,
)


class Command(BaseCommand):
    help = (
        "Nhập một tệp Excel: in bản xem trước (lỗi, cảnh báo theo số dòng, các thay đổi) rồi "
        "nhập tất cả trong một giao dịch; có lỗi thì không nhập gì và thoát với mã khác 0."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=list(KINDS), help=kinds_help())
        parser.add_argument("file", help="Đường dẫn tệp .xlsx")
        add_assessment_arguments(parser)
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ in bản xem trước, không nhập gì"
        )
        parser.add_argument(
            "--user", help="Tên đăng nhập ghi vào lịch sử thay đổi (và được kiểm tra quyền)"
        )
        parser.add_argument(
            "--fill-unlisted",
            action="store_true",
            help="Bảng thẩm định chỉ liệt kê tiêu chí bị trừ điểm: tiêu chí khác đạt điểm tối đa",
        )

    def handle(self, *args, kind, file, unit, year, mid_year, dry_run, user, fill_unlisted, **kw):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không có tệp “{file}”.")
        data = path.read_bytes()
        assessment = find_assessment(unit, year, mid_year) if kind in ASSESSMENT_KINDS else None
        person = find_user(user)
        if person is not None and not exchange_access.may_import(person, kind, assessment):
            raise CommandError(f"Người dùng “{person.username}” không được nhập loại dữ liệu này.")
        options = {"fill_unlisted": fill_unlisted} if kind == "appraisal" else {}
        if dry_run:
            with transaction.atomic():
                services.upload_check(name=path.name, size=len(data))
                preview = plan_import(
                    kind, data, user=person, assessment=assessment, options=options
                )
                transaction.set_rollback(True)
            self.stdout.write(preview.as_text())
            if preview.errors:
                raise CommandError(f"Tệp có {len(preview.errors)} lỗi; không nhập gì.")
            self.stdout.write("Chạy thử (--dry-run): chưa nhập gì.")
            return
        self._import(kind, path, data, person, assessment, options)

    def _import(self, kind, path, data, person, assessment, options) -> None:
        try:
            record = services.import_record_create(
                kind=kind,
                name=path.name,
                data=data,
                user=person,
                assessment=assessment,
                options=options,
                via_command_line=True,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        preview = record.get_preview()
        self.stdout.write(preview.as_text())
        if preview.errors:
            raise CommandError(
                f"Tệp có {len(preview.errors)} lỗi; không nhập gì (lần nhập số {record.pk})."
            )
        try:
            record = services.import_record_apply(record=record, user=person)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{record.outcome} (lần nhập số {record.pk})")
