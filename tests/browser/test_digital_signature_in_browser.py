"""An issued letter, signed at issue, downloaded from its page and checked on the verification
page: the verdict says "hợp lệ" with the signer's name."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from documents import services as documents
from documents import signing
from scoring.demo import load_demo
from scoring.models import Assessment
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_issued_letter_downloaded_and_verified_is_valid_with_her_name(
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
    chairperson = get_user_model().objects.get(username="chutich.p1")
    letter = documents.letter_create(assessment=assessment, kind="cong_van", user=chairperson)
    documents.letter_issue(letter=letter, user=chairperson, when=date(2024, 2, 28))

    sign_in(page, live_server.url, "chutich.p1")
    page.goto(f"{live_server.url}/van-ban/{letter.pk}/")
    status = page.locator(".signature-status")
    expect(status).to_contain_text("Ký số bằng chứng thư của cơ quan – Ủy ban nhân dân Phường 1")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).first.click()
    path = tmp_path / "tai-ve.pdf"
    download.value.save_as(path)

    status.get_by_role("link", name="Kiểm tra văn bản ký số").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra văn bản ký số")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Kiểm tra").click()
    verdict = page.locator(".verdict-headline")
    expect(verdict).to_contain_text("Văn bản hợp lệ")
    expect(verdict).to_contain_text("do Lê Thị Huệ ký")
    expect(page.locator(".verdict-facts")).to_contain_text("Công văn số 01/UBND-VP của Phường 1")
