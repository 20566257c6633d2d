from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange import exports
from exchange.management.commands._common import (
    ASSESSMENT_KINDS,
    KINDS,
    add_assessment_arguments,
    find_assessment,
    kinds_help,
)
from scoring.models import Framework


class Command(BaseCommand):
    help = "Ghi ra tệp Excel giống hệt tệp tải về trên ứng dụng."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=list(KINDS), help=kinds_help())
        add_assessment_arguments(parser)
        parser.add_argument(
            "--framework", help="Mã số (id) hoặc tên bộ chỉ số; mặc định: bộ của bản đánh giá"
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Phụ lục đầy đủ mọi tiêu chí thay vì chỉ các tiêu chí bị trừ điểm",
        )
        parser.add_argument("-o", "--output", help="Tệp hoặc thư mục để ghi (mặc định: tên chuẩn)")

    def handle(self, *args, kind, unit, year, mid_year, framework, all, output, **options):
        export = self._export(kind, unit, year, mid_year, framework, all)
        target = Path(output or export.filename)
        if target.is_dir():
            target = target / export.filename
        target.write_bytes(export.content)
        self.stdout.write(f"Đã ghi {target}")

    def _export(self, kind, unit, year, mid_year, framework, everything) -> exports.Export:
        if kind in ASSESSMENT_KINDS:
            assessment = find_assessment(unit, year, mid_year)
            if kind == "self":
                return exports.export_self_sheet(assessment)
            return exports.export_appraisal(assessment, lost_only=not everything)
        if kind == "framework":
            return exports.export_framework(self._framework(framework, unit, year, mid_year))
        if kind == "units":
            return exports.export_units(None)
        return exports.export_officials(None)

    def _framework(self, ref, unit, year, mid_year) -> Framework:
        if ref is None:
            if unit:
                return find_assessment(unit, year, mid_year).framework
            raise CommandError("Cần --framework MÃ_SỐ_HOẶC_TÊN (hoặc --unit và --year).")
        found = Framework.objects.filter(pk=int(ref)) if ref.isdigit() else None
        found = (
            found if found is not None and found.exists() else Framework.objects.filter(name=ref)
        )
        framework = found.first()
        if framework is None:
            raise CommandError(f"Không có bộ chỉ số “{ref}”.")
        return framework
