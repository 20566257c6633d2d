"""Recognise evidence files by their content, not their name. Pure functions, no Django."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: frozenset[str]


PDF = FileKind("PDF", "application/pdf", frozenset({"pdf"}))
PNG = FileKind("ảnh PNG", "image/png", frozenset({"png"}))
JPEG = FileKind("ảnh JPEG", "image/jpeg", frozenset({"jpg", "jpeg"}))
DOCX = FileKind(
    "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    frozenset({"docx"}),
)
XLSX = FileKind(
    "Excel (.xlsx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    frozenset({"xlsx"}),
)
DOC = FileKind("Word (.doc)", "application/msword", frozenset({"doc"}))
XLS = FileKind("Excel (.xls)", "application/vnd.ms-excel", frozenset({"xls"}))
ALLOWED_LABEL = "PDF, ảnh (PNG, JPEG), Word (.doc, .docx) hoặc Excel (.xls, .xlsx)"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def detect(stream: BinaryIO, name: str) -> FileKind | None:
    """The kind of file `stream` holds, judged by its bytes; None if not an accepted kind.

    The two binary Office formats share one container (OLE2); the name tells them apart
    only once the content has shown it is one of them.
    """
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head == _OLE2:
        return XLS if extension(name) == "xls" else DOC
    if head.startswith(b"PK\x03\x04"):
        return _office_open_xml(stream)
    return None


def _office_open_xml(stream: BinaryIO) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None
