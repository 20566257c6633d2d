"""Files picked on a row of the assessment page go up at once, without leaving the page: what
was typed on the sheet stays, and the row says how many files it has."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.demo import load_demo
from scoring.models import Assessment
from tests.browser.conftest import sign_in
from tests.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True)


def test_files_picked_on_a_row_are_uploaded_and_what_was_typed_stays(live_server, page):
    load_demo(province_2026=False, legacy_round=True)
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    assessment.self_deadline = timezone.now() + timedelta(days=5)
    assessment.save()
    score = assessment.scores.get(criterion__code="1.1.2")
    sign_in(page, live_server.url, "cchc.p1")
    expect(page).to_have_url(re.compile(rf"/danh-gia/{assessment.pk}/$"))
    page.get_by_label("Điểm tiêu chí 1.1.2", exact=True).fill("0,5")  # typed, not saved
    picker = "Tải tài liệu kiểm chứng tiêu chí 1.1.2 (chọn hoặc kéo thả nhiều tệp)"
    page.get_by_label(picker).set_input_files(
        [
            {"name": "ke-hoach.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
            {"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        ]
    )
    cell = page.locator(f"#files-{score.pk}")
    expect(cell).to_contain_text("2 tệp đã tải lên")
    expect(cell).to_contain_text("Tiêu chí 1.1.2: đã tải lên 2 tệp")
    expect(page).to_have_url(re.compile(rf"/danh-gia/{assessment.pk}/$"))
    expect(page.get_by_label("Điểm tiêu chí 1.1.2", exact=True)).to_have_value("0,5")
    assert score.evidence.count() == 2
