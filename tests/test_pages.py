"""The pages the foundation serves: login, home, and the admin with the demo data."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring.models import Assessment, Criterion
from scoring.selectors import assessment_sheet

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_vietnamese_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "Tên đăng nhập" in page and "Mật khẩu" in page


def test_a_wrong_password_is_answered_in_vietnamese(client):
    response = client.post(reverse("login"), {"username": "chutich.p1", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_the_chairperson_sees_her_units_rank_with_a_decimal_comma(client, chairperson):
    client.force_login(chairperson)
    page = client.get(reverse("summary")).content.decode()
    assert "Năm 2023" in page
    assert "91,00" in page and "+9,18" in page and "3/5" in page


def test_a_user_with_no_unit_sees_no_results(client, outsider):
    client.force_login(outsider)
    page = client.get(reverse("summary")).content.decode()
    assert "91,00" not in page
    assert "Chưa có kết quả" in page


def test_the_home_page_costs_the_same_queries_whatever_the_number_of_units(
    client, appraiser, django_assert_max_num_queries
):
    client.force_login(appraiser)
    with django_assert_max_num_queries(16):
        client.get(reverse("home"))


def test_the_score_sheet_costs_a_fixed_number_of_queries(phuong1_2023, django_assert_num_queries):
    assessment = Assessment.objects.select_related("framework", "period", "unit").get(
        pk=phuong1_2023.pk
    )
    # Criteria and scores; a published result reads its frozen rank, classification and
    # change instead of re-ranking the period (issue 13), and names the period compared with.
    with django_assert_num_queries(3):
        assessment_sheet(assessment)


def test_a_provisional_score_sheet_costs_a_fixed_number_of_queries(
    current_p1, django_assert_num_queries
):
    assessment = Assessment.objects.select_related("framework", "period", "unit").get(
        pk=current_p1.pk
    )
    with django_assert_num_queries(3):  # criteria, scores, the previous period's total
        assessment_sheet(assessment)


@pytest.mark.parametrize(
    "model",
    [
        "unit",
        "department",
        "official",
        "framework",
        "criterion",
        "period",
        "assessment",
        "score",
        "evidence",
    ],
)
def test_the_admin_lists_the_demo_data(admin_client, model):
    response = admin_client.get(reverse(f"admin:scoring_{model}_changelist"))
    assert response.status_code == 200


def test_the_admin_shows_phuong_1_2023_with_its_scores(admin_client, phuong1_2023):
    url = reverse("admin:scoring_assessment_change", args=[phuong1_2023.pk])
    page = admin_client.get(url).content.decode()
    assert "Phường 1" in page and "Mức độ thực hiện kế hoạch CCHC" in page


def test_the_admin_refuses_an_edit_that_breaks_a_framework_in_force(admin_client):
    criterion = Criterion.objects.get(code="1.1.3")
    url = reverse("admin:scoring_criterion_change", args=[criterion.pk])
    form = {
        "framework": criterion.framework_id,
        "parent": criterion.parent_id,
        "code": "1.1.3",
        "title": criterion.title,
        "maximum": "3.00",
        "method": "ratio",
        "params": "{}",
    }
    page = admin_client.post(url, form).content.decode()
    assert "Tiêu chí 1.1: điểm tối đa 4,00 khác tổng điểm tối đa các tiêu chí con 5,00." in page
    criterion.refresh_from_db()
    assert criterion.maximum == D("2.00")
    form["title"] = "Mức độ thực hiện kế hoạch cải cách hành chính"
    form["maximum"] = "2.00"
    assert admin_client.post(url, form).status_code == 302
    criterion.refresh_from_db()
    assert criterion.title == "Mức độ thực hiện kế hoạch cải cách hành chính"


def _try_login(client, username, password, ip):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_password_guessing_locks_that_user_from_that_address_only(client):
    for _ in range(5):
        _try_login(client, "chutich.p1", "doan-mo", "10.0.0.5")
    locked = _try_login(client, "chutich.p1", "cchc-demo-2024", "10.0.0.5")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # A colleague in the same office (same shared address) still signs in…
    assert _try_login(client, "cchc.p1", "cchc-demo-2024", "10.0.0.5").status_code == 302
    # …and so does the same person from another address.
    assert _try_login(client, "chutich.p1", "cchc-demo-2024", "10.0.0.9").status_code == 302


def test_pages_forbid_inline_script_and_style_and_framing(client, chairperson):
    client.force_login(chairperson)
    policy = client.get(reverse("summary"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_the_published_result_names_the_period_it_is_compared_with(
    client, chairperson, phuong1_2023
):
    client.force_login(chairperson)
    page = client.get(reverse("scoring:assessment", args=[phuong1_2023.pk])).content.decode()
    assert "tăng 9,18 điểm so với năm 2022" in page
