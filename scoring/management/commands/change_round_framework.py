"""Move an open round to a framework issued in its place, from the command line (for the IT
office): the same service and the same summary as the round's "Đổi bộ chỉ số" page."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from scoring import services
from scoring.models import Framework, Round


class Command(BaseCommand):
    help = (
        "Chuyển một đợt đánh giá đang mở sang bộ chỉ số mới ban hành thay thế: giữ điểm của "
        "tiêu chí cùng mã và phương pháp, liệt kê những mục không chuyển được. "
        "--dry-run chỉ in kết quả dự kiến, không thay đổi gì."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("round_id", type=int, help="Mã (id) của đợt đánh giá")
        parser.add_argument("framework_id", type=int, help="Mã (id) của bộ chỉ số mới")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ xem trước, không thay đổi dữ liệu"
        )

    def handle(self, *args, **options) -> None:
        round_ = Round.objects.filter(pk=options["round_id"]).first()
        if round_ is None:
            raise CommandError(f"Không có đợt đánh giá mã {options['round_id']}.")
        framework = Framework.objects.filter(pk=options["framework_id"]).first()
        if framework is None:
            raise CommandError(f"Không có bộ chỉ số mã {options['framework_id']}.")
        try:
            report = services.round_change_framework(
                round=round_, framework=framework, dry_run=options["dry_run"]
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        if report.dry_run:
            self.stdout.write("XEM TRƯỚC (chưa thay đổi gì):")
        for line in report.summary_lines():
            self.stdout.write(line)
        if not report.dry_run:
            self.stdout.write(f"Đã chuyển; lưu tại lịch sử đổi bộ chỉ số số {report.change.pk}.")
