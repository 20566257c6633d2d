"""A council's round in a real browser (Playwright driving Debian's chromium), issue 13.

The town's council secretary opens the 2027 round of its wards and commune in one form; the
work is divided between two appraisers; Phường 1's coordinator enters and submits; each
appraiser appraises their own fields; round 1 goes back for explanations; the unit explains;
round 2 is closed; the secretary previews the wards' ranking and publishes the group; the
chairperson's dashboard shows the new rank x/y and the change against 2023, the last result
published before it.

The other three wards are taken to "appraised" through the services beforehand: the browser
walk is Phường 1's, the group needs all four to be published.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from scoring import services
from scoring.demo import DEMO_PASSWORD, load_demo
from scoring.models import Assessment, AssessmentStatus, Official, Role, Round, Unit
from tests.browser.conftest import confirm, sign_in
from tests.helpers import appraise_all, fill_self_assessment

TYPED = "1.1.2"  # the criterion Phường 1 types, the first appraiser cuts and the unit explains


def _person(username: str, role: str, full_name: str):
    user = get_user_model().objects.create_user(username, full_name=full_name)
    user.set_password(DEMO_PASSWORD)
    user.save()
    Official.objects.create(user=user, unit=Unit.objects.get(code="TXQT"), role=role)
    return user


def _to_appraised(assessment: Assessment) -> None:
    """Another ward's whole cycle, through the services (no user: not bound to the parts)."""
    fill_self_assessment(assessment, None)
    services.assessment_submit(assessment=assessment)
    appraise_all(assessment, None, {"1.6": "0.5"} if assessment.unit.code == "TXQT-P2" else {})
    services.assessment_return(
        assessment=assessment, response_deadline=timezone.now() + timedelta(days=3)
    )
    services.assessment_start_round_2(assessment=assessment)
    services.assessment_finalize(assessment=assessment)


@pytest.mark.django_db(transaction=True)
def test_a_council_runs_its_round_from_opening_to_the_published_group(live_server, page):
    load_demo(province_2026=False, legacy_round=True)
    base = live_server.url
    secretary = _person("thuky.txqt", Role.SECRETARY, "Đỗ Thị Thư Ký")
    legal = _person("thamdinh.tuphap", Role.APPRAISER, "Lê Văn Pháp")
    first = get_user_model().objects.get(username="thamdinh.txqt")
    in_7_days = (timezone.localdate() + timedelta(days=7)).strftime("%d/%m/%Y")

    # The secretary opens the round in one form, the usual ranking groups in one click.
    sign_in(page, base, secretary.username)
    page.goto(f"{base}/dot-danh-gia/moi/")
    page.get_by_role("button", name=re.compile("Tạo các nhóm")).click()
    page.get_by_label("Bộ chỉ số").select_option(index=1)
    page.get_by_label("Năm đánh giá").fill("2027")
    for box in page.locator("input[name=groups]").all():
        box.check()
    page.get_by_label("Hạn tự đánh giá").fill(in_7_days)
    page.get_by_role("button", name=re.compile("Mở đợt")).click()
    expect(page.locator(".messages")).to_contain_text("5 bản đánh giá")
    round_ = Round.objects.get(period__year=2027)

    # The work divided: field 2 to the legal appraiser, the rest to the first one.
    framework = round_.framework
    services.part_create(
        round_=round_,
        name="Lĩnh vực 2",
        appraiser=legal,
        criteria=[framework.criteria.get(code="2")],
    )
    services.part_create(
        round_=round_,
        name="Các lĩnh vực khác",
        appraiser=first,
        criteria=list(framework.criteria.filter(parent__isnull=True).exclude(code="2")),
    )
    wards = Assessment.objects.filter(round=round_, unit__kind="phuong").select_related("unit")
    for assessment in wards.exclude(unit__code="TXQT-P1"):
        _to_appraised(assessment)
    p1 = wards.get(unit__code="TXQT-P1")
    fill_self_assessment(p1, None)  # the 86 criteria nobody types here, claimed in advance
    p1.scores.filter(criterion__code=TYPED).update(self_value=None, self_note="")

    # Phường 1 enters the last criterion and submits.
    sign_in(page, base, "cchc.p1")
    page.goto(f"{base}/danh-gia/{p1.pk}/")
    page.get_by_label(f"Điểm tiêu chí {TYPED}", exact=True).fill("1")
    page.get_by_label(f"Giải thích tiêu chí {TYPED}").fill("Có kế hoạch kèm theo")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 1 tiêu chí.")
    page.get_by_role("button", name="Gửi bản tự đánh giá").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã gửi bản tự đánh giá để thẩm định.")

    # Each appraiser takes their own part; the return waits for both.
    sign_in(page, base, first.username)
    page.goto(f"{base}/danh-gia/{p1.pk}/")
    page.get_by_label(f"Điểm tiêu chí {TYPED}", exact=True).fill("0,5")
    page.get_by_label(f"Lý do trừ điểm tiêu chí {TYPED}").fill("Kế hoạch chưa có chỉ tiêu")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 1 tiêu chí.")
    page.get_by_role("button", name="Chấp nhận cho phần của tôi").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã lấy điểm tự đánh giá")
    page.fill("#id_response_deadline", (timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Gửi kết quả vòng 1").click()
    confirm(page)
    # Not yet: the legal appraiser's field 2 is still open.
    expect(page.locator(".messages")).to_contain_text("Phần “Lĩnh vực 2” (Lê Văn Pháp)")
    sign_in(page, base, legal.username)
    page.goto(f"{base}/danh-gia/{p1.pk}/")
    page.get_by_role("button", name="Chấp nhận cho phần của tôi").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã lấy điểm tự đánh giá")
    page.goto(f"{base}/danh-gia/{p1.pk}/")
    page.fill("#id_response_deadline", (timezone.localdate() + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Gửi kết quả vòng 1").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã gửi kết quả thẩm định vòng 1")

    # Giải trình, then round 2 closed.
    sign_in(page, base, "cchc.p1")
    page.goto(f"{base}/danh-gia/{p1.pk}/")
    page.get_by_label(f"Giải trình tiêu chí {TYPED}").fill("Đã bổ sung chỉ tiêu")
    page.get_by_role("button", name="Lưu giải trình").click()
    page.get_by_role("button", name="Gửi giải trình").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã chuyển sang thẩm định vòng 2.")
    sign_in(page, base, first.username)
    page.goto(f"{base}/danh-gia/{p1.pk}/")
    page.get_by_role("button", name="Chốt kết quả").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã chốt kết quả thẩm định.")
    p1.refresh_from_db()
    assert p1.status == AssessmentStatus.APPRAISED

    # The secretary previews the wards' ranking and publishes the group.
    sign_in(page, base, secretary.username)
    page.goto(f"{base}/dot-danh-gia/{round_.pk}/")
    page.get_by_role("link", name="Xếp hạng dự kiến và công bố").first.click()
    page.fill("#id_decision", "Quyết định số 12/QĐ-UBND ngày 20/01/2028 của UBND thị xã")
    page.fill("#id_decided_on", timezone.localdate().isoformat())
    page.get_by_role("button", name="Công bố kết quả nhóm").click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text("Đã công bố kết quả nhóm")
    p1.refresh_from_db()
    assert p1.status == AssessmentStatus.PUBLISHED
    assert (p1.result_total, p1.result_rank_of) == (Decimal("99.50"), 4)

    # The chairperson's dashboard: the new rank x/y and the change against 2023.
    sign_in(page, base, "chutich.p1")
    page.goto(f"{base}/tong-quan/don-vi/{p1.unit_id}/")
    expect(page.locator("body")).to_contain_text(f"{p1.result_rank}/4")
    expect(page.locator("body")).to_contain_text("So với năm 2023")
    expect(page.locator("body")).to_contain_text("99,50")
