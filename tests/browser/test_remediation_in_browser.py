"""Remediation in a real browser (Playwright driving Debian's chromium).

The chairperson of Phường 1 creates the tasks from her dashboard; the one-stop desk's official
finds them in "Việc của tôi" on the page he lands on (loaded by htmx), records progress without
a page reload and reports one done; the chairperson's projection moves.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from remediation import services
from remediation.models import Task
from scoring.demo import load_demo
from scoring.models import Assessment, Official
from tests.browser.conftest import sign_in


@pytest.mark.django_db(transaction=True)
def test_tasks_from_the_dashboard_reach_the_official_and_move_the_projection(live_server, page):
    # idempotent; an earlier transactional test may have flushed the demo
    load_demo(province_2026=False, legacy_round=True)
    base = live_server.url
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)

    sign_in(page, base, "chutich.p1")
    expect(page.locator("#kpi-annual")).to_contain_text("91,00")
    expect(page.locator("#kpi-annual")).to_contain_text("3/5")
    page.get_by_role("button", name="Tạo việc từ 16 tiêu chí bị trừ điểm").click()
    expect(page.locator(".messages")).to_contain_text("Đã tạo 16 việc nháp")
    expect(page.locator("table.tasks tbody tr")).to_have_count(16)

    # The office's assignment is covered by the page tests; here it is done directly.
    desk = Official.objects.get(user__username="motcua.p1")
    Task.objects.filter(assessment=assessment, department=desk.department).update(
        deadline=timezone.localdate() + datetime.timedelta(days=3)
    )
    for task in Task.objects.filter(assessment=assessment, department=desk.department):
        services.task_assign(task=task)

    sign_in(page, base, "motcua.p1")
    panel = page.locator("#my-tasks")
    expect(panel).to_contain_text("6 việc đang thực hiện")  # loaded after the page, by htmx
    expect(page).to_have_url(re.compile(r"/danh-gia/\d+/$"))
    panel.get_by_role("link", name=re.compile("tiêu chí 1.7:")).click()
    page.get_by_label("Tiến độ, kết quả").fill(
        "Đã tổ chức cuộc đối thoại thứ hai, có văn bản chỉ đạo"
    )
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator("#notes")).to_contain_text("Đã tổ chức cuộc đối thoại thứ hai")
    page.get_by_role("button", name="Báo cáo hoàn thành").click()
    expect(page.locator(".messages")).to_contain_text("Đã chuyển sang “Hoàn thành”.")

    sign_in(page, base, "chutich.p1")
    expect(page.locator("#projection-done")).to_have_text("92,00")
    expect(page.locator("#kpi-tasks")).to_contain_text("Hoàn thành 1")
