import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from remediation.services import reminders_send
from remediation.services.reminders import DUE_WITHIN_DAYS


class Command(BaseCommand):
    help = (
        f"Gửi thư nhắc mỗi người các việc khắc phục đã quá hạn và đến hạn trong "
        f"{DUE_WITHIN_DAYS} ngày tới (chạy hằng ngày; mỗi người nhận tối đa một thư mỗi ngày)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date", help="Tính như thể hôm nay là ngày này (YYYY-MM-DD); mặc định hôm nay."
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="Địa chỉ trang web để kèm đường dẫn tới từng việc, ví dụ https://cchc.quangtri.gov.vn",
        )
        parser.add_argument(
            "--force", action="store_true", help="Gửi cả cho người đã được nhắc trong ngày."
        )

    def handle(self, *args, date, base_url, force, **options) -> None:
        today = timezone.localdate()
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(
                    f"Ngày “{date}” không hợp lệ; ví dụ hợp lệ: 2024-03-15."
                ) from None
        report = reminders_send(today=today, base_url=base_url, force=force)
        for email, count in report.sent:
            self.stdout.write(f"Đã gửi {email}: {count} việc.")
        for email in report.already:
            self.stdout.write(f"Bỏ qua {email}: đã nhắc hôm nay.")
        for name in report.no_email:
            self.stdout.write(f"Không gửi được cho {name}: chưa có địa chỉ email.")
        self.stdout.write(
            f"Ngày {today:%d/%m/%Y}: gửi {len(report.sent)} thư, bỏ qua {len(report.already)}, "
            f"{len(report.no_email)} người chưa có email."
        )
