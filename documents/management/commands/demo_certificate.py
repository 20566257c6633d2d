from django.core.management.base import BaseCommand

from documents import signatures, signing


class Command(BaseCommand):
    help = (
        "Tạo chứng thư số tự ký dùng thử (var/demo-signing/demo.p12) nếu chưa có, để chạy thử "
        "việc ký số khi ban hành văn bản (chỉ dùng khi DEBUG bật và chưa cấu hình SIGNING_*). "
        "Không dùng cho văn bản thật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Tạo lại dù đã có.")

    def handle(self, *args, force: bool = False, **options):
        path = signatures.demo_file()
        if path.exists() and not force:
            self.stdout.write(f"Chứng thư dùng thử đã có: {path}")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        data = signing.self_signed_pkcs12(
            common_name=signatures.DEMO_ORGANISATION,
            organisation=signatures.DEMO_PARENT,
            passphrase=signatures.DEMO_PASSPHRASE,
            days=3 * 365,
        )
        path.write_bytes(data)
        path.chmod(0o600)
        self.stdout.write(
            f"Đã tạo chứng thư tự ký dùng thử của “{signatures.DEMO_ORGANISATION}”: {path}"
        )
