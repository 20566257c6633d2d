"""Scope (404 outside it, whatever the URL), evidence files, and fixed query counts."""

import io
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from scoring import services
from scoring.models import Assessment, Evidence, EvidenceStage
from tests.helpers import PNG_BYTES, pdf, score_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(current_p1, coordinator) -> Evidence:
    return services.evidence_add(
        score=score_of(current_p1, "1.1.1"),
        upload=pdf(),
        stage=EvidenceStage.SELF,
        user=coordinator,
    )


def _urls(assessment, evidence):
    score = evidence.score
    return [
        ("get", reverse("scoring:assessment", args=[assessment.pk])),
        ("post", reverse("scoring:assessment", args=[assessment.pk])),
        ("post", reverse("scoring:preview", args=[assessment.pk])),
        ("post", reverse("scoring:action", args=[assessment.pk, "submit"])),
        ("get", reverse("scoring:criterion", args=[assessment.pk, score.pk])),
        ("get", reverse("scoring:evidence", args=[assessment.pk, evidence.pk])),
        ("post", reverse("scoring:evidence_remove", args=[assessment.pk, evidence.pk])),
    ]


def test_anonymous_visitors_are_sent_to_login_from_every_page(client, current_p1, evidence):
    for method, url in _urls(current_p1, evidence):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["outsider", "other_chairperson"])
def test_every_object_outside_the_users_scope_answers_404(
    client, current_p1, evidence, who, request
):
    client.force_login(request.getfixturevalue(who))
    for method, url in _urls(current_p1, evidence):
        assert getattr(client, method)(url).status_code == 404, url
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_score_or_file_of_another_assessment_answers_404_under_this_one(
    client, coordinator, current_p1, evidence
):
    other = Assessment.objects.get(unit__code="TXQT-P2", period__year=2026)
    client.force_login(coordinator)
    foreign_score = score_of(other, "1.1.1")
    assert (
        client.get(reverse("scoring:criterion", args=[current_p1.pk, foreign_score.pk])).status_code
        == 404
    )
    assert client.get(reverse("scoring:evidence", args=[other.pk, evidence.pk])).status_code == 404


def test_allowed_users_reach_every_page(client, coordinator, appraiser, current_p1, evidence):
    for user in (coordinator, appraiser):
        client.force_login(user)
        for method, url in _urls(current_p1, evidence):
            if method == "get":
                assert client.get(url).status_code == 200, (user, url)


def test_the_units_list_shows_only_assessments_in_scope(client, other_chairperson, appraiser):
    client.force_login(other_chairperson)
    page = client.get(reverse("scoring:assessments")).content.decode()
    assert "Phường 2" in page and "Phường 1<" not in page
    client.force_login(appraiser)
    page = client.get(reverse("scoring:assessments")).content.decode()
    assert "Phường 1<" in page and "Xã Hải Lệ" in page


# --- evidence --------------------------------------------------------------------------------


def _upload(client, assessment, code, upload):
    score = score_of(assessment, code)
    url = reverse("scoring:criterion", args=[assessment.pk, score.pk])
    return client.post(url, {"file": upload}, follow=True).content.decode()


def test_a_pdf_is_attached_and_served_to_those_who_may_see_it(
    client, coordinator, appraiser, current_p1
):
    client.force_login(coordinator)
    page = _upload(client, current_p1, "1.1.1", pdf("ke-hoach-cchc.pdf"))
    assert "Tiêu chí 1.1.1: đã tải lên “ke-hoach-cchc.pdf”." in page
    evidence = Evidence.objects.get(score__assessment=current_p1)
    assert not Path(evidence.file.name).name.startswith("ke-hoach")  # stored under its own name
    client.force_login(appraiser)
    response = client.get(reverse("scoring:evidence", args=[current_p1.pk, evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", b"day khong phai PDF", "không phải là PDF, ảnh (PNG, JPEG), Word"),
        ("anh.pdf", PNG_BYTES, "“anh.pdf” thực chất là ảnh PNG; hãy đặt lại đúng đuôi tệp"),
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 60, "không phải là PDF"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    client, coordinator, current_p1, settings, name, content, message
):
    client.force_login(coordinator)
    page = _upload(client, current_p1, "1.1.1", pdf(name, content))
    assert message in page
    assert not Evidence.objects.filter(score__assessment=current_p1).exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_over_the_size_limit_is_refused(client, coordinator, current_p1, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(coordinator)
    page = _upload(client, current_p1, "1.1.1", pdf(content=b"%PDF-1.4" + b"0" * 2000))
    assert "vượt giới hạn 0,0 MB" in page or "vượt giới hạn" in page
    assert not Evidence.objects.exists()


def test_word_and_excel_files_are_recognised_by_their_content(current_p1, coordinator):
    for name, inner in (
        ("bien-ban.docx", "word/document.xml"),
        ("so-lieu.xlsx", "xl/workbook.xml"),
    ):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr(inner, "<x/>")
        upload = pdf(name, buffer.getvalue())
        evidence = services.evidence_add(
            score=score_of(current_p1, "1.1.1"),
            upload=upload,
            stage=EvidenceStage.SELF,
            user=coordinator,
        )
        assert evidence.content_type.startswith("application/vnd.openxmlformats-officedocument")


def test_a_claim_with_evidence_needs_no_explanation_to_be_submitted(
    current_p1, coordinator, evidence
):
    services.score_set_self(score=score_of(current_p1, "1.1.1"), value=D("1"), user=coordinator)
    missing = services.self_assessment_missing(current_p1)
    assert not any(m.startswith("Tiêu chí 1.1.1:") for m in missing)


def test_files_cannot_be_added_or_removed_after_submission(
    client, coordinator, current_p1, evidence
):
    from tests.helpers import fill_self_assessment

    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    client.force_login(coordinator)
    page = _upload(client, current_p1, "1.1.1", pdf("muon.pdf"))
    assert "không thể tải tài liệu lên" in page
    remove = reverse("scoring:evidence_remove", args=[current_p1.pk, evidence.pk])
    assert client.post(remove).status_code == 403  # sees the file, may no longer remove it
    assert Evidence.objects.filter(score__assessment=current_p1).count() == 1


# --- query counts ----------------------------------------------------------------------------


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_assessment_page_costs_the_same_queries_for_3_or_87_criteria(
    client, coordinator, current_p1, django_assert_max_num_queries
):
    from tests.factories import PeriodFactory, small_framework_data

    small = services.framework_create(data=small_framework_data())
    unit = current_p1.unit
    tiny = services.assessment_create(unit=unit, framework=small, period=PeriodFactory(year=2030))
    client.force_login(coordinator)
    big_count = _count_queries(client, reverse("scoring:assessment", args=[current_p1.pk]))
    tiny_count = _count_queries(client, reverse("scoring:assessment", args=[tiny.pk]))
    assert big_count == tiny_count
    # 12, and one for the files shared with a criterion from another (issue 14).
    with django_assert_max_num_queries(13):
        client.get(reverse("scoring:assessment", args=[current_p1.pk]))


def test_the_appraisal_page_of_87_criteria_has_a_fixed_query_budget(
    client, appraiser, current_p1, coordinator, django_assert_max_num_queries
):
    from tests.helpers import fill_self_assessment

    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    client.force_login(appraiser)
    # Two more than the self-assessment page: the appraiser's units below, level by level.
    with django_assert_max_num_queries(15):
        client.get(reverse("scoring:assessment", args=[current_p1.pk]))


def test_appraisers_see_the_units_files_beside_its_self_assessment(
    client, appraiser, coordinator, current_p1, evidence
):
    from tests.helpers import fill_self_assessment

    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    client.force_login(appraiser)
    page = client.get(reverse("scoring:assessment", args=[current_p1.pk])).content.decode()
    link = reverse("scoring:evidence", args=[current_p1.pk, evidence.pk])
    assert f'<a href="{link}" target="_blank" rel="noopener">bao-cao.pdf</a>' in page
