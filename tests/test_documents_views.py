"""The documents pages: anonymous → login, outsider → 404, allowed → the page or the file.

The walk a chairperson of Phường 1 takes from the browser: draft a letter from the 2023
result, edit it, submit it for signature and approve it (she signs it), issue it, find it
under the assessment, download it as PDF, Word and Excel.
"""

import io
import zipfile
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from docx import Document

from documents import services
from documents.models import (
    BundleStatus,
    DocumentBundle,
    Letter,
    LetterKind,
    LetterStatus,
    ParagraphKind,
)
from tests.documents_helpers import approved, flat, pages_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(phuong1_2023, chairperson) -> Letter:
    return services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
    )


def _user(username):
    return get_user_model().objects.get(username=username)


def _urls(assessment, letter):
    return [
        reverse("documents:index"),
        reverse("documents:assessment", args=[assessment.pk]),
        reverse("documents:assessment_table", args=[assessment.pk, "phu-luc", "xlsx"]),
        reverse("documents:ranking", args=[assessment.framework_id, assessment.period_id, "xlsx"]),
        reverse("documents:letter_detail", args=[letter.pk]),
        reverse("documents:letter_edit", args=[letter.pk]),
        reverse("documents:letter_download", args=[letter.pk, "docx"]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, phuong1_2023, draft):
    for url in _urls(phuong1_2023, draft):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_an_outsider_finds_nothing(client, outsider, phuong1_2023, draft):
    client.force_login(outsider)
    for url in _urls(phuong1_2023, draft)[1:]:
        assert client.get(url).status_code == 404, url
    post = reverse("documents:letter_issue", args=[draft.pk])
    assert client.post(post).status_code == 404


def test_the_chairperson_of_another_ward_finds_nothing_of_phuong_1(client, phuong1_2023, draft):
    client.force_login(_user("chutich.p2"))
    for url in _urls(phuong1_2023, draft)[1:3] + _urls(phuong1_2023, draft)[4:]:
        assert client.get(url).status_code == 404, url


def test_the_council_reads_the_letter_but_may_not_change_or_issue_it(client, appraiser, draft):
    client.force_login(appraiser)
    assert client.get(reverse("documents:letter_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("documents:letter_edit", args=[draft.pk])).status_code == 403
    assert client.post(reverse("documents:letter_issue", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft


def test_the_phu_luc_downloads_as_pdf_and_excel(client, chairperson, phuong1_2023):
    client.force_login(chairperson)
    response = client.get(
        reverse("documents:assessment_table", args=[phuong1_2023.pk, "phu-luc", "pdf"])
    )
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "Tổng cộng 20,00 18,50 11,00 9,00" in flat(" ".join(pages_text(response.content)))
    response = client.get(
        reverse("documents:assessment_table", args=[phuong1_2023.pk, "bang-diem", "xlsx"])
    )
    assert response["Content-Type"].endswith("spreadsheetml.sheet")


def test_a_chairperson_drafts_edits_and_issues_a_letter_from_the_browser(
    client, chairperson, phuong1_2023
):
    client.force_login(chairperson)
    page = client.get(reverse("documents:assessment", args=[phuong1_2023.pk])).content.decode()
    assert "91,00" in page and "Soạn văn bản mới" in page
    response = client.post(
        reverse("documents:letter_create", args=[phuong1_2023.pk]), {"kind": "cong_van"}
    )
    letter = Letter.objects.get(assessment=phuong1_2023)
    assert response["Location"] == reverse("documents:letter_edit", args=[letter.pk])
    page = client.get(response["Location"]).content.decode()
    assert "đứng thứ 3/5" in page and "Chưa tổ chức đánh giá chỉ số CCHC" in page

    form = _editor_form(letter)
    results = letter.paragraphs.get(kind=ParagraphKind.RESULTS)
    form[f"p-{results.pk}"] = "Kết quả năm 2023 đạt 91,00/100 điểm, đứng thứ 3/5."
    form["action"] = f"add:{results.pk}"
    response = client.post(reverse("documents:letter_edit", args=[letter.pk]), form)
    assert response.status_code == 302
    added = letter.paragraphs.get(position=2)
    assert added.kind == ParagraphKind.TEXT and added.text == ""
    assert response["Location"].endswith(f"#p-{added.pk}")

    form = _editor_form(letter)
    form[f"p-{added.pk}"] = "Đoạn văn do văn phòng thêm vào."
    client.post(reverse("documents:letter_edit", args=[letter.pk]), form)
    # She drafted it and signs it: she submits it to herself and approves it (trình ký).
    client.post(reverse("documents:letter_submit", args=[letter.pk]))
    client.post(reverse("documents:letter_approve", args=[letter.pk]))
    response = client.post(
        reverse("documents:letter_issue", args=[letter.pk]),
        {"number": "105", "date": "2024-02-28"},
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.number, letter.date) == (105, date(2024, 2, 28))

    page = client.get(reverse("documents:assessment", args=[phuong1_2023.pk])).content.decode()
    assert "105/UBND-VP" in page and "28/02/2024" in page
    pdf = client.get(reverse("documents:letter_download", args=[letter.pk, "pdf"])).content
    with letter.pdf.open("rb") as stored:
        assert pdf == stored.read()
    text = flat(" ".join(pages_text(pdf)))
    assert "Số: 105/UBND-VP" in text and "Đoạn văn do văn phòng thêm vào." in text
    docx = client.get(reverse("documents:letter_download", args=[letter.pk, "docx"]))
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "Đoạn văn do văn phòng thêm vào." in paragraphs
    xlsx = client.get(reverse("documents:letter_download", args=[letter.pk, "xlsx"]))
    assert xlsx["Content-Disposition"].endswith('cong-van-105-UBND-VP-2024-phu-luc.xlsx"')
    assert client.get(reverse("documents:letter_edit", args=[letter.pk])).status_code == 403


def _editor_form(letter: Letter) -> dict:
    """What the editor page posts back, unchanged."""
    letter.refresh_from_db()
    form = {
        f"h-{name}": getattr(letter, name) or ""
        for name in (
            "parent_body",
            "issuing_body",
            "symbol",
            "place",
            "subject",
            "recipients",
            "bases",
            "grouping",
            "receivers",
            "signing_authority",
            "signing_form",
            "signer_title",
            "signer_name",
        )
    }
    form["h-signer"] = letter.signer_id or ""
    form["h-with_appendix"] = "on"
    for paragraph in letter.paragraphs.all():
        if paragraph.kind != ParagraphKind.DIRECTIONS:
            form[f"p-{paragraph.pk}"] = paragraph.text
    for direction in letter.directions.all():
        form[f"d-{direction.pk}-reason"] = direction.reason
        form[f"d-{direction.pk}-action"] = direction.action
        form[f"d-{direction.pk}-deadline"] = direction.deadline.isoformat()
    return form


def test_the_editor_refuses_a_bad_deadline_and_keeps_what_was_typed(client, chairperson, draft):
    client.force_login(chairperson)
    form = _editor_form(draft)
    direction = draft.directions.get(criterion_code="1.7")
    form[f"d-{direction.pk}-action"] = "Ban hành kế hoạch kiểm tra"
    form[f"d-{direction.pk}-deadline"] = "31/02/2024"
    page = client.post(reverse("documents:letter_edit", args=[draft.pk]), form).content.decode()
    assert "Tiêu chí 1.7: thời hạn “31/02/2024” không phải là ngày" in page
    assert "Ban hành kế hoạch kiểm tra</textarea>" in page
    direction.refresh_from_db()
    assert direction.action == ""  # nothing saved


def test_changing_the_grouping_on_the_editor_regroups_the_directions(client, chairperson, draft):
    client.force_login(chairperson)
    form = _editor_form(draft)
    form["h-grouping"] = "department"
    client.post(reverse("documents:letter_edit", args=[draft.pk]), form)
    assert draft.directions.first().group == "Văn phòng - Thống kê"


def test_posts_without_the_csrf_token_are_refused(chairperson, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chairperson)
    response = client.post(reverse("documents:letter_issue", args=[draft.pk]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_staff_member_reads_the_ward_letters_but_drafts_none(client, phuong1_2023, draft):
    client.force_login(_user("motcua.p1"))
    page = client.get(reverse("documents:assessment", args=[phuong1_2023.pk])).content.decode()
    assert "Soạn văn bản mới" not in page
    response = client.post(
        reverse("documents:letter_create", args=[phuong1_2023.pk]), {"kind": "cong_van"}
    )
    assert response.status_code == 403
    assert client.get(reverse("documents:letter_detail", args=[draft.pk])).status_code == 200


def test_the_documents_pages_cost_a_fixed_number_of_queries(
    client, appraiser, chairperson, phuong1_2023, draft, django_assert_max_num_queries
):
    client.force_login(appraiser)
    # 9 since the index shows the chosen period's ranking: the periods for the selector, the
    # ranking's rows and the period each change is against (issue 13).
    with django_assert_max_num_queries(9):
        client.get(reverse("documents:index"))
    client.force_login(chairperson)
    with django_assert_max_num_queries(11):
        client.get(reverse("documents:assessment", args=[phuong1_2023.pk]))
    # 12 since trình ký: the signer's choices, and her menu's count of letters awaiting her.
    with django_assert_max_num_queries(12):
        client.get(reverse("documents:letter_edit", args=[draft.pk]))
    with django_assert_max_num_queries(13):
        client.get(reverse("documents:letter_detail", args=[draft.pk]))


def test_a_council_bundles_every_units_phu_luc_and_follows_the_progress(
    client, appraiser, phuong1_2023, django_capture_on_commit_callbacks
):
    client.force_login(appraiser)
    url = reverse(
        "documents:bundle_start", args=[phuong1_2023.framework_id, phuong1_2023.period_id]
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url)
    bundle = DocumentBundle.objects.get()
    assert len(callbacks) == 1  # the builder starts once the request has committed
    assert (bundle.total, bundle.status) == (5, BundleStatus.PENDING)
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and "0/5 đơn vị" in page

    callbacks[0]()  # hands the bundle to the worker (here, without a broker, runs it at once)
    bundle.refresh_from_db()
    assert (bundle.status, bundle.attempts) == (BundleStatus.DONE, 1)
    page = client.get(response["Location"]).content.decode()
    assert "5/5 đơn vị (100%)" in page and 'http-equiv="refresh"' not in page
    download = client.get(reverse("documents:bundle_download", args=[bundle.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    names = zipfile.ZipFile(io.BytesIO(download.getvalue())).namelist()
    assert len(names) == 12
    assert "phu-luc-tieu-chi-bi-tru-diem-TXQT-P1-2023.pdf" in names
    assert "xep-hang-2023.xlsx" in names

    client.force_login(_user("chutich.p1"))
    assert client.get(response["Location"]).status_code == 404


def test_a_ward_chairperson_bundles_only_her_own_ward(client, chairperson, phuong1_2023):
    client.force_login(chairperson)
    client.post(
        reverse("documents:bundle_start", args=[phuong1_2023.framework_id, phuong1_2023.period_id])
    )
    assert DocumentBundle.objects.get().assessment_ids == [phuong1_2023.pk]


def test_issuing_with_a_number_already_used_says_which_is_free(
    client, chairperson, phuong1_2023, draft
):
    services.letter_issue(letter=approved(draft), number=7, when=date(2024, 3, 1))
    second = approved(services.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN))
    client.force_login(chairperson)
    response = client.post(
        reverse("documents:letter_issue", args=[second.pk]), {"number": "7", "date": "2024-03-02"}
    )
    assert response.status_code == 400
    assert "số tiếp theo còn trống là 08" in response.content.decode()
    second.refresh_from_db()
    assert second.status == LetterStatus.APPROVED and second.number is None


def test_the_admin_lists_letters_and_bundles_for_looking_up(admin_client, draft):
    response = admin_client.get(reverse("admin:documents_letter_changelist"))
    assert response.status_code == 200 and "Dự thảo công văn" in response.content.decode()
    assert admin_client.get(reverse("admin:documents_documentbundle_changelist")).status_code == 200


def test_the_editor_buttons_add_a_heading_move_and_delete_paragraphs_and_directions(
    client, chairperson, draft
):
    client.force_login(chairperson)
    url = reverse("documents:letter_edit", args=[draft.pk])

    def press(action):
        form = _editor_form(draft)
        form["action"] = action
        response = client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:500]

    first = draft.paragraphs.first()
    press(f"heading:{first.pk}")
    heading = draft.paragraphs.get(position=2)
    assert heading.kind == ParagraphKind.HEADING
    press(f"up:{heading.pk}")
    assert draft.paragraphs.first() == heading
    press(f"delete:{heading.pk}")
    assert not draft.paragraphs.filter(pk=heading.pk).exists()
    direction = draft.directions.get(criterion_code="7.2")
    press(f"delete-direction:{direction.pk}")
    assert draft.directions.count() == 15
    press("redraft-directions")
    assert draft.directions.count() == 16
    form = _editor_form(draft)
    form["action"] = "delete:999999"
    assert "Không tìm thấy đoạn văn cần thao tác." in client.post(url, form).content.decode()


def _stored(letter: Letter) -> tuple:
    """Everything the editor may write, to compare before and after a refused post."""
    return (
        Letter.objects.filter(pk=letter.pk).values().get(),
        list(letter.paragraphs.values_list("pk", "position", "kind", "text")),
        list(letter.directions.values_list("pk", "position", "group", "reason", "action")),
    )


@pytest.mark.parametrize(("char", "name"), [("\x00", "NUL"), ("\x07", "U+0007")])
def test_a_control_character_in_the_body_is_refused_naming_the_field(
    client, chairperson, draft, char, name
):
    # A NUL in a paragraph was a server error on PostgreSQL (it cannot store one in text).
    client.force_login(chairperson)
    form = _editor_form(draft)
    paragraph = draft.paragraphs.exclude(kind=ParagraphKind.DIRECTIONS).last()
    direction = draft.directions.get(criterion_code="1.7")
    form[f"p-{paragraph.pk}"] = f"Đề nghị{char} các bộ phận"
    form[f"d-{direction.pk}-reason"] = f"Chưa{char} đầy đủ"
    form[f"d-{direction.pk}-action"] = f"Bổ sung{char} hồ sơ"
    form["g-0-old"], form["g-0-new"] = direction.group, f"Nhóm{char} một"
    before = _stored(draft)
    response = client.post(reverse("documents:letter_edit", args=[draft.pk]), form)
    assert response.status_code == 400
    page = response.content.decode()
    refused = f"nội dung có ký tự không hợp lệ ({name}); hãy xóa ký tự đó rồi nhập lại."
    for label in (
        f"Đoạn thứ {paragraph.position}",
        "Tiêu chí 1.7 (lý do bị trừ điểm)",
        "Tiêu chí 1.7 (nhiệm vụ)",
        "Tên nhóm 1",
    ):
        assert f"{label}: {refused}" in page, label
    assert _stored(draft) == before


def test_a_control_character_in_a_header_field_is_refused(client, chairperson, draft):
    client.force_login(chairperson)
    form = _editor_form(draft)
    form["h-subject"] = "Về việc\x1b khắc phục"
    before = _stored(draft)
    response = client.post(reverse("documents:letter_edit", args=[draft.pk]), form)
    assert response.status_code == 400
    assert (
        "Trích yếu nội dung: Nội dung có ký tự không hợp lệ (U+001B); hãy xóa ký tự đó rồi nhập "
        "lại." in response.content.decode()
    )
    assert _stored(draft) == before


def test_a_paragraph_past_the_size_limit_is_refused_and_kept_in_its_box(client, chairperson, draft):
    client.force_login(chairperson)
    form = _editor_form(draft)
    paragraph = draft.paragraphs.exclude(kind=ParagraphKind.DIRECTIONS).last()
    typed = "Đề nghị các bộ phận khắc phục. " * 700  # 21.700 characters
    form[f"p-{paragraph.pk}"] = typed
    before = _stored(draft)
    response = client.post(reverse("documents:letter_edit", args=[draft.pk]), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        f"Đoạn thứ {paragraph.position} dài 21.699 ký tự, quá giới hạn 20.000 ký tự; hãy rút "
        "gọn hoặc tách thành nhiều đoạn." in page
    )
    assert typed.strip() in page  # what was typed is not lost
    assert _stored(draft) == before


def test_a_header_field_past_its_size_limit_is_refused(client, chairperson, draft):
    client.force_login(chairperson)
    form = _editor_form(draft)
    form["h-bases"] = "\n".join(["Căn cứ Luật Tổ chức chính quyền địa phương;"] * 100)
    before = _stored(draft)
    response = client.post(reverse("documents:letter_edit", args=[draft.pk]), form)
    assert response.status_code == 400
    assert "Căn cứ: Tối đa 3.000 ký tự (đang có 4399); hãy rút gọn." in response.content.decode()
    assert _stored(draft) == before


# --- irreversible steps: what the page says before and after (issue 14) -----------------------


def test_the_letter_page_says_what_deleting_and_issuing_will_do_before_it_is_done(
    client, chairperson, draft
):
    client.force_login(chairperson)
    page = client.get(reverse("documents:letter_detail", args=[draft.pk])).content.decode()
    assert 'data-confirm-title="Xóa dự thảo?"' in page
    assert "sẽ bị xóa hẳn, không khôi phục được" in page
    assert 'data-confirm-title="Trình ký văn bản?"' in page
    assert 'data-confirm-title="Ban hành văn bản?"' not in page  # not before her approval
    approved(draft)
    page = client.get(reverse("documents:letter_detail", args=[draft.pk])).content.decode()
    assert 'data-confirm-title="Ban hành văn bản?"' in page
    assert "Văn bản được cấp số {number}/UBND-VP, ghi ngày {date}" in page
    assert '<dialog id="confirm-dialog"' in page


def test_deleting_a_draft_says_which_draft_was_deleted(client, chairperson, phuong1_2023, draft):
    client.force_login(chairperson)
    draft.subject = "Về việc khắc phục những hạn chế, tồn tại trong công tác cải cách hành chính"
    draft.save()
    response = client.post(reverse("documents:letter_delete", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("documents:assessment", args=[phuong1_2023.pk])
    assert (
        "Đã xóa dự thảo công văn “Về việc khắc phục những hạn chế, tồn tại trong công tác cải "
        "cách hành chính”." in response.content.decode()
    )
    assert not Letter.objects.filter(pk=draft.pk).exists()


def test_issuing_says_the_number_once(client, chairperson, draft):
    approved(draft)
    client.force_login(chairperson)
    response = client.post(
        reverse("documents:letter_issue", args=[draft.pk]),
        {"number": "105", "date": "2024-02-28"},
        follow=True,
    )
    page = response.content.decode()
    assert page.count("Đã ban hành Công văn số 105/UBND-VP") == 1
    assert "Xóa dự thảo" not in page
