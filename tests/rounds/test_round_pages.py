"""The council opens a round in one form, follows it on its page, adds a late unit, closes and
re-opens it, and gives one unit more time."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from scoring import services as scoring
from scoring.models import (
    Assessment,
    DeadlineExtension,
    Period,
    RankingGroup,
    Round,
    RoundStatus,
    Score,
    Unit,
)
from tests.factories import UnitFactory
from tests.helpers import score_of
from tests.rounds.conftest import YEAR, days, vn

pytestmark = pytest.mark.django_db


def _form(town, framework, groups, **changes) -> dict:
    data = {
        "council_unit": town.pk,
        "framework": framework.pk,
        "year": YEAR,
        "period_kind": "annual",
        "name": "",
        "groups": [g.pk for g in groups],
        "self_deadline": vn(days(10)),
        "response_deadline": vn(days(20)),
        "appraisal_deadline": vn(days(30)),
    }
    data.update(changes)
    return data


def test_the_secretary_opens_a_round_for_the_demo_communes_in_one_form(
    client, secretary, town, framework, groups
):
    client.force_login(secretary)
    page = client.get(reverse("rounds:create")).content.decode()
    assert f'value="{town.pk}" selected' in page  # the only council, preselected
    assert "Đánh giá CCHC năm" in page  # the suggested name
    response = client.post(
        reverse("rounds:create"),
        _form(town, framework, groups, excluded=[Unit.objects.get(code="TXQT-HL").pk]),
        follow=True,
    )
    round_ = Round.objects.get()
    assert response.redirect_chain[-1][0] == reverse("rounds:detail", args=[round_.pk])
    body = response.content.decode()
    assert "Đã mở đợt đánh giá: tạo 4 bản đánh giá" in body
    assert round_.name == "Đánh giá CCHC năm 2027 – phường, xã"
    assert Period.objects.filter(year=YEAR, kind="annual").exists()
    assessments = Assessment.objects.filter(round=round_).select_related("unit")
    assert sorted(a.unit.code for a in assessments) == [
        "TXQT-AD", "TXQT-P1", "TXQT-P2", "TXQT-P3",
    ]  # fmt: skip
    deadline = timezone.localtime(assessments[0].self_deadline)
    assert (deadline.date(), deadline.hour, deadline.minute) == (
        timezone.localdate(days(10)),
        23,
        59,
    )
    assert "Phường – 4 đơn vị" in body and "Đang tự đánh giá: 4" in body


def test_a_form_with_mistakes_shows_them_in_vietnamese_keeps_what_was_typed_and_creates_nothing(
    client, secretary, town, framework, groups
):
    client.force_login(secretary)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = _form(
        town,
        framework,
        groups,
        name="Đợt thử nghiệm",
        self_deadline=vn(yesterday),
        response_deadline="31/02/2027",
        appraisal_deadline=vn(days(5)),
    )
    response = client.post(reverse("rounds:create"), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert f"Ngày {vn(yesterday)} đã qua" in body
    assert "Ngày không hợp lệ; ghi dạng ngày/tháng/năm" in body
    assert 'value="Đợt thử nghiệm"' in body and 'value="31/02/2027"' in body
    assert Round.objects.count() == 0 and not Period.objects.filter(year=YEAR).exists()


def test_deadlines_out_of_order_and_no_group_are_refused(
    client, secretary, town, framework, groups
):
    client.force_login(secretary)
    data = _form(
        town,
        framework,
        [],
        self_deadline=vn(days(20)),
        response_deadline=vn(days(10)),
        appraisal_deadline=vn(days(8)),
    )
    body = client.post(reverse("rounds:create"), data).content.decode()
    assert "Hãy chọn ít nhất một nhóm xếp hạng." in body
    assert "phải sau hạn tự đánh giá" in body
    assert "Hạn thẩm định" in body and "phải sau hạn giải trình" in body
    assert Round.objects.count() == 0


def test_a_round_the_council_already_runs_for_the_period_is_refused_and_nothing_is_made(
    client, secretary, town, framework, groups, round_
):
    client.force_login(secretary)
    response = client.post(reverse("rounds:create"), _form(town, framework, groups))
    assert response.status_code == 422
    assert Round.objects.count() == 1
    assert Assessment.objects.filter(round=round_).count() == 5


def test_a_council_without_groups_creates_the_usual_ones_in_one_click(client, secretary, town):
    client.force_login(secretary)
    page = client.get(reverse("rounds:create")).content.decode()
    assert "chưa có nhóm xếp hạng" in page and "<strong>Phường</strong>" in page
    response = client.post(reverse("rounds:groups_create", args=[town.pk]), follow=True)
    assert "Đã tạo nhóm xếp hạng cho Thị xã Quảng Trị: Phường, Xã." in response.content.decode()
    groups = {g.name: g.kinds for g in RankingGroup.objects.filter(council_unit=town)}
    assert groups == {"Phường": ["phuong"], "Xã": ["xa"]}
    assert "chưa có nhóm xếp hạng" not in client.get(reverse("rounds:create")).content.decode()


def test_a_unit_that_joined_later_is_added_and_counted(client, secretary, town, round_):
    client.force_login(secretary)
    UnitFactory(code="TXQT-NEW", name="Phường Mới", kind="phuong", parent=town)
    response = client.post(reverse("rounds:add_units", args=[round_.pk]), follow=True)
    assert "Đã thêm 1 đơn vị mới vào đợt đánh giá." in response.content.decode()
    assert Assessment.objects.filter(round=round_, unit__code="TXQT-NEW").exists()
    again = client.post(reverse("rounds:add_units", args=[round_.pk]), follow=True)
    assert "Không có đơn vị mới" in again.content.decode()


def test_closing_and_reopening_are_listed_with_who_when_and_why(client, secretary, round_):
    client.force_login(secretary)
    refused = client.post(reverse("rounds:close", args=[round_.pk]), {"note": " "}, follow=True)
    assert "Hãy ghi lý do" in refused.content.decode()
    client.post(reverse("rounds:close", args=[round_.pk]), {"note": "Chờ quyết định sáp nhập"})
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    client.post(reverse("rounds:reopen", args=[round_.pk]), {"note": "Đã có quyết định"})
    body = client.get(reverse("rounds:detail", args=[round_.pk])).content.decode()
    history = body.split('id="round-history"')[1].split("</ul>")[0]
    assert history.count("<li>") == 2
    assert "Đặng Thị Thư: <strong>đóng đợt</strong> – Chờ quyết định sáp nhập" in history
    assert "Đặng Thị Thư: <strong>mở lại đợt</strong> – Đã có quyết định" in history
    assert history.index("đóng đợt") < history.index("mở lại đợt")


def test_an_extension_lets_that_unit_enter_past_the_common_deadline_and_nobody_else(
    client, secretary, round_
):
    client.force_login(secretary)
    Assessment.objects.filter(round=round_).update(self_deadline=days(-1))
    p1, p2 = (Assessment.objects.get(round=round_, unit__code=c) for c in ("TXQT-P1", "TXQT-P2"))
    url = reverse("rounds:extend", args=[round_.pk, p1.pk])
    bad = client.post(url, {"deadline": "self_deadline", "until": vn(days(3)), "reason": ""})
    assert bad.status_code == 422 and "Hãy ghi lý do gia hạn." in bad.content.decode()
    response = client.post(
        url,
        {"deadline": "self_deadline", "until": vn(days(3)), "reason": "Mất điện 3 ngày"},
        follow=True,
    )
    body = response.content.decode()
    assert f"Đã gia hạn cho Phường 1 đến hết ngày {vn(days(3))}" in body
    assert "lý do: Mất điện 3 ngày" in body
    p1.refresh_from_db()
    assert timezone.localdate(p1.self_deadline) == timezone.localdate(days(3))
    scoring.score_set_self(score=score_of(p1, "1.7"), value=Decimal("1"), note="Có biên bản")
    with pytest.raises(ValidationError, match="quá hạn"):
        scoring.score_set_self(score=score_of(p2, "1.7"), value=Decimal("1"), note="Có biên bản")
    assert DeadlineExtension.objects.get().granted_by == secretary


def test_an_extension_page_names_only_the_rounds_own_units(client, secretary, round_, current_p1):
    client.force_login(secretary)
    assert client.get(reverse("rounds:extend", args=[round_.pk, current_p1.pk])).status_code == 404


def test_the_list_shows_the_councils_rounds_with_their_counts(client, secretary, round_):
    client.force_login(secretary)
    body = client.get(reverse("rounds:index")).content.decode()
    assert round_.name in body and "Phường; Xã" in body
    row = body.split(round_.name)[1].split("</tr>")[0]
    assert '<td class="num">5</td>' in row  # units
    assert row.count('<td class="num">0</td>') == 2  # submitted, published


def test_the_menu_shows_rounds_only_to_those_who_run_them(client, secretary, staff, appraiser):
    link = f'href="{reverse("rounds:index")}"'
    client.force_login(secretary)
    assert link in client.get(reverse("summary")).content.decode()
    for user in (staff, appraiser):
        client.force_login(user)
        assert link not in client.get(reverse("summary")).content.decode()


@pytest.mark.parametrize("name", ["index", "create", "detail", "board", "extend"])
def test_access_anonymous_to_login_others_404(
    client, name, round_, staff, appraiser, outsider, coordinator
):
    kwargs = {}
    if name in ("detail", "board"):
        kwargs = {"pk": round_.pk}
    if name == "extend":
        a = Assessment.objects.get(round=round_, unit__code="TXQT-P1")
        kwargs = {"pk": round_.pk, "assessment_pk": a.pk}
    url = reverse(f"rounds:{name}", kwargs=kwargs)
    assert client.get(url)["Location"].startswith(reverse("login"))
    for user in (staff, coordinator, appraiser, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404, user


def test_a_secretary_of_another_council_does_not_see_the_round(client, round_):
    from django.contrib.auth import get_user_model

    from scoring.models import Official, Role

    other = UnitFactory(code="HLA", name="Huyện Hải Lăng", kind="huyen")
    user = get_user_model().objects.create_user("thuky.hla", full_name="Thư ký Hải Lăng")
    Official.objects.create(user=user, unit=other, role=Role.SECRETARY)
    client.force_login(user)
    assert client.get(reverse("rounds:index")).status_code == 200
    assert round_.name not in client.get(reverse("rounds:index")).content.decode()
    assert client.get(reverse("rounds:detail", args=[round_.pk])).status_code == 404
    assert client.post(reverse("rounds:close", args=[round_.pk]), {"note": "x"}).status_code == 404
    assert Score.objects.filter(assessment__round=round_).exists()


def test_the_round_page_leads_to_the_division_of_work_and_each_groups_publication(
    client, secretary, round_
):
    client.force_login(secretary)
    page = client.get(reverse("rounds:detail", args=[round_.pk])).content.decode()
    assert reverse("rounds:parts", args=[round_.pk]) in page
    assert round_.groups.count() == 2
    for group in round_.groups.all():
        assert reverse("rounds:publication_preview", args=[round_.pk, group.pk]) in page
