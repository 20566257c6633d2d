"""Remediation pages as each role uses them: scope (404 outside it), who may do what, "Việc của
tôi" on the landing page, overdue tasks standing out, files, commitments, query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from remediation import services
from remediation.models import Commitment, Task, TaskFile, TaskStatus
from scoring.models import Assessment, Official
from tests.helpers import pdf

pytestmark = pytest.mark.django_db


def _official(username: str) -> Official:
    return Official.objects.select_related("user").get(user__username=username)


def _code(task: Task) -> str:
    return task.scores.all()[0].criterion.code


@pytest.fixture
def tasks(phuong1_2023, coordinator) -> dict[str, Task]:
    """The 16 drafts of Phường 1's 2023 result, all assigned, due in 30 days."""
    created = services.task_drafts_create(assessment=phuong1_2023, user=coordinator)
    by_code = {_code(t): t for t in created}
    for code in ("7.1.4", "7.3.1", "7.3.2"):
        by_code[code].lead = _official("cchc.p1")
        by_code[code].save()
    services.tasks_assign(
        assessment=phuong1_2023,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        user=coordinator,
    )
    return {code: Task.objects.get(pk=t.pk) for code, t in by_code.items()}


@pytest.fixture
def task_file(tasks, staff) -> TaskFile:
    return services.task_file_add(task=tasks["1.7"], upload=pdf("bien-ban.pdf"), user=staff)


@pytest.fixture
def commitment(phuong1_2023) -> Commitment:
    return services.commitment_register(
        unit=phuong1_2023.unit,
        year=2024,
        official=_official("motcua.p1"),
        content="Đối thoại 2 lần",
    )


def _object_urls(assessment, task, task_file, commitment) -> list[tuple[str, str]]:
    """Every URL that names a unit's assessment, task, file or commitment."""
    return [
        ("get", reverse("remediation:assessment_tasks", args=[assessment.pk])),
        ("post", reverse("remediation:drafts_create", args=[assessment.pk])),
        ("post", reverse("remediation:merge", args=[assessment.pk])),
        ("post", reverse("remediation:assign_all", args=[assessment.pk])),
        ("get", reverse("remediation:task_add", args=[assessment.pk])),
        ("post", reverse("remediation:task_add", args=[assessment.pk])),
        ("get", reverse("remediation:task", args=[task.pk])),
        ("get", reverse("remediation:task_edit", args=[task.pk])),
        ("post", reverse("remediation:task_edit", args=[task.pk])),
        ("post", reverse("remediation:task_assign", args=[task.pk])),
        ("post", reverse("remediation:task_status", args=[task.pk])),
        ("post", reverse("remediation:task_note", args=[task.pk])),
        ("post", reverse("remediation:task_file_upload", args=[task.pk])),
        ("get", reverse("remediation:task_file", args=[task.pk, task_file.pk])),
        ("post", reverse("remediation:task_file_remove", args=[task.pk, task_file.pk])),
        ("post", reverse("remediation:task_remove", args=[task.pk])),
        ("get", f"{reverse('remediation:commitments')}?don_vi={assessment.unit_id}"),
        ("post", f"{reverse('remediation:commitments')}?don_vi={assessment.unit_id}"),
        ("post", reverse("remediation:commitment_status", args=[commitment.pk])),
        ("post", reverse("remediation:commitment_remove", args=[commitment.pk])),
        ("get", reverse("dashboard:unit", args=[assessment.unit_id])),
    ]


LIST_URLS = ["remediation:tasks", "remediation:my_tasks", "remediation:my_tasks_panel"]


def test_anonymous_visitors_are_sent_to_login_from_every_page(
    client, phuong1_2023, tasks, task_file, commitment
):
    urls = _object_urls(phuong1_2023, tasks["1.7"], task_file, commitment)
    urls += [("get", reverse(name)) for name in [*LIST_URLS, "dashboard:ranking", "summary"]]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["outsider", "other_chairperson"])
def test_every_object_outside_the_users_scope_answers_404_and_nothing_changes(
    client, phuong1_2023, tasks, task_file, commitment, who, request
):
    client.force_login(request.getfixturevalue(who))
    before = list(Task.objects.order_by("pk").values_list("pk", "status", "assigned_at"))
    for method, url in _object_urls(phuong1_2023, tasks["1.7"], task_file, commitment):
        data = {"status": "done", "text": "x"} if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 404, url
    assert list(Task.objects.order_by("pk").values_list("pk", "status", "assigned_at")) == before
    assert TaskFile.objects.filter(pk=task_file.pk).exists()
    assert Commitment.objects.filter(pk=commitment.pk).exists()


def test_the_lists_of_someone_outside_show_none_of_the_units_tasks(client, tasks, outsider):
    client.force_login(outsider)
    for name in LIST_URLS:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "Khắc phục tiêu chí" not in response.content.decode(), name


def test_allowed_users_reach_every_page(
    client, coordinator, appraiser, phuong1_2023, tasks, task_file, commitment
):
    forms = {  # the office's forms: the council above reads, it does not manage
        reverse("remediation:task_add", args=[phuong1_2023.pk]),
        reverse("remediation:task_edit", args=[tasks["1.7"].pk]),
    }
    for user in (coordinator, appraiser):
        client.force_login(user)
        for method, url in _object_urls(phuong1_2023, tasks["1.7"], task_file, commitment):
            if method == "get":
                expected = 403 if user == appraiser and url in forms else 200
                assert client.get(url).status_code == expected, (user, url)
        for name in LIST_URLS:
            assert client.get(reverse(name)).status_code == 200, (user, name)


def test_an_official_sees_only_the_tasks_of_their_own_unit(
    client, tasks, staff, other_chairperson, coordinator
):
    other = Assessment.objects.get(unit__code="TXQT-P2", period__year=2023)
    services.task_drafts_create(assessment=other, user=coordinator)
    client.force_login(staff)
    page = client.get(reverse("remediation:tasks")).content.decode()
    assert "Phường 1 – Năm 2023" in page and "Phường 2" not in page
    client.force_login(other_chairperson)
    page = client.get(reverse("remediation:tasks")).content.decode()
    assert "Phường 2 – Năm 2023" in page and "Phường 1 – Năm 2023" not in page


# --- who may do what ------------------------------------------------------------------------


def test_staff_cannot_create_edit_assign_or_verify_but_report_on_their_own_tasks(
    client, phuong1_2023, tasks, staff
):
    client.force_login(staff)
    mine, not_mine = tasks["1.7"], tasks["7.2"]  # one-stop desk / culture & society
    assert (
        client.post(reverse("remediation:drafts_create", args=[phuong1_2023.pk])).status_code == 403
    )
    assert client.get(reverse("remediation:task_edit", args=[mine.pk])).status_code == 403
    status_url = reverse("remediation:task_status", args=[mine.pk])
    assert client.post(status_url, {"status": "in_progress"}).status_code == 302
    assert client.post(status_url, {"status": "done"}).status_code == 302
    assert client.post(status_url, {"status": "verified"}).status_code == 403
    mine.refresh_from_db()
    assert mine.status == TaskStatus.DONE and mine.verified_by is None
    other_url = reverse("remediation:task_status", args=[not_mine.pk])
    assert client.post(other_url, {"status": "done"}).status_code == 403
    page = client.get(reverse("remediation:task", args=[not_mine.pk])).content.decode()
    assert "Báo cáo hoàn thành" not in page and "Ghi nhận" not in page


def test_the_chairperson_verifies_a_finished_task(client, tasks, staff, chairperson):
    task = tasks["1.7"]
    services.task_set_status(task=task, status=TaskStatus.DONE, user=staff)
    client.force_login(chairperson)
    page = client.get(reverse("remediation:task", args=[task.pk])).content.decode()
    assert "Xác nhận đã kiểm tra" in page
    response = client.post(
        reverse("remediation:task_status", args=[task.pk]), {"status": "verified"}, follow=True
    )
    assert "Đã chuyển sang “Đã kiểm tra”." in response.content.decode()
    task.refresh_from_db()
    assert task.verified_by == chairperson


def test_the_council_above_reads_a_units_tasks_but_does_not_manage_them(
    client, phuong1_2023, tasks, appraiser
):
    client.force_login(appraiser)
    assert client.get(reverse("remediation:task", args=[tasks["1.7"].pk])).status_code == 200
    assert (
        client.post(reverse("remediation:drafts_create", args=[phuong1_2023.pk])).status_code == 403
    )
    assert (
        client.post(reverse("remediation:task_status", args=[tasks["1.7"].pk]), {"status": "done"})
    ).status_code == 403


# --- the office's worktable -----------------------------------------------------------------


def test_the_coordinator_creates_drafts_merges_and_assigns_from_the_worktable(
    client, phuong1_2023, coordinator
):
    client.force_login(coordinator)
    url = reverse("remediation:assessment_tasks", args=[phuong1_2023.pk])
    assert "Tạo việc nháp từ 16 tiêu chí bị trừ điểm" in client.get(url).content.decode()
    response = client.post(
        reverse("remediation:drafts_create", args=[phuong1_2023.pk]), follow=True
    )
    page = response.content.decode()
    assert "Đã tạo 16 việc nháp từ các tiêu chí bị trừ điểm." in page
    assert page.count("Nháp – chưa giao") == 16
    by_code = {_code(t): t for t in Task.objects.filter(assessment=phuong1_2023)}
    merge = [by_code["7.3.1"].pk, by_code["7.3.2"].pk]
    response = client.post(
        reverse("remediation:merge", args=[phuong1_2023.pk]), {"task": merge}, follow=True
    )
    assert "Đã gộp 2 việc thành một." in response.content.decode()
    response = client.post(
        reverse("remediation:assign_all", args=[phuong1_2023.pk]),
        {"deadline": "2030-10-31"},
        follow=True,
    )
    page = response.content.decode()
    # 15 tasks after the merge; the two without a department stay drafts, each linked.
    assert "Đã giao 13 việc." in page
    assert "Còn 2 việc nháp chưa giao" in page
    left = Task.objects.drafts().filter(assessment=phuong1_2023)
    assert {_code(t) for t in left} == {"7.1.4", "7.3.1"}
    for task in left:
        edit = reverse("remediation:task_edit", args=[task.pk])
        assert f'<a href="{edit}">Việc “{task.short_title}” chưa có người chủ trì' in page
    assert Task.objects.assigned().filter(assessment=phuong1_2023).count() == 13


def test_a_task_is_edited_through_its_form_and_a_bad_number_is_explained(
    client, tasks, coordinator
):
    client.force_login(coordinator)
    task = tasks["7.1.4"]
    url = reverse("remediation:task_edit", args=[task.pk])
    form = {
        "action": "Số hóa, ký số toàn bộ văn bản đi trên phần mềm QLVB",
        "reason": task.reason,
        "scores": [s.pk for s in task.scores.all()],
        "points": "1,5",
        "lead": _official("cchc.p1").pk,
        "deadline": "2030-10-31",
    }
    response = client.post(url, form)
    assert response.status_code == 422
    assert "vượt số điểm bị trừ của các tiêu chí (7.1.4: 1,00)" in response.content.decode()
    form["points"] = "0,5"
    assert client.post(url, form).status_code == 302
    task.refresh_from_db()
    assert task.action.startswith("Số hóa") and str(task.points) == "0.50"


def test_a_progress_note_through_htmx_answers_with_the_refreshed_notes(client, tasks, staff):
    client.force_login(staff)
    url = reverse("remediation:task_note", args=[tasks["1.7"].pk])
    response = client.post(url, {"text": "Đã tổ chức đối thoại lần 2"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="notes">')
    assert "Đã tổ chức đối thoại lần 2" in page
    empty = client.post(url, {"text": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert "Cần ghi nội dung tiến độ." in empty


def test_a_tasks_file_is_served_only_through_the_checked_view(client, tasks, task_file, staff):
    client.force_login(staff)
    response = client.get(reverse("remediation:task_file", args=[tasks["1.7"].pk, task_file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["X-Content-Type-Options"] == "nosniff"
    wrong_task = reverse("remediation:task_file", args=[tasks["7.2"].pk, task_file.pk])
    assert client.get(wrong_task).status_code == 404


def test_the_task_page_shows_its_history(client, tasks, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("remediation:task", args=[tasks["4.4"].pk])).content.decode()
    assert (
        "Lịch sử thay đổi" in page and "Giao việc" in page and "Tạo từ tiêu chí bị trừ điểm" in page
    )


# --- my tasks and overdue -------------------------------------------------------------------


def test_my_tasks_appear_on_the_page_staff_land_on(client, staff, current_p1):
    client.force_login(staff)
    landing = client.get(reverse("home"), follow=True).content.decode()
    panel_url = reverse("remediation:my_tasks_panel")
    assert f'hx-get="{panel_url}"' in landing and 'hx-trigger="load"' in landing
    assert reverse("remediation:my_tasks") in landing  # without JavaScript: a link


def test_my_tasks_list_the_officials_own_and_departments_tasks_soonest_first(client, tasks, staff):
    overdue = tasks["3.12.1"]
    overdue.deadline = timezone.localdate() - datetime.timedelta(days=5)
    overdue.save()
    client.force_login(staff)
    page = client.get(reverse("remediation:my_tasks")).content.decode()
    codes = ["1.6", "1.7", "3.11.1", "3.12.1", "3.13.2", "3.13.3"]  # the one-stop desk's
    for code in codes:
        assert f"Khắc phục tiêu chí {code}:" in page, code
    assert "Khắc phục tiêu chí 7.2:" not in page
    assert page.index("tiêu chí 3.12.1:") < page.index("tiêu chí 1.6:")
    assert "Quá hạn 5 ngày" in page
    assert 'class="overdue' in page


def test_overdue_tasks_stand_out_in_every_list(client, tasks, coordinator, phuong1_2023):
    task = tasks["4.4"]
    task.deadline = timezone.localdate() - datetime.timedelta(days=21)
    task.save()
    client.force_login(coordinator)
    urls = [
        reverse("remediation:tasks"),
        reverse("remediation:assessment_tasks", args=[phuong1_2023.pk]),
        reverse("remediation:my_tasks"),
        reverse("remediation:task", args=[task.pk]),
        reverse("summary"),
    ]
    for url in urls:
        page = client.get(url).content.decode()
        assert "Quá hạn 21 ngày" in page, url
    filtered = client.get(reverse("remediation:tasks"), {"trang_thai": "qua_han"}).content.decode()
    assert "tiêu chí 4.4:" in filtered and "tiêu chí 1.7:" not in filtered


def test_a_unit_or_task_number_too_large_for_the_database_finds_nothing_instead_of_failing(
    client, coordinator, phuong1_2023, tasks
):
    huge = "9" * 25  # SQLite cannot hold it: it used to end in a server error
    client.force_login(coordinator)
    response = client.get(reverse("remediation:tasks"), {"don_vi": huge})
    assert response.status_code == 200
    assert "Khắc phục tiêu chí" not in response.content.decode()
    merge = reverse("remediation:merge", args=[phuong1_2023.pk])
    response = client.post(merge, {"task": [huge, tasks["1.7"].pk]}, follow=True)
    assert response.status_code == 200
    assert Task.objects.filter(pk=tasks["1.7"].pk).exists()


# --- commitments ----------------------------------------------------------------------------


def test_officials_register_commitments_and_the_office_settles_them_to_a_1_6_score(
    client, staff, coordinator, phuong1_2023
):
    unit = phuong1_2023.unit
    url = f"{reverse('remediation:commitments')}?don_vi={unit.pk}&nam=2024"
    client.force_login(staff)
    mine = _official("motcua.p1")
    for i in range(5):
        form = {"official": mine.pk, "kind": "commitment", "content": f"Cam kết {i + 1}"}
        assert client.post(url, form).status_code == 302
    refused = client.post(
        url, {"official": _official("vhxh.p1").pk, "kind": "commitment", "content": "x"}
    )
    assert refused.status_code == 422  # staff register only for themselves
    commitment = Commitment.objects.filter(unit=unit).first()
    status_url = reverse("remediation:commitment_status", args=[commitment.pk])
    assert client.post(status_url, {"status": "done"}).status_code == 403
    client.force_login(coordinator)
    for c in Commitment.objects.filter(unit=unit).order_by("pk")[:4]:
        client.post(reverse("remediation:commitment_status", args=[c.pk]), {"status": "done"})
    page = client.get(url).content.decode()
    assert (
        "<strong>4/5</strong> nội dung cam kết hoàn thành → <strong>0,80</strong> / 1,00 điểm"
        in page
    )


# --- query counts ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_task_pages_cost_the_same_queries_for_one_task_or_sixteen(
    client, phuong1_2023, coordinator, staff, django_assert_max_num_queries
):
    first = services.task_drafts_create(assessment=phuong1_2023, user=coordinator)[0]
    first.department = _official("motcua.p1").department
    first.lead = _official("motcua.p1")
    first.deadline = datetime.date(2030, 1, 1)
    first.save()
    services.task_assign(task=first)
    urls = {
        "list": reverse("remediation:tasks"),
        "worktable": reverse("remediation:assessment_tasks", args=[phuong1_2023.pk]),
        "task": reverse("remediation:task", args=[first.pk]),
        "mine": reverse("remediation:my_tasks"),
    }
    client.force_login(staff)
    one = {name: _queries(client, url) for name, url in urls.items()}
    Task.objects.filter(pk=first.pk).delete()
    services.task_drafts_create(assessment=phuong1_2023, user=coordinator)
    for task in Task.objects.filter(assessment=phuong1_2023):
        task.department = first.department
        task.deadline = datetime.date(2030, 1, 1)
        task.lead = _official("motcua.p1")
        task.save()
    services.tasks_assign(assessment=phuong1_2023)
    busiest = Task.objects.filter(assessment=phuong1_2023).first()
    services.task_note_add(task=busiest, text="Tiến độ 1", user=staff)
    services.task_note_add(task=busiest, text="Tiến độ 2", user=staff)
    services.task_set_status(task=busiest, status=TaskStatus.IN_PROGRESS, user=staff)
    urls["task"] = reverse("remediation:task", args=[busiest.pk])
    many = {name: _queries(client, url) for name, url in urls.items()}
    assert many == one
    budgets = {"list": 8, "worktable": 8, "task": 14, "mine": 6}
    for name, url in urls.items():
        with django_assert_max_num_queries(budgets[name]):
            client.get(url)


# --- assigning, deadlines and titles (issue 14) ----------------------------------------------


def test_a_past_deadline_for_all_drafts_takes_a_second_step_to_confirm(
    client, phuong1_2023, coordinator
):
    services.task_drafts_create(assessment=phuong1_2023, user=coordinator)
    client.force_login(coordinator)
    post = reverse("remediation:assign_all", args=[phuong1_2023.pk])
    past = timezone.localdate() - datetime.timedelta(days=974)
    response = client.post(post, {"deadline": past.isoformat()}, follow=True)
    page = response.content.decode()
    assert f"Hạn hoàn thành {past:%d/%m/%Y} đã qua 974 ngày." in page
    assert response.redirect_chain[-1][0].endswith(f"?han-da-qua={past.isoformat()}#assign")
    assert f'name="deadline" id="id_deadline" value="{past:%d/%m/%Y}"' in page
    assert 'name="past_deadline_ok"' in page
    assert not Task.objects.assigned().exists()  # nothing happened
    data = {"deadline": past.isoformat(), "past_deadline_ok": "1"}
    page = client.post(post, data, follow=True).content.decode()
    assert "Đã giao 13 việc." in page
    assert Task.objects.assigned().filter(deadline=past).count() == 13


def test_a_past_deadline_on_a_task_form_is_confirmed_with_a_box_beside_it(
    client, coordinator, tasks
):
    client.force_login(coordinator)
    task = tasks["1.7"]
    url = reverse("remediation:task_edit", args=[task.pk])
    page = client.get(url).content.decode()
    assert 'name="past_deadline_ok"' not in page  # only asked when needed
    past = timezone.localdate() - datetime.timedelta(days=3)
    form = {
        "action": "Tổ chức đối thoại lần 2",
        "department": str(task.department_id),
        "deadline": past.isoformat(),
    }
    response = client.post(url, form)
    assert response.status_code == 422
    page = response.content.decode()
    assert f"Hạn hoàn thành {past:%d/%m/%Y} đã qua 3 ngày." in page
    assert 'name="past_deadline_ok"' in page
    before = task.deadline
    task.refresh_from_db()
    assert task.deadline == before  # nothing saved
    response = client.post(url, {**form, "past_deadline_ok": "on"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.deadline == past


def test_long_titles_are_cut_on_a_word_with_an_ellipsis(client, coordinator, tasks):
    client.force_login(coordinator)
    task = tasks["1.7"]
    task.action = "Tổ chức đối thoại " + "giữa lãnh đạo phường với người dân " * 6
    task.save()
    assert task.short_title.endswith("người…")
    assert len(task.short_title) <= 120
    page = client.get(
        reverse("remediation:assessment_tasks", args=[task.assessment_id])
    ).content.decode()
    shown = re.search(rf'href="/khac-phuc/{task.pk}/">([^<]*)</a>', page)[1]
    assert shown.endswith("…") and not shown.endswith(" …")
    assert task.action.startswith(shown[:-1])
    assert task.action[len(shown) - 1] == " "  # the cut falls between two words
