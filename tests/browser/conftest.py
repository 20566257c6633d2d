"""Browser tests: Playwright driving Debian's chromium against the live test server."""

import pytest
from django.db import connections
from playwright.sync_api import Page, expect, sync_playwright

from scoring.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM
    # calls are plain sequential code, so Django's guard against async use does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        tab = context.new_page()
        tab.on("dialog", lambda dialog: dialog.accept())
        yield tab
        browser.close()
        # Connections opened while Playwright's loop runs belong to its context: close them
        # here, or the PostgreSQL test database stays in use and cannot be dropped.
        connections.close_all()


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in through the login form as a demo user, dropping any earlier session."""
    page.context.clear_cookies()
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def confirm(page: Page) -> None:
    """Go ahead in the confirmation dialog an irreversible action opens (confirm.js)."""
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#confirm-ok").click()
