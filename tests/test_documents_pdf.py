"""The PDFs read like the seeds and follow Nghị định 30's layout.

Seed 002 is recreated: Báo cáo số 20/BC-UBND of UBND Phường 1, 27/02/2024, with its phụ lục.
Each document is rendered once per module (rendering is the slow part) and read back with
pypdf (text, sizes, fonts) and pdfplumber (positions).
"""

import gc
import io
import re
from datetime import date

import pdfplumber
import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from weasyprint import CSS
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from documents import services
from documents.content import letter_content
from documents.models import LetterKind
from documents.render import pdf
from documents.render.pdf import LocalOnlyFetcher
from documents.tables import lost_criteria_table, ranking_table, score_sheet_table
from scoring.models import Assessment
from scoring.selectors import assessment_sheet, period_results
from tests.documents_helpers import (
    A4,
    MM,
    approved,
    embedded_font_families,
    flat,
    page_sizes,
    pages_text,
    rolled_back,
    table_rows,
    words,
)

# The module's documents are rendered once from the demo data; the mark makes pytest-django
# create the test database even when this module runs on its own.
pytestmark = pytest.mark.django_db
PORTRAIT = pytest.approx(A4, abs=1)
LANDSCAPE = pytest.approx(A4[::-1], abs=1)


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed 002 as the app issues it, rendered; the database is left as it was."""
    with (
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        rolled_back(django_db_blocker),
    ):
        assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
        signer = get_user_model().objects.get(username="chutich.p1")
        letter = services.letter_create(assessment=assessment, kind=LetterKind.BAO_CAO, user=signer)
        letter = services.letter_issue(letter=approved(letter), number=20, when=date(2024, 2, 27))
        return pdf.letter_pdf(letter_content(letter))


@pytest.fixture(scope="module")
def tables(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        assessment = Assessment.objects.select_related("framework", "period", "unit").get(
            unit__code="TXQT-P1", period__year=2023
        )
        sheet = assessment_sheet(assessment)
        ranking = period_results(assessment.framework, assessment.period)
        return {
            "lost": pdf.table_pdf(lost_criteria_table(sheet)),
            "sheet": pdf.table_pdf(score_sheet_table(sheet)),
            "ranking": pdf.table_pdf(
                ranking_table(assessment.framework, assessment.period, ranking)
            ),
        }


def _appendix_start(data: bytes) -> int:
    return next(i for i, text in enumerate(pages_text(data)) if text.lstrip().startswith("PHỤ LỤC"))


# --- content -------------------------------------------------------------------------------


def test_the_report_carries_the_national_header_with_its_diacritics_intact(report):
    first = flat(pages_text(report)[0])
    for expected in (
        "ỦY BAN NHÂN DÂN PHƯỜNG 1",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 20/BC-UBND",
        "Phường 1, ngày 27 tháng 02 năm 2024",
        "BÁO CÁO",
        "Đánh giá kết quả Chỉ số cải cách hành chính năm 2023",
    ):
        assert expected in first


def test_the_report_states_the_result_as_seed_002_does(report):
    text = flat(" ".join(pages_text(report)))
    assert "I. Kết quả Chỉ số cải cách hành chính đạt được năm 2023" in text
    assert "Theo Quyết định số 1299/QĐ-UBND ngày 29/12/2023 của UBND thị xã Quảng Trị" in text
    assert "đạt 91,00/100 điểm, xếp loại Tốt, đứng thứ 3/5 phường, xã" in text
    assert "(tăng 9,18 điểm so với năm 2022)" in text
    assert "Tổng số điểm bị trừ là 9,00 điểm" in text


def test_the_report_ends_with_the_closing_mark_and_the_signature(report):
    letter_pages = pages_text(report)[: _appendix_start(report)]
    text = flat(" ".join(letter_pages))
    assert "năm 2024./. Nơi nhận:" in text
    assert "- Lưu: VT." in text
    last = flat(letter_pages[-1])
    for expected in ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Huệ"):
        assert expected in last


def test_the_appendix_refers_back_to_the_report_and_totals_as_the_seed(report):
    appendix = flat(" ".join(pages_text(report)[_appendix_start(report) :]))
    assert appendix.startswith("PHỤ LỤC TỔNG HỢP CÁC NỘI DUNG THỰC HIỆN CẢI CÁCH HÀNH CHÍNH")
    assert (
        "(Kèm theo Báo cáo số 20/BC-UBND ngày 27 tháng 02 năm 2024 của UBND phường 1)" in appendix
    )
    assert "Tổng cộng 20,00 18,50 11,00 9,00" in appendix
    assert "3.12.2 Tỷ lệ hồ sơ thanh toán trực tuyến 1,00 1,00 0,32 0,68" in appendix


# --- pages ---------------------------------------------------------------------------------


def test_the_letter_is_a4_portrait_and_its_appendix_a4_landscape_on_new_pages(report):
    sizes = page_sizes(report)
    start = _appendix_start(report)
    assert (len(sizes), start) == (6, 3)  # 3 pages of report, 3 of phụ lục
    assert all(size == PORTRAIT for size in sizes[:start])
    assert all(size == LANDSCAPE for size in sizes[start:])


def _page_number(data: bytes, index: int) -> str | None:
    """The text printed in the top margin of a page, if any."""
    top = [w for w in words(data, index) if w["bottom"] < 20 * MM]
    return " ".join(w["text"] for w in top) or None


def test_page_numbers_start_on_page_2_centred_in_the_top_margin(report):
    start = _appendix_start(report)
    numbers = [_page_number(report, i) for i in range(len(page_sizes(report)))]
    # The report: none on page 1, then 2, 3. The phụ lục is numbered on its own.
    assert numbers[:start] == [None, "2", "3"]
    assert numbers[start:] == [None, "2", "3"]
    number = next(w for w in words(report, 1) if w["bottom"] < 20 * MM)
    centre = (number["x0"] + number["x1"]) / 2
    assert centre == pytest.approx((30 * MM + A4[0] - 15 * MM) / 2, abs=2)


def test_the_print_stylesheet_sets_margins_within_decree_30s_ranges():
    css = pdf.STYLESHEET.read_text()
    margins = re.findall(r"margin: (\d+)mm (\d+)mm (\d+)mm (\d+)mm;", css)
    assert margins  # portrait and landscape pages
    for top, right, bottom, left in (map(int, m) for m in margins):
        assert 20 <= top <= 25 and 20 <= bottom <= 25
        assert 30 <= left <= 35 and 15 <= right <= 20


def test_body_text_sits_exactly_inside_the_margins(report):
    """Justified lines run from the left margin (30 mm) to the right margin (15 mm)."""
    for index in (0, 1):
        body = [w for w in words(report, index) if w["top"] > 20 * MM]
        assert min(w["x0"] for w in body) == pytest.approx(30 * MM, abs=1)
        assert max(w["x1"] for w in body) == pytest.approx(A4[0] - 15 * MM, abs=1.5)
        assert min(w["top"] for w in body) >= 20 * MM
        assert max(w["bottom"] for w in body) <= A4[1] - 20 * MM


# --- fonts and resources -------------------------------------------------------------------


def test_every_embedded_font_is_the_bundled_liberation_serif(report, tables):
    assert embedded_font_families(report) == {"Liberation Serif"}
    assert embedded_font_families(tables["sheet"]) == {"Liberation Serif"}


class RecordingFetcher(LocalOnlyFetcher):
    def __init__(self):
        super().__init__()
        self.urls = []

    def fetch(self, url, headers=None):
        self.urls.append(url)
        return super().fetch(url, headers)


def test_documents_load_nothing_but_the_bundled_fonts(tables):
    fetcher = RecordingFetcher()
    html = "<p>Độc lập - Tự do - Hạnh phúc</p>"
    data = pdf.html_to_pdf(html, url_fetcher=fetcher)
    assert "Độc lập - Tự do - Hạnh phúc" in pages_text(data)[0]
    # The fonts were fetched when the shared stylesheet was parsed, through the same kind of
    # fetcher; the document itself asked for nothing.
    assert fetcher.urls == []


def test_a_document_that_asks_for_the_network_is_refused_not_fetched():
    html = '<p>x</p><img src="https://example.com/logo.png">'
    with pytest.raises(FatalURLFetchingError):
        pdf.html_to_pdf(html)
    with pytest.raises(ValueError, match="không được tải tài nguyên ngoài"):
        LocalOnlyFetcher().fetch("http://example.com/font.ttf")
    with pytest.raises(ValueError, match="static"):
        LocalOnlyFetcher().fetch("file:///etc/passwd")


def test_the_stylesheet_takes_its_fonts_from_the_project_only():
    fetcher = RecordingFetcher()
    CSS(
        filename=str(pdf.STYLESHEET),
        url_fetcher=fetcher,
        font_config=FontConfiguration(),
    )
    fonts = pdf.STATIC_ROOT / "fonts"
    assert sorted(fetcher.urls) == sorted(
        (fonts / f"LiberationSerif-{style}.ttf").as_uri()
        for style in ("Bold", "BoldItalic", "Italic", "Regular")
    )


# --- the phụ lục tables ----------------------------------------------------------------------


def test_the_full_score_sheet_repeats_its_header_on_every_landscape_page(tables):
    data = tables["sheet"]
    texts = [flat(t) for t in pages_text(data)]
    assert len(texts) > 5
    assert all(size == LANDSCAPE for size in page_sizes(data))
    assert all("Điểm tối đa" in text and "Điểm thẩm định" in text for text in texts)
    assert "Tổng cộng 100,00 98,50 91,00 9,00" in texts[-1]


def test_no_row_of_a_table_is_split_across_pages(tables):
    """Every row drawn on any page starts with its code in the first column: a row split
    across pages would leave a band of text there without one."""
    code = re.compile(r"^\d+(\.\d+)*$")
    for key in ("sheet", "lost"):
        data = tables[key]
        for index in range(len(page_sizes(data))):
            header, *rows = table_rows(data, index)
            assert "Mục" in [w["text"] for w in header]
            for row in rows:
                if "Tổng" in [w["text"] for w in row]:
                    continue
                leftmost = min(row, key=lambda w: (w["x0"], w["top"]))
                assert code.match(leftmost["text"]), (key, index, leftmost["text"])


def test_the_lost_criteria_table_prints_the_seed_totals(tables):
    texts = [flat(t) for t in pages_text(tables["lost"])]
    assert texts[0].startswith("PHỤ LỤC TỔNG HỢP CÁC NỘI DUNG")
    assert "Tổng cộng 20,00 18,50 11,00 9,00" in texts[-1]
    assert all(size == LANDSCAPE for size in page_sizes(tables["lost"]))


def test_the_ranking_fits_one_portrait_page(tables):
    data = tables["ranking"]
    assert page_sizes(data) == [PORTRAIT]
    text = flat(pages_text(data)[0])
    assert "3/5 Phường 1 91,00 91,00 Tốt +9,18" in text
    assert "1/5 Phường 2" in text


def test_rendering_leaves_the_garbage_collector_running_even_when_it_fails():
    assert gc.isenabled()
    pdf.render_pdf("<p>x</p>")
    assert gc.isenabled()
    with pytest.raises(FatalURLFetchingError):
        pdf.render_pdf('<img src="https://example.com/x.png">')
    assert gc.isenabled()


def test_the_landscape_appendix_table_spans_exactly_the_text_area(report):
    with pdfplumber.open(io.BytesIO(report)) as document:
        page = document.pages[_appendix_start(report)]
        verticals = [e for e in page.edges if e["orientation"] == "v"]
        top = min(w["top"] for w in page.extract_words())
    assert min(e["x0"] for e in verticals) == pytest.approx(30 * MM, abs=1)
    assert max(e["x1"] for e in verticals) == pytest.approx(A4[1] - 15 * MM, abs=1)
    assert top == pytest.approx(20 * MM, abs=3)  # "PHỤ LỤC" on the first line of the page


# --- the lean user-agent stylesheet and the cache -----------------------------------------


def test_the_lean_user_agent_stylesheet_styles_every_element_the_print_templates_use():
    folder = pdf.STATIC_ROOT.parent / "templates" / "documents" / "pdf"
    used = set()
    for template in folder.glob("*.html"):
        used |= set(re.findall(r"<([a-z][a-z0-9]*)", template.read_text(encoding="utf-8")))
    used |= {"br"}  # from the linebreaksbr filter
    styled = set(re.findall(r"(?<![\w.#:-])([a-z][a-z0-9]*)\b", pdf.UA_STYLESHEET.read_text()))
    assert used - {"html"} <= styled, used - styled


def _word_boxes(data: bytes) -> list:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [
            [(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in page.extract_words()]
            for page in document.pages
        ]


def test_the_lean_user_agent_stylesheet_lays_out_exactly_as_weasyprints_own():
    """Every word of a report and its landscape phụ lục lands where WeasyPrint's full HTML5
    user-agent stylesheet puts it."""
    from weasyprint import HTML

    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    letter = services.letter_create(assessment=assessment, kind=LetterKind.BAO_CAO)
    html = pdf.letter_html(letter_content(letter))
    font_config, css, fetcher, _ = pdf._shared()
    full = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(
        stylesheets=[css], font_config=font_config
    )
    lean = pdf.render_pdf(html)
    assert _word_boxes(lean) == _word_boxes(full)


def test_an_unchanged_document_is_rendered_once_and_then_served_from_the_cache(monkeypatch):
    renders = []
    real = pdf.render_pdf
    monkeypatch.setattr(pdf, "render_pdf", lambda html: renders.append(html) or real(html))
    first = pdf.html_to_pdf("<p>Bảng điểm, bản 1</p>")
    again = pdf.html_to_pdf("<p>Bảng điểm, bản 1</p>")
    changed = pdf.html_to_pdf("<p>Bảng điểm, bản 2</p>")
    assert len(renders) == 2  # the first and the changed one
    assert again == first and "bản 2" in pages_text(changed)[0]


def test_a_cache_outage_still_gives_the_document(monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(pdf.cache, "get", unreachable)
    monkeypatch.setattr(pdf.cache, "set", unreachable)
    assert "Độc lập" in pages_text(pdf.html_to_pdf("<p>Độc lập</p>"))[0]
