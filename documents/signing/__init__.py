"""Digital signatures (ký số) on PDFs: PAdES signing with pyHanko, and verification.

Plain code over bytes: no Django here (documents.signatures wires it to settings and letters).

Signing is incremental: the signed file is the unsigned one, byte for byte, followed by a
revision holding the signature. So the issued document's hash (`Letter.content_sha256`)
stays findable in any signed copy, whether the app signed it or an office signed the
downloaded PDF again with its own USB token: `revision_hashes` lists the hash of the file
cut at every revision's end.
"""

from documents.signing.keys import (
    VIETNAM,
    SigningError,
    SigningKey,
    fingerprint,
    holder_name,
    http_timestamper,
    load_pkcs12,
    pkcs11_signer,
    self_signed_pkcs12,
)
from documents.signing.sign import (
    FIELD_NAME,
    SLOT_ANCHOR,
    SLOT_HEIGHT_MM,
    SLOT_WIDTH_MM,
    BoxRenderer,
    SignedPdf,
    Slot,
    sign_pdf,
    signature_slot,
)
from documents.signing.verify import (
    SignatureCheck,
    Verification,
    revision_hashes,
    sha256,
    verify_pdf,
)

__all__ = [
    "FIELD_NAME",
    "SLOT_ANCHOR",
    "SLOT_HEIGHT_MM",
    "SLOT_WIDTH_MM",
    "VIETNAM",
    "BoxRenderer",
    "SignatureCheck",
    "SignedPdf",
    "SigningError",
    "SigningKey",
    "Slot",
    "Verification",
    "fingerprint",
    "holder_name",
    "http_timestamper",
    "load_pkcs12",
    "pkcs11_signer",
    "revision_hashes",
    "self_signed_pkcs12",
    "sha256",
    "sign_pdf",
    "signature_slot",
    "verify_pdf",
]
