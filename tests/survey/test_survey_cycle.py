"""Survey and outside criteria through the cycle: the unit does not score them, the council
enters the result (%) and the points follow (issue 16, items 1 and 5)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring import services
from scoring.models import AssessmentStatus, Score
from scoring.selectors import assessment_sheet
from tests.helpers import fill_self_assessment, score_of

pytestmark = pytest.mark.django_db

SURVEY_CODES = ["3.1", "3.2", "3.3"]


def _self_only(assessment, user) -> None:
    for score in assessment.scores.select_related("criterion", "assessment__framework"):
        if score.criterion.is_self_assessed:
            services.score_set_self(score=score, value=score.maximum, note="Đã làm", user=user)


def test_the_unit_is_not_asked_for_survey_criteria_and_can_submit_without_them(
    x1, unit_coordinator
):
    missing = services.self_assessment_missing(x1)
    assert [m.split(":")[0] for m in missing] == ["Tiêu chí 1.1", "Tiêu chí 1.2", "Tiêu chí 2"]
    _self_only(x1, unit_coordinator)
    assert services.self_assessment_missing(x1) == []
    services.assessment_submit(assessment=x1, user=unit_coordinator)
    x1.refresh_from_db()
    assert x1.status == AssessmentStatus.SUBMITTED
    assert not x1.scores.filter(criterion__code__in=SURVEY_CODES, self_value__isnull=False)


def test_the_self_assessment_page_shows_them_read_only_and_counts_only_the_units_own(
    client, x1, unit_coordinator
):
    client.force_login(unit_coordinator)
    page = client.get(reverse("scoring:assessment", args=[x1.pk])).content.decode()
    assert page.count("Hội đồng nhập kết quả điều tra") == 2  # 3.1 and 3.3
    assert "Nhập từ nguồn bên ngoài" in page  # 3.2
    for code in SURVEY_CODES:
        assert f'name="{score_of(x1, code).pk}-value"' not in page
    assert f'name="{score_of(x1, "1.2").pk}-value"' in page
    assert "<strong>0/3</strong> tiêu chí đã nhập" in page
    # "Chưa nhập" lists the unit's three, not the council's.
    assert 'href="?loc=chua-nhap"' in page


def test_a_value_posted_for_a_survey_criterion_on_the_self_page_is_not_kept(
    client, x1, unit_coordinator
):
    client.force_login(unit_coordinator)
    survey = score_of(x1, "3.1")
    data = {f"{survey.pk}-version": "0", f"{survey.pk}-value": "2"}
    client.post(reverse("scoring:assessment", args=[x1.pk]), data)
    survey.refresh_from_db()
    assert survey.self_value is None and survey.version == 0
    with pytest.raises(ValidationError):
        services.score_set_self(score=survey, value=D("2"), user=unit_coordinator)


def test_the_council_enters_the_result_and_the_points_follow_rounded_as_the_framework_says(
    x1, council_appraiser
):
    score = score_of(x1, "3.1")
    services.score_set_measure(score=score, measure=D("87.3512"), user=council_appraiser)
    score.refresh_from_db()
    assert score.appraised_measure == D("87.3512")
    assert score.appraised_value == D("1.75")  # 2 × 87,3512 / 100 = 1,747024, half up
    assert score.appraisal_comment == "Kết quả điều tra xã hội học: 87,3512%."
    stepped = score_of(x1, "3.2")
    services.score_set_measure(score=stepped, measure=D("79.99"), user=council_appraiser)
    stepped.refresh_from_db()
    assert stepped.appraised_value == D("1.50")
    assert stepped.appraisal_comment == "Kết quả từ nguồn bên ngoài: 79,99%."
    services.score_set_measure(score=stepped, measure=D("80"), user=council_appraiser)
    stepped.refresh_from_db()
    assert (stepped.appraised_value, stepped.appraisal_comment) == (D("2.00"), "")


def test_a_cut_framework_cuts_the_points(x1, council_appraiser):
    x1.framework.rounding = "cut"
    x1.framework.save()
    score = score_of(x1, "3.1")
    services.score_set_measure(score=score, measure=D("87.3512"), user=council_appraiser)
    score.refresh_from_db()
    assert score.appraised_value == D("1.74")


@pytest.mark.parametrize("measure", ["100.0001", "-1", "87.35125"])
def test_a_result_outside_0_to_100_or_past_four_decimals_is_refused_and_nothing_changes(
    x1, council_appraiser, measure
):
    score = score_of(x1, "3.1")
    with pytest.raises(ValidationError) as refused:
        services.score_set_measure(score=score, measure=D(measure), user=council_appraiser)
    assert refused.value.messages[0].startswith("Tiêu chí 3.1: kết quả ")
    score.refresh_from_db()
    assert (score.appraised_measure, score.appraised_value, score.version) == (None, None, 0)


def test_appraisal_is_not_complete_without_the_survey_results(x1, council_appraiser):
    missing = services.appraisal_missing(x1)
    assert {m.split(":")[0] for m in missing} >= {f"Tiêu chí {c}" for c in SURVEY_CODES}


def test_the_council_types_the_result_on_the_appraisal_page(
    client, x1, unit_coordinator, council_appraiser
):
    _self_only(x1, unit_coordinator)
    services.assessment_submit(assessment=x1, user=unit_coordinator)
    client.force_login(council_appraiser)
    url = reverse("scoring:assessment", args=[x1.pk])
    page = client.get(url).content.decode()
    score = score_of(x1, "3.1")
    assert f'name="{score.pk}-measure"' in page
    assert "Điểm = 2,00 × kết quả (%) / 100." in page
    data = {f"{score.pk}-version": "0", f"{score.pk}-measure": "87,35 %", f"{score.pk}-text": ""}
    response = client.post(url, data)
    assert response.status_code == 302
    score.refresh_from_db()
    assert (score.appraised_measure, score.appraised_value) == (D("87.35"), D("1.75"))
    # Points typed for it are refused: they follow from the result.
    data = {f"{score.pk}-version": "1", f"{score.pk}-value": "2", f"{score.pk}-text": ""}
    page = client.post(url, data)
    assert page.status_code == 422
    assert "Tiêu chí 3.1: điểm tính từ kết quả (%); hãy nhập kết quả" in page.content.decode()
    # Text is no result.
    data = {f"{score.pk}-version": "1", f"{score.pk}-measure": "tốt", f"{score.pk}-text": ""}
    page = client.post(url, data).content.decode()
    assert "Tiêu chí 3.1: kết quả “tốt” không phải là số" in page
    score.refresh_from_db()
    assert score.version == 1


def test_a_second_editor_of_the_same_result_is_refused_with_the_first_ones_value(
    x1, council_appraiser, secretary
):
    score = score_of(x1, "3.1")
    services.score_set_measure(score=score, measure=D("70"), user=council_appraiser)
    stale = score_of(x1, "3.1")
    with pytest.raises(services.ConcurrentEdit):
        services.score_set_measure(score=stale, measure=D("90"), user=secretary, expected_version=0)
    stale.refresh_from_db()
    assert stale.appraised_measure == D("70")


def test_a_percent_criterion_goes_through_the_whole_cycle_to_the_published_rank(
    round_, x1, unit_coordinator, council_appraiser, secretary
):
    """Self-assessment without the survey, the council's results, appraisal, both rounds,
    publication: the total, percentage and rank count the survey points."""
    results = {"KS-X1": ("87.3512", "79.99", "60"), "KS-X2": ("90", "80", "95")}
    for assessment in round_.assessments.select_related("unit", "framework"):
        _self_only(assessment, None)
    for assessment in round_.assessments.select_related("unit", "framework"):
        services.assessment_submit(assessment=assessment)
        measures = results.get(assessment.unit.code, ("50",) * 3)
        for code, measure in zip(SURVEY_CODES, measures, strict=True):
            services.score_set_measure(
                score=score_of(assessment, code), measure=D(measure), user=council_appraiser
            )
        services.assessment_accept_self_values(assessment=assessment, user=council_appraiser)
        assert services.appraisal_missing(assessment) == []
        services.assessment_return(assessment=assessment, response_deadline=None)
        services.assessment_start_round_2(assessment=assessment)
        services.assessment_finalize(assessment=assessment)
    group = round_.groups.get()
    services.group_publish(
        round_=round_,
        group=group,
        decision="Quyết định số 1/QĐ-UBND",
        decided_on=datetime.date.today(),
        user=secretary,
    )
    x1.refresh_from_db()
    # 10 own points + 1,75 (SIPAS 87,3512 %) + 1,50 (index 79,99 %) + 1,20 (60 % of 2).
    assert x1.result_total == D("14.45")
    assert x1.result_percentage == D("90.31")  # 14,45 / 16
    x2 = round_.assessments.get(unit__code="KS-X2")
    assert x2.result_total == D("15.70")  # 10 + 1,80 + 2,00 + 1,90
    assert (x2.result_rank, x1.result_rank) == (1, 2)
    sheet = assessment_sheet(x1)
    assert sheet.results.total == D("14.45")
    latest = Score.objects.get(pk=score_of(x1, "3.1").pk).history.first()
    assert (latest.appraised_measure, latest.history_user) == (D("87.3512"), council_appraiser)


def test_the_unit_cannot_give_itself_a_survey_score_through_the_service(x1, unit_coordinator):
    with pytest.raises(ValidationError) as refused:
        fill_self_assessment(x1, unit_coordinator)
    assert refused.value.messages[0].startswith("Tiêu chí 3.1: hội đồng nhập kết quả")


def test_the_live_preview_shows_the_points_a_typed_result_gives(
    client, x1, unit_coordinator, council_appraiser
):
    _self_only(x1, unit_coordinator)
    services.assessment_submit(assessment=x1, user=unit_coordinator)
    client.force_login(council_appraiser)
    score = score_of(x1, "3.2")
    data = {f"{score.pk}-version": "0", f"{score.pk}-measure": "65"}
    fragment = client.post(reverse("scoring:preview", args=[x1.pk]), data).content.decode()
    assert f'<output id="calc-{score.pk}" hx-swap-oob="true" aria-live="polite">1,50' in fragment
    data[f"{score.pk}-measure"] = "120"
    fragment = client.post(reverse("scoring:preview", args=[x1.pk]), data).content.decode()
    assert "Tiêu chí 3.2: kết quả 120% nằm ngoài 0–100%" in fragment
