"""Unit data and files are never kept in a browser's or a proxy's cache; static files are."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from documents import services as documents_services
from documents.models import LetterKind
from exchange import exports
from exchange import services as exchange_services
from exchange.models import ImportKind
from scoring import services as scoring_services
from scoring.models import EvidenceStage
from tests.helpers import pdf, score_of

pytestmark = pytest.mark.django_db


def _never_stored(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


def test_a_page_for_a_signed_in_user_is_not_stored(client, staff, current_p1):
    client.force_login(staff)
    response = client.get(reverse("scoring:assessment", args=[current_p1.pk]))
    assert response.status_code == 200
    assert _never_stored(response)


def test_a_letter_pdf_and_docx_are_not_stored(client, coordinator, phuong1_2023):
    letter = documents_services.letter_create(
        assessment=phuong1_2023, kind=LetterKind.CONG_VAN, user=coordinator
    )
    client.force_login(coordinator)
    for fmt in ("pdf", "docx"):
        response = client.get(reverse("documents:letter_download", args=[letter.pk, fmt]))
        assert response.status_code == 200, fmt
        assert "attachment" in response["Content-Disposition"]
        assert _never_stored(response), fmt


def test_an_excel_export_is_not_stored(client, staff, current_p1):
    client.force_login(staff)
    response = client.get(reverse("exchange:self_sheet_download", args=[current_p1.pk]))
    assert response.status_code == 200
    assert _never_stored(response)


def test_an_evidence_file_is_not_stored(client, staff, current_p1):
    evidence = scoring_services.evidence_add(
        score=score_of(current_p1, "1.7"), upload=pdf(), stage=EvidenceStage.SELF, user=staff
    )
    client.force_login(staff)
    response = client.get(reverse("scoring:evidence", args=[current_p1.pk, evidence.pk]))
    assert response.status_code == 200
    assert _never_stored(response)


def test_an_imported_file_is_not_stored(client, staff, current_p1):
    sheet = exports.export_self_sheet(current_p1)
    record = exchange_services.import_record_create(
        kind=ImportKind.SELF_ASSESSMENT,
        name=sheet.filename,
        data=sheet.content,
        user=staff,
        assessment=current_p1,
    )
    client.force_login(staff)
    response = client.get(reverse("exchange:record_file", args=[record.pk]))
    assert response.status_code == 200
    assert _never_stored(response)


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_static_files_stay_cacheable_even_for_a_signed_in_user(staff):
    client = Client()  # its handler (and WhiteNoise) is built under the setting above
    client.force_login(staff)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


def test_the_login_page_is_not_stored(client):
    assert "no-store" in client.get(reverse("login"))["Cache-Control"]
