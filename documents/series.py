"""The register's series (sổ đăng ký): which run of numbers a letter's symbol belongs to.

Numbers run per issuing unit, per year and per kind of document. Nghị định 30, Phụ lục III,
writes a document's symbol as the kind's code, a dash and the issuer ("BC-UBND", "QĐ-UBND");
a công văn has no kind code, its symbol names the issuer and the office that drafted it
("UBND-VP"). So a symbol whose first part is a kind code is in that kind's series, and every
other symbol is in the công văn series, "".
"""

from __future__ import annotations

import unicodedata

# Phụ lục III of Nghị định 30/2020/NĐ-CP: the abbreviations of the kinds of documents.
KIND_CODES = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
}
CONG_VAN = ""
_BY_UPPER = {unicodedata.normalize("NFC", code).upper(): code for code in KIND_CODES}


def series_of(symbol: str) -> str:
    """ "BC" for "BC-UBND", "QĐ" for "qđ-ubnd", "" (công văn) for "UBND-VP" or "UBND"."""
    first = unicodedata.normalize("NFC", symbol).split("-", 1)[0].strip().upper()
    return _BY_UPPER.get(first, CONG_VAN)


def series_label(series: str) -> str:
    """How the register names a series: "Báo cáo (BC)", "Công văn"."""
    if series == CONG_VAN:
        return "Công văn"
    return f"{KIND_CODES.get(series, series)} ({series})"


def series_in_text(series: str) -> str:
    """The series in running text: "công văn", "báo cáo (BC)"."""
    label = series_label(series)
    return label[0].lower() + label[1:]
