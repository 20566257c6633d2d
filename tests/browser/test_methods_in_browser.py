"""A stepped ratio and a per-case deduction typed in a real browser, on an office screen and on
a phone: the score is computed as the counts are typed, and saved."""

import os
import re
from datetime import timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring import engine
from scoring.demo import load_demo
from scoring.models import Assessment, Criterion
from tests.browser.conftest import sign_in

# `METHODS_SHOTS=dir` keeps screenshots of the two rows, to look at them.
SHOTS = os.environ.get("METHODS_SHOTS")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_counts_typed_for_steps_and_deductions_score_as_typed(live_server, page, width, height):
    load_demo(province_2026=False, legacy_round=True)
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    assessment.self_deadline = timezone.now() + timedelta(days=5)
    assessment.save()
    framework = assessment.framework
    Criterion.objects.filter(framework=framework, code="6.1.1").update(
        method=engine.Method.RATIO_STEPS,
        params={"steps": [{"at_least": "100", "points": "1"}, {"at_least": "90", "points": "0.5"}]},
    )
    Criterion.objects.filter(framework=framework, code="1.5.4").update(
        method=engine.Method.DEDUCTION, params={"per_case": "0.25"}
    )
    steps = assessment.scores.get(criterion__code="6.1.1")
    deduction = assessment.scores.get(criterion__code="1.5.4")

    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server.url, "cchc.p1")
    expect(page).to_have_url(re.compile(rf"/danh-gia/{assessment.pk}/$"))
    page.get_by_label("Số trường hợp tiêu chí 1.5.4").fill("5")
    expect(page.locator(f"#calc-{deduction.pk}")).to_have_text("0,75")
    page.get_by_label("Số b tiêu chí 6.1.1").fill("105")
    page.get_by_label("Số a tiêu chí 6.1.1").fill("100")
    expect(page.locator(f"#calc-{steps.pk}")).to_have_text("1,00 (bậc ≥100%)")
    if SHOTS:
        for name, row in (("deduction", deduction), ("steps", steps)):
            page.locator(f"#row-{row.pk}").screenshot(
                path=str(Path(SHOTS) / f"{name}-{width}x{height}.png")
            )
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu 2 tiêu chí.")
    steps.refresh_from_db()
    deduction.refresh_from_db()
    assert (steps.self_value, steps.self_b, steps.self_a) == (D("1.00"), 105, 100)
    assert (deduction.self_value, deduction.self_b, deduction.self_a) == (D("0.75"), 5, None)
