"""Không phát sinh on the assessment page: the unit ticks the box (or types a = 0, or "KPS")
with its reason; the council confirms or overrules (issue 16, item 2)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring.models import Assessment, AssessmentStatus, Criterion, Framework
from tests.helpers import score_of, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules_p1(current_p1):
    """Phường 1's 2026 assessment; 1.1.3 (a ratio, 2 points) leaves the sum when nothing
    arose, 1.5.3 (yes/no, 1 point) gets full points; the framework rescales."""
    framework = current_p1.framework
    Criterion.objects.filter(framework=framework, code="1.1.3").update(when_none="not_assessed")
    Criterion.objects.filter(framework=framework, code="1.5.3").update(when_none="full")
    Framework.objects.filter(pk=framework.pk).update(rescales=True)
    return Assessment.objects.select_related("framework").get(pk=current_p1.pk)


def _page(assessment):
    return reverse("scoring:assessment", args=[assessment.pk])


def _form(assessment, values: dict[str, dict[str, str]]) -> dict:
    data = {}
    for code, fields in values.items():
        score = score_of(assessment, code)
        data[f"{score.pk}-version"] = str(score.version)
        for name, value in fields.items():
            data[f"{score.pk}-{name}"] = value
    return data


def test_the_page_offers_the_box_only_where_the_rule_allows_and_says_the_rule(
    client, coordinator, rules_p1
):
    client.force_login(coordinator)
    page = client.get(_page(rules_p1)).content.decode()
    assert 'aria-label="Không phát sinh, tiêu chí 1.1.3"' in page
    assert 'aria-label="Không phát sinh, tiêu chí 1.5.3"' in page
    assert 'aria-label="Không phát sinh, tiêu chí 1.2.1"' not in page
    assert "Khi không phát sinh: đạt điểm tối đa." in page
    assert (
        "Khi không phát sinh: không đánh giá, tiêu chí ra khỏi tổng điểm (kết quả được quy đổi "
        "về tổng điểm tối đa)." in page
    )


def test_a_zero_with_a_reason_is_saved_as_not_arisen(client, coordinator, rules_p1):
    client.force_login(coordinator)
    data = _form(rules_p1, {"1.1.3": {"b": "0", "a": "0", "text": "Năm nay không có hồ sơ"}})
    response = client.post(_page(rules_p1), data, follow=True)
    assert "Đã lưu 1 tiêu chí." in response.content.decode()
    score = score_of(rules_p1, "1.1.3")
    assert score.self_not_assessed and score.self_value is None
    assert score.self_note == "Năm nay không có hồ sơ"


def test_the_box_on_a_full_points_criterion_gives_its_maximum(client, coordinator, rules_p1):
    client.force_login(coordinator)
    data = _form(rules_p1, {"1.5.3": {"none": "1", "text": "Không có vụ việc phát sinh"}})
    client.post(_page(rules_p1), data)
    score = score_of(rules_p1, "1.5.3")
    assert score.self_not_assessed and score.self_value == D("1.00")


def test_kps_typed_in_the_value_is_the_box(client, coordinator, rules_p1):
    client.force_login(coordinator)
    client.post(_page(rules_p1), _form(rules_p1, {"1.5.3": {"value": "KPS", "text": "Không có"}}))
    assert score_of(rules_p1, "1.5.3").self_not_assessed


def test_without_a_reason_the_page_is_refused_and_nothing_changes(client, coordinator, rules_p1):
    client.force_login(coordinator)
    before = snapshot(rules_p1)
    data = _form(
        rules_p1,
        {"1.1.3": {"b": "0", "a": "0", "text": ""}, "1.1.2": {"value": "1", "text": "Có"}},
    )
    response = client.post(_page(rules_p1), data)
    assert response.status_code == 422
    assert "Tiêu chí 1.1.3: báo không phát sinh cần ghi lý do" in response.content.decode()
    assert snapshot(rules_p1) == before


def test_the_box_where_the_rule_refuses_it_is_refused(client, coordinator, rules_p1):
    client.force_login(coordinator)
    before = snapshot(rules_p1)
    data = _form(rules_p1, {"1.2.1": {"none": "1", "text": "Không có"}})
    response = client.post(_page(rules_p1), data)
    assert response.status_code == 422
    assert (
        "Tiêu chí 1.2.1: tiêu chí này không chấp nhận “không phát sinh”; hãy nhập số liệu."
        in response.content.decode()
    )
    data = _form(rules_p1, {"1.2.1": {"b": "0", "a": "0", "text": "Không có"}})
    response = client.post(_page(rules_p1), data)
    assert "Số a (tổng số) phải lớn hơn 0." in response.content.decode()
    assert snapshot(rules_p1) == before


def test_the_council_sees_the_report_and_overrules_it_with_a_reason(
    client, coordinator, appraiser, rules_p1
):
    client.force_login(coordinator)
    client.post(
        _page(rules_p1), _form(rules_p1, {"1.1.3": {"b": "0", "a": "0", "text": "Không có hồ sơ"}})
    )
    Assessment.objects.filter(pk=rules_p1.pk).update(status=AssessmentStatus.SUBMITTED)
    client.force_login(appraiser)
    page = client.get(_page(rules_p1)).content.decode()
    assert "Không phát sinh</strong>" in page
    data = _form(rules_p1, {"1.1.3": {"b": "3", "a": "4", "text": "Có 4 hồ sơ trên hệ thống"}})
    client.post(_page(rules_p1), data)
    score = score_of(rules_p1, "1.1.3")
    assert not score.appraised_not_assessed and score.appraised_value == D("1.50")


def test_the_council_confirms_with_the_box(client, coordinator, appraiser, rules_p1):
    client.force_login(coordinator)
    client.post(
        _page(rules_p1), _form(rules_p1, {"1.1.3": {"b": "0", "a": "0", "text": "Không có hồ sơ"}})
    )
    Assessment.objects.filter(pk=rules_p1.pk).update(status=AssessmentStatus.SUBMITTED)
    client.force_login(appraiser)
    client.post(_page(rules_p1), _form(rules_p1, {"1.1.3": {"none": "1", "text": ""}}))
    score = score_of(rules_p1, "1.1.3")
    assert score.appraised_not_assessed and score.appraised_value is None
    assert score.appraisal_comment == "Không có hồ sơ"


def test_the_page_shows_the_converted_provisional_result(client, appraiser, rules_p1):
    Assessment.objects.filter(pk=rules_p1.pk).update(status=AssessmentStatus.SUBMITTED)
    client.force_login(appraiser)
    client.post(_page(rules_p1), _form(rules_p1, {"1.1.3": {"none": "1", "text": "Không có"}}))
    page = client.get(_page(rules_p1)).content.decode()
    # Only 1.1.3 is appraised, and left out: 0 of the 98 points assessed, converted to 0.
    assert "(1 tiêu chí không đánh giá)" in page


def test_the_admin_shows_and_edits_the_rule(admin_client, rules_p1):
    criterion = Criterion.objects.get(framework=rules_p1.framework, code="1.1.3")
    page = admin_client.get(reverse("admin:scoring_criterion_change", args=[criterion.pk]))
    assert "khi không phát sinh" in page.content.decode().lower()
    listing = admin_client.get(reverse("admin:scoring_framework_changelist")).content.decode()
    assert "quy đổi điểm" in listing.lower()
