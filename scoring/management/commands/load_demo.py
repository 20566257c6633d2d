from django.core.management.base import BaseCommand

from scoring.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh họa: kết quả 2022–2023 của Thị xã Quảng Trị và năm 2026 của tỉnh "
        "Quảng Trị sau sắp xếp (phường, xã, đặc khu, sở, ban, ngành; hai đợt đánh giá)."
    )

    def handle(self, *args, **options) -> None:
        report = load_demo()
        if report.created:
            self.stdout.write(f"Đã tạo {len(report.created)} mục dữ liệu minh họa:")
            for line in report.created:
                self.stdout.write(f"  - {line}")
        else:
            self.stdout.write("Dữ liệu minh họa đã có sẵn, không tạo thêm.")
        self.stdout.write("\nTài khoản minh họa (tên đăng nhập / mật khẩu):")
        for username, full_name, is_new in report.users:
            password = DEMO_PASSWORD if is_new else f"{DEMO_PASSWORD} (nếu chưa đổi)"
            self.stdout.write(f"  {username:<16} {password:<28} {full_name}")
