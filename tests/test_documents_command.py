"""`render_document` produces from a terminal the same files the pages download."""

import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from documents.models import Letter
from tests.documents_helpers import flat, page_sizes, pages_text

pytestmark = pytest.mark.django_db


def _render(*args) -> str:
    out = StringIO()
    call_command("render_document", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_writes_the_phu_luc_of_lost_criteria_as_pdf(tmp_path):
    target = tmp_path / "phu-luc.pdf"
    assert "Đã ghi" in _render("phu-luc", "TXQT-P1", "2023", "-o", str(target))
    data = target.read_bytes()
    assert "Tổng cộng 20,00 18,50 11,00 9,00" in flat(" ".join(pages_text(data)))


def test_it_writes_the_ranking_as_excel(tmp_path):
    target = tmp_path / "xep-hang.xlsx"
    _render("xep-hang", "TXQT-P1", "2023", "-o", str(target))
    sheet = load_workbook(target).active
    assert any(row[1] == "Phường 1" for row in sheet.iter_rows(values_only=True))


def test_without_a_saved_letter_it_drafts_one_and_saves_nothing(tmp_path):
    target = tmp_path / "bao-cao.docx"
    _render("bao-cao", "TXQT-P1", "2023", "-o", str(target))
    paragraphs = [p.text for p in Document(io.BytesIO(target.read_bytes())).paragraphs]
    assert "BÁO CÁO" in paragraphs
    assert not Letter.objects.exists()


def test_the_letter_pdf_carries_its_appendix(tmp_path):
    target = tmp_path / "cong-van.pdf"
    _render("cong-van", "TXQT-P1", "2023", "-o", str(target))
    data = target.read_bytes()
    assert page_sizes(data)[0][0] < page_sizes(data)[-1][0]  # portrait letter, landscape phụ lục
    assert "Lê Thị Huệ" in flat(" ".join(pages_text(data)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("phu-luc", "KHONG-CO", "2023", "-o", "x.pdf"), "Không có đơn vị mã “KHONG-CO”"),
        (("phu-luc", "TXQT-P1", "2019", "-o", "x.pdf"), "chưa có bản đánh giá"),
        (("phu-luc", "TXQT-P1", "2023", "-o", "x.txt"), "phải có đuôi .pdf, .xlsx hoặc .docx"),
        (("bang-diem", "TXQT-P1", "2023", "-o", "x.docx"), "Phụ lục xuất ra .pdf hoặc .xlsx"),
    ],
)
def test_it_explains_what_is_wrong(args, message):
    with pytest.raises(CommandError, match=message):
        _render(*args)
