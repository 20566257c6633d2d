import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from remediation.scale import PROVINCE_CODE, USERS, scale_exists, scale_reset, scale_seed
from scoring.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Tạo bộ dữ liệu quy mô tỉnh để đo tốc độ: 200 xã, bộ chỉ số 90 tiêu chí, 10 kỳ đánh giá, "
        "việc khắc phục. Chạy lại không tạo thêm; --reset xóa và tạo lại."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--units", type=int, default=200, help="Số xã (mặc định 200)")
        parser.add_argument("--criteria", type=int, default=90, help="Số tiêu chí (mặc định 90)")
        parser.add_argument("--periods", type=int, default=10, help="Số kỳ đánh giá (mặc định 10)")
        parser.add_argument("--seed", type=int, default=2024, help="Hạt giống ngẫu nhiên")
        parser.add_argument("--reset", action="store_true", help="Xóa dữ liệu cũ rồi tạo lại")

    def handle(self, *args, units, criteria, periods, seed, reset, **options) -> None:
        if min(units, criteria, periods) < 1:
            raise CommandError("Số xã, số tiêu chí và số kỳ phải lớn hơn 0.")
        started = time.perf_counter()
        if scale_exists() and not reset:
            self.stdout.write(
                f"Dữ liệu quy mô tỉnh (mã {PROVINCE_CODE}) đã có; không tạo thêm. "
                "Dùng --reset để tạo lại."
            )
            return
        with transaction.atomic():  # a failed re-creation leaves the old data in place
            if reset:
                scale_reset()
            report = scale_seed(units=units, criteria=criteria, periods=periods, seed=seed)
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather them later: plans on stale ones
            # (500 units where there are 3 300) are what nobody runs in production.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Đã tạo {report.units} xã, {report.assessments} bản đánh giá, {report.scores} điểm "
            f"tiêu chí, {report.tasks} việc khắc phục, {report.commitments} cam kết "
            f"trong {elapsed:.1f} giây."
        )
        self.stdout.write(f"Tài khoản (mật khẩu {DEMO_PASSWORD}): {', '.join(USERS)}")
