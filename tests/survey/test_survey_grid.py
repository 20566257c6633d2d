"""The council's round-wide grid of survey and outside results: one row per unit, one column
per criterion, saved a row at a time with the version check (issue 16, item 1)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import services
from scoring.survey import survey_columns
from tests.factories import UnitFactory
from tests.helpers import score_of
from tests.survey.conftest import make_round

pytestmark = pytest.mark.django_db


def _url(round_) -> str:
    return reverse("rounds:survey", args=[round_.pk])


def _row(assessment, **measures) -> dict:
    data = {"row": str(assessment.pk)}
    for code, measure in measures.items():
        score = score_of(assessment, code.replace("_", "."))
        data[f"{score.pk}-version"] = str(score.version)
        data[f"{score.pk}-measure"] = measure
        data[f"{score.pk}-text"] = score.appraisal_comment
    return data


def test_anonymous_is_sent_to_sign_in_and_others_do_not_find_the_page(
    client, round_, unit_coordinator, outsider, appraiser
):
    assert client.get(_url(round_)).status_code == 302
    for user in (unit_coordinator, outsider, appraiser):  # appraiser: another council's
        client.force_login(user)
        assert client.get(_url(round_)).status_code == 404
        assert client.get(reverse("rounds:survey_download", args=[round_.pk])).status_code == 404


def test_the_secretary_and_the_councils_appraisers_see_every_unit_and_criterion(
    client, round_, secretary, council_appraiser
):
    for user in (secretary, council_appraiser):
        client.force_login(user)
        page = client.get(_url(round_)).content.decode()
        for name in ("Xã Khảo Sát 001", "Xã Khảo Sát 002", "Xã Khảo Sát 003"):
            assert name in page
        assert "3.1. Mức độ hài lòng về thủ tục hành chính (SIPAS)" in page
        assert "Theo kết quả (%) — từ 80% được 2,00; từ 65% được 1,50" in page
        assert page.count('-measure"') == 9


def test_saving_a_row_writes_the_results_and_their_points(client, round_, x1, secretary):
    client.force_login(secretary)
    response = client.post(_url(round_), _row(x1, **{"3_1": "87,3512", "3_2": "79,99 %"}))
    assert response.status_code == 302
    assert score_of(x1, "3.1").appraised_value == D("1.75")
    assert score_of(x1, "3.2").appraised_value == D("1.50")
    assert score_of(x1, "3.3").appraised_value is None  # left blank
    page = client.get(response.url).content.decode()
    assert "Xã Khảo Sát 001: đã lưu 2 kết quả." in page
    assert 'value="87,3512"' in page


def test_a_row_someone_else_saved_meanwhile_is_refused_with_their_value_and_nothing_saved(
    client, round_, x1, secretary, council_appraiser
):
    loaded = _row(x1, **{"3_1": "60", "3_2": "70"})
    services.score_set_measure(score=score_of(x1, "3.1"), measure=D("90"), user=council_appraiser)
    client.force_login(secretary)
    page = client.post(_url(round_), loaded)
    assert page.status_code == 422
    text = page.content.decode()
    assert "Tiêu chí 3.1: vừa được Thành viên hội đồng sửa lúc" in text
    assert "kết quả đo (thẩm định) hiện là 90,00" in text
    assert score_of(x1, "3.1").appraised_measure == D("90")
    assert score_of(x1, "3.2").appraised_measure is None  # the whole row, or nothing
    assert 'value="60"' in text  # what was typed stays on the page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("100,0001", "Tiêu chí 3.1: kết quả 100,0001% nằm ngoài 0–100%"),
        ("cao", "Tiêu chí 3.1: kết quả “cao” không phải là số"),
    ],
)
def test_a_bad_result_is_refused_in_its_row(client, round_, x1, secretary, typed, message):
    client.force_login(secretary)
    page = client.post(_url(round_), _row(x1, **{"3_1": typed, "3_3": "50"}))
    assert page.status_code == 422
    assert message in page.content.decode()
    assert score_of(x1, "3.3").appraised_measure is None


def test_the_grid_costs_the_same_queries_for_3_units_as_for_7(
    client, province, framework, secretary
):
    round_ = make_round(province, framework, 3)
    client.force_login(secretary)
    client.get(_url(round_))  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(round_)).status_code == 200
    for i in range(4, 8):  # four more units join the open round
        UnitFactory(code=f"KS-X{i}", name=f"Xã Khảo Sát {i:03d}", kind="xa", parent=province)
    services.round_open(round_=round_)
    assert round_.assessments.count() == 7
    with CaptureQueriesContext(connection) as large:
        page = client.get(_url(round_))
    assert page.content.decode().count('-measure"') == 21
    assert len(large) == len(small)
    assert len(survey_columns(framework)) == 3


def test_the_board_counts_self_assessment_over_the_units_own_criteria(
    client, round_, x1, secretary, unit_coordinator
):
    for score in x1.scores.select_related("criterion", "assessment__framework"):
        if score.criterion.is_self_assessed:
            services.score_set_self(score=score, value=score.maximum, note="Đã làm")
    client.force_login(secretary)
    csv = client.get(reverse("rounds:board_csv", args=[round_.pk])).content.decode("utf-8-sig")
    line = next(line for line in csv.splitlines() if "Xã Khảo Sát 001" in line)
    assert "3/3 (100%)" in line
    progress = client.get(reverse("rounds:unit_progress", args=[x1.pk])).content.decode()
    assert "Mức độ hài lòng về thủ tục hành chính" not in progress


def test_the_appraisal_queue_leads_the_councils_appraiser_to_the_round_wide_results(
    client, round_, council_appraiser, appraiser
):
    client.force_login(council_appraiser)
    page = client.get(reverse("scoring:queue")).content.decode()
    assert f'href="{_url(round_)}"' in page
    client.force_login(appraiser)  # another council's
    assert f'href="{_url(round_)}"' not in client.get(reverse("scoring:queue")).content.decode()


def test_the_round_page_links_to_its_survey_results(client, round_, secretary):
    client.force_login(secretary)
    page = client.get(reverse("rounds:detail", args=[round_.pk])).content.decode()
    assert f'href="{_url(round_)}"' in page
