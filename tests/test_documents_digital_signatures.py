"""Ký số: issued letters signed with the organisation's certificate (PAdES, pyHanko), an
office's own signed copy uploaded and checked, and any PDF verified on a page and by command."""

import io
import shutil
import subprocess
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from asn1crypto import tsp
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader

from documents import services, signing
from documents.models import Letter, LetterAction, LetterKind, LetterStatus, SignatureKind
from tests.documents_helpers import MM, approved, words

pytestmark = pytest.mark.django_db

PASSPHRASE = "mat-khau-thu"
ORGANISATION = "Ủy ban nhân dân Phường 1"


@pytest.fixture(scope="session")
def organisation_p12() -> bytes:
    return signing.self_signed_pkcs12(
        common_name=ORGANISATION, organisation="Thị xã Quảng Trị", passphrase=PASSPHRASE
    )


@pytest.fixture(scope="session")
def usb_p12() -> bytes:
    """The chairperson's own token, as an office would sign with outside the app."""
    return signing.self_signed_pkcs12(
        common_name="Lê Thị Huệ", organisation=ORGANISATION, passphrase="usb"
    )


@pytest.fixture
def organisation_key(settings, tmp_path, organisation_p12):
    path = tmp_path / "co-quan.p12"
    path.write_bytes(organisation_p12)
    settings.SIGNING_PKCS12_FILE = str(path)
    settings.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    settings.SIGNING_PKCS11_MODULE = ""
    settings.SIGNING_TSA_URL = ""
    return path


@pytest.fixture
def no_key(settings, tmp_path):
    settings.SIGNING_PKCS12_FILE = ""
    settings.SIGNING_PKCS11_MODULE = ""
    settings.SIGNING_DEMO_DIR = tmp_path / "no-demo"


@pytest.fixture
def usb_key(tmp_path, usb_p12) -> signing.SigningKey:
    path = tmp_path / "usb.p12"
    path.write_bytes(usb_p12)
    return signing.SigningKey(signing.load_pkcs12(path, "usb"))


@pytest.fixture
def letter(phuong1_2023, chairperson) -> Letter:
    """A letter its signer approved (trình ký), waiting to be issued."""
    return approved(
        services.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson)
    )


def _issue(letter, when=date(2024, 2, 28)) -> Letter:
    issued = services.letter_issue(letter=letter, when=when)
    issued.refresh_from_db()
    return issued


def _pdf(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as stream:
        return stream.read()


def _sign_with_token(data: bytes, key: signing.SigningKey) -> bytes:
    """What the office's signing tool does: a new revision with its signature, bytes kept."""
    return signing.sign_pdf(data, key, field_name="ChuKyLanhDao", signer_name="Lê Thị Huệ").data


def _changed_byte(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] = ord("7") if changed[at] != ord("7") else ord("8")
    return bytes(changed)


def _upload(data: bytes, name: str = "cong-van-ky-so.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


# --- signing at issue --------------------------------------------------------------------


def test_issuing_signs_the_pdf_with_the_organisations_certificate(organisation_key, letter):
    issued = _issue(letter)
    data = _pdf(issued)
    assert issued.signature_kind == SignatureKind.SYSTEM
    assert issued.signature_signer == f"{ORGANISATION} (Thị xã Quảng Trị)"
    assert issued.signature_time is not None
    checked = signing.verify_pdf(data)
    [signature] = checked.signatures
    assert signature.intact and signature.valid and signature.covers_file
    assert signature.signer == issued.signature_signer
    # The unsigned document is kept, byte for byte, as the signed revision's start.
    assert issued.content_sha256 in checked.revision_hashes
    assert issued.content_sha256 != signing.sha256(data)
    event = issued.events.get(action=LetterAction.SIGNED)
    assert ORGANISATION in event.comment


def test_the_visible_signature_sits_between_the_signers_title_and_name(organisation_key, letter):
    """On the page of the signature block (the phụ lục follows it), right-hand column."""
    data = _pdf(_issue(letter))
    reader = PdfFileReader(io.BytesIO(data))
    slot = signing.signature_slot(reader)
    page_words = words(data, slot.page)
    name = next(w for w in page_words if w["text"] == "Huệ")
    title = next(w for w in page_words if w["text"] == "TỊCH")
    x1, y1, x2, y2 = slot.box
    assert (x2 - x1, y2 - y1) == pytest.approx((72 * MM, 26 * MM), abs=0.5)
    assert x1 > 595.28 / 2 - 20 * MM  # the right-hand column
    height = 841.89  # pdfplumber measures from the top, PDF boxes from the bottom
    assert title["bottom"] < height - y2 and height - y1 < name["top"]
    page = reader.root["/Pages"]["/Kids"][slot.page]
    [widget] = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert [float(v) for v in widget["/Rect"]] == pytest.approx(list(slot.box), abs=0.01)
    assert "/AP" in widget


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils (pdfsig) not installed")
def test_pdfsig_finds_the_signature_valid_over_the_whole_document(
    organisation_key, letter, tmp_path
):
    path = tmp_path / "cong-van.pdf"
    path.write_bytes(_pdf(_issue(letter)))
    report = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert f"Signer Certificate Common Name: {ORGANISATION}" in report
    assert "Signature is Valid." in report
    assert "Total document signed" in report


def test_a_signing_failure_leaves_the_letter_as_it_was(organisation_key, settings, letter):
    settings.SIGNING_PKCS12_PASSPHRASE = "sai-mat-khau"
    with pytest.raises(ValidationError, match="sai mật khẩu") as refused:
        services.letter_issue(letter=letter, when=date(2024, 2, 28))
    assert "Chưa ban hành được văn bản" in str(refused.value)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED and letter.number is None and not letter.pdf
    assert (letter.content_sha256, letter.signature_kind) == ("", "")
    assert not letter.events.filter(action__in=[LetterAction.ISSUED, LetterAction.SIGNED]).exists()


def test_the_issue_page_shows_the_signing_failure_and_issues_nothing(
    organisation_key, settings, client, chairperson, letter
):
    settings.SIGNING_PKCS12_PASSPHRASE = "sai-mat-khau"
    client.force_login(chairperson)
    page = client.post(
        reverse("documents:letter_issue", args=[letter.pk]), {"number": "1", "date": "28/02/2024"}
    )
    assert page.status_code == 400
    assert "ký số không thành công" in page.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED and letter.number is None


def test_without_a_key_the_letter_issues_unsigned_with_its_hash_kept(no_key, letter):
    issued = _issue(letter)
    data = _pdf(issued)
    assert issued.signature_kind == SignatureKind.NONE
    assert issued.content_sha256 == signing.sha256(data)
    assert not signing.verify_pdf(data).signed


# --- a timestamp from a (local) timestamp authority -----------------------------------------


@pytest.fixture
def local_tsa(tmp_path):
    """An RFC 3161 timestamp server on localhost, answering with pyHanko's test stamper."""
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    from tests.signing_helpers import tsa_certificate

    key, certificate = tsa_certificate()
    stamper = DummyTimeStamper(
        tsa_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        tsa_key=translate_pyca_cryptography_key_to_asn1(key),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tsa"
    server.shutdown()
    server.server_close()


def test_with_a_timestamp_authority_the_signature_carries_its_timestamp(
    organisation_key, settings, local_tsa, letter, client, staff
):
    settings.SIGNING_TSA_URL = local_tsa
    issued = _issue(letter)
    [signature] = signing.verify_pdf(_pdf(issued)).signatures
    assert signature.timestamp is not None
    assert abs((signature.timestamp - signature.signing_time).total_seconds()) < 60
    client.force_login(staff)
    page = client.post(reverse("documents:verify"), {"file": _upload(_pdf(issued))})
    assert "Chữ ký số: dấu thời gian" in page.content.decode()


def test_an_unreachable_timestamp_authority_refuses_the_issue(organisation_key, settings, letter):
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"
    with pytest.raises(ValidationError, match="dấu thời gian"):
        services.letter_issue(letter=letter, when=date(2024, 2, 28))
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED and letter.number is None


# --- an office's own signed copy ------------------------------------------------------------


def test_the_copy_signed_with_the_offices_token_becomes_the_issued_version(
    organisation_key, usb_key, client, coordinator, letter
):
    issued = _issue(letter)
    signed = _sign_with_token(_pdf(issued), usb_key)
    client.force_login(coordinator)
    response = client.post(
        reverse("documents:letter_upload_signed", args=[issued.pk]), {"file": _upload(signed)}
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.signature_kind == SignatureKind.UPLOADED
    assert issued.signature_signer == f"Lê Thị Huệ ({ORGANISATION})"
    assert _pdf(issued) == signed
    event = issued.events.get(action=LetterAction.SIGNED_UPLOADED)
    assert event.actor == coordinator and "Lê Thị Huệ" in event.comment
    page = client.get(reverse("documents:letter_detail", args=[issued.pk]))
    assert "Bản ký số tải lên (đã kiểm tra) – Lê Thị Huệ" in page.content.decode()
    # Both signatures (the organisation's, then the token's) check on the page.
    verdict = client.post(reverse("documents:verify"), {"file": _upload(signed)}).content.decode()
    assert "Văn bản hợp lệ: chữ ký số của Lê Thị Huệ" in verdict
    assert "Chữ ký số 1: người ký" in verdict and "Chữ ký số 2: người ký" in verdict


def test_an_unsigned_issue_signed_outside_is_accepted(no_key, usb_key, coordinator, letter):
    issued = _issue(letter)
    signed = _sign_with_token(_pdf(issued), usb_key)
    services.letter_upload_signed(letter=issued, upload=_upload(signed), user=coordinator)
    issued.refresh_from_db()
    assert issued.signature_kind == SignatureKind.UPLOADED


def _refused(client, letter, upload) -> str:
    before = Letter.objects.values("pdf", "signature_kind", "signature_signer").get(pk=letter.pk)
    response = client.post(
        reverse("documents:letter_upload_signed", args=[letter.pk]), {"file": upload}
    )
    assert response.status_code == 400
    after = Letter.objects.values("pdf", "signature_kind", "signature_signer").get(pk=letter.pk)
    assert after == before
    assert not letter.events.filter(action=LetterAction.SIGNED_UPLOADED).exists()
    return " ".join(response.content.decode().split())


def test_uploads_that_are_not_the_issued_document_signed_intact_are_refused(
    organisation_key, usb_key, settings, client, coordinator, phuong1_2023, letter
):
    issued = _issue(letter)
    other = _issue(
        approved(services.letter_create(assessment=phuong1_2023, kind=LetterKind.BAO_CAO)),
        when=date(2024, 3, 1),
    )
    client.force_login(coordinator)
    other_signed = _sign_with_token(_pdf(other), usb_key)
    assert "không phải là Công văn số 01/UBND-VP: nội dung đã ký khác bản đã ban hành" in (
        _refused(client, issued, _upload(other_signed))
    )
    signed = _sign_with_token(_pdf(issued), usb_key)
    broken = _changed_byte(signed, len(signed) // 3)
    assert "không còn nguyên vẹn" in _refused(client, issued, _upload(broken))
    appended = signed + b"\n%% them sau khi ky\n"
    assert "được thêm vào sau chữ ký số" in _refused(client, issued, _upload(appended))
    unsigned = _unsigned_revision(_pdf(issued), issued.content_sha256)
    assert "chưa có chữ ký số" in _refused(client, issued, _upload(unsigned))
    assert "không phải là PDF" in _refused(client, issued, _upload(b"PK\x03\x04 zip", "a.pdf"))
    settings.SIGNED_PDF_MAX_BYTES = 1000
    assert "vượt giới hạn" in _refused(client, issued, _upload(signed))


def _unsigned_revision(data: bytes, content_sha256: str) -> bytes:
    """The issued document as rendered, cut from the signed file."""
    end = data.find(b"%%EOF")
    while end != -1:
        for cut in (end + 5, end + 6):
            if signing.sha256(data[:cut]) == content_sha256:
                return data[:cut]
        end = data.find(b"%%EOF", end + 1)
    raise AssertionError("no unsigned revision")


def test_only_the_issuing_office_uploads_a_signed_copy(
    organisation_key, usb_key, client, staff, outsider, chairperson, letter
):
    issued = _issue(letter)
    url = reverse("documents:letter_upload_signed", args=[issued.pk])
    signed = _sign_with_token(_pdf(issued), usb_key)
    assert client.post(url, {"file": _upload(signed)}).status_code == 302  # to sign in
    client.force_login(outsider)
    assert client.post(url, {"file": _upload(signed)}).status_code == 404
    client.force_login(staff)
    assert client.post(url, {"file": _upload(signed)}).status_code == 403
    assert (
        "Tải lên bản đã ký số"
        not in client.get(reverse("documents:letter_detail", args=[issued.pk])).content.decode()
    )
    client.force_login(chairperson)
    page = client.get(reverse("documents:letter_detail", args=[issued.pk])).content.decode()
    assert "Tải lên bản đã ký số" in page
    issued.refresh_from_db()
    assert issued.signature_kind == SignatureKind.SYSTEM


# --- verification ---------------------------------------------------------------------------


def test_the_verification_page_names_the_letter_the_signer_and_the_trust(
    organisation_key, client, staff, letter
):
    issued = _issue(letter)
    url = reverse("documents:verify")
    assert client.get(url).status_code == 302
    client.force_login(staff)
    assert "Kiểm tra văn bản ký số" in client.get(reverse("documents:index")).content.decode()
    page = client.post(url, {"file": _upload(_pdf(issued))})
    text = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert f"Văn bản hợp lệ: chữ ký số của {ORGANISATION} (Thị xã Quảng Trị) còn nguyên vẹn" in (
        text
    )
    assert "Đây là Công văn số 01/UBND-VP của Phường 1, ngày 28/02/2024, do Lê Thị Huệ ký" in text
    assert "Chứng thư số của cơ quan, được cấu hình trong hệ thống" in text
    assert "Nguyên vẹn từ khi ký" in text


def test_one_changed_byte_is_reported_on_the_page_and_by_the_command(
    organisation_key, client, staff, letter, tmp_path, capsys
):
    data = _pdf(_issue(letter))
    changed = _changed_byte(data, len(data) // 2)
    client.force_login(staff)
    text = client.post(reverse("documents:verify"), {"file": _upload(changed)}).content.decode()
    assert "Văn bản đã bị thay đổi sau khi ký" in text and "có byte đã bị sửa" in text
    assert "Văn bản hợp lệ" not in text
    path = tmp_path / "sua.pdf"
    path.write_bytes(changed)
    with pytest.raises(SystemExit) as exit_code:
        call_command("verify_document", str(path))
    assert exit_code.value.code == 1
    assert "Văn bản đã bị thay đổi sau khi ký" in capsys.readouterr().out


def test_bytes_added_after_the_signature_are_reported(organisation_key, client, staff, letter):
    data = _pdf(_issue(letter)) + b"\n% them vao sau\n"
    client.force_login(staff)
    text = client.post(reverse("documents:verify"), {"file": _upload(data)}).content.decode()
    assert "có dữ liệu được thêm vào sau chữ ký số" in text


def test_the_command_exits_zero_for_a_valid_document_and_prints_the_facts(
    organisation_key, letter, tmp_path, capsys
):
    path = tmp_path / "cong-van.pdf"
    path.write_bytes(_pdf(_issue(letter)))
    call_command("verify_document", str(path))  # no SystemExit: exit code 0
    out = capsys.readouterr().out
    assert out.startswith(f"Văn bản hợp lệ: chữ ký số của {ORGANISATION}")
    assert "do Lê Thị Huệ ký" in out
    facts = " ".join(out.split())
    assert "Văn bản của hệ thống Công văn số 01/UBND-VP của Phường 1, ngày 28/02/2024" in facts


def test_the_command_refuses_an_unsigned_or_unreadable_file(no_key, letter, tmp_path, capsys):
    unsigned = tmp_path / "chua-ky.pdf"
    unsigned.write_bytes(_pdf(_issue(letter)))
    with pytest.raises(SystemExit) as exit_code:
        call_command("verify_document", str(unsigned))
    assert exit_code.value.code == 1
    out = capsys.readouterr().out
    assert "Văn bản chưa được ký số" in out and "Công văn số 01/UBND-VP" in out
    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải PDF")
    for path in (text, tmp_path / "khong-co.pdf"):
        with pytest.raises(SystemExit) as exit_code:
            call_command("verify_document", str(path))
        assert exit_code.value.code == 2


def test_a_foreign_signed_pdf_is_valid_but_not_the_systems_and_not_trusted(
    organisation_key, usb_key, client, staff
):
    foreign = _sign_with_token(_plain_pdf(), usb_key)
    client.force_login(staff)
    text = client.post(reverse("documents:verify"), {"file": _upload(foreign)}).content.decode()
    assert "Văn bản hợp lệ: chữ ký số của Lê Thị Huệ" in text
    assert "Không: không có văn bản nào do hệ thống ban hành có nội dung này" in text
    assert "Chứng thư tự ký, không do tổ chức chứng thực nào cấp" in text


def test_a_file_that_is_no_pdf_is_refused_on_the_page(client, staff):
    client.force_login(staff)
    page = client.post(reverse("documents:verify"), {"file": _upload(b"hello", "a.pdf")})
    assert page.status_code == 400
    assert "không phải là PDF" in page.content.decode()


def _plain_pdf() -> bytes:
    from documents.render import pdf

    return pdf.render_pdf("<p>Một văn bản khác, không do hệ thống ban hành.</p>")


# --- the demo certificate and the lists ---------------------------------------------------


def test_the_demo_certificate_signs_in_debug_and_says_it_is_only_for_trying(
    settings, tmp_path, client, staff, letter
):
    settings.SIGNING_PKCS12_FILE = ""
    settings.SIGNING_PKCS11_MODULE = ""
    settings.SIGNING_TSA_URL = ""
    settings.SIGNING_DEMO_DIR = tmp_path / "var" / "demo-signing"
    call_command("demo_certificate")
    made = (settings.SIGNING_DEMO_DIR / "demo.p12").read_bytes()
    call_command("demo_certificate")  # once made, kept
    assert (settings.SIGNING_DEMO_DIR / "demo.p12").read_bytes() == made
    settings.DEBUG = False
    assert _issue(letter).signature_kind == SignatureKind.NONE  # never outside DEBUG
    settings.DEBUG = True
    second = approved(services.letter_create(assessment=letter.assessment, kind=LetterKind.BAO_CAO))
    issued = _issue(second, when=date(2024, 3, 1))
    assert issued.signature_signer == "Ủy ban nhân dân Phường 1 (Thị xã Quảng Trị, tỉnh Quảng Trị)"
    client.force_login(staff)
    text = client.post(reverse("documents:verify"), {"file": _upload(_pdf(issued))}).content
    assert "Chứng thư tự ký – chỉ dùng thử" in text.decode()


def test_the_register_and_the_assessments_page_show_each_letters_signature(
    organisation_key, settings, client, chairperson, phuong1_2023, letter
):
    settings.SIGNING_PKCS12_FILE = ""
    _issue(letter)  # an old letter, issued before signing was set up
    settings.SIGNING_PKCS12_FILE = str(organisation_key)
    _issue(
        approved(services.letter_create(assessment=phuong1_2023, kind=LetterKind.BAO_CAO)),
        when=date(2024, 3, 1),
    )
    client.force_login(chairperson)
    for url in (
        reverse("documents:register") + f"?don_vi={phuong1_2023.unit_id}&nam=2024",
        reverse("documents:assessment", args=[phuong1_2023.pk]),
    ):
        text = client.get(url).content.decode()
        assert "chưa ký số" in text
        assert "Ký số bằng chứng thư của cơ quan" in text


def test_a_pkcs11_token_that_cannot_be_opened_refuses_the_issue(settings, letter):
    """No token on this machine (nor python-pkcs11): the path is checked to fail cleanly."""
    settings.SIGNING_PKCS12_FILE = ""
    settings.SIGNING_PKCS11_MODULE = "/usr/lib/khong-co/libtoken.so"
    settings.SIGNING_PKCS11_TOKEN_LABEL = "UBND-P1"
    with pytest.raises(ValidationError, match=r"PKCS#11|SIGNING_PKCS11_MODULE") as refused:
        services.letter_issue(letter=letter, when=date(2024, 2, 28))
    assert "Chưa ban hành được văn bản" in str(refused.value)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED and letter.number is None


def test_signing_and_checking_work_from_inside_an_event_loop(organisation_key, letter):
    """pyHanko's synchronous calls start their own event loop; under an async server they
    are called where one already runs."""
    import asyncio

    data = _pdf(_issue(letter))
    key = signing.SigningKey(signing.load_pkcs12(organisation_key, PASSPHRASE))

    async def sign_and_check():
        signed = signing.sign_pdf(data, key, field_name="LanHai")
        return signing.verify_pdf(signed.data)

    assert asyncio.run(sign_and_check()).unaltered


def test_revision_hashes_find_each_revision_and_stay_cheap_on_a_stuffed_file():
    first = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
    second = first + b"2 0 obj\n<<>>\nendobj\n%%EOF"
    hashes = signing.revision_hashes(second + b"\n")
    assert {signing.sha256(first), signing.sha256(second), signing.sha256(second + b"\n")} <= set(
        hashes
    )
    stuffed = b"%PDF-1.7\n" + b"%%EOF\n" * 1_000_000  # 6 MB of markers
    assert len(signing.revision_hashes(stuffed)) <= 2 * 100 + 1
