"""Screenshots of the main pages on an office screen and on a phone: `make screenshots`.

Loads the demo (`make run`'s data) into a throwaway SQLite database, serves it on a free local
port, signs in as the demo users in Debian's chromium and writes PNGs into screenshots/
(git-ignored), named `<page>-<width>x<height>.png`. Nothing of the demo is kept.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "screenshots"
SIZES = [(1366, 768), (390, 844)]
PHONE_WIDTH = 600  # below this the page has its phone layout


@dataclass(frozen=True)
class Shot:
    name: str
    user: str | None  # None: not signed in
    path: str  # "" is where the user lands after signing in
    scroll_to: str = ""  # a selector brought to the top of the screen
    full_page: bool = False
    open_menu: bool = False  # the header menu, opened (phones only)


def shots() -> list[Shot]:
    """The pages to take, with the ids of the demo's objects (the database must be loaded)."""
    from scoring.models import Assessment, AssessmentStatus, Round

    round_ = Round.objects.order_by("pk").first()  # the wards' and communes' round
    submitted = Assessment.objects.filter(round=round_, status=AssessmentStatus.SUBMITTED).order_by(
        "unit__name"
    )[0]
    return [
        Shot("login", None, "/dang-nhap/", full_page=True),
        Shot("assessment", "cchc.pqt", ""),
        Shot("assessment-sheet", "cchc.pqt", "", scroll_to="tr.leaf"),
        Shot("menu", "cchc.pqt", "", open_menu=True),
        Shot("dashboard", "chutich.p1", "", full_page=True),
        Shot("ranking", "thamdinh.txqt", "/tong-quan/xep-hang/", full_page=True),
        Shot("round-board", "thuky.snv", f"/dot-danh-gia/{round_.pk}/bang-theo-doi/"),
        Shot(
            "appraisal-return",
            "thamdinh.snv",
            f"/danh-gia/{submitted.pk}/",
            scroll_to="#id_response_deadline",
        ),
    ]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cchc-screenshots-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "DEBUG": "true",  # runserver serves the static files
            "CELERY_BROKER_URL": "",  # jobs run in the request, no worker needed
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        print("Đang nạp dữ liệu mẫu vào cơ sở dữ liệu tạm…")
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([*manage, "load_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
        import django

        django.setup()
        port = _free_port()
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base)
            written = _take(base, shots())
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in written:
        print(path.relative_to(ROOT))
    print(f"{len(written)} ảnh trong {OUT.relative_to(ROOT)}/")


def _take(base: str, wanted: list[Shot]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    from scoring.demo import DEMO_PASSWORD
    from tests.browser.conftest import ARGS, CHROMIUM

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, height in SIZES:
            for shot in wanted:
                if shot.open_menu and width > PHONE_WIDTH:
                    continue
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="vi-VN"
                )
                page = context.new_page()
                if shot.user:
                    page.goto(f"{base}/dang-nhap/")
                    page.fill("#id_username", shot.user)
                    page.fill("#id_password", DEMO_PASSWORD)
                    page.get_by_role("button", name="Đăng nhập").click()
                    page.wait_for_load_state()
                if shot.path:
                    page.goto(base + shot.path)
                page.wait_for_load_state("networkidle")
                if shot.open_menu:
                    page.locator(".menu > summary").click()
                if shot.scroll_to:
                    page.locator(shot.scroll_to).first.evaluate("e => e.scrollIntoView()")
                path = OUT / f"{shot.name}-{width}x{height}.png"
                page.screenshot(path=path, full_page=shot.full_page)
                written.append(path)
                context.close()
        browser.close()
    return written


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz/", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


if __name__ == "__main__":
    main()
