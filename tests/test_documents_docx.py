"""The letter as .docx, read back with python-docx: same header, body, footer and phụ lục."""

import io
from datetime import date

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from documents import services
from documents.content import letter_content
from documents.models import LetterKind
from documents.render.docx import letter_docx
from tests.documents_helpers import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(phuong1_2023, chairperson, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    letter = services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.BAO_CAO, user=chairperson
    )
    letter = services.letter_issue(letter=approved(letter), number=20, when=date(2024, 2, 27))
    return Document(io.BytesIO(letter_docx(letter_content(letter))))


def _mm(*lengths) -> tuple[int, ...]:
    """Lengths in whole millimetres (Word stores them in twentieths of a point)."""
    return tuple(round(length.mm) for length in lengths)


def _cell_text(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def test_the_header_is_two_columns_like_the_seed(document):
    left, right = document.tables[0].rows[0].cells
    assert _cell_text(left) == [
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG 1",
        "Số: 20/BC-UBND",
    ]
    assert _cell_text(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phường 1, ngày 27 tháng 02 năm 2024",
    ]
    assert right.paragraphs[-1].runs[0].italic


def test_the_body_carries_the_type_name_the_results_and_the_closing_mark(document):
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "BÁO CÁO"
    assert texts[1].startswith("Đánh giá kết quả Chỉ số cải cách hành chính năm 2023")
    results = next(t for t in texts if "91,00/100 điểm" in t)
    assert "đứng thứ 3/5" in results and "tăng 9,18 điểm so với năm 2022" in results
    assert any(t.endswith("năm 2024./.") for t in texts)


def test_the_footer_lists_the_receivers_and_the_signer_on_one_page(document):
    row = document.tables[1].rows[0]
    assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    last_paragraph = next(p for p in reversed(document.paragraphs) if p.text.endswith("./."))
    assert last_paragraph.paragraph_format.keep_with_next
    left, right = row.cells
    assert _cell_text(left)[0] == "Nơi nhận:"
    assert _cell_text(left)[-1] == "- Lưu: VT."
    assert _cell_text(right) == [
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Thị Huệ",
    ]


def test_the_pages_are_a4_with_decree_30_margins_and_numbers_from_page_2(document):
    letter, appendix = document.sections
    assert _mm(letter.page_width, letter.page_height) == (210, 297)
    assert _mm(letter.top_margin, letter.bottom_margin) == (20, 20)
    assert _mm(letter.left_margin, letter.right_margin) == (30, 15)
    assert letter.different_first_page_header_footer
    field = letter.header._element.find(f".//{qn('w:fldSimple')}")
    assert field.get(qn("w:instr")) == "PAGE"
    assert not letter.first_page_header.paragraphs[0].text
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert _mm(appendix.page_width, appendix.page_height) == (297, 210)
    restart = appendix._sectPr.find(qn("w:pgNumType"))
    assert restart.get(qn("w:start")) == "1"


def test_the_appendix_table_repeats_its_header_and_keeps_rows_whole(document):
    texts = [p.text for p in document.paragraphs if p.text]
    assert "(Kèm theo Báo cáo số 20/BC-UBND ngày 27 tháng 02 năm 2024 của UBND phường 1)" in (texts)
    table = document.tables[-1]
    header, *rows = table.rows
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    assert [c.text for c in header.cells][:3] == [
        "Mục",
        "Nội dung Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
    ]
    assert [c.text for c in rows[-1].cells][1:6] == [
        "Tổng cộng",
        "20,00",
        "18,50",
        "11,00",
        "9,00",
    ]
