"""The letter composer: drafted from the numbers, edited, issued with a number, then frozen."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from documents import services
from documents.content import letter_content
from documents.directions import DirectionItem
from documents.models import Grouping, Letter, LetterKind, ParagraphKind
from scoring.models import Assessment, Score
from tests.documents_helpers import approved, flat, pages_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def letter(phuong1_2023, chairperson) -> Letter:
    return services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
    )


def _body(letter: Letter) -> str:
    return "\n".join(block.text for block in letter_content(letter).body)


def test_the_draft_states_the_result_from_the_numbers(letter):
    results = letter.paragraphs.get(kind=ParagraphKind.RESULTS).text
    assert "đạt 91,00/100 điểm, xếp loại Tốt, đứng thứ 3/5 phường, xã" in results
    assert "trên địa bàn thị xã Quảng Trị (tăng 9,18 điểm so với năm 2022)" in results
    assert "Tổng số điểm bị trừ là 9,00 điểm, ở 16 tiêu chí" in results


def test_the_draft_cites_the_decision_that_published_the_index(letter):
    assert letter.bases.startswith("Căn cứ Quyết định số 1299/QĐ-UBND ngày 29/12/2023")


def test_the_draft_is_signed_by_the_deputy_chairperson_for_the_committee(letter):
    content = letter_content(letter)
    assert content.signing_authority == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    assert (content.signer_title, content.signer_name) == ("PHÓ CHỦ TỊCH", "Lê Thị Huệ")
    assert content.issuing_body == ["ỦY BAN NHÂN DÂN", "PHƯỜNG 1"]
    assert content.receivers[-1] == "- Lưu: VT, VP."


def test_a_coordinator_drafting_still_gets_the_chairperson_as_signer(phuong1_2023):
    coordinator = get_user_model().objects.get(username="cchc.p1")
    letter = services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.BAO_CAO, user=coordinator
    )
    assert letter.signer_name == "Lê Thị Huệ"


def test_each_lost_criterion_becomes_a_direction_with_the_councils_reason(letter):
    directions = list(letter.directions.all())
    assert len(directions) == 16
    first = directions[0]
    assert first.criterion_code == "1.1.3"
    assert first.reason.startswith("Hoàn thành 44/46 nhiệm vụ")
    assert first.deadline == date(2024, 10, 31)
    assert first.group == "Về công tác chỉ đạo, điều hành cải cách hành chính"
    body = _body(letter)
    assert "1. Về công tác chỉ đạo, điều hành cải cách hành chính" in body
    assert "- Tiêu chí 1.5.3 “Tổ chức thực hiện đánh giá chỉ số đã công bố" in body
    assert "(bị trừ 1,00 điểm): Chưa tổ chức đánh giá chỉ số CCHC" in body
    assert "Thời hạn hoàn thành: trước ngày 31/10/2024." in body


def test_grouping_by_department_keeps_the_offices_edits(letter):
    direction = letter.directions.get(criterion_code="1.5.3")
    services.letter_save_body(
        letter=letter,
        paragraphs={},
        directions={direction.pk: {"action": "Tổ chức đánh giá trước 30/6.", "deadline": None}},
    )
    services.letter_update(letter=letter, fields={"grouping": Grouping.DEPARTMENT})
    groups = list(dict.fromkeys(letter.directions.values_list("group", flat=True)))
    assert groups[0] == "Văn phòng - Thống kê"
    assert "Bộ phận tiếp nhận và trả kết quả" in groups
    assert groups[-1] == "Các công chức liên quan"  # no department: the note, last
    assert letter.directions.get(criterion_code="1.5.3").action == "Tổ chức đánh giá trước 30/6."


def test_grouping_by_official_names_each_official(letter):
    services.letter_update(letter=letter, fields={"grouping": Grouping.OFFICIAL})
    body = _body(letter)
    assert "Đồng chí Nguyễn Thị Thu Hà, Công chức Văn phòng - Thống kê (phụ trách CCHC)" in body
    assert "Đồng chí Trần Văn Minh, Công chức Bộ phận tiếp nhận và trả kết quả" in body


def test_the_office_may_rename_a_group(letter):
    services.letter_save_body(
        letter=letter,
        paragraphs={},
        directions={},
        group_names={"Về cải cách thủ tục hành chính": "Về cải cách TTHC"},
    )
    assert "Về cải cách TTHC" in _body(letter)
    assert letter.directions.filter(group="Về cải cách TTHC").count() == 6


def test_free_paragraphs_go_anywhere_and_move(letter):
    results = letter.paragraphs.get(kind=ParagraphKind.RESULTS)
    added = services.letter_paragraph_add(letter=letter, after=results, text="Đoạn thêm.")
    kinds = list(letter.paragraphs.values_list("kind", flat=True))
    assert kinds[:3] == [ParagraphKind.RESULTS, ParagraphKind.TEXT, ParagraphKind.TEXT]
    services.letter_paragraph_move(paragraph=added, offset=-1)
    assert letter.paragraphs.first().text == "Đoạn thêm."
    heading = services.letter_paragraph_add(letter=letter, kind=ParagraphKind.HEADING)
    assert letter.paragraphs.first() == heading
    services.letter_paragraph_delete(paragraph=heading)
    assert letter.paragraphs.first().text == "Đoạn thêm."


def test_the_directions_block_cannot_be_deleted(letter):
    block = letter.paragraphs.get(kind=ParagraphKind.DIRECTIONS)
    with pytest.raises(ValidationError, match="Không xóa được phần các nhiệm vụ"):
        services.letter_paragraph_delete(paragraph=block)


def test_the_body_always_ends_with_the_closing_mark(letter):
    last = letter.paragraphs.last()
    services.letter_save_body(
        letter=letter, paragraphs={last.pk: "Đề nghị thực hiện nghiêm túc."}, directions={}
    )
    assert letter_content(letter).body[-1].text == "Đề nghị thực hiện nghiêm túc./."


def test_directions_can_come_from_elsewhere_through_the_seam(letter):
    task = DirectionItem(
        criterion_code="7.2",
        criterion_title="Thông tin cung cấp trên Cổng/Trang thông tin điện tử",
        field_code="7",
        field_title="Xây dựng và phát triển chính quyền điện tử, chính quyền số",
        lost=D("1"),
        reason="Chưa cung cấp đầy đủ thông tin",
        action="Cập nhật đủ thông tin theo Nghị định 42",
        deadline=date(2024, 5, 31),
        department="Văn hóa - Xã hội",
        source="task",
        source_id=7,
    )
    services.letter_set_directions(letter=letter, items=[task])
    body = _body(letter)
    assert "1. Về xây dựng và phát triển chính quyền điện tử, chính quyền số" in body
    assert (
        "Cập nhật đủ thông tin theo Nghị định 42. Thời hạn hoàn thành: trước ngày 31/05/2024"
        in (body)
    )


def test_issuing_takes_the_next_number_of_the_units_series_for_the_year(phuong1_2023, letter):
    issued = services.letter_issue(letter=approved(letter), when=date(2024, 2, 27))
    assert (issued.number, issued.number_year, issued.status) == (1, 2024, "issued")
    second = services.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN)
    second = services.letter_issue(letter=approved(second), when=date(2024, 3, 1))
    assert second.number == 2
    next_year = services.letter_create(assessment=phuong1_2023, kind=LetterKind.CHI_THI)
    assert services.letter_issue(letter=approved(next_year), when=date(2025, 1, 6)).number == 1
    other_unit = Assessment.objects.get(unit__code="TXQT-P2", period__year=2023)
    other = services.letter_create(assessment=other_unit, kind=LetterKind.CONG_VAN)
    assert services.letter_issue(letter=approved(other), when=date(2024, 2, 28)).number == 1


def test_a_number_taken_from_the_register_is_used_and_a_used_one_refused(phuong1_2023, letter):
    issued = services.letter_issue(letter=approved(letter), number=105, when=date(2024, 2, 28))
    assert str(issued) == "Công văn số 105/UBND-VP"
    assert letter_content(issued).number == "105/UBND-VP"
    again = approved(services.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN))
    with pytest.raises(ValidationError, match=r"Số 105 năm 2024 .* số tiếp theo còn trống là 106"):
        services.letter_issue(letter=again, number=105, when=date(2024, 3, 1))
    again.refresh_from_db()
    assert again.status == "approved" and again.number is None


def test_an_issued_letter_stores_its_pdf_and_cannot_be_edited(letter):
    issued = services.letter_issue(letter=approved(letter), when=date(2024, 2, 28))
    text = flat(" ".join(pages_text(issued.pdf.read())))
    assert "Số: 01/UBND-VP" in text and "Phường 1, ngày 28 tháng 02 năm 2024" in text
    with pytest.raises(ValidationError, match="đã ban hành nên không sửa được"):
        services.letter_update(letter=issued, fields={"subject": "khác"})
    with pytest.raises(ValidationError):
        services.letter_issue(letter=issued)


def test_later_score_edits_do_not_change_an_issued_letter(phuong1_2023, letter):
    issued = services.letter_issue(letter=approved(letter), when=date(2024, 2, 28))
    stored_pdf = issued.pdf.read()
    score = phuong1_2023.scores.select_related("criterion", "assessment__framework").get(
        criterion__code="1.5.3"
    )
    # A correction made after publication (the services refuse it; an administrator's fix).
    Score.objects.filter(pk=score.pk).update(appraised_value=D("1.00"))
    issued.refresh_from_db()
    content = letter_content(issued)
    assert content.appendix.rows[-1].cells[2:6] == [D("20"), D("18.5"), D("11"), D("9")]
    assert "91,00/100 điểm" in "\n".join(b.text for b in content.body)
    with issued.pdf.open("rb") as stream:
        assert stream.read() == stored_pdf
    fresh = services.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN)
    fresh_content = letter_content(fresh)
    assert "92,00/100 điểm" in fresh_content.body[0].text
    assert fresh_content.appendix.rows[-1].cells[2:6] == [
        D("19.00"),
        D("17.50"),
        D("11.00"),
        D("8.00"),
    ]


def test_refreshing_the_results_paragraph_takes_the_latest_numbers(phuong1_2023, letter):
    score = phuong1_2023.scores.select_related("criterion", "assessment__framework").get(
        criterion__code="1.7"
    )
    # A correction made after publication (the services refuse it; an administrator's fix).
    Score.objects.filter(pk=score.pk).update(appraised_value=D("1.00"))
    assert "91,00/100" in letter.paragraphs.get(kind=ParagraphKind.RESULTS).text
    services.letter_refresh_results(letter=letter)
    assert "92,00/100" in letter.paragraphs.get(kind=ParagraphKind.RESULTS).text


def test_a_letter_without_appendix_carries_no_phu_luc(letter):
    services.letter_update(letter=letter, fields={"with_appendix": False})
    assert letter_content(letter).appendix is None
    issued = services.letter_issue(letter=approved(letter), when=date(2024, 2, 28))
    assert not any("PHỤ LỤC" in text for text in pages_text(issued.pdf.read()))


def test_a_body_past_the_total_size_limit_is_refused_whole(letter):
    # Each paragraph within its own limit, together past the letter's: 6 × 19.000 characters.
    texts = [("Nội dung " * 2375)[:19_000]] * 6
    added = [services.letter_paragraph_add(letter=letter, text=text) for text in texts[:5]]
    before = list(letter.paragraphs.values_list("pk", "text"))
    last = letter.paragraphs.exclude(kind=ParagraphKind.DIRECTIONS).exclude(
        pk__in=[p.pk for p in added]
    )[0]
    with pytest.raises(ValidationError) as refused:
        services.letter_save_body(letter=letter, paragraphs={last.pk: texts[5]}, directions={})
    assert "quá giới hạn 100.000 ký tự (khoảng 30 trang); hãy rút gọn." in refused.value.messages[0]
    assert list(letter.paragraphs.values_list("pk", "text")) == before


def test_a_direction_past_the_size_limit_is_refused(letter):
    direction = letter.directions.get(criterion_code="1.7")
    with pytest.raises(ValidationError) as refused:
        services.letter_save_body(
            letter=letter, paragraphs={}, directions={direction.pk: {"action": "x" * 20_001}}
        )
    assert refused.value.messages == [
        "Tiêu chí 1.7: nhiệm vụ dài 20.001 ký tự, quá giới hạn 20.000 ký tự; hãy rút gọn "
        "hoặc tách thành nhiều đoạn."
    ]
    direction.refresh_from_db()
    assert direction.action == ""  # as drafted: nothing saved


def test_a_letter_holds_at_most_200_paragraphs(letter):
    count = letter.paragraphs.count()
    for _ in range(services.MAX_PARAGRAPHS - count):
        services.letter_paragraph_add(letter=letter, text="Đoạn")
    with pytest.raises(ValidationError) as refused:
        services.letter_paragraph_add(letter=letter, text="Một đoạn nữa")
    assert refused.value.messages == [
        "Văn bản đã có 200 đoạn, là số đoạn tối đa (200); hãy gộp hoặc xóa bớt đoạn trước khi thêm."
    ]
    assert letter.paragraphs.count() == 200
