"""Digital signatures (ký số) on PDFs: PAdES signing with pyHanko, and verification.

Plain code over bytes: no Django here (documents.signatures wires it to settings and letters).

Signing is incremental: the signed file is the unsigned one, byte for byte, followed by a
revision holding the signature. So the issued document's hash (`Letter.content_sha256`)
stays findable in any signed copy, whether the app signed it or an office signed the
downloaded PDF again with its own USB token: `revision_hashes` lists the hash of the file
cut at every revision's end.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from asn1crypto import x509
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import StaticContentStamp, StaticStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
FIELD_NAME = "ChuKySoCoQuan"
# The letter template marks the signature's place (between the signer's title and name)
# with an element of this id and size; WeasyPrint writes it as a named destination, which
# gives the page and the top-left corner. Keep the size equal to `.sign .slot` in print.css.
SLOT_ANCHOR = "chu-ky-so"
SLOT_WIDTH_MM, SLOT_HEIGHT_MM = 72, 26
MM = 72 / 25.4
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


class SigningError(Exception):
    """Signing could not be done; the message says why in Vietnamese, and what to do."""


@dataclass(frozen=True)
class SigningKey:
    """A key that signs, the timestamp authority to ask (if any), and whether it is the demo's."""

    signer: signers.Signer
    timestamper: TimeStamper | None = None
    demo: bool = False

    @property
    def certificate(self) -> x509.Certificate:
        return self.signer.signing_cert

    @property
    def holder(self) -> str:
        return holder_name(self.certificate)

    @property
    def organisation(self) -> str:
        """The name the signature box prints: an organisation's certificate names it as CN."""
        subject = self.certificate.subject.native
        return subject.get("common_name") or subject.get("organization_name") or self.holder


def holder_name(certificate: x509.Certificate) -> str:
    """Who a certificate names: its common name, with the organisation when that differs."""
    subject = certificate.subject.native
    common, organisation = subject.get("common_name", ""), subject.get("organization_name", "")
    if isinstance(organisation, list):
        organisation = ", ".join(organisation)
    if common and organisation and organisation not in common:
        return f"{common} ({organisation})"
    return common or organisation or certificate.subject.human_friendly


def fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


# --- keys ---------------------------------------------------------------------------------

_pkcs12_cache: dict[tuple, signers.SimpleSigner] = {}
_pkcs12_lock = threading.Lock()


def load_pkcs12(path: str | Path, passphrase: str | None) -> signers.SimpleSigner:
    """The signer in a PKCS#12 (.p12/.pfx) file, read once per file version and passphrase."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise SigningError(
            f"Không đọc được tệp chứng thư số {path}; hãy kiểm tra SIGNING_PKCS12_FILE."
        ) from exc
    secret = passphrase.encode() if passphrase else None
    key = (str(path), stat.st_mtime_ns, stat.st_size, hashlib.sha256(secret or b"").digest())
    with _pkcs12_lock:
        if key not in _pkcs12_cache:
            _pkcs12_cache.clear()  # one configured key at a time
            _pkcs12_cache[key] = _read_pkcs12(path.read_bytes(), secret, path)
        return _pkcs12_cache[key]


def _read_pkcs12(data: bytes, secret: bytes | None, path: Path) -> signers.SimpleSigner:
    try:
        private_key, certificate, others = pkcs12.load_key_and_certificates(data, secret)
    except (ValueError, TypeError) as exc:
        raise SigningError(
            f"Không mở được chứng thư số trong {path.name} (sai mật khẩu hoặc tệp hỏng); "
            "hãy kiểm tra SIGNING_PKCS12_PASSPHRASE và tệp SIGNING_PKCS12_FILE."
        ) from exc
    if private_key is None or certificate is None:
        raise SigningError(
            f"Tệp {path.name} không chứa khóa bí mật và chứng thư số; hãy xuất lại tệp .p12 "
            "kèm khóa bí mật."
        )
    registry = SimpleCertificateStore()
    registry.register_multiple(translate_pyca_cryptography_cert_to_asn1(c) for c in others)
    signer = _LoadedKeySigner(
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        cert_registry=registry,
    )
    signer.private_key = private_key
    return signer


class _LoadedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every raw signature (twice per
    document: once to size the signature). Parsing an RSA key checks it, some 90 ms here;
    this signer keeps the parsed key for the usual mechanisms."""

    private_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self.private_key, RSAPrivateKey):
            return self.private_key.sign(data, PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(self.private_key, EllipticCurvePrivateKey):
            return self.private_key.sign(data, ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


@contextmanager
def pkcs11_signer(
    *, module: str, token_label: str, pin: str | None, key_label: str | None
) -> Iterator[signers.Signer]:
    """A signer on a PKCS#11 token (HSM, USB token on the server), for one signing session.

    Needs python-pkcs11 (pyHanko's [pkcs11] extra) and the token's module (.so).
    """
    try:
        from pyhanko.sign import pkcs11
    except ImportError as exc:
        raise SigningError(
            "Máy chủ chưa cài thư viện PKCS#11 (python-pkcs11); hãy cài pyHanko[pkcs11] hoặc "
            "dùng tệp PKCS#12 (SIGNING_PKCS12_FILE)."
        ) from exc
    try:
        session = pkcs11.open_pkcs11_session(module, token_label=token_label, user_pin=pin)
    except Exception as exc:
        raise SigningError(
            f"Không mở được thiết bị ký số “{token_label}” qua {module} (sai mã PIN, chưa cắm "
            "thiết bị hoặc sai tên); hãy kiểm tra SIGNING_PKCS11_MODULE, "
            "SIGNING_PKCS11_TOKEN_LABEL và SIGNING_PKCS11_PIN."
        ) from exc
    try:
        yield pkcs11.PKCS11Signer(session, key_label=key_label or None, cert_label=key_label)
    finally:
        session.close()


def http_timestamper(url: str) -> HTTPTimeStamper:
    return HTTPTimeStamper(url, timeout=10)


# --- where the signature goes --------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    page: int  # 0-based
    box: tuple[float, float, float, float]  # x1, y1, x2, y2 in points, from bottom left


def signature_slot(reader: PdfFileReader) -> Slot:
    """The marked signature place, or else the bottom right of the last page."""
    pages = _page_refs(reader)
    width, height = SLOT_WIDTH_MM * MM, SLOT_HEIGHT_MM * MM
    destination = _named_destination(reader, SLOT_ANCHOR)
    if destination is not None:
        page_ref, left, top = destination
        if page_ref in pages:
            return Slot(pages.index(page_ref), (left, top - height, left + width, top))
    last = reader.get_object(pages[-1]) if pages else None
    _, _, right, _ = (float(v) for v in last["/MediaBox"]) if last else (0, 0, 595.3, 841.9)
    x2, y1 = right - 15 * MM, 20 * MM
    return Slot(len(pages) - 1, (x2 - width, y1, x2, y1 + height))


def _page_refs(reader: PdfFileReader) -> list[generic.Reference]:
    refs: list[generic.Reference] = []

    def walk(node: generic.DictionaryObject) -> None:
        kids = node["/Kids"]
        for index in range(len(kids)):
            kid = kids.raw_get(index)
            obj = kid.get_object()
            if obj.get("/Type") == "/Pages":
                walk(obj)
            else:
                refs.append(kid.reference)

    walk(reader.root["/Pages"])
    return refs


def _named_destination(reader: PdfFileReader, name: str):
    try:
        names = reader.root["/Names"]["/Dests"]["/Names"]
    except KeyError:
        return None
    for index in range(0, len(names) - 1, 2):
        if str(names[index]) == name:
            target = names[index + 1].get_object()
            if isinstance(target, generic.DictionaryObject):
                target = target["/D"]
            page, left, top = target.raw_get(0), target[2], target[3]
            return page.reference, float(left), float(top)
    return None


# --- signing -------------------------------------------------------------------------------

# Renders the visible signature box for a signing time: PDF bytes of one page of the box's size.
BoxRenderer = Callable[[datetime], bytes]


class _PdfPageBytes(PdfContent):
    """The first page of a PDF given as bytes, drawn as a form XObject."""

    def __init__(self, data: bytes):
        super().__init__()
        self.data = data

    def render(self) -> bytes:
        xobject = self._ensure_writer.import_page_as_xobject(
            PdfFileReader(io.BytesIO(self.data)), page_ix=0
        )
        self.resources.xobject["/SignatureBox"] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return b"/SignatureBox Do"


@dataclass(frozen=True)
class _BoxStyle(TextStampStyle):
    """pyHanko hands a TextStampStyle the signing time it writes into the signature
    (`ts`); this one draws the box our renderer makes for that very time."""

    render_box: BoxRenderer | None = None
    timestamp_format: str = ISO_FORMAT
    border_width: int = 0

    def create_stamp(self, writer, box, text_params):
        when = datetime.strptime(text_params["ts"], ISO_FORMAT).astimezone(VIETNAM)
        style = StaticStampStyle(
            border_width=0,
            background=_PdfPageBytes(self.render_box(when)),
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
            ),
        )
        return StaticContentStamp(writer=writer, style=style, box=box)


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    signer: str
    time: datetime


def sign_pdf(
    data: bytes,
    key: SigningKey,
    *,
    render_box: BoxRenderer | None = None,
    signer_name: str = "",
    reason: str = "",
    location: str = "",
    field_name: str = FIELD_NAME,
) -> SignedPdf:
    """Sign `data` (PAdES baseline B, or B-T with a timestamp authority) in a new revision,
    with the visible box `render_box` draws at the letter's signature place."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        slot = signature_slot(writer.prev)
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            name=signer_name or None,
            reason=reason or None,
            location=location or None,
        )
        visible = render_box is not None
        pdf_signer = signers.PdfSigner(
            meta,
            signer=key.signer,
            timestamper=key.timestamper,
            stamp_style=_BoxStyle(render_box=render_box) if visible else None,
            new_field_spec=fields.SigFieldSpec(
                field_name, on_page=slot.page, box=slot.box if visible else None
            ),
        )
        output = _outside_event_loop(pdf_signer.sign_pdf, writer, output=io.BytesIO())
    except SigningError:
        raise
    except Exception as exc:
        raise _signing_error(exc) from exc
    signed = output.getvalue()
    embedded = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures[-1]
    when = embedded.self_reported_timestamp or datetime.now(VIETNAM)
    return SignedPdf(signed, key.holder, when.astimezone(VIETNAM))


def _signing_error(exc: Exception) -> SigningError:
    text = str(exc)
    if "imestamp" in text or "TSA" in text:
        return SigningError(
            "Máy chủ cấp dấu thời gian (TSA) không trả lời hoặc trả lời sai; hãy thử lại sau ít "
            "phút hoặc kiểm tra SIGNING_TSA_URL."
        )
    if isinstance(exc, PdfError | PyHankoSigningError):
        return SigningError(f"Không ký số được tệp PDF ({text}); hãy báo quản trị hệ thống.")
    return SigningError(
        f"Không ký số được văn bản ({type(exc).__name__}: {text}); hãy kiểm tra thiết bị hoặc "
        "tệp chứng thư số rồi ban hành lại."
    )


def _outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which run `asyncio.run()`: from a thread
    with a running event loop (an async server's, a browser test's) that fails, so there the
    call goes to a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


# --- verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko found about one signature of a PDF."""

    field: str
    signer: str
    subject: str
    certificate_sha256: str
    self_signed: bool
    signing_time: datetime | None
    timestamp: datetime | None
    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # and the signature over that hash checks with the certificate's key
    trusted: bool  # the certificate chains to a trust root given
    covers_file: bool  # nothing after the signed bytes (a later signature aside)
    signed_length: int

    @property
    def time(self) -> datetime | None:
        return self.timestamp or self.signing_time


@dataclass(frozen=True)
class Verification:
    signatures: tuple[SignatureCheck, ...]
    revision_hashes: tuple[str, ...]  # SHA-256 of the file cut at each revision's end
    problem: str = ""  # unreadable: why

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def unaltered(self) -> bool:
        """Every signature intact, and nothing but later signatures after the first."""
        return (
            self.signed
            and not self.problem
            and all(s.intact and s.valid for s in self.signatures)
            and self.signatures[-1].covers_file
        )

    @property
    def last(self) -> SignatureCheck | None:
        return self.signatures[-1] if self.signatures else None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_EOF = re.compile(rb"%%EOF(\r\n|\r|\n)?")


def revision_hashes(data: bytes) -> tuple[str, ...]:
    """The hash of the whole file and of the file cut after every %%EOF marker.

    A marker inside a stream gives a cut that is no revision: its hash matches nothing.
    """
    hashes = {sha256(data)}
    for match in _EOF.finditer(data):
        hashes.add(sha256(data[: match.end()]))
        hashes.add(sha256(data[: match.start() + 5]))
    return tuple(sorted(hashes))


def verify_pdf(data: bytes, trust_roots: tuple[x509.Certificate, ...] = ()) -> Verification:
    """Check every signature of a PDF: intact, valid, covering the file, who and when."""
    hashes = revision_hashes(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return Verification((), hashes, "Tệp không đọc được như một PDF (hỏng hoặc đã bị sửa)")
    context = ValidationContext(trust_roots=list(trust_roots), allow_fetching=False)
    checks = []
    for index, signature in enumerate(embedded):
        try:
            checks.append(_check(signature, context, last=index == len(embedded) - 1))
        except Exception:
            checks.append(_broken(signature))
    return Verification(tuple(checks), hashes)


def _check(signature, context: ValidationContext, *, last: bool) -> SignatureCheck:
    status = _outside_event_loop(validate_pdf_signature, signature, context)
    certificate = status.signing_cert
    coverage = status.coverage
    if last:
        covers = coverage == SignatureCoverageLevel.ENTIRE_FILE
    else:  # an earlier signature: what came after may only be signing (and form filling)
        covers = coverage >= SignatureCoverageLevel.ENTIRE_REVISION and bool(status.docmdp_ok)
    timestamp = status.timestamp_validity.timestamp if status.timestamp_validity else None
    start, second_length = signature.byte_range[2], signature.byte_range[3]
    return SignatureCheck(
        field=signature.field_name,
        signer=holder_name(certificate),
        subject=certificate.subject.human_friendly,
        certificate_sha256=fingerprint(certificate),
        self_signed=certificate.self_signed != "no",
        signing_time=_local(status.signer_reported_dt),
        timestamp=_local(timestamp),
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        covers_file=covers,
        signed_length=start + second_length,
    )


def _broken(signature) -> SignatureCheck:
    """A signature pyHanko could not even evaluate (mangled contents)."""
    try:
        certificate = signature.signer_cert
        signer, subject = holder_name(certificate), certificate.subject.human_friendly
        print_ = fingerprint(certificate)
        self_signed = certificate.self_signed != "no"
    except Exception:
        signer = subject = print_ = ""
        self_signed = False
    return SignatureCheck(
        field=str(signature.field_name),
        signer=signer,
        subject=subject,
        certificate_sha256=print_,
        self_signed=self_signed,
        signing_time=None,
        timestamp=None,
        intact=False,
        valid=False,
        trusted=False,
        covers_file=False,
        signed_length=0,
    )


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(VIETNAM) if moment else None


# --- a self-signed certificate, for the demo and the tests ---------------------------------


def self_signed_pkcs12(
    *, common_name: str, organisation: str, passphrase: str, days: int = 365
) -> bytes:
    """A new RSA key and self-signed certificate for signing documents, as PKCS#12 bytes.

    Not trusted by anyone: for trying the app out, never for real letters.
    """
    from datetime import timedelta

    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = cx509.Name(
        [
            cx509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            cx509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            cx509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(VIETNAM)
    certificate = (
        cx509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(cx509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(cx509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            cx509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            cx509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, certificate, None, BestAvailableEncryption(passphrase.encode())
    )
