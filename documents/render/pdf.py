"""PDF output through WeasyPrint, with the bundled font and no network.

Where the time goes (bench/render_documents.py, sampled with py-spy): layout is about half of
a render, nearly all of it breaking the text of the table cells into lines (a cell costs about
as much as the rest of its row's chrome; a table of empty cells renders in a third of the
time); drawing is a sixth, matching the stylesheet a sixteenth. Around that, what is ours:
- Python's cyclic garbage collector. A render allocates hundreds of thousands of objects that
  live until the document is written; the collector ran some 240 times per full score sheet,
  one or two of them full passes over every live object, for 30 to 37 % of the render time
  (measured in the benchmark's process, alternating renders with and without it). It is
  paused while a document renders (`_collector_paused`); reference counting still frees what
  can be freed, and the collector runs again as soon as the render is over.
- The print stylesheet is parsed once per thread, with its @font-face rules, against one
  FontConfiguration, instead of once per document.
- A lean user-agent stylesheet (static/documents/ua.css) replaces WeasyPrint's full HTML5 one:
  matching its hundreds of rules against every table cell was 8 % of a full score sheet.
- Tables use `table-layout: fixed`: column widths come from the <col> elements instead of
  measuring every cell's text twice.
- The only resources a document may load are the bundled files under static/: the fetcher
  refuses anything else, so a stray URL can neither stall a render nor leak a request.
Tried and not worth it (within the noise): separate instead of collapsed table borders, no
`break-inside: avoid` on rows, whitespace stripped from the HTML, no kerning or ligatures, no
`lang`, tighter rows (one page less), embedding whole fonts instead of subsets (files of
1,5 MB, and slower to write). Printing the four numbers of a row in one cell would save about
a sixth, at the price of drawing the column rules by hand: not done.

What remains (about 1 s for a 130-row, ten-page score sheet on this machine) is WeasyPrint's
own layout and drawing, per cell and per line of text. So a document is rendered once per
content: the PDF is kept in Django's cache (Redis in production, CACHE_URL) under the hash of
its HTML and of everything else that shapes it (stylesheets, fonts, WeasyPrint's version), and
every later download of an unchanged document is served from there.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import mimetypes
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from documents.content import LetterContent
from documents.tables import DRAFT_MARK, Table, cell_text

STATIC_ROOT = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_ROOT / "documents" / "print.css"
SIGNATURE_STYLESHEET = STATIC_ROOT / "documents" / "signature.css"
UA_STYLESHEET = STATIC_ROOT / "documents" / "ua.css"
BASE_URL = STATIC_ROOT.as_uri() + "/"
CACHE_TIMEOUT = 30 * 24 * 3600  # a month: unchanged published documents are downloaded again

log = logging.getLogger(__name__)


def _rendering_fingerprint() -> str:
    """What, besides the HTML, decides the bytes of a PDF: a change to any of it renders anew."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    files = [STYLESHEET, UA_STYLESHEET, *sorted((STATIC_ROOT / "fonts").glob("*.ttf"))]
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


RENDERING = _rendering_fingerprint()


class LocalOnlyFetcher(URLFetcher):
    """Serves files from the project's static/ folder; refuses every other URL.

    `fail_on_errors` makes a refused or missing resource stop the render instead of being
    skipped with a warning: a PDF is never silently produced without its font.
    """

    def __init__(self, root: Path = STATIC_ROOT):
        super().__init__(fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Văn bản in không được tải tài nguyên ngoài: {url}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"Không có tệp {path} trong thư mục static của dự án.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


# WeasyPrint does not document its font configuration or a parsed stylesheet as safe to use
# from two threads at once (the bundle builder renders in its own thread): each thread gets
# its own, built once.
_local = threading.local()


def _shared() -> tuple[FontConfiguration, CSS, LocalOnlyFetcher, CSS]:
    if not hasattr(_local, "shared"):
        fetcher = LocalOnlyFetcher()
        font_config = FontConfiguration()
        css = CSS(
            filename=str(STYLESHEET),
            base_url=STYLESHEET.as_uri(),
            url_fetcher=fetcher,
            font_config=font_config,
        )
        ua = CSS(filename=str(UA_STYLESHEET), url_fetcher=fetcher)
        _local.shared = (font_config, css, fetcher, ua)
    return _local.shared


class _PrintHTML(HTML):
    """A document styled by our lean user-agent stylesheet instead of WeasyPrint's HTML5 one."""

    def __init__(self, *args, ua_stylesheet: CSS, **kwargs):
        super().__init__(*args, **kwargs)
        self._ua_stylesheet = ua_stylesheet

    def _ua_stylesheets(self, forms=False):
        return [self._ua_stylesheet]


class _CollectorPause:
    """Pause the cyclic garbage collector while any thread renders; resume after the last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if self._active == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._active += 1

    def __exit__(self, *exc_info) -> None:
        with self._lock:
            self._active -= 1
            if self._active == 0 and self._was_enabled:
                gc.enable()


_collector_paused = _CollectorPause()


def html_to_pdf(html: str, *, url_fetcher: URLFetcher | None = None) -> bytes:
    """The PDF of `html`: from the cache when this very document was rendered before."""
    if url_fetcher is not None:  # a caller with its own resources: not a cached document
        return render_pdf(html, url_fetcher=url_fetcher)
    key = f"pdf:{RENDERING}:{hashlib.sha256(html.encode()).hexdigest()}"
    try:
        data = cache.get(key)
    except Exception:  # the cache is an optimisation: a Redis outage must not stop downloads
        log.warning("PDF cache unreachable; rendering", exc_info=True)
        return render_pdf(html)
    if data is None:
        data = render_pdf(html)
        try:
            cache.set(key, data, CACHE_TIMEOUT)
        except Exception:
            log.warning("PDF cache unreachable; not kept", exc_info=True)
    return data


def render_pdf(html: str, *, url_fetcher: URLFetcher | None = None) -> bytes:
    """Render `html` with WeasyPrint now (what the benchmark times)."""
    font_config, css, fetcher, ua = _shared()
    with _collector_paused:
        document = _PrintHTML(
            string=html, base_url=BASE_URL, url_fetcher=url_fetcher or fetcher, ua_stylesheet=ua
        )
        return document.write_pdf(stylesheets=[css], font_config=font_config)


def letter_html(content: LetterContent) -> str:
    return render_to_string(
        "documents/pdf/letter.html",
        {"c": content, "table": _table_context(content.appendix), "draft_mark": DRAFT_MARK},
    )


def table_html(table: Table) -> str:
    return render_to_string(
        "documents/pdf/table.html", {"table": _table_context(table), "draft_mark": DRAFT_MARK}
    )


def signature_box_pdf(*, signer_name: str, organisation: str, when: datetime) -> bytes:
    """The visible box of a digital signature, as a one-page PDF of the box's size (never
    cached: each carries its own signing time)."""
    offset = when.strftime("%z")
    html = render_to_string(
        "documents/pdf/signature_box.html",
        {
            "signer_name": signer_name,
            "organisation": organisation,
            "time": f"{when:%d.%m.%Y %H:%M:%S} {offset[:3]}:{offset[3:]}",
        },
    )
    font_config, _, fetcher, ua = _shared()
    if not hasattr(_local, "signature_css"):
        _local.signature_css = CSS(
            filename=str(SIGNATURE_STYLESHEET),
            base_url=SIGNATURE_STYLESHEET.as_uri(),
            url_fetcher=fetcher,
            font_config=font_config,
        )
    document = _PrintHTML(string=html, base_url=BASE_URL, url_fetcher=fetcher, ua_stylesheet=ua)
    return document.write_pdf(stylesheets=[_local.signature_css], font_config=font_config)


def letter_pdf(content: LetterContent) -> bytes:
    return html_to_pdf(letter_html(content))


def table_pdf(table: Table) -> bytes:
    return html_to_pdf(table_html(table))


def _table_context(table: Table | None) -> dict | None:
    """The table with every cell formatted (decimal comma, signs) and its CSS class."""
    if table is None:
        return None
    rows = []
    for row in table.rows:
        cells = []
        for index, (column, value) in enumerate(zip(table.columns, row.cells, strict=True)):
            if index == 0:
                css = "code"
            elif index == 1:
                css = "label" if row.style == "total" else f"d{min(row.depth, 3)}"
            else:
                css = "num" if column.kind != "text" else ""
            cells.append({"text": cell_text(column, value), "cls": css})
        rows.append({"style": row.style, "cells": cells})
    # Widths go out as plain strings: the template engine would print 6.5 as "6,5" in Vietnamese.
    columns = [{"label": c.label, "width": f"{c.width:.2f}"} for c in table.columns]
    return {"t": table, "css_class": f"t-{table.key}", "columns": columns, "rows": rows}
