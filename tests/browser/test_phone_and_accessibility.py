"""Phones and accessibility in a real browser (issue 14).

At 390 × 844 no page is wider than the screen, each criterion of the sheet is a card in which a
score is typed and saved, the header folds into a menu that holds the user's name and "Đăng
xuất", and chart text stays at least 11 px. At 1366 × 768 the sheet is still a table and the
menu is open. axe-core (vendored from its npm package) finds nothing serious or critical on the
login page, the assessment page and the dashboard, on either screen.
"""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright

from rounds import services as round_services
from scoring.demo import load_demo
from scoring.models import Assessment, Framework, Official, Role, Unit
from tests.browser.conftest import ARGS, CHROMIUM, sign_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SCROLL_WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture
def open_tab(monkeypatch):
    """Opens a tab at a given screen size; axe is injected as an inline script, which the
    Content-Security-Policy forbids, so a tab for axe bypasses it (the page's own scripts run
    as they would anyway)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

        def _open(viewport: dict, *, for_axe: bool = False) -> Page:
            context = browser.new_context(viewport=viewport, locale="vi-VN", bypass_csp=for_axe)
            return context.new_page()

        yield _open
        browser.close()
        connections.close_all()


@pytest.fixture
def p1_2026(live_server):
    load_demo(province_2026=False, legacy_round=True)
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    assessment.self_deadline = timezone.now() + timedelta(days=5)
    assessment.save()
    return assessment


def _row(assessment: Assessment, code: str) -> str:
    return f"#row-{assessment.scores.get(criterion__code=code).pk}"


def _style(page: Page, selector: str, prop: str, pseudo: str | None = None) -> str:
    return page.locator(selector).evaluate(
        "(e, [prop, pseudo]) => getComputedStyle(e, pseudo).getPropertyValue(prop)",
        [prop, pseudo],
    )


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_each_criterion_is_a_card_and_a_score_is_entered_and_saved(
    live_server, open_tab, p1_2026
):
    page = open_tab(PHONE)
    sign_in(page, live_server.url, "cchc.p1")
    expect(page).to_have_url(re.compile(rf"/danh-gia/{p1_2026.pk}/$"))
    assert page.evaluate(SCROLL_WIDTH) <= PHONE["width"]

    row = _row(p1_2026, "1.1.2")
    assert _style(page, row, "display") == "grid"
    assert _style(page, f"{row} td.inputs", "content", "::before") == '"Điểm tự đánh giá"'
    assert _style(page, f"{row} td.c-max", "content", "::before") == '"Tối đa"'
    field = page.get_by_label("Điểm tiêu chí 1.1.2", exact=True)
    box = field.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    field.fill("0,75")
    page.get_by_label("Giải thích tiêu chí 1.1.2").fill("Kế hoạch chưa có chỉ tiêu")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 1 tiêu chí.")
    assert p1_2026.scores.get(criterion__code="1.1.2").self_value == Decimal("0.75")
    assert page.evaluate(SCROLL_WIDTH) <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_header_menu_holds_the_links_the_name_and_sign_out(
    live_server, open_tab, p1_2026
):
    page = open_tab(PHONE)
    sign_in(page, live_server.url, "cchc.p1")
    sign_out = page.get_by_role("button", name="Đăng xuất")
    expect(sign_out).to_be_hidden()
    header = page.locator("header.topbar")
    assert header.bounding_box()["height"] < 60  # one line: brand, bell and the menu button
    page.get_by_text("Trình đơn").click()
    expect(sign_out).to_be_visible()
    full_name = get_user_model().objects.get(username="cchc.p1").get_full_name()
    expect(header.get_by_text(full_name)).to_be_visible()
    expect(header.get_by_role("link", name="Bản đánh giá")).to_be_visible()
    expect(header.get_by_role("link", name="Thẩm định")).to_have_count(0)  # staff never appraise
    sign_out.click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))

    sign_in(page, live_server.url, "thamdinh.txqt")
    page.get_by_text("Trình đơn").click()
    expect(header.get_by_role("link", name="Thẩm định")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_on_a_wide_screen_the_sheet_stays_a_table_and_the_menu_stays_open(
    live_server, open_tab, p1_2026
):
    page = open_tab(DESKTOP)
    sign_in(page, live_server.url, "cchc.p1")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    expect(page.get_by_text("Trình đơn")).to_be_hidden()
    row = _row(p1_2026, "1.1.2")
    assert _style(page, row, "display") == "table-row"
    expect(page.locator("table.sheet thead").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Phường 1's coordinator has no remediation task: no empty "Việc của tôi" card.
    expect(page.locator("#my-tasks")).to_have_count(0)
    expect(page.get_by_role("heading", name="Việc của tôi")).to_have_count(0)


def _board_url() -> str:
    """A 2027 round of the town's communes, run by a secretary (the demo's 2026 has none)."""
    town = Unit.objects.get(code="TXQT")
    secretary = get_user_model().objects.create_user("thuky.txqt", full_name="Đặng Thị Thư")
    secretary.set_password("cchc-demo-2024")
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
        user=secretary,
    )
    return reverse("rounds:board", args=[round_.pk])


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_no_page_is_wider_than_the_screen(live_server, open_tab, p1_2026):
    phuong1 = Unit.objects.get(code="TXQT-P1")
    p1_2023 = Assessment.objects.get(unit=phuong1, period__year=2023)
    pages = {
        "chutich.p1": [
            reverse("summary"),
            reverse("dashboard:unit", args=[phuong1.pk]),
            reverse("scoring:assessment", args=[p1_2023.pk]),
            reverse("remediation:tasks"),
            reverse("remediation:my_tasks"),
            reverse("notices:index"),
            reverse("documents:index"),
            reverse("documents:assessment", args=[p1_2023.pk]),
            reverse("accounts:profile"),
            reverse("accounts:password_change"),
            reverse("accounts:unit_people", args=[phuong1.pk]),
        ],
        "thamdinh.txqt": [reverse("dashboard:ranking"), reverse("scoring:queue")],
        "thuky.txqt": [_board_url(), reverse("rounds:index")],
    }
    wider = []
    for username, urls in pages.items():
        page = open_tab(PHONE)
        sign_in(page, live_server.url, username)
        for url in urls:
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            if page.evaluate(SCROLL_WIDTH) > PHONE["width"]:
                wider.append((url, page.evaluate(SCROLL_WIDTH)))
        page.context.close()
    assert wider == []


# Every text of every chart shown, at the size it is drawn on the screen: its font size times
# the chart's scale (the width it is shown at over the width it was drawn for).
CHART_TEXT_SIZES = """() => [...document.querySelectorAll("svg.chart")]
  .filter(svg => svg.getClientRects().length > 0)
  .flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll("text")].map(t => ({
      text: t.textContent,
      px: parseFloat(getComputedStyle(t).fontSize) * scale,
    }));
  })"""


@pytest.mark.django_db(transaction=True)
def test_chart_text_on_a_phone_is_at_least_11_px(live_server, open_tab, p1_2026):
    seen = {}
    for username, url in [
        ("chutich.p1", reverse("summary")),
        ("thamdinh.txqt", reverse("dashboard:ranking")),
    ]:
        page = open_tab(PHONE)
        sign_in(page, live_server.url, username)
        page.goto(live_server.url + url)
        seen[url] = page.evaluate(CHART_TEXT_SIZES)
        page.context.close()
    dashboard, ranking = seen.values()
    assert any(t["text"].startswith("7. ") for t in dashboard)  # the field chart's labels
    assert any("Phường 2" in t["text"] for t in ranking)
    too_small = [t for t in dashboard + ranking if t["px"] < 11]
    assert too_small == []


def _axe(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
          .map(v => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "390x844"])
def test_axe_finds_nothing_serious_on_the_login_assessment_and_dashboard_pages(
    live_server, open_tab, p1_2026, viewport
):
    found = {}
    page = open_tab(viewport, for_axe=True)
    page.goto(f"{live_server.url}/dang-nhap/")
    found["login"] = _axe(page)
    sign_in(page, live_server.url, "cchc.p1")
    page.wait_for_load_state("networkidle")
    found["assessment"] = _axe(page)
    sign_in(page, live_server.url, "chutich.p1")
    page.wait_for_load_state("networkidle")
    found["dashboard"] = _axe(page)
    assert found == {"login": [], "assessment": [], "dashboard": []}
