"""Trình ký: a letter reaches its named signer, who approves it or sends it back; only then
is it issued. The walk of Phường 1: Nguyễn Thị Thu Hà (coordinator) drafts and submits, Lê
Thị Huệ (deputy chairperson, the signer) approves or returns, the office issues."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents import approval, services
from documents.models import Letter, LetterAction, LetterKind, LetterStatus, SigningForm
from documents.series import series_of
from notices.models import Notice, NoticeKind
from scoring.models import Assessment, Official, Role
from tests.documents_helpers import approved

pytestmark = pytest.mark.django_db


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _detail(letter: Letter) -> str:
    return reverse("documents:letter_detail", args=[letter.pk])


def _url(name: str, letter: Letter) -> str:
    return reverse(f"documents:{name}", args=[letter.pk])


@pytest.fixture
def draft(phuong1_2023, coordinator) -> Letter:
    """A công văn the coordinator drafted; its signer is Lê Thị Huệ (KT. CHỦ TỊCH)."""
    return services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=coordinator
    )


@pytest.fixture
def submitted(draft, coordinator) -> Letter:
    return approval.letter_submit(letter=draft, user=coordinator)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def _stored(letter: Letter) -> tuple:
    letter.refresh_from_db()
    return (letter.status, letter.number, bool(letter.pdf), letter.issued_at)


# --- only an approved letter is issued --------------------------------------------------------


def test_a_coordinator_cannot_issue_a_draft(client, coordinator, draft):
    client.force_login(coordinator)
    before = _stored(draft)
    response = client.post(_url("letter_issue", draft), {"number": "", "date": "28/02/2024"})
    assert response.status_code == 400
    assert "Lê Thị Huệ chưa duyệt ký nên chưa ban hành được; hãy trình ký" in (
        response.content.decode()
    )
    assert _stored(draft) == before == (LetterStatus.DRAFT, None, False, None)
    assert not draft.events.filter(action=LetterAction.ISSUED).exists()


def test_a_coordinator_cannot_issue_a_submitted_letter(client, coordinator, submitted):
    client.force_login(coordinator)
    response = client.post(_url("letter_issue", submitted), {})
    assert response.status_code == 400
    assert "Văn bản đang chờ Lê Thị Huệ duyệt ký nên chưa ban hành được" in (
        response.content.decode()
    )
    assert _stored(submitted) == (LetterStatus.SUBMITTED, None, False, None)
    with pytest.raises(ValidationError, match="đang chờ Lê Thị Huệ duyệt ký"):
        services.letter_issue(letter=submitted, user=coordinator)


def test_the_named_signer_approves_and_the_office_issues(
    client, coordinator, chairperson, submitted
):
    client.force_login(chairperson)
    page = client.get(_detail(submitted)).content.decode()
    assert 'data-confirm-title="Duyệt ký văn bản?"' in page
    assert 'data-confirm-title="Trả lại dự thảo?"' in page
    assert 'data-confirm-title="Ban hành văn bản?"' not in page
    response = client.post(_url("letter_approve", submitted), {"comment": "Đồng ý."})
    assert response.status_code == 302 and response["Location"] == _detail(submitted)
    submitted.refresh_from_db()
    assert submitted.status == LetterStatus.APPROVED
    assert submitted.approved_by == chairperson and submitted.approved_at is not None

    client.force_login(coordinator)
    page = client.get(_detail(submitted)).content.decode()
    assert 'data-confirm-title="Ban hành văn bản?"' in page
    assert 'data-confirm-title="Duyệt ký văn bản?"' not in page
    response = client.post(_url("letter_issue", submitted), {"number": "", "date": "28/02/2024"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.number, submitted.date) == (
        LetterStatus.ISSUED,
        1,
        date(2024, 2, 28),
    )
    assert submitted.issued_by == coordinator and submitted.pdf


def test_the_signer_may_also_issue_what_she_approved(client, chairperson, submitted):
    client.force_login(chairperson)
    client.post(_url("letter_approve", submitted))
    response = client.post(_url("letter_issue", submitted), {"date": "01/03/2024"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == LetterStatus.ISSUED and submitted.issued_by == chairperson


# --- only the signer approves or sends back -----------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("cchc.p1", 403),  # the coordinator who submitted it
        ("admin", 403),  # the system administrator sees everything, signs nothing
        ("thamdinh.txqt", 403),  # the council above sees it
        ("motcua.p1", 403),  # a staff member of the ward sees it
        ("chutich.p2", 404),  # another ward's chairperson does not even see it
    ],
)
def test_no_one_but_the_named_signer_approves_or_sends_back(client, submitted, username, status):
    client.force_login(_user(username))
    assert client.post(_url("letter_approve", submitted)).status_code == status
    response = client.post(_url("letter_return", submitted), {"comment": "Sửa"})
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.status == LetterStatus.SUBMITTED and submitted.approved_by is None


def test_another_coordinator_cannot_approve_through_the_service_either(submitted, coordinator):
    with pytest.raises(ValidationError, match=r"Chỉ người được trình ký \(Lê Thị Huệ\)"):
        approval.letter_approve(letter=submitted, user=coordinator)
    submitted.refresh_from_db()
    assert submitted.status == LetterStatus.SUBMITTED


def test_a_signer_who_left_the_post_can_no_longer_approve(client, chairperson, submitted):
    Official.objects.filter(user=chairperson).update(ended_on=date(2020, 1, 1))
    client.force_login(chairperson)
    assert client.post(_url("letter_approve", submitted)).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == LetterStatus.SUBMITTED


def test_the_deputy_named_as_signer_approves_and_the_other_leader_cannot(
    client, phuong1_2023, coordinator, chairperson
):
    """The right to approve comes from being named on the letter, not from leading the unit:
    with a second deputy named, Lê Thị Huệ (also a leader of the ward) is refused."""
    deputy = get_user_model().objects.create_user("phochutich.p1", full_name="Đặng Văn Phó")
    post = Official.objects.create(
        user=deputy,
        unit=phuong1_2023.unit,
        role=Role.CHAIRPERSON,
        title="Phó Chủ tịch UBND phường",
    )
    letter = services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.BAO_CAO, user=coordinator
    )
    services.letter_update(letter=letter, fields={"signer": post})
    assert (letter.signer_name, letter.signing_form) == ("Đặng Văn Phó", SigningForm.KT)
    approval.letter_submit(letter=letter, user=coordinator)
    client.force_login(chairperson)
    assert client.post(_url("letter_approve", letter)).status_code == 403
    client.force_login(deputy)
    assert client.get(_detail(letter)).status_code == 200
    assert client.post(_url("letter_approve", letter)).status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.APPROVED and letter.approved_by == deputy


# --- sending back, withdrawing, editing ---------------------------------------------------------


def test_sending_back_needs_a_comment_and_returns_the_letter_to_draft(
    client, chairperson, submitted
):
    client.force_login(chairperson)
    response = client.post(_url("letter_return", submitted), {"comment": "   "})
    assert response.status_code == 302
    assert "Trả lại dự thảo cần ý kiến của người ký; hãy ghi rõ nội dung cần sửa." in (
        _messages(response)
    )
    submitted.refresh_from_db()
    assert submitted.status == LetterStatus.SUBMITTED
    assert not submitted.events.filter(action=LetterAction.RETURNED).exists()

    comment = "Bổ sung thời hạn cho tiêu chí 1.5.3."
    response = client.post(_url("letter_return", submitted), {"comment": comment})
    submitted.refresh_from_db()
    assert submitted.status == LetterStatus.DRAFT and submitted.submitted_at is None
    event = submitted.events.get(action=LetterAction.RETURNED)
    assert (event.actor, event.comment) == (chairperson, comment)
    page = client.get(_detail(submitted)).content.decode()
    assert f"Trả lại để sửa</strong>: Lê Thị Huệ. Ý kiến: “{comment}”" in page


def test_a_submitted_letter_is_not_editable_until_withdrawn(client, coordinator, submitted):
    with pytest.raises(ValidationError, match="đang trình ký nên không sửa được; hãy rút lại"):
        services.letter_update(letter=submitted, fields={"subject": "Nội dung khác"})
    paragraph = submitted.paragraphs.first()
    with pytest.raises(ValidationError, match="đang trình ký"):
        services.letter_save_body(
            letter=submitted, paragraphs={paragraph.pk: "Khác"}, directions={}
        )
    client.force_login(coordinator)
    assert client.get(_url("letter_edit", submitted)).status_code == 403
    assert client.post(_url("letter_delete", submitted)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.subject != "Nội dung khác"

    response = client.post(_url("letter_withdraw", submitted))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == LetterStatus.DRAFT
    services.letter_update(letter=submitted, fields={"subject": "Nội dung khác"})
    assert client.get(_url("letter_edit", submitted)).status_code == 200


def test_withdrawing_an_approved_letter_loses_the_approval(client, coordinator, draft):
    letter = approved(draft)
    with pytest.raises(ValidationError, match="đã được duyệt ký nên không sửa được"):
        services.letter_update(letter=letter, fields={"subject": "Sửa sau khi duyệt"})
    client.force_login(coordinator)
    client.post(_url("letter_withdraw", letter), {"comment": "Cần sửa trích yếu."})
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    assert (letter.approved_by, letter.approved_at) == (None, None)
    with pytest.raises(ValidationError, match="chưa duyệt ký"):
        services.letter_issue(letter=letter)


def test_a_draft_cannot_be_withdrawn_nor_a_letter_submitted_twice(client, coordinator, draft):
    client.force_login(coordinator)
    assert client.post(_url("letter_withdraw", draft)).status_code == 403
    approval.letter_submit(letter=draft, user=coordinator)
    with pytest.raises(ValidationError, match="không phải dự thảo, nên không trình ký được"):
        approval.letter_submit(letter=draft, user=coordinator)
    assert client.post(_url("letter_submit", draft)).status_code == 403


# --- history and notices ------------------------------------------------------------------------


def test_every_step_is_in_the_history_and_tells_the_next_person(
    client, coordinator, chairperson, draft
):
    approval.letter_submit(letter=draft, user=coordinator, comment="Kính trình chị xem.")
    assert Notice.objects.get(user=chairperson, kind=NoticeKind.LETTER_SUBMITTED).url == (
        _detail(draft)
    )
    assert not Notice.objects.filter(user=coordinator).exists()
    approval.letter_return(letter=draft, user=chairperson, comment="Sửa đoạn 2.")
    returned = Notice.objects.get(user=coordinator, kind=NoticeKind.LETTER_RETURNED)
    assert "Lê Thị Huệ đã trả lại dự thảo" in returned.text and "Sửa đoạn 2." in returned.text
    approval.letter_submit(letter=draft, user=coordinator)
    approval.letter_approve(letter=draft, user=chairperson)
    assert Notice.objects.filter(user=coordinator, kind=NoticeKind.LETTER_APPROVED).count() == 1
    services.letter_issue(letter=draft, user=coordinator, when=date(2024, 2, 28))
    issued = Notice.objects.get(user=chairperson, kind=NoticeKind.LETTER_ISSUED)
    assert "Đã ban hành Công văn số 01/UBND-VP" in issued.text
    # Nobody hears of their own step; the signer heard of both submissions.
    assert Notice.objects.filter(user=chairperson, kind=NoticeKind.LETTER_SUBMITTED).count() == 2
    assert not Notice.objects.filter(user=chairperson, kind=NoticeKind.LETTER_APPROVED).exists()

    steps = list(draft.events.values_list("action", "actor__username", "comment"))
    assert steps == [
        ("created", "cchc.p1", ""),
        ("submitted", "cchc.p1", "Kính trình chị xem."),
        ("returned", "chutich.p1", "Sửa đoạn 2."),
        ("submitted", "cchc.p1", ""),
        ("approved", "chutich.p1", ""),
        ("issued", "cchc.p1", ""),
    ]
    client.force_login(coordinator)
    page = client.get(_detail(draft)).content.decode()
    history = page.split('id="history"', 1)[1]
    labels = ["Soạn dự thảo", "Trình ký", "Trả lại để sửa", "Duyệt ký", "Ban hành"]
    positions = [history.index(f"<strong>{label}</strong>") for label in labels]
    assert positions == sorted(positions)


def test_a_withdrawal_tells_the_signer_her_queue_lost_it(coordinator, chairperson, submitted):
    approval.letter_withdraw(letter=submitted, user=coordinator)
    notice = Notice.objects.get(user=chairperson, kind=NoticeKind.LETTER_WITHDRAWN)
    assert "đã rút lại văn bản trình ký" in notice.text


# --- the signer's queue -------------------------------------------------------------------------


def test_the_queue_lists_exactly_the_letters_awaiting_the_signer(
    client, phuong1_2023, coordinator, chairperson, submitted
):
    services.letter_create(assessment=phuong1_2023, kind=LetterKind.BAO_CAO, user=coordinator)
    approved(services.letter_create(assessment=phuong1_2023, kind=LetterKind.CHI_THI))
    p2 = Assessment.objects.get(unit__code="TXQT-P2", period__year=2023)
    elsewhere = services.letter_create(assessment=p2, kind=LetterKind.CONG_VAN)
    approval.letter_submit(letter=elsewhere, user=None)

    client.force_login(chairperson)
    page = client.get(reverse("documents:signing_queue")).content.decode()
    queue = page.split('id="awaiting"', 1)[1]
    assert queue.count("<tr>") == 2  # the header and one letter
    assert _detail(submitted) in queue and _detail(elsewhere) not in queue
    assert "Nguyễn Thị Thu Hà" in queue
    assert 'aria-label="1 văn bản chờ ký"' in page  # the menu's count

    client.force_login(_user("chutich.p2"))
    queue = client.get(reverse("documents:signing_queue")).content.decode()
    assert _detail(elsewhere) in queue and _detail(submitted) not in queue

    client.force_login(coordinator)
    page = client.get(reverse("documents:signing_queue")).content.decode()
    assert "Không có văn bản nào đang chờ bạn ký." in page
    assert "Văn bản chờ ký</a>" not in page.split("</nav>", 1)[0]  # no link: she signs nothing


def test_the_queue_costs_the_same_queries_however_many_letters_wait(
    client, phuong1_2023, coordinator, chairperson, django_assert_max_num_queries
):
    for kind in (LetterKind.CONG_VAN, LetterKind.BAO_CAO, LetterKind.CHI_THI):
        letter = services.letter_create(assessment=phuong1_2023, kind=kind, user=coordinator)
        approval.letter_submit(letter=letter, user=coordinator)
    client.force_login(chairperson)
    # Session, user, her posts, the letters, the menu's count.
    with django_assert_max_num_queries(5):
        page = client.get(reverse("documents:signing_queue")).content.decode()
    assert page.split('id="awaiting"', 1)[1].count("<tr>") == 4


def test_a_signer_with_nothing_waiting_has_the_link_without_a_count(client, chairperson):
    client.force_login(chairperson)
    page = client.get(reverse("documents:signing_queue")).content.decode()
    assert 'class="signing-queue">Văn bản chờ ký</a>' in page
    assert "văn bản chờ ký" not in page.split("<main", 1)[0].replace("Văn bản chờ ký", "")


# --- choosing the signer and the signing form ---------------------------------------------------


def test_the_signing_block_follows_the_signer_and_the_form(draft):
    assert draft.signing_form == SigningForm.KT
    assert draft.signing_authority == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH"
    services.letter_update(letter=draft, fields={"signing_form": SigningForm.Q})
    draft.refresh_from_db()
    assert (draft.signing_authority, draft.signer_title, draft.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN",
        "Q. CHỦ TỊCH",
        "Lê Thị Huệ",
    )


def test_a_signing_block_that_contradicts_its_form_or_signer_is_not_submitted(draft, coordinator):
    services.letter_update(letter=draft, fields={"signing_authority": "TM. ỦY BAN NHÂN DÂN"})
    with pytest.raises(ValidationError) as refused:
        approval.letter_submit(letter=draft, user=coordinator)
    assert refused.value.messages == [
        "Hình thức ký là KT. (ký thay người đứng đầu) nhưng khối chữ ký không kết thúc bằng "
        "dòng “KT. …”; hãy sửa thẩm quyền ký hoặc chọn lại hình thức ký."
    ]
    services.letter_update(
        letter=draft,
        fields={"signing_authority": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH", "signer_name": "Lê Huệ"},
    )
    with pytest.raises(ValidationError, match="in tên “Lê Huệ” nhưng người được trình ký"):
        approval.letter_submit(letter=draft, user=coordinator)
    draft.refresh_from_db()
    assert draft.status == LetterStatus.DRAFT


def test_the_composer_offers_only_the_units_chairperson_and_deputies(
    client, chairperson, coordinator, draft
):
    client.force_login(chairperson)
    page = client.get(_url("letter_edit", draft)).content.decode()
    assert "Lê Thị Huệ – Phó Chủ tịch UBND phường" in page
    assert "Nguyễn Thị Thu Hà –" not in page
    own = Official.objects.get(user=coordinator)
    form = {
        f"h-{name}": getattr(draft, name) or ""
        for name in ("issuing_body", "symbol", "place", "subject", "receivers", "grouping")
    }
    form.update({"h-signer": own.pk, "h-signer_title": "X", "h-signer_name": "Y", "action": "save"})
    response = client.post(_url("letter_edit", draft), form)
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.signer.user == chairperson


# --- the register's series ----------------------------------------------------------------------


def test_a_symbol_names_its_series():
    assert [series_of(s) for s in ("BC-UBND", "qđ-ubnd", "CTr-UBND", "UBND-VP", "UBND", "")] == [
        "BC",
        "QĐ",
        "CTr",
        "",
        "",
        "",
    ]


def test_a_bao_cao_and_a_cong_van_each_start_at_one_in_a_year(phuong1_2023):
    def issue(kind, when):
        letter = services.letter_create(assessment=phuong1_2023, kind=kind)
        return services.letter_issue(letter=approved(letter), when=when)

    cong_van = issue(LetterKind.CONG_VAN, date(2024, 2, 1))
    bao_cao = issue(LetterKind.BAO_CAO, date(2024, 2, 2))
    second_bao_cao = issue(LetterKind.BAO_CAO, date(2024, 2, 3))
    chi_thi = issue(LetterKind.CHI_THI, date(2024, 2, 4))
    second_cong_van = issue(LetterKind.CONG_VAN, date(2024, 2, 5))
    assert [(x.number_series, x.number) for x in (cong_van, second_cong_van)] == [("", 1), ("", 2)]
    assert [(x.number_series, x.number) for x in (bao_cao, second_bao_cao)] == [
        ("BC", 1),
        ("BC", 2),
    ]
    assert (chi_thi.number_series, chi_thi.number) == ("CT", 1)
    assert str(second_bao_cao) == "Báo cáo số 02/BC-UBND"
    # A number the văn thư gives is checked within its series only.
    third = approved(services.letter_create(assessment=phuong1_2023, kind=LetterKind.BAO_CAO))
    with pytest.raises(
        ValidationError, match=r"Số 02 năm 2024 trong sổ báo cáo \(BC\) của Phường 1 .* là 03"
    ):
        services.letter_issue(letter=third, number=2, when=date(2024, 3, 1))
    assert services.letter_issue(letter=third, number=5, when=date(2024, 3, 1)).number == 5


def test_the_register_shows_and_filters_by_series(client, chairperson, phuong1_2023):
    for kind in (LetterKind.CONG_VAN, LetterKind.BAO_CAO):
        letter = services.letter_create(assessment=phuong1_2023, kind=kind)
        services.letter_issue(letter=approved(letter), when=date(2024, 2, 1))
    client.force_login(chairperson)
    page = client.get(reverse("documents:register")).content.decode()
    assert "01/UBND-VP" in page and "01/BC-UBND" in page
    assert "<td>Báo cáo (BC)</td>" in page and "<td>Công văn</td>" in page
    only = client.get(reverse("documents:register"), {"so": "BC"}).content.decode()
    assert "01/BC-UBND" in only and "01/UBND-VP" not in only
    cong_van = client.get(reverse("documents:register"), {"so": "cong-van"}).content.decode()
    assert "01/UBND-VP" in cong_van and "01/BC-UBND" not in cong_van
    assert client.get(reverse("documents:register"), {"so": "QĐ"}).status_code == 404
    response = client.get(reverse("documents:register_xlsx"), {"so": "BC"})
    assert "so-van-ban-di-txqt-p1-2024-bc.xlsx" in response["Content-Disposition"]


def test_the_admin_shows_a_letters_history_read_only(admin_client, coordinator, submitted):
    response = admin_client.get(reverse("admin:documents_letter_change", args=[submitted.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Trình ký" in page and "Nguyễn Thị Thu Hà" in page
    assert 'name="events-0-comment"' not in page  # nothing to edit
