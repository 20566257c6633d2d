"""Accounts in a real browser: a forgotten password, from the login page to signed in."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from scoring.demo import load_demo
from tests.accounts.helpers import last_link_to

NEW_PASSWORD = "Phuong-1-moi-2026"


@pytest.mark.django_db(transaction=True)
def test_a_forgotten_password_is_reset_from_the_e_mailed_link(live_server, page, settings):
    load_demo(province_2026=False, legacy_round=True)  # an earlier transactional test may flush
    settings.OTP_REQUIRED = False
    user = get_user_model().objects.get(username="cchc.p1")
    user.email = "ha.cchc@quangtri.gov.vn"
    user.save()
    base = live_server.url

    page.goto(f"{base}/dang-nhap/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_label("Thư điện tử của tài khoản").fill("ha.cchc@quangtri.gov.vn")
    page.get_by_role("button", name="Gửi liên kết đặt lại mật khẩu").click()
    expect(page.get_by_role("heading", name="Hãy kiểm tra hộp thư")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["ha.cchc@quangtri.gov.vn"]]

    page.goto(base + last_link_to("ha.cchc@quangtri.gov.vn"))
    expect(page).to_have_url(re.compile(r"/mat-khau-moi/$"))  # the token left the address bar
    page.screenshot(path="/tmp/acc-shots/set-password.png")
    page.locator("#id_new_password1").fill("12345678")
    page.locator("#id_new_password2").fill("12345678")
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.locator(".field-error").first).to_contain_text("Mật khẩu này")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đặt mật khẩu").click()
    expect(page.locator(".messages")).to_contain_text("Đã đặt mật khẩu mới; bạn đã đăng nhập.")
    expect(page.locator(".user")).to_contain_text("Nguyễn Thị Thu Hà")

    # Signed out, the new password opens the account; the old one no longer does.
    page.get_by_role("button", name="Đăng xuất").click()
    page.fill("#id_username", "cchc.p1")
    page.fill("#id_password", "cchc-demo-2024")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("p.error")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    page.fill("#id_password", NEW_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".user")).to_contain_text("Nguyễn Thị Thu Hà")
