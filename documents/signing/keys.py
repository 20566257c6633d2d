"""Keys that sign: a PKCS#12 file, a PKCS#11 token, a timestamp authority; the demo's
self-signed certificate."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
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
from pyhanko.sign import signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


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
