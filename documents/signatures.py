"""Digital signatures of issued letters, wired to the settings: which key signs, the box the
signature shows, and what a verification tells a person (page and `verify_document`).

The signing itself and pyHanko's checks are in documents.signing (plain code over bytes).
Configuration (cchc/settings.py, from the environment): a PKCS#12 file and its passphrase,
or a PKCS#11 token; a timestamp authority; certificates of trusted authorities. With none of
them and DEBUG on, the demo certificate under var/demo-signing/ (`manage.py demo_certificate`)
signs, and every verification says it is only for trying out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from documents import signing
from documents.models import Letter, LetterStatus
from documents.render import pdf
from scoring import filetypes

DEMO_PASSPHRASE = "cchc-demo"  # the demo key is no secret: it signs nothing real
DEMO_ORGANISATION = "Ủy ban nhân dân Phường 1"
DEMO_PARENT = "Thị xã Quảng Trị, tỉnh Quảng Trị"


def demo_file() -> Path:
    return Path(settings.SIGNING_DEMO_DIR) / "demo.p12"


def demo_in_use() -> bool:
    """No key configured, DEBUG on and the demo certificate made: the demo signs."""
    configured = settings.SIGNING_PKCS12_FILE or settings.SIGNING_PKCS11_MODULE
    return not configured and settings.DEBUG and demo_file().is_file()


@contextmanager
def signing_key() -> Iterator[signing.SigningKey | None]:
    """The configured key for one signing, or None when nothing is configured."""
    timestamper = (
        signing.http_timestamper(settings.SIGNING_TSA_URL) if settings.SIGNING_TSA_URL else None
    )
    if settings.SIGNING_PKCS11_MODULE:
        with signing.pkcs11_signer(
            module=settings.SIGNING_PKCS11_MODULE,
            token_label=settings.SIGNING_PKCS11_TOKEN_LABEL,
            pin=settings.SIGNING_PKCS11_PIN or None,
            key_label=settings.SIGNING_PKCS11_KEY_LABEL or None,
        ) as signer:
            yield signing.SigningKey(signer, timestamper)
        return
    if settings.SIGNING_PKCS12_FILE:
        signer = signing.load_pkcs12(
            settings.SIGNING_PKCS12_FILE, settings.SIGNING_PKCS12_PASSPHRASE or None
        )
        yield signing.SigningKey(signer, timestamper)
    elif demo_in_use():
        yield signing.SigningKey(signing.load_pkcs12(demo_file(), DEMO_PASSPHRASE), demo=True)
    else:
        yield None


def sign_issued(letter: Letter, data: bytes) -> bytes | None:
    """The issued PDF signed with the organisation's key (and the letter's signer and signing
    time set), or None when no key is configured. A failure refuses the issue."""
    try:
        with signing_key() as key:
            if key is None:
                return None
            signed = signing.sign_pdf(
                data,
                key,
                render_box=lambda when: pdf.signature_box_pdf(
                    signer_name=letter.signer_name, organisation=key.organisation, when=when
                ),
                signer_name=letter.signer_name,
                reason=f"Ban hành {letter}",
                location=letter.place,
            )
    except signing.SigningError as exc:
        raise ValidationError(
            f"Chưa ban hành được văn bản vì ký số không thành công: {exc} Văn bản vẫn ở "
            "trạng thái trước khi ban hành và chưa lấy số."
        ) from exc
    letter.signature_signer = signed.signer[:300]
    letter.signature_time = signed.time
    return signed.data


# --- uploads -----------------------------------------------------------------------------


def read_pdf(upload: UploadedFile) -> bytes:
    """The bytes of an uploaded PDF; refuse an empty, too large or non-PDF file."""
    limit = settings.SIGNED_PDF_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"Tệp “{upload.name}” nặng {_megabytes(upload.size)} MB, vượt giới hạn "
            f"{_megabytes(limit)} MB; hãy tải lên đúng tệp PDF của văn bản."
        )
    if upload.size == 0:
        raise ValidationError(f"Tệp “{upload.name}” rỗng; hãy chọn lại tệp PDF.")
    if filetypes.detect(upload.file, upload.name) is not filetypes.PDF:
        raise ValidationError(
            f"Tệp “{upload.name}” không phải là PDF (kiểm tra theo nội dung tệp, không theo "
            "tên); hãy tải lên tệp PDF của văn bản."
        )
    upload.file.seek(0)
    return upload.file.read()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def upload_problem(letter: Letter, name: str, checked: signing.Verification) -> str:
    """Why an externally signed upload cannot stand as `letter`'s issued version, or ''."""
    if checked.problem:
        return f"Tệp “{name}”: {checked.problem.lower()}; hãy tải lên tệp PDF đã ký số."
    if not checked.signed:
        return (
            f"Tệp “{name}” chưa có chữ ký số; hãy ký số bản PDF đã ban hành bằng thiết bị ký "
            "số (USB token) rồi tải lên tệp đã ký."
        )
    if not checked.unaltered:
        return (
            f"Chữ ký số trong tệp “{name}” không còn nguyên vẹn ({_alteration(checked)}); hãy "
            "ký số lại bản PDF đã ban hành rồi tải lên."
        )
    if letter.content_sha256 not in checked.revision_hashes:
        return (
            f"Tệp “{name}” không phải là {letter}: nội dung đã ký khác bản đã ban hành; hãy "
            "tải về bản PDF đã ban hành, ký số chính tệp đó rồi tải lên."
        )
    return ""


# --- verification ------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _trust_roots(paths: tuple[str, ...]) -> tuple:
    from pyhanko.keys import load_certs_from_pemder

    return tuple(load_certs_from_pemder(list(paths))) if paths else ()


def _organisation_fingerprint() -> tuple[str, bool]:
    """The configured key's certificate fingerprint, and whether it is the demo's."""
    try:
        with signing_key() as key:
            return (signing.fingerprint(key.certificate), key.demo) if key else ("", False)
    except signing.SigningError:
        return "", False


@dataclass
class Verdict:
    """What a verification tells: a headline, then the facts, each a label and a value."""

    valid: bool
    headline: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    letter: Letter | None = None


def verify(data: bytes) -> Verdict:
    checked = signing.verify_pdf(data, _trust_roots(tuple(settings.SIGNING_TRUST_ROOTS)))
    letter = issued_letter(checked)
    facts = [("Văn bản của hệ thống", _letter_fact(letter))]
    if checked.problem:
        return Verdict(False, f"Không kiểm tra được: {checked.problem}.", facts, letter)
    if not checked.signed:
        headline = "Văn bản chưa được ký số: tệp PDF không có chữ ký số nào."
        return Verdict(False, headline, facts, letter)
    organisation, demo = _organisation_fingerprint()
    last = checked.last
    facts.append(
        ("Tình trạng", "Nguyên vẹn từ khi ký" if checked.unaltered else _alteration(checked))
    )
    for index, check in enumerate(checked.signatures, start=1):
        label = f"Chữ ký số {index}" if len(checked.signatures) > 1 else "Chữ ký số"
        facts += [
            (f"{label}: người ký", check.signer or "không đọc được"),
            (f"{label}: chứng thư", check.subject or "không đọc được"),
            (f"{label}: thời điểm ký", _when(check.signing_time)),
        ]
        if check.timestamp:
            facts.append((f"{label}: dấu thời gian", _when(check.timestamp)))
        facts.append((f"{label}: độ tin cậy", _trust(check, organisation, demo)))
    if not checked.unaltered:
        headline = f"Văn bản đã bị thay đổi sau khi ký: {_alteration(checked)}."
        return Verdict(False, headline, facts, letter)
    headline = (
        f"Văn bản hợp lệ: chữ ký số của {last.signer} còn nguyên vẹn, nội dung không thay "
        f"đổi từ khi ký ({_when(last.time)})."
    )
    if letter is not None:
        headline += f" Đây là {_letter_fact(letter)}, do {letter.signer_name} ký."
    return Verdict(True, headline, facts, letter)


def issued_letter(checked: signing.Verification) -> Letter | None:
    """The issued letter whose document the file is (or carries as its signed revision)."""
    return (
        Letter.objects.filter(
            status=LetterStatus.ISSUED, content_sha256__in=checked.revision_hashes
        )
        .exclude(content_sha256="")
        .select_related("issuing_unit")
        .first()
    )


def _letter_fact(letter: Letter | None) -> str:
    if letter is None:
        return "Không: không có văn bản nào do hệ thống ban hành có nội dung này"
    return (
        f"{letter.get_kind_display()} số {letter.number:02d}/{letter.symbol} của "
        f"{letter.issuing_unit}, ngày {letter.date:%d/%m/%Y}"
    )


def _alteration(checked: signing.Verification) -> str:
    for check in checked.signatures:
        if not (check.intact and check.valid):
            return (
                f"chữ ký số của {check.signer or 'người ký'} không còn khớp với nội dung "
                "(có byte đã bị sửa)"
            )
    return "có dữ liệu được thêm vào sau chữ ký số (tệp không còn đúng như khi ký)"


def _trust(check: signing.SignatureCheck, organisation: str, demo: bool) -> str:
    if check.certificate_sha256 and check.certificate_sha256 == organisation:
        if demo:
            return "Chứng thư tự ký – chỉ dùng thử (không có giá trị pháp lý)"
        return "Chứng thư số của cơ quan, được cấu hình trong hệ thống"
    if check.trusted:
        return "Chứng thư do tổ chức chứng thực tin cậy cấp (đã kiểm tra chuỗi chứng thư)"
    if check.self_signed:
        return "Chứng thư tự ký, không do tổ chức chứng thực nào cấp: chưa đủ căn cứ tin cậy"
    return "Chưa xác minh được tổ chức cấp chứng thư (chưa khai báo trong hệ thống)"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "không ghi"
    local = timezone.localtime(moment)
    offset = local.strftime("%z")
    return f"{local:%H:%M:%S} ngày {local:%d/%m/%Y} (UTC{offset[:3]}:{offset[3:]})"
