from django.core.management.base import BaseCommand

from scoring.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu minh họa (đơn vị, người dùng, bộ chỉ số mẫu, điểm năm 2022–2023)."

    def handle(self, *args, **options) -> None:
        report = load_demo()
        if report.created:
            self.stdout.write(f"Đã tạo {len(report.created)} mục dữ liệu minh họa.")
        else:
            self.stdout.write("Dữ liệu minh họa đã có sẵn, không tạo thêm.")
        self.stdout.write("\nTài khoản minh họa (tên đăng nhập / mật khẩu):")
        for username, full_name, is_new in report.users:
            password = DEMO_PASSWORD if is_new else f"{DEMO_PASSWORD} (nếu chưa đổi)"
            self.stdout.write(f"  {username:<16} {password:<28} {full_name}")
