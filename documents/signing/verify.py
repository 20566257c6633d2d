"""Checking every signature of a PDF, and the hashes that find the issued document in it."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from documents.signing.keys import VIETNAM, fingerprint, holder_name
from documents.signing.sign import outside_event_loop


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
# A real PDF has a few revisions; a file stuffed with markers must not cost more than this.
MAX_CUTS = 100


def revision_hashes(data: bytes) -> tuple[str, ...]:
    """The hash of the whole file and of the file cut after each of its last %%EOF markers
    (with and without the end of line that follows), in one pass over the bytes.

    A marker inside a stream gives a cut that is no revision: its hash matches nothing.
    """
    cuts = []
    for match in _EOF.finditer(data):
        cuts += [match.start() + 5, match.end()]
    cuts = sorted(set(cuts[-2 * MAX_CUTS :]))
    hashes = {sha256(data)}
    running, done = hashlib.sha256(), 0
    for cut in cuts:
        running.update(data[done:cut])
        done = cut
        hashes.add(running.hexdigest())  # hexdigest leaves the running hash as it was
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
    status = outside_event_loop(validate_pdf_signature, signature, context)
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
