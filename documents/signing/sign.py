"""Signing a PDF in a new revision, with the visible box at the letter's signature place."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.stamp import StaticContentStamp, StaticStampStyle, TextStampStyle

from documents.signing.keys import VIETNAM, SigningError, SigningKey

FIELD_NAME = "ChuKySoCoQuan"
# The letter template marks the signature's place (between the signer's title and name)
# with an element of this id and size; WeasyPrint writes it as a named destination, which
# gives the page and the top-left corner. Keep the size equal to `.sign .slot` in print.css.
SLOT_ANCHOR = "chu-ky-so"
SLOT_WIDTH_MM, SLOT_HEIGHT_MM = 72, 26
MM = 72 / 25.4
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


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
        output = outside_event_loop(pdf_signer.sign_pdf, writer, output=io.BytesIO())
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


def outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which run `asyncio.run()`: from a thread
    with a running event loop (an async server's, a browser test's) that fails, so there the
    call goes to a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
