"""The council's secretary moves a round to a framework issued in its place: picks it, sees the
preview (what carries, what does not and why), confirms, and finds the change in the round's
history with its list as an .xlsx; and the IT office's command does the same."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from scoring import services
from scoring.models import Assessment, Round, RoundFrameworkChange
from tests.helpers import score_of, snapshot
from tests.rounds.replacement import NAME, make_replacement

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_framework(db):
    return make_replacement()


@pytest.fixture
def p1(round_, coordinator) -> Assessment:
    """Phường 1 has claimed 1.7 (dropped by the new framework) and 1.1.1 (kept)."""
    p1 = Assessment.objects.get(round=round_, unit__code="TXQT-P1")
    services.score_set_self(
        score=score_of(p1, "1.7"), value=D("0.5"), note="Họp giao ban", user=coordinator
    )
    services.score_set_self(score=score_of(p1, "1.1.1"), value=D("1"), user=coordinator)
    return p1


def test_the_secretary_previews_confirms_and_finds_the_change_in_the_history(
    client, secretary, round_, p1, new_framework
):
    client.force_login(secretary)
    detail = reverse("rounds:detail", args=[round_.pk])
    assert (
        reverse("rounds:framework_change", args=[round_.pk]) in client.get(detail).content.decode()
    )
    page = client.get(reverse("rounds:framework_change", args=[round_.pk]))
    assert NAME in page.content.decode()
    before = snapshot(p1)
    preview = client.get(
        reverse("rounds:framework_change", args=[round_.pk]), {"bo_chi_so": new_framework.pk}
    ).content.decode()
    assert snapshot(p1) == before  # a preview changes nothing
    assert 'id="not-carried-preview"' in preview
    assert "Tiêu chí 1.7: bộ chỉ số mới không còn tiêu chí này" in preview
    assert "tự đánh giá 0,50" in preview and "Họp giao ban" in preview
    assert 'data-confirm="' in preview
    done = client.post(
        reverse("rounds:framework_change_confirm", args=[round_.pk]),
        {"bo_chi_so": new_framework.pk},
    )
    assert done.status_code == 302 and done["Location"] == detail
    assert Round.objects.get(pk=round_.pk).framework == new_framework
    assert score_of(p1, "1.1.1").self_value == D("1.00")
    history = client.get(detail).content.decode()
    assert 'id="framework-changes"' in history
    assert f"sang “{NAME}”" in history
    change = RoundFrameworkChange.objects.get(round=round_)
    xlsx = client.get(reverse("rounds:framework_change_xlsx", args=[round_.pk, change.pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=6)]
    [gone] = [r for r in rows if r[1] == "1.7"]
    assert gone[0] == "Phường 1" and "tự đánh giá 0,50" in gone[4] and gone[5] == "Họp giao ban"


def test_a_refused_change_says_why_and_changes_nothing(
    client, secretary, round_, p1, new_framework
):
    client.force_login(secretary)
    services.round_close(round_=round_, note="Chờ quyết định", user=secretary)
    before = snapshot(p1)
    page = client.post(
        reverse("rounds:framework_change_confirm", args=[round_.pk]),
        {"bo_chi_so": new_framework.pk},
        follow=True,
    )
    assert page.status_code == 422
    assert "đã đóng; hãy mở lại đợt trước khi đổi bộ chỉ số" in page.content.decode()
    assert snapshot(p1) == before
    assert not RoundFrameworkChange.objects.exists()


def test_a_framework_that_is_not_offered_is_refused(client, secretary, round_, p1):
    other_level = make_replacement(name="Cấp huyện (thử)", unit_level="district")
    client.force_login(secretary)
    not_offered = "Bộ chỉ số đã chọn không dùng được cho đợt này; hãy chọn trong danh sách."
    for chosen, says in (
        (other_level.pk, not_offered),
        (round_.framework_id, not_offered),
        ("x", not_offered),
        ("", "Hãy chọn bộ chỉ số mới."),
    ):
        page = client.post(
            reverse("rounds:framework_change_confirm", args=[round_.pk]), {"bo_chi_so": chosen}
        )
        assert page.status_code == 422
        assert says in page.content.decode()
    assert Round.objects.get(pk=round_.pk).framework_id != other_level.pk
    # The level's other frameworks are not even offered.
    offered = client.get(reverse("rounds:framework_change", args=[round_.pk])).content.decode()
    assert "Cấp huyện (thử)" not in offered and 'id="no-framework"' in offered


@pytest.mark.parametrize("name", ["framework_change", "framework_change_confirm", "xlsx"])
def test_anonymous_signs_in_and_others_get_404(
    client, name, round_, new_framework, staff, appraiser, coordinator, outsider, secretary
):
    report = services.round_change_framework(round=round_, framework=new_framework)
    urls = {
        "framework_change": reverse("rounds:framework_change", args=[round_.pk]),
        "framework_change_confirm": reverse("rounds:framework_change_confirm", args=[round_.pk]),
        "xlsx": reverse("rounds:framework_change_xlsx", args=[round_.pk, report.change.pk]),
    }
    url = urls[name]
    send = client.post if name == "framework_change_confirm" else client.get
    assert send(url)["Location"].startswith(reverse("login"))
    for user in (staff, coordinator, appraiser, outsider):
        client.force_login(user)
        assert send(url).status_code == 404, user
    client.force_login(secretary)
    assert send(url).status_code in (200, 422)


def test_the_command_previews_then_changes(round_, p1, new_framework):
    out = io.StringIO()
    call_command("change_round_framework", round_.pk, new_framework.pk, "--dry-run", stdout=out)
    text = out.getvalue()
    assert text.startswith("XEM TRƯỚC (chưa thay đổi gì):")
    assert "Phường 1 – 1.7: Tiêu chí 1.7: bộ chỉ số mới không còn tiêu chí này" in text
    assert Round.objects.get(pk=round_.pk).framework != new_framework
    out = io.StringIO()
    call_command("change_round_framework", round_.pk, new_framework.pk, stdout=out)
    assert "Đã chuyển" in out.getvalue()
    assert Round.objects.get(pk=round_.pk).framework == new_framework
    with pytest.raises(CommandError, match="hãy chọn một bộ chỉ số khác"):
        call_command("change_round_framework", round_.pk, new_framework.pk)
    with pytest.raises(CommandError, match="Không có đợt đánh giá mã 999999"):
        call_command("change_round_framework", 999999, new_framework.pk)
