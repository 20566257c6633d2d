"""Irreversible actions ask first, in a real dialog that says what will happen (confirm.js):
cancelling leaves everything as it was; going ahead does it and says so."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from documents import services as documents
from documents.models import Letter
from scoring.demo import load_demo
from scoring.models import Assessment, AssessmentStatus
from tests.browser.conftest import sign_in
from tests.helpers import fill_self_assessment

pytestmark = pytest.mark.django_db(transaction=True)


def _dialog(page):
    return page.locator("#confirm-dialog")


def test_deleting_a_letter_draft_asks_first_and_says_it_is_done(live_server, page):
    load_demo(province_2026=False, legacy_round=True)
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2023)
    coordinator = get_user_model().objects.get(username="cchc.p1")
    letter = documents.letter_create(assessment=assessment, kind="cong_van", user=coordinator)
    sign_in(page, live_server.url, "cchc.p1")
    page.goto(f"{live_server.url}/van-ban/{letter.pk}/")

    page.get_by_role("button", name="Xóa dự thảo").click()
    dialog = _dialog(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Xóa dự thảo?")
    expect(dialog).to_contain_text("sẽ bị xóa hẳn, không khôi phục được")
    dialog.get_by_role("button", name="Hủy").click()
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"/van-ban/{letter.pk}/$"))
    assert Letter.objects.filter(pk=letter.pk).exists()

    page.get_by_role("button", name="Xóa dự thảo").click()
    page.keyboard.press("Escape")  # Escape cancels too
    expect(dialog).to_be_hidden()
    assert Letter.objects.filter(pk=letter.pk).exists()

    page.get_by_role("button", name="Xóa dự thảo").click()
    dialog.get_by_role("button", name="Xóa dự thảo").click()
    expect(page.locator(".messages")).to_contain_text("Đã xóa dự thảo công văn “")
    expect(page).to_have_url(re.compile(rf"/van-ban/danh-gia/{assessment.pk}/$"))
    assert not Letter.objects.filter(pk=letter.pk).exists()


def test_submitting_an_assessment_asks_first_and_says_it_is_done(live_server, page):
    load_demo(province_2026=False, legacy_round=True)
    assessment = Assessment.objects.get(unit__code="TXQT-P1", period__year=2026)
    assessment.self_deadline = timezone.now() + timedelta(days=5)
    assessment.save()
    fill_self_assessment(assessment, None)
    sign_in(page, live_server.url, "cchc.p1")
    expect(page).to_have_url(re.compile(rf"/danh-gia/{assessment.pk}/$"))

    page.get_by_role("button", name="Gửi bản tự đánh giá").click()
    dialog = _dialog(page)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("không sửa được nữa")
    dialog.get_by_role("button", name="Hủy").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Lưu nháp")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT

    page.get_by_role("button", name="Gửi bản tự đánh giá").click()
    dialog.get_by_role("button", name="Gửi thẩm định").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi bản tự đánh giá để thẩm định.")
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
