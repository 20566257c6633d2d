"""Trình ký in the browser, to the signed PDF: the coordinator submits a draft, the deputy
chairperson finds it in "Văn bản chờ ký", sends it back with a comment, approves it once
resubmitted, and the coordinator issues it; the issued PDF is signed with the organisation's
certificate, downloaded from the letter's page and checked on the verification page, which says
"hợp lệ" with her name. Each step asks first in the confirmation dialog (confirm.js)."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from documents import services as documents
from documents import signing
from documents.models import Letter, LetterStatus
from scoring.demo import load_demo
from scoring.models import Assessment
from tests.browser.conftest import confirm, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_letter_goes_to_its_signer_and_back_then_is_approved_issued_signed_and_verified(
    live_server, page, settings, tmp_path
):
    key = tmp_path / "co-quan.p12"
    key.write_bytes(
        signing.self_signed_pkcs12(
            common_name="Ủy ban nhân dân Phường 1", organisation="Thị xã Quảng Trị", passphrase="p"
        )
    )
    settings.SIGNING_PKCS12_FILE, settings.SIGNING_PKCS12_PASSPHRASE = str(key), "p"
    load_demo(province_2026=False, legacy_round=True)
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    coordinator = get_user_model().objects.get(username="cchc.p1")
    letter = documents.letter_create(assessment=assessment, kind="cong_van", user=coordinator)
    url = f"{live_server.url}/van-ban/{letter.pk}/"

    def status() -> str:
        return Letter.objects.get(pk=letter.pk).status

    sign_in(page, live_server.url, "cchc.p1")
    page.goto(url)
    expect(page.get_by_role("button", name="Ban hành")).to_have_count(0)
    page.get_by_role("button", name="Trình ký").click()
    expect(page.locator("#confirm-dialog")).to_contain_text("gửi Lê Thị Huệ duyệt ký")
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã trình ký")
    expect(page.locator("#letter-status")).to_have_text("Đang trình ký")
    assert status() == LetterStatus.SUBMITTED

    sign_in(page, live_server.url, "chutich.p1")
    page.goto(f"{live_server.url}/")
    queue_link = page.locator("a.signing-queue")
    expect(queue_link).to_contain_text("1")
    queue_link.click()
    page.locator("#awaiting").get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/van-ban/{letter.pk}/$"))
    page.fill("#id_return_comment", "Bổ sung thời hạn cho tiêu chí 1.5.3.")
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.locator("#confirm-dialog")).to_contain_text("Bổ sung thời hạn cho tiêu chí 1.5.3.")
    confirm(page)
    expect(page.locator("#history")).to_contain_text("Ý kiến: “Bổ sung thời hạn cho tiêu chí")
    assert status() == LetterStatus.DRAFT

    sign_in(page, live_server.url, "cchc.p1")
    page.goto(url)
    page.get_by_role("button", name="Trình ký").click()
    confirm(page)
    expect(page.locator("#letter-status")).to_have_text("Đang trình ký")
    sign_in(page, live_server.url, "chutich.p1")
    page.goto(url)
    page.get_by_role("button", name="Duyệt ký").click()
    confirm(page)
    expect(page.locator("#letter-status")).to_have_text("Đã duyệt ký")
    expect(page.get_by_role("button", name="Duyệt ký")).to_have_count(0)

    sign_in(page, live_server.url, "cchc.p1")
    page.goto(url)
    page.get_by_role("button", name="Ban hành").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã ban hành Công văn số 01/UBND-VP")
    history = page.locator("#history")
    for step in ("Soạn dự thảo", "Trình ký", "Trả lại để sửa", "Duyệt ký", "Ban hành"):
        expect(history).to_contain_text(step)
    assert status() == LetterStatus.ISSUED

    status_line = page.locator(".signature-status")
    expect(status_line).to_contain_text(
        "Ký số bằng chứng thư của cơ quan – Ủy ban nhân dân Phường 1"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).first.click()
    path = tmp_path / "tai-ve.pdf"
    download.value.save_as(path)
    status_line.get_by_role("link", name="Kiểm tra văn bản ký số").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra văn bản ký số")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Kiểm tra").click()
    verdict = page.locator(".verdict-headline")
    expect(verdict).to_contain_text("Văn bản hợp lệ")
    expect(verdict).to_contain_text("do Lê Thị Huệ ký")
    expect(page.locator(".verdict-facts")).to_contain_text("Công văn số 01/UBND-VP của Phường 1")
