"""The register of outgoing documents (sổ văn bản đi): a unit's issued letters of a year in the
order of their numbers, for the people who may see the unit, as a page and an .xlsx."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from documents import services
from documents.models import LetterKind
from scoring.models import Assessment
from tests.documents_helpers import approved

REGISTER = reverse("documents:register")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def issued(phuong1_2023, chairperson):
    """Phường 1: two letters issued in 2024 (01, 02) and a draft; Phường 2: one issued."""
    first = services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
    )
    second = services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson
    )
    services.letter_issue(
        letter=approved(second), when=date(2024, 2, 28)
    )  # issued first: number 01
    services.letter_issue(letter=approved(first), when=date(2024, 3, 5))
    services.letter_create(assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=chairperson)
    p2 = Assessment.objects.get(unit__code="TXQT-P2", period__year=2023)
    other = services.letter_create(assessment=p2, kind=LetterKind.CONG_VAN, user=None)
    services.letter_issue(letter=approved(other), when=date(2024, 1, 10))
    return first, second, other


def test_the_register_lists_a_units_issued_letters_in_number_order(client, chairperson, issued):
    first, second, _ = issued
    client.force_login(chairperson)
    page = client.get(REGISTER).content.decode()
    assert page.index("01/UBND-VP") < page.index("02/UBND-VP")
    # Numbered as issued, not as drafted: the second draft, issued first, is 01.
    second_at = page.index(reverse("documents:letter_detail", args=[second.pk]))
    assert second_at < page.index(reverse("documents:letter_detail", args=[first.pk]))
    assert "28/02/2024" in page and "05/03/2024" in page
    # The draft has no number and is not in the register; Phường 2's series is not hers.
    assert page.count("/UBND-VP</a>") == 2
    assert "Phường 2" not in page.split("<main", 1)[1].split("</select>", 1)[0]


def test_the_council_above_reads_each_units_register(client, appraiser, issued):
    client.force_login(appraiser)
    page = client.get(REGISTER).content.decode()
    assert "Phường 1" in page and "Phường 2" in page
    p2 = issued[2].issuing_unit
    one = client.get(REGISTER, {"don_vi": p2.pk, "nam": 2024}).content.decode()
    assert one.count("/UBND") >= 1 and "01/" in one


def test_the_register_downloads_as_a_workbook(client, chairperson, issued):
    client.force_login(chairperson)
    response = client.get(reverse("documents:register_xlsx"))
    assert response.status_code == 200
    assert "so-van-ban-di-txqt-p1-2024.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "SỔ ĐĂNG KÝ VĂN BẢN ĐI NĂM 2024"
    assert [sheet.cell(row=r, column=1).value for r in (6, 7)] == ["01/UBND-VP", "02/UBND-VP"]
    assert sheet["B6"].value == "28/02/2024" and sheet.cell(row=8, column=1).value is None


def test_another_units_register_a_year_without_letters_or_nonsense_is_404(
    client, chairperson, issued
):
    client.force_login(chairperson)
    p2 = issued[2].issuing_unit
    assert client.get(REGISTER, {"don_vi": p2.pk}).status_code == 404
    assert client.get(REGISTER, {"nam": 1999}).status_code == 404
    assert client.get(REGISTER, {"don_vi": "x'"}).status_code == 404


def test_without_any_issued_letter_the_register_says_so(client, chairperson):
    client.force_login(chairperson)
    page = client.get(REGISTER).content.decode()
    assert "Chưa có văn bản nào được ban hành" in page
    assert client.get(reverse("documents:register_xlsx")).status_code == 404
