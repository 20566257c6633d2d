"""Locust scenario: a province's working day, N people at once (bench/load/run.py starts it).

People come in the proportions of a working day, whatever their number (`--users`): per 50,
20 staff, 10 appraisers, 17 chairpersons and 3 printing (locust weights; accounts are shared
when there are more people than accounts). Staff open their self-assessment and save scores;
appraisers open the queue and appraise; chairpersons open their dashboard and ranking; a few
print the phụ lục as PDF. Everyone signs
in through the login form first. Accounts come from bench/load/prepare.py (LOAD_ACCOUNTS).

Beside them (with LOAD_HOSTILE=1, the default of run.py): one staff member uploads a hostile
workbook every 10 s (the audit's 76 MB sheet, and one that is refused only at row 5,001), and
a monitor asks /healthz/ every second, so the report shows whether the site stays responsive.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, constant_pacing, task

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text(encoding="utf-8"))
_next = {kind: itertools.count() for kind in ("staff", "appraisers", "chairpersons", "printers")}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A yes/no criterion's row: its version field, then its <select> of allowed scores.
SELECT_ROW = re.compile(
    r'name="(\d+)-version" value="(\d+)">\s*<select name="\1-value"[^>]*>(.*?)</select>', re.S
)
OPTION = re.compile(r'<option value="([^"]+)"')
# The council's reason for a deduction, or the unit's note: required below the maximum.
REASON = "Chưa có văn bản kiểm chứng đầy đủ (dữ liệu thử tải)."


class Person(HttpUser):
    abstract = True
    # Reading, typing, thinking between two requests: LOAD_THINK seconds, e.g. "5,15".
    wait_time = between(*(float(x) for x in os.environ.get("LOAD_THINK", "5,15").split(",")))

    def sign_in(self, username: str) -> None:
        page = self.client.get("/dang-nhap/", name="đăng nhập (trang)")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/dang-nhap/",
            {"username": username, "password": ACCOUNTS["password"], "csrfmiddlewaretoken": token},
            name="đăng nhập (gửi)",
        )
        if "dang-nhap" in response.url:
            raise RuntimeError(f"{username} could not sign in")

    def save_one_score(self, url: str, label: str) -> None:
        page = self.client.get(url, name=f"{label} (trang)")
        rows = SELECT_ROW.findall(page.text)
        token = CSRF.search(page.text)
        if not rows or token is None:
            return
        pk, version, options = random.choice(rows)
        value = random.choice(OPTION.findall(options))
        form = {f"{pk}-version": version, f"{pk}-value": value, f"{pk}-text": REASON}
        form["csrfmiddlewaretoken"] = token.group(1)
        self.client.post(url, form, name=f"{label} (lưu)")


class Staff(Person):
    weight = 20

    def on_start(self) -> None:
        me = ACCOUNTS["staff"][next(_next["staff"]) % len(ACCOUNTS["staff"])]
        self.sign_in(me["username"])
        self.assessment = f"/danh-gia/{me['assessment']}/"

    @task(4)
    def self_assess(self) -> None:
        self.save_one_score(self.assessment, "tự đánh giá")

    @task(1)
    def my_tasks(self) -> None:
        self.client.get("/khac-phuc/cua-toi/", name="việc của tôi")


class Appraiser(Person):
    weight = 10

    def on_start(self) -> None:
        me = ACCOUNTS["appraisers"][next(_next["appraisers"]) % len(ACCOUNTS["appraisers"])]
        self.sign_in(me)

    @task(1)
    def queue(self) -> None:
        self.client.get("/danh-gia/tham-dinh/", name="hàng chờ thẩm định")

    @task(4)
    def appraise(self) -> None:
        pk = random.choice(ACCOUNTS["appraised"])
        self.save_one_score(f"/danh-gia/{pk}/", "thẩm định")


class Chairperson(Person):
    weight = 17

    def on_start(self) -> None:
        mine = ACCOUNTS["chairpersons"]
        self.me = mine[next(_next["chairpersons"]) % len(mine)]
        self.sign_in(self.me["username"])

    @task(3)
    def dashboard(self) -> None:
        self.client.get(f"/tong-quan/don-vi/{self.me['unit']}/", name="bảng điều hành")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="trang chủ")

    @task(1)
    def ranking(self) -> None:
        self.client.get("/tong-quan/xep-hang/", name="xếp hạng")

    @task(1)
    def result(self) -> None:
        self.client.get(f"/danh-gia/{self.me['published']}/", name="kết quả đã công bố")


class Printer(Person):
    """The office printing the phụ lục of points lost, as PDF."""

    weight = 3
    wait_time = between(5, 15)

    def on_start(self) -> None:
        mine = ACCOUNTS["chairpersons"]
        self.me = mine[-1 - next(_next["printers"]) % len(mine)]
        self.sign_in(self.me["username"])

    @task
    def phu_luc_pdf(self) -> None:
        self.client.get(f"/van-ban/danh-gia/{self.me['published']}/phu-luc.pdf", name="phụ lục PDF")


HOSTILE = os.environ.get("LOAD_HOSTILE", "") == "1"


def _hostile_files() -> list[tuple[str, bytes]]:
    """Built once, before anyone starts: building the 76 MB sheet takes a second of CPU, and
    locust's users share one process, so building it during the run would stall them all
    (and show as one slow request of whoever was waiting)."""
    from tests.exchange import hostile

    return [
        ("bang-76mb.xlsx", hostile.numbers_sheet(100_000, 50)),
        ("bang-20000-dong.xlsx", hostile.numbers_sheet(20_000, 20)),
    ]


HOSTILE_FILES = _hostile_files() if HOSTILE else []


class HostileUploader(Person):
    """Staff of a commune uploading a hostile workbook as its self-assessment, every 10 s."""

    fixed_count = 1 if HOSTILE else 0
    wait_time = constant_pacing(10)

    def on_start(self) -> None:
        self.files = itertools.cycle(HOSTILE_FILES)
        me = ACCOUNTS["staff"][-1]
        self.sign_in(me["username"])
        self.assessment = me["assessment"]

    @task
    def upload(self) -> None:
        url = f"/excel/danh-gia/{self.assessment}/tu-danh-gia/nhap/"
        page = self.client.get(f"/excel/danh-gia/{self.assessment}/", name="trao đổi Excel")
        token = CSRF.search(page.text).group(1)
        name, data = next(self.files)
        self.client.post(
            url,
            data={"csrfmiddlewaretoken": token},
            files={"file": (name, data, "application/octet-stream")},
            name="tệp Excel độc hại (tải lên)",
        )


class HealthMonitor(HttpUser):
    """The load balancer's health check: /healthz/ every second."""

    fixed_count = 1 if HOSTILE else 0
    wait_time = constant_pacing(1)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz/", name="/healthz/")
