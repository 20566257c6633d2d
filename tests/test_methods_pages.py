"""Stepped ratios and per-case deductions on the assessment page; counts typed for a criterion
that takes none are refused (issue 16, items 3, 4 and 7)."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring import engine, services
from scoring.models import Criterion, Score
from tests.helpers import fill_self_assessment, score_of, snapshot

pytestmark = pytest.mark.django_db

# 6.1.1 of the sample framework is budget revenue against the estimate, written as levels
# ("Đạt và vượt dự toán", "từ 90% đến dưới 100%", "dưới 90%"): the stepped ratio it stands for.
REVENUE_STEPS = {"steps": [{"at_least": "100", "points": "1"}, {"at_least": "90", "points": "0.5"}]}


@pytest.fixture
def methods_p1(current_p1):
    """Phường 1's 2026 assessment with 6.1.1 a stepped ratio and 1.5.4 (2 points) a deduction
    of 0,25 a case."""
    framework = current_p1.framework
    Criterion.objects.filter(framework=framework, code="6.1.1").update(
        method=engine.Method.RATIO_STEPS, params=REVENUE_STEPS
    )
    Criterion.objects.filter(framework=framework, code="1.5.4").update(
        method=engine.Method.DEDUCTION, params={"per_case": "0.25"}
    )
    return current_p1


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


def test_the_page_shows_a_deduction_as_one_count_and_a_stepped_ratio_as_b_and_a(
    client, coordinator, methods_p1
):
    client.force_login(coordinator)
    page = client.get(_page(methods_p1)).content.decode()
    deduction, steps = score_of(methods_p1, "1.5.4"), score_of(methods_p1, "6.1.1")
    assert 'aria-label="Số trường hợp tiêu chí 1.5.4"' in page
    assert f'name="{deduction.pk}-a"' not in page
    assert "Điểm = 2,00 − 0,25 × số trường hợp, không dưới 0." in page
    assert f'name="{steps.pk}-b"' in page and f'name="{steps.pk}-a"' in page
    assert "Theo tỷ lệ b/a — từ 100% được 1,00; từ 90% được 0,50; dưới 90% được 0." in page


def test_revenue_past_the_estimate_is_saved_and_scores_the_top_step(
    client, coordinator, methods_p1
):
    client.force_login(coordinator)
    data = _form(methods_p1, {"6.1.1": {"b": "105", "a": "100"}})
    response = client.post(_page(methods_p1), data, follow=True)
    assert "Đã lưu 1 tiêu chí." in response.content.decode()
    score = score_of(methods_p1, "6.1.1")
    assert (score.self_value, score.self_b, score.self_a) == (D("1.00"), 105, 100)
    assert "(bậc ≥100%)" in response.content.decode()


def test_a_ratio_just_below_a_step_scores_the_step_under_it(client, coordinator, methods_p1):
    client.force_login(coordinator)
    client.post(_page(methods_p1), _form(methods_p1, {"6.1.1": {"b": "899", "a": "1000"}}))
    assert score_of(methods_p1, "6.1.1").self_value == D("0.00")
    client.post(_page(methods_p1), _form(methods_p1, {"6.1.1": {"b": "9", "a": "10"}}))
    assert score_of(methods_p1, "6.1.1").self_value == D("0.50")


def test_five_late_documents_at_a_quarter_point_leave_0_75_of_2(client, coordinator, methods_p1):
    client.force_login(coordinator)
    response = client.post(_page(methods_p1), _form(methods_p1, {"1.5.4": {"b": "5"}}), follow=True)
    assert "Đã lưu 1 tiêu chí." in response.content.decode()
    score = score_of(methods_p1, "1.5.4")
    assert (score.self_value, score.self_b, score.self_a) == (D("0.75"), 5, None)
    detail = client.get(reverse("scoring:criterion", args=[methods_p1.pk, score.pk]))
    assert "0,75 (5 trường hợp)" in detail.content.decode()


def test_deductions_past_zero_score_zero(client, coordinator, methods_p1):
    client.force_login(coordinator)
    client.post(_page(methods_p1), _form(methods_p1, {"1.5.4": {"b": "12"}}))
    assert score_of(methods_p1, "1.5.4").self_value == D("0.00")


def test_the_live_preview_computes_a_deduction_and_names_the_step_reached(
    client, coordinator, methods_p1
):
    client.force_login(coordinator)
    data = _form(methods_p1, {"1.5.4": {"b": "5"}, "6.1.1": {"b": "95", "a": "100"}})
    before = snapshot(methods_p1)
    html = client.post(reverse("scoring:preview", args=[methods_p1.pk]), data).content.decode()
    deduction, steps = score_of(methods_p1, "1.5.4"), score_of(methods_p1, "6.1.1")
    assert f'<output id="calc-{deduction.pk}" hx-swap-oob="true" aria-live="polite">0,75<' in html
    assert (
        f'<output id="calc-{steps.pk}" hx-swap-oob="true" aria-live="polite">0,50 '
        "<small>(bậc ≥90%)</small></output>"
    ) in html
    assert snapshot(methods_p1) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"1.3.2": {"b": "3", "a": "4"}},
            "Tiêu chí 1.3.2: Phương pháp chấm “Theo mức” không dùng số b, a; hãy chọn hoặc "
            "nhập điểm.",
        ),
        (
            {"1.3.2": {"value": "1.50", "b": "3", "a": "4"}},
            "Tiêu chí 1.3.2: Phương pháp chấm “Theo mức” không dùng số b, a",
        ),
        (
            {"1.5.4": {"b": "5", "a": "10"}},
            "Tiêu chí 1.5.4: Tiêu chí trừ điểm theo số trường hợp chỉ nhập số trường hợp, "
            "không nhập số a.",
        ),
        ({"1.5.4": {"b": "-2"}}, "Tiêu chí 1.5.4: số trường hợp “-2” phải là số nguyên không âm."),
        (
            {"1.5.4": {"value": "1,30"}},
            "Tiêu chí 1.5.4: điểm 1,30 không phải 2,00 trừ một số lần 0,25 điểm; hãy nhập số "
            "trường hợp để tính điểm.",
        ),
        ({"6.1.1": {"b": "5", "a": "0"}}, "Tiêu chí 6.1.1: Số a (tổng số) phải lớn hơn 0."),
    ],
)
def test_counts_a_criterion_cannot_take_are_refused_and_nothing_is_stored(
    client, coordinator, methods_p1, fields, message
):
    client.force_login(coordinator)
    data = _form(methods_p1, {**fields, "1.1.2": {"value": "0,5"}})
    before = snapshot(methods_p1)
    response = client.post(_page(methods_p1), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot(methods_p1) == before
    levels = Score.objects.get(pk=score_of(methods_p1, "1.3.2").pk)
    assert (levels.self_b, levels.self_a) == (None, None)


@pytest.fixture
def submitted_methods_p1(methods_p1, coordinator):
    fill_self_assessment(methods_p1, coordinator)
    services.assessment_submit(assessment=methods_p1, user=coordinator)
    return methods_p1


def test_the_council_appraises_a_deduction_by_its_number_of_cases(
    client, appraiser, submitted_methods_p1
):
    client.force_login(appraiser)
    data = _form(submitted_methods_p1, {"1.5.4": {"b": "3", "text": "3 văn bản trễ hạn"}})
    assert client.post(_page(submitted_methods_p1), data).status_code == 302
    score = score_of(submitted_methods_p1, "1.5.4")
    assert (score.appraised_value, score.appraised_b, score.appraised_a) == (D("1.25"), 3, None)


def test_the_page_says_where_an_appraised_value_differs_from_the_cases(
    client, appraiser, submitted_methods_p1
):
    client.force_login(appraiser)
    data = _form(
        submitted_methods_p1,
        {"1.5.4": {"b": "3", "value": "1,00", "text": "3 văn bản trễ hạn, 1 báo cáo sai"}},
    )
    client.post(_page(submitted_methods_p1), data)
    page = client.get(_page(submitted_methods_p1)).content.decode()
    assert "Số trường hợp cho 1,25, khác điểm đã nhập." in page
