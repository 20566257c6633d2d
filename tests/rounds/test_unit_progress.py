"""A unit's own view of its self-assessment: each department's criteria, how many have a value
and a file, and who has not entered what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring import services
from scoring.models import EvidenceStage, Score
from tests.helpers import pdf, score_of

pytestmark = pytest.mark.django_db


def _row(body: str, department: str) -> str:
    return body.split(f"<td><strong>{department}</strong></td>")[1].split("</tr>")[0]


def test_the_coordinator_sees_each_departments_progress_and_what_is_missing(
    client, coordinator, staff, current_p1
):
    desk = "Bộ phận tiếp nhận và trả kết quả"
    desk_scores = list(
        Score.objects.filter(assessment=current_p1, responsible_department__name=desk)
        .select_related("criterion", "assessment__framework")
        .order_by("criterion__sort_key")
    )
    assert len(desk_scores) >= 2
    first, second = desk_scores[0], desk_scores[1]
    services.score_set_self(score=first, value=first.maximum, user=staff)
    services.evidence_add(score=first, upload=pdf(), stage=EvidenceStage.SELF, user=staff)
    services.score_set_self(score=score_of(current_p1, second.criterion.code), value=Decimal("0"))
    client.force_login(coordinator)
    response = client.get(reverse("rounds:unit_progress", args=[current_p1.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    row = _row(body, desk)
    n = len(desk_scores)
    assert "Trần Văn Minh" in row  # who works there
    assert f'<td class="num">2/{n}</td>' in row and f'<td class="num">1/{n}</td>' in row
    missing = row.split("Chưa chấm:")[1].split("</p>")[0]
    assert f">{first.criterion.code}</a>" not in missing  # entered, with a file
    assert f">{second.criterion.code}</a>" not in missing  # 0 points needs no proof
    assert f">{desk_scores[2].criterion.code}</a>" in missing
    total = current_p1.scores.count()
    assert f"<strong>2/{total}</strong> tiêu chí" in body
    page = client.get(reverse("scoring:assessment", args=[current_p1.pk])).content.decode()
    assert reverse("rounds:unit_progress", args=[current_p1.pk]) in page


def test_a_value_without_a_file_or_an_explanation_is_listed_as_missing(
    client, coordinator, staff, current_p1
):
    score = score_of(current_p1, "1.7")
    services.score_set_self(score=score, value=score.maximum, user=staff)
    client.force_login(coordinator)
    body = client.get(reverse("rounds:unit_progress", args=[current_p1.pk])).content.decode()
    department = score.responsible_department.name
    row = _row(body, department)
    assert ">1.7</a>" in row.split("Chưa có tài liệu hoặc giải thích:")[1].split("</p>")[0]


def test_the_unit_and_those_above_see_it_others_do_not(
    client, current_p1, staff, chairperson, appraiser, other_chairperson, outsider
):
    url = reverse("rounds:unit_progress", args=[current_p1.pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    for user in (staff, chairperson, appraiser):
        client.force_login(user)
        assert client.get(url).status_code == 200, user
    for user in (other_chairperson, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404, user


def test_the_page_costs_a_few_queries_for_87_criteria(
    client, coordinator, current_p1, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(7):
        client.get(reverse("rounds:unit_progress", args=[current_p1.pk]))
