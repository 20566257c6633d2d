"""Evidence on the assessment page's rows (issue 14): several files picked or dropped at once,
the row saying how many are there, and one uploaded file proving several criteria."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring import services
from scoring.models import Evidence, EvidenceStage
from tests.helpers import pdf, score_of, snapshot

pytestmark = pytest.mark.django_db


def _row(page: str, score) -> str:
    start = page.index(f'id="row-{score.pk}"')
    return page[start : page.index("</tr>", start)]


def _upload_url(assessment, score):
    return reverse("scoring:evidence_upload", args=[assessment.pk, score.pk])


def test_several_files_picked_on_a_row_are_stored_and_the_row_counts_them(
    client, coordinator, current_p1
):
    score = score_of(current_p1, "1.1.2")
    client.force_login(coordinator)
    page = client.get(reverse("scoring:assessment", args=[current_p1.pk])).content.decode()
    assert 'name="files" multiple form="upload-' in _row(page, score)
    assert f'<form id="upload-{score.pk}" method="post" enctype="multipart/form-data"' in page
    response = client.post(
        _upload_url(current_p1, score), {"files": [pdf("ke-hoach.pdf"), pdf("bao-cao.pdf")]}
    )
    assert response["Location"].endswith(f"/danh-gia/{current_p1.pk}/#row-{score.pk}")
    assert sorted(score.evidence.values_list("original_name", flat=True)) == [
        "bao-cao.pdf",
        "ke-hoach.pdf",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Tiêu chí 1.1.2: đã tải lên 2 tệp (“ke-hoach.pdf”, “bao-cao.pdf”)." in page
    assert '<strong class="files-count">2 tệp</strong> đã tải lên' in _row(page, score)


def test_a_script_gets_the_rows_files_cell_back(client, coordinator, current_p1):
    score = score_of(current_p1, "1.1.2")
    client.force_login(coordinator)
    response = client.post(
        _upload_url(current_p1, score), {"files": [pdf("a.pdf")]}, headers={"HX-Request": "true"}
    )
    cell = response.content.decode()
    assert response.status_code == 200
    assert cell.startswith("<td") and f'id="files-{score.pk}"' in cell
    assert "1 tệp</strong> đã tải lên" in cell
    assert "Tiêu chí 1.1.2: đã tải lên “a.pdf”." in cell
    # The message went with the cell, not to the next page.
    page = client.get(reverse("scoring:assessment", args=[current_p1.pk])).content.decode()
    assert "đã tải lên “a.pdf”" not in page


def test_one_bad_file_among_several_stores_none_and_names_it(client, coordinator, current_p1):
    score = score_of(current_p1, "1.1.2")
    client.force_login(coordinator)
    before = snapshot(current_p1)
    bad = pdf("virus.pdf", b"MZ\x90\x00" + b"\x00" * 60)
    response = client.post(
        _upload_url(current_p1, score),
        {"files": [pdf("ke-hoach.pdf"), bad]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    cell = response.content.decode()
    assert "Tiêu chí 1.1.2: chưa tải lên tệp nào; hãy bỏ hoặc sửa các tệp sau." in cell
    assert "Tệp “virus.pdf” không phải là" in cell
    assert snapshot(current_p1) == before


def test_the_council_cannot_upload_on_the_units_row(client, appraiser, current_p1):
    score = score_of(current_p1, "1.1.2")
    client.force_login(appraiser)
    response = client.post(_upload_url(current_p1, score), {"files": [pdf()]}, follow=True)
    assert "Tiêu chí 1.1.2: bạn không thể tải tài liệu lên lúc này." in response.content.decode()
    assert not Evidence.objects.filter(score__assessment=current_p1).exists()


@pytest.fixture
def plan(current_p1, coordinator) -> Evidence:
    """The unit's CCHC plan, uploaded for 1.1.1."""
    return services.evidence_add(
        score=score_of(current_p1, "1.1.1"),
        upload=pdf("ke-hoach-cchc.pdf"),
        stage=EvidenceStage.SELF,
        user=coordinator,
    )


def test_one_file_proves_several_criteria_without_a_copy(client, coordinator, current_p1, plan):
    client.force_login(coordinator)
    other = score_of(current_p1, "1.1.2")
    url = reverse("scoring:evidence_share", args=[current_p1.pk, plan.pk])
    response = client.post(url, {"scores": [other.pk]}, follow=True)
    assert "Tệp “ke-hoach-cchc.pdf” dùng chung cho tiêu chí 1.1.2." in response.content.decode()
    assert "Dùng chung cho tiêu chí 1.1.2" in response.content.decode()
    assert Evidence.objects.filter(score__assessment=current_p1).count() == 1  # no copy
    page = client.get(reverse("scoring:assessment", args=[current_p1.pk])).content.decode()
    assert "1 tệp</strong> đã tải lên" in _row(page, other)
    criterion = reverse("scoring:criterion", args=[current_p1.pk, other.pk])
    page = client.get(criterion).content.decode()
    assert "ke-hoach-cchc.pdf" in page and "dùng chung, tải lên ở" in page
    # The shared file is evidence of 1.1.2: a value without a note asks for nothing more.
    services.score_set_self(score=other, value=D("1"), note="", user=coordinator)
    assert not [m for m in services.self_assessment_missing(current_p1) if "1.1.2:" in m]


def test_a_shared_file_is_unlinked_from_one_criterion_or_deleted_from_all(
    client, coordinator, current_p1, plan
):
    client.force_login(coordinator)
    other, third = score_of(current_p1, "1.1.2"), score_of(current_p1, "1.1.3")
    services.evidence_link(evidence=plan, scores=[other, third])
    url = reverse("scoring:evidence_unshare", args=[current_p1.pk, plan.pk, other.pk])
    response = client.post(url, follow=True)
    assert "Tiêu chí 1.1.2: đã gỡ tệp dùng chung “ke-hoach-cchc.pdf”." in (
        response.content.decode()
    )
    assert list(plan.linked_scores.all()) == [third]
    assert Evidence.objects.filter(pk=plan.pk).exists()
    page = client.get(reverse("scoring:criterion", args=[current_p1.pk, plan.score_id]))
    # Deleting the file says it goes from the criteria sharing it too.
    assert re.search(r"cả ở tiêu chí 1\.1\.3 đang dùng chung", page.content.decode())
    client.post(reverse("scoring:evidence_remove", args=[current_p1.pk, plan.pk]))
    assert not Evidence.objects.filter(pk=plan.pk).exists()
    assert not third.linked_evidence.exists()


def test_a_file_is_shared_only_within_its_own_assessment(current_p1, phuong1_2023, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cùng bản đánh giá"):
        services.evidence_link(evidence=plan, scores=[score_of(phuong1_2023, "1.1.2")])
    assert not plan.linked_scores.exists()
