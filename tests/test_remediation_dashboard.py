"""The chairperson's dashboard and the ranking a parent unit sees, on the demo's Phường 1
(seed 002), with the query counts pinned."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from remediation import services
from remediation.models import Task, TaskStatus
from scoring import services as scoring_services
from scoring.models import Assessment, Framework, Official, Period, Unit
from tests.factories import small_framework_data

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section class="card[^"]*" id="{section_id}">(.*?)</section>', page, re.S)
    assert match, section_id
    return match.group(1)


def _bars(section: str) -> dict[str, str]:
    """Each bar's label (from its hover text) and the number written beside it."""
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", section, re.S).group(0))
    bars = {}
    for group in svg.iter(f"{SVG}g"):
        label = group.find(f"{SVG}title").text.rsplit(":", 1)[0]
        bars[label] = group.findall(f"{SVG}text")[-1].text
    return bars


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("summary"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_chairperson_lands_on_her_units_dashboard_with_the_published_result(
    client, chairperson
):
    client.force_login(chairperson)
    assert client.get(reverse("home"))["Location"] == reverse("summary")
    card = _section(_dashboard(client, chairperson), "kpi-annual")
    assert "Năm 2023" in card
    assert "<strong>91,00</strong>" in card and "100,00 điểm" in card
    assert "91,00%" in card and "<strong>Tốt</strong>" in card
    assert "<strong>3/5</strong>" in card and "<strong>+9,18</strong>" in card


def test_the_nine_points_lost_are_split_by_field_as_in_seed_002(client, chairperson):
    section = _section(_dashboard(client, chairperson), "lost-by-field")
    assert "tổng 9,00 điểm, 16 tiêu chí" in section
    bars = {label.split(".")[0]: value for label, value in _bars(section).items()}
    assert bars == {
        "1": "3,79",
        "2": "0,00",
        "3": "1,82",
        "4": "1,00",
        "5": "0,00",
        "6": "0,00",
        "7": "2,39",
    }


def test_points_lost_per_responsible_department_add_up_to_nine(client, chairperson):
    bars = _bars(_section(_dashboard(client, chairperson), "lost-by-owner"))
    assert bars == {
        "Văn phòng - Thống kê": "4,27",
        "Bộ phận tiếp nhận và trả kết quả": "2,33",
        "Các công chức liên quan": "1,39",
        "Văn hóa - Xã hội": "1,01",
    }
    assert sum(D(v.replace(",", ".")) for v in bars.values()) == D("9.00")


def test_the_criteria_that_lost_most_and_where_the_unit_over_claimed(client, chairperson):
    page = _dashboard(client, chairperson)
    top = _section(page, "top-lost")
    assert top.index(">1.5.4<") < top.index(">1.5.3<") < top.index(">3.12.1<")
    assert "Cả 16 tiêu chí bị trừ điểm" in top
    over = _section(page, "over-claimed")
    assert "tổng 7,50 điểm" in over  # 18,50 self-assessed − 11,00 appraised on the 16
    assert ">1.5.4<" not in over  # claimed 0,50 and got 0,50: lost points, no over-claim


def test_criteria_that_lost_points_in_2022_and_2023_are_listed(client, chairperson):
    repeated = _section(_dashboard(client, chairperson), "repeated")
    codes = re.findall(r"<tr><td>([\d.]+)</td>", repeated)
    assert codes == [
        "1.5.3", "1.5.4", "1.6", "1.7", "3.11.1", "3.12.1",
        "3.12.2", "3.13.3", "4.4", "7.1.4", "7.2", "7.3.2",
    ]  # fmt: skip
    assert "2022, 2023" in repeated


def test_the_trend_shows_81_82_then_91_00(client, chairperson):
    trend = _section(_dashboard(client, chairperson), "trend")
    assert "Cả năm – 2022: 81,82" in trend and "Cả năm – 2023: 91,00" in trend
    assert trend.count('class="chart lines field"') == 7


def test_creating_tasks_and_marking_some_done_changes_the_projection(
    client, chairperson, staff, phuong1_2023
):
    page = _dashboard(client, chairperson)
    assert "Tạo việc từ 16 tiêu chí bị trừ điểm" in _section(page, "projection")
    client.post(reverse("remediation:drafts_create", args=[phuong1_2023.pk]))
    projection = _section(_dashboard(client, chairperson), "projection")
    assert re.search(r'id="projection-done">91,00<.*?3/5', projection, re.S)
    assert '<strong>100,00</strong></td><td class="num">1/5' in projection
    by_code = {t.scores.get().criterion.code: t for t in Task.objects.all()}
    for code in ("1.5.4", "1.7"):
        task = by_code[code]
        task.lead = Official.objects.get(user=staff)
        task.deadline = phuong1_2023.published_at.date()
        task.save()
        services.task_assign(task=task)
        services.task_set_status(task=task, status=TaskStatus.DONE, user=staff)
    projection = _section(_dashboard(client, chairperson), "projection")
    # 91,00 + 1,50 + 1,00: past Phường 3's 92,50, behind Phường 2's 94,25
    assert re.search(r'id="projection-done">93,50<.*?2/5.*?\+2,50', projection, re.S)
    assert "Không có việc nào quá hạn" in projection  # finished tasks are not overdue


def test_tasks_by_status_and_overdue_tasks_with_their_owner(client, chairperson, phuong1_2023):
    services.task_drafts_create(assessment=phuong1_2023)
    task = Task.objects.get(scores__criterion__code="4.4")
    task.deadline = phuong1_2023.published_at.date()
    task.save()
    services.task_assign(task=task)
    page = _dashboard(client, chairperson)
    kpi = _section(page, "kpi-tasks")
    assert "Nháp <strong>15</strong>" in kpi and "Chưa bắt đầu <strong>1</strong>" in kpi
    assert "Quá hạn <strong>1</strong>" in kpi
    overdue = _section(page, "projection")
    assert "tiêu chí 4.4" in overdue and "Văn phòng - Thống kê" in overdue
    assert 'class="badge overdue error">Quá hạn' in overdue


def test_someone_without_a_unit_sees_no_results(client, outsider):
    page = _dashboard(client, outsider)
    assert "Chưa có kết quả" in page and "91,00" not in page


def test_the_council_sees_the_ranking_of_its_units_and_opens_any_of_them(
    client, appraiser, phuong1_2023
):
    page = _dashboard(client, appraiser)
    assert "Xếp hạng Chỉ số CCHC các đơn vị" in page
    rows = re.findall(r'<td class="num">(\d)/5</td>\s*<td><a href="([^"]+)">([^<]+)</a>', page)
    assert [(rank, name) for rank, _, name in rows] == [
        ("1", "Phường 2"),
        ("2", "Phường 3"),
        ("3", "Phường 1"),
        ("4", "Phường An Đôn"),
        ("5", "Xã Hải Lệ"),
    ]
    phuong1 = next(url for _, url, name in rows if name == "Phường 1")
    opened = client.get(phuong1).content.decode()
    assert "Chỉ số CCHC – Phường 1" in opened and "<strong>91,00</strong>" in opened
    previous = Period.objects.get(year=2022, kind="annual")
    key = f"{previous.pk}-{Framework.objects.get(assessments__pk=phuong1_2023.pk).pk}"
    older = client.get(reverse("dashboard:ranking"), {"ky": key}).content.decode()
    assert "81,82" in older


def test_a_chairperson_cannot_open_a_neighbouring_units_dashboard(
    client, other_chairperson, phuong1_2023
):
    client.force_login(other_chairperson)
    assert client.get(reverse("dashboard:unit", args=[phuong1_2023.unit_id])).status_code == 404
    page = client.get(reverse("dashboard:ranking")).content.decode()
    assert "Phường 1" not in page


# --- query counts ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _tiny_unit_with_one_published_round() -> Unit:
    """A ward with one published round on a 3-criterion framework, and one task."""
    txqt = Unit.objects.get(code="TXQT")
    unit = Unit.objects.create(code="TXQT-TINY", name="Phường Nhỏ", kind="phuong", parent=txqt)
    framework = scoring_services.framework_create(data=small_framework_data())
    period, _ = Period.objects.get_or_create(year=2021, kind="annual")
    assessment = scoring_services.assessment_create(unit=unit, framework=framework, period=period)
    for score in assessment.scores.select_related("criterion", "assessment__framework"):
        lose = score.criterion.code == "1.2"
        scoring_services.score_set_self(score=score, value=score.maximum)
        scoring_services.score_set_appraised(
            score=score, value=D("0") if lose else score.maximum, comment="Chưa có" if lose else ""
        )
    scoring_services.assessment_publish(assessment=assessment, from_record=True)
    services.task_drafts_create(assessment=assessment)
    return unit


def test_the_dashboard_costs_the_same_queries_for_3_criteria_and_1_round_as_for_87_and_2(
    client, appraiser, phuong1_2023, django_assert_max_num_queries
):
    services.task_drafts_create(assessment=phuong1_2023)
    tiny = _tiny_unit_with_one_published_round()
    client.force_login(appraiser)
    big = _queries(client, reverse("dashboard:unit", args=[phuong1_2023.unit_id]))
    small = _queries(client, reverse("dashboard:unit", args=[tiny.pk]))
    assert big == small
    with django_assert_max_num_queries(16):
        client.get(reverse("dashboard:unit", args=[phuong1_2023.unit_id]))


def test_the_ranking_costs_the_same_queries_for_5_or_6_units(
    client, appraiser, django_assert_max_num_queries
):
    client.force_login(appraiser)
    url = reverse("dashboard:ranking")
    five = _queries(client, url)
    framework = Framework.objects.get(
        assessments__unit__code="TXQT-P1", assessments__period__year=2023
    )
    unit = Unit.objects.create(
        code="TXQT-NEW", name="Phường Mới", kind="phuong", parent=Unit.objects.get(code="TXQT")
    )
    period = Period.objects.get(year=2023, kind="annual")
    assessment = scoring_services.assessment_create(unit=unit, framework=framework, period=period)
    assessment.scores.update(appraised_value=0)
    scoring_services.assessment_publish(assessment=assessment, from_record=True)
    services.task_drafts_create(assessment=assessment)
    page = client.get(url).content.decode()
    assert "Phường Mới" in page and "6/6" in page
    assert _queries(client, url) == five
    with django_assert_max_num_queries(10):
        client.get(url)
    assert Assessment.objects.filter(period=period, status="published").count() == 6


def test_a_mid_year_round_back_from_the_council_shows_a_provisional_result_and_takes_tasks(
    client, chairperson, phuong1_2023
):
    period, _ = Period.objects.get_or_create(year=2024, kind="mid_year")
    mid_year = scoring_services.assessment_create(
        unit=phuong1_2023.unit, framework=phuong1_2023.framework, period=period
    )
    for score in mid_year.scores.select_related("criterion", "assessment__framework"):
        scoring_services.score_set_self(score=score, value=score.maximum)
        if score.criterion.code.startswith("1."):  # only field 1 appraised so far
            lose = score.criterion.code == "1.7"
            scoring_services.score_set_appraised(
                score=score,
                value=D("0") if lose else score.maximum,
                comment="Chưa đối thoại" if lose else "",
            )
    Assessment.objects.filter(pk=mid_year.pk).update(status="returned")
    card = _section(_dashboard(client, chairperson), "kpi-mid_year")
    assert "6 tháng đầu năm 2024" in card and "tạm tính, chưa công bố" in card
    assert "<strong>15,00</strong>" in card  # field 1's 16 points less the 1 lost on 1.7
    mid_year.refresh_from_db()
    created = services.task_drafts_create(assessment=mid_year)
    assert [t.scores.get().criterion.code for t in created] == ["1.7"]


def test_the_admin_lists_tasks_commitments_and_reminders(admin_client, phuong1_2023):
    services.task_drafts_create(assessment=phuong1_2023)
    task = Task.objects.first()
    for model in ("task", "commitment", "remindersent"):
        assert admin_client.get(reverse(f"admin:remediation_{model}_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:remediation_task_change", args=[task.pk])).status_code
        == 200
    )
    history = reverse("admin:remediation_task_history", args=[task.pk])
    assert admin_client.get(history).status_code == 200


def test_units_scored_on_different_frameworks_in_one_round_are_ranked_apart(
    client, appraiser, phuong1_2023
):
    txqt = Unit.objects.get(code="TXQT")
    unit = Unit.objects.create(code="TXQT-OTHER", name="Phường Khác", kind="phuong", parent=txqt)
    small = scoring_services.framework_create(data=small_framework_data())
    assessment = scoring_services.assessment_create(
        unit=unit, framework=small, period=phuong1_2023.period
    )
    assessment.scores.update(appraised_value=0)
    scoring_services.assessment_publish(assessment=assessment, from_record=True)
    client.force_login(appraiser)
    page = client.get(reverse("dashboard:ranking")).content.decode()
    assert "Năm 2023 – Bộ chỉ số CCHC cấp xã (mẫu minh họa)" in page
    assert "Năm 2023 – Bộ chỉ số nhỏ" in page
    assert "3/5" in page and "Phường Khác" not in page
    key = f"{phuong1_2023.period_id}-{small.pk}"
    page = client.get(reverse("dashboard:ranking"), {"ky": key}).content.decode()
    assert "Phường Khác" in page and "1/1" in page and "Phường 1" not in page
