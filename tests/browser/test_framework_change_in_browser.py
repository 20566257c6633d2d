"""A round moved to a framework issued in its place, in a real browser (issue 16, item 8): the
secretary picks the new framework on the round's page, reads the preview, confirms in the
dialog and finds the change, with what was not carried, in the round's history."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from rounds import services as round_services
from scoring import services
from scoring.demo import DEMO_PASSWORD, load_demo
from scoring.models import Assessment, Framework, Official, Role, Round, Unit
from tests.browser.conftest import confirm, sign_in
from tests.helpers import score_of
from tests.rounds.replacement import NAME, make_replacement


@pytest.mark.django_db(transaction=True)
def test_the_secretary_moves_the_round_to_the_new_framework(live_server, page):
    load_demo(province_2026=False, legacy_round=True)
    base = live_server.url
    town = Unit.objects.get(code="TXQT")
    secretary = get_user_model().objects.create_user("thuky.txqt", full_name="Đỗ Thị Thư Ký")
    secretary.set_password(DEMO_PASSWORD)
    secretary.save()
    Official.objects.create(user=secretary, unit=town, role=Role.SECRETARY)
    round_, _ = round_services.round_create_and_open(
        council_unit=town,
        framework=Framework.objects.get(name="Bộ chỉ số CCHC cấp xã (mẫu minh họa)"),
        year=2027,
        period_kind="annual",
        name="Đánh giá CCHC năm 2027",
        groups=round_services.ranking_groups_create_usual(council_unit=town),
        self_deadline=timezone.now() + timedelta(days=10),
    )
    p1 = Assessment.objects.get(round=round_, unit__code="TXQT-P1")
    services.score_set_self(score=score_of(p1, "1.7"), value=Decimal("0.5"), note="Họp giao ban")
    new = make_replacement()

    sign_in(page, base, secretary.username)
    page.goto(f"{base}/dot-danh-gia/{round_.pk}/")
    page.get_by_role("link", name="Đổi bộ chỉ số").click()
    page.get_by_label("Bộ chỉ số mới").select_option(str(new.pk))
    page.get_by_role("button", name="Xem trước").click()
    table = page.locator("#not-carried-preview")
    expect(table).to_contain_text("Tiêu chí 1.7: bộ chỉ số mới không còn tiêu chí này")
    expect(table).to_contain_text("Họp giao ban")
    page.get_by_role("button", name=re.compile("Chuyển đợt sang")).click()
    confirm(page)
    expect(page.locator(".messages")).to_contain_text(f"Đã chuyển đợt sang bộ chỉ số “{NAME}”")
    history = page.locator("#framework-changes")
    expect(history).to_contain_text(f"sang “{NAME}”")
    expect(history).to_contain_text("1 mục không chuyển được")
    assert Round.objects.get(pk=round_.pk).framework == new
