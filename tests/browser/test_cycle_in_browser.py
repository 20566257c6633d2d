"""The whole cycle in a real browser (Playwright driving Debian's chromium).

The coordinator of Phường 1 fills several criteria, a ratio one among them, and submits; the
appraiser of Thị xã Quảng Trị appraises and returns round 1; the unit sends its explanation;
the appraiser closes round 2 and publishes; the published total is read off the screen.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.demo import load_demo
from scoring.models import Assessment
from tests.browser.conftest import confirm, sign_in
from tests.helpers import fill_self_assessment

TYPED_IN_BROWSER = {"1.1.1", "1.1.2", "1.1.3"}


@pytest.mark.django_db(transaction=True)
def test_staff_submit_appraiser_publishes_and_the_total_is_on_screen(live_server, page):
    # idempotent; the demo may have been flushed by an earlier transactional test
    load_demo(province_2026=False, legacy_round=True)
    base = live_server.url
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    assessment.self_deadline = timezone.now() + timedelta(days=5)
    assessment.save()
    # The 84 criteria nobody types here are claimed in advance, to keep the test short.
    fill_self_assessment(assessment, None)
    assessment.scores.filter(criterion__code__in=TYPED_IN_BROWSER).update(
        self_value=None, self_note=""
    )

    calc_113 = f"#calc-{assessment.scores.get(criterion__code='1.1.3').pk}"

    sign_in(page, base, "cchc.p1")
    expect(page).to_have_url(re.compile(rf"/danh-gia/{assessment.pk}/$"))
    page.get_by_label("Điểm tiêu chí 1.1.1", exact=True).select_option(label="Đạt (1,00)")
    page.get_by_label("Điểm tiêu chí 1.1.2", exact=True).fill("1")
    page.get_by_label("Số b tiêu chí 1.1.3").fill("44")
    page.get_by_label("Số a tiêu chí 1.1.3").fill("46")
    expect(page.locator(calc_113)).to_have_text("1,91")  # computed live, before saving
    for code in sorted(TYPED_IN_BROWSER):
        page.get_by_label(f"Giải thích tiêu chí {code}").fill("Có báo cáo kèm theo")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 3 tiêu chí.")
    page.get_by_role("button", name="Gửi bản tự đánh giá").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã gửi bản tự đánh giá để thẩm định.")
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)

    sign_in(page, base, "thamdinh.txqt")
    page.get_by_role("link", name="Phường 1").first.click()
    page.get_by_label("Số b tiêu chí 1.1.3").fill("44")
    page.get_by_label("Số a tiêu chí 1.1.3").fill("46")
    expect(page.locator(calc_113)).to_have_text("1,91")
    page.get_by_label("Lý do trừ điểm tiêu chí 1.1.3").fill("Hoàn thành 44/46 nhiệm vụ")
    page.get_by_label("Điểm tiêu chí 1.1.2", exact=True).fill("0,5")
    page.get_by_label("Lý do trừ điểm tiêu chí 1.1.2").fill("Kế hoạch chưa xác định chỉ tiêu")
    expect(page.locator("#total-live")).to_have_text("2,41")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 2 tiêu chí.")
    page.get_by_role("button", name="Chấp nhận cho các tiêu chí chưa thẩm định").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("cho 85 tiêu chí")
    expect(page.locator("#total-live")).to_have_text("99,41")
    page.fill("#id_response_deadline", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Gửi kết quả vòng 1").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã gửi kết quả thẩm định vòng 1")

    sign_in(page, base, "cchc.p1")
    page.get_by_label("Giải trình tiêu chí 1.1.2").fill("Đã bổ sung chỉ tiêu")
    page.get_by_role("button", name="Lưu giải trình").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 1 tiêu chí.")
    page.get_by_role("button", name="Gửi giải trình").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã chuyển sang thẩm định vòng 2.")

    sign_in(page, base, "thamdinh.txqt")
    page.get_by_role("link", name="Phường 1").first.click()
    page.get_by_role("button", name="Chốt kết quả").click()
    confirm(page)
    page.fill("#id_decision", "Quyết định số 15/QĐ-UBND ngày 10/01/2027 của UBND thị xã Quảng Trị")
    page.get_by_role("button", name="Công bố").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã công bố kết quả.")
    expect(page.locator("#published-total")).to_have_text("99,41")
    expect(page.locator(".facts")).to_contain_text("Xuất sắc")
