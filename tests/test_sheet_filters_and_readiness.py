"""The assessment page's filters (?loc=…), the self-assessment's readiness, the row autosave
(JSON) and the live check of a value as it is typed."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring import services
from scoring.models import AssessmentStatus
from tests.helpers import appraise_all, fill_self_assessment, score_of

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def _page(assessment, query: str = "") -> str:
    return reverse("scoring:assessment", args=[assessment.pk]) + query


def _codes(html: str) -> list[str]:
    """The criteria the sheet lists as rows to read or enter."""
    return re.findall(
        r'<tr class="leaf[^"]*" id="row-\d+">\s*<td class="c-code">([\d.]+)</td>', html
    )


def _tab(html: str, label: str) -> str:
    """A filter tab's label and count, as read on screen ("Bị trừ điểm 2")."""
    match = re.search(rf'class="filter[^"]*"[^>]*>({label}) <span class="count">(\d+)</span>', html)
    return f"{match[1]} {match[2]}" if match else ""


@pytest.fixture
def returned_p1(current_p1, coordinator, appraiser):
    """Round 1 returned to Phường 1: two criteria lost points, one of them explained."""
    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    appraise_all(current_p1, appraiser, lose={"1.1.2": "0.50", "7.2": "0"})
    services.assessment_return(
        assessment=current_p1,
        response_deadline=timezone.now() + timezone.timedelta(days=7),
        user=appraiser,
    )
    services.score_set_response(
        score=score_of(current_p1, "1.1.2"), text="Đã bổ sung chỉ tiêu", user=coordinator
    )
    current_p1.refresh_from_db()
    assert current_p1.status == AssessmentStatus.RETURNED
    return current_p1


# --- filters ------------------------------------------------------------------------------


def test_the_explanation_page_opens_on_the_criteria_that_lost_points(
    client, coordinator, returned_p1
):
    client.force_login(coordinator)
    page = client.get(_page(returned_p1)).content.decode()
    assert _codes(page) == ["1.1.2", "7.2"]
    assert 'aria-current="true">Bị trừ điểm' in page
    assert _tab(page, "Tất cả") == f"Tất cả {returned_p1.scores.count()}"
    assert _tab(page, "Bị trừ điểm") == "Bị trừ điểm 2"
    assert _tab(page, "Có giải trình") == "Có giải trình 1"
    assert _tab(page, "Chưa nhập") == "Chưa nhập 1"  # lost points, not explained yet: 7.2
    assert _tab(page, "Có thay đổi") == "Có thay đổi 2"  # the council changed the unit's value
    # The totals still count every criterion.
    assert "tổng điểm vẫn tính trên mọi tiêu chí" in page


def test_each_filter_is_kept_in_the_url_and_lists_only_its_criteria(
    client, coordinator, returned_p1
):
    client.force_login(coordinator)
    assert _codes(client.get(_page(returned_p1, "?loc=giai-trinh")).content.decode()) == ["1.1.2"]
    assert _codes(client.get(_page(returned_p1, "?loc=chua-nhap")).content.decode()) == ["7.2"]
    everything = _codes(client.get(_page(returned_p1, "?loc=tat-ca")).content.decode())
    assert len(everything) == returned_p1.scores.count()


def test_round_2_opens_on_the_criteria_that_lost_points_for_the_council_too(
    client, appraiser, coordinator, returned_p1
):
    services.assessment_start_round_2(assessment=returned_p1, user=coordinator)
    client.force_login(appraiser)
    page = client.get(_page(returned_p1)).content.decode()
    assert _codes(page) == ["1.1.2", "7.2"]
    assert _tab(page, "Chưa nhập") == "Chưa nhập 0"  # every criterion has an appraised value


def test_an_unknown_filter_lists_everything_and_says_so(client, coordinator, returned_p1):
    client.force_login(coordinator)
    page = client.get(_page(returned_p1, "?loc=xyz")).content.decode()
    assert "Không có bộ lọc “xyz”; đang hiện tất cả tiêu chí." in page
    assert len(_codes(page)) == returned_p1.scores.count()


def test_the_self_assessment_counts_what_is_not_entered_yet(client, coordinator, current_p1):
    client.force_login(coordinator)
    leaves = current_p1.scores.count()
    page = client.get(_page(current_p1)).content.decode()
    assert _tab(page, "Chưa nhập") == f"Chưa nhập {leaves}"
    assert _tab(page, "Bị trừ điểm") == ""  # nothing appraised: no such tab
    score = score_of(current_p1, "1.1.2")
    services.score_set_self(score=score, value=D("1"), note="Có báo cáo", user=coordinator)
    page = client.get(_page(current_p1, "?loc=chua-nhap")).content.decode()
    assert _tab(page, "Chưa nhập") == f"Chưa nhập {leaves - 1}"
    assert "1.1.2" not in _codes(page) and "1.1.1" in _codes(page)


def test_saving_a_filtered_page_comes_back_to_the_same_filter(client, coordinator, returned_p1):
    client.force_login(coordinator)
    score = score_of(returned_p1, "7.2")
    data = {f"{score.pk}-version": str(score.version), f"{score.pk}-text": "Đang triển khai"}
    response = client.post(_page(returned_p1, "?loc=chua-nhap"), data)
    assert response.status_code == 302
    assert response["Location"] == _page(returned_p1, "?loc=chua-nhap")
    assert score_of(returned_p1, "7.2").response == "Đang triển khai"


# --- readiness ------------------------------------------------------------------------------


def test_the_readiness_checklist_links_each_missing_criterion_to_its_row(
    client, coordinator, current_p1
):
    fill_self_assessment(current_p1, coordinator)
    empty = score_of(current_p1, "1.1.2")
    unproved = score_of(current_p1, "7.2")
    services.score_set_self(score=empty, value=None, note="", user=coordinator)
    services.score_set_self(score=unproved, value=unproved.maximum, note="", user=coordinator)
    client.force_login(coordinator)
    page = client.get(_page(current_p1)).content.decode()
    total = current_p1.scores.count()
    assert f"<strong>{total - 1}/{total}</strong> tiêu chí đã nhập" in page
    assert f'<progress id="readiness-bar" max="{total}" value="{total - 1}">' in page
    assert "Còn 2 mục phải hoàn thành trước khi gửi thẩm định" in page
    assert f'<a href="#row-{empty.pk}">Tiêu chí 1.1.2: chưa nhập điểm tự đánh giá.</a>' in page
    assert f'<a href="#row-{unproved.pk}">Tiêu chí 7.2: chưa có tài liệu kiểm chứng' in page
    assert f'id="row-{empty.pk}"' in page  # the anchor is on this page
    # The submit button says what is missing instead of failing afterwards.
    assert re.search(
        r"<button[^>]*disabled[^>]*>Gửi bản tự đánh giá – còn thiếu 2 mục</button>", page
    )


def test_a_missing_row_hidden_by_the_filter_is_linked_on_the_full_sheet(
    client, coordinator, returned_p1
):
    # Back to a draft (as if reopened), with 7.2 emptied: the filter lists 1.1.2 only.
    returned_p1.status = AssessmentStatus.DRAFT
    returned_p1.save()
    hidden = score_of(returned_p1, "7.2")
    hidden.self_value = None
    hidden.save()
    client.force_login(coordinator)
    page = client.get(_page(returned_p1, "?loc=giai-trinh")).content.decode()
    assert _codes(page) == ["1.1.2"]
    assert f'<a href="?loc=tat-ca#row-{hidden.pk}">Tiêu chí 7.2: chưa nhập' in page


def test_a_complete_self_assessment_can_be_submitted(client, coordinator, current_p1):
    fill_self_assessment(current_p1, coordinator)
    client.force_login(coordinator)
    page = client.get(_page(current_p1)).content.decode()
    total = current_p1.scores.count()
    assert f"<strong>{total}/{total}</strong> tiêu chí đã nhập" in page
    assert "có thể gửi thẩm định" in page
    # The button is live (no "còn thiếu"); its form asks first in the confirm dialog.
    assert '<button type="submit" class="primary">Gửi bản tự đánh giá</button>' in page
    assert 'id="submit-form"\n  data-confirm-title="Gửi bản tự đánh giá?"' in page


# --- autosave of a row (JSON) ----------------------------------------------------------------


def test_a_row_saved_by_itself_answers_its_new_version(client, coordinator, current_p1):
    client.force_login(coordinator)
    score = score_of(current_p1, "1.1.2")
    data = {f"{score.pk}-version": str(score.version), f"{score.pk}-value": "0,5"}
    response = client.post(_page(current_p1), data, **JSON)
    assert response.status_code == 200
    assert response.json() == {"saved": 1, "versions": {str(score.pk): score.version + 1}}
    assert score_of(current_p1, "1.1.2").self_value == D("0.50")


def test_an_autosave_never_overwrites_someone_elses_newer_value(
    client, coordinator, chairperson, current_p1
):
    score = score_of(current_p1, "1.1.2")
    loaded = score.version
    services.score_set_self(score=score, value=D("1"), note="", user=chairperson)
    client.force_login(coordinator)
    data = {f"{score.pk}-version": str(loaded), f"{score.pk}-value": "0,5"}
    response = client.post(_page(current_p1), data, **JSON)
    assert response.status_code == 422
    body = response.json()
    assert body["conflicts"] == {str(score.pk): loaded + 1}
    assert "Tiêu chí 1.1.2: vừa được Lê Thị Huệ sửa" in body["errors"][str(score.pk)][0]
    assert score_of(current_p1, "1.1.2").self_value == D("1.00")


def test_an_autosave_of_a_value_over_the_maximum_is_refused_with_the_reason(
    client, coordinator, current_p1
):
    client.force_login(coordinator)
    score = score_of(current_p1, "1.1.2")
    data = {f"{score.pk}-version": str(score.version), f"{score.pk}-value": "5"}
    response = client.post(_page(current_p1), data, **JSON)
    assert response.status_code == 422
    assert "vượt quá điểm tối đa" in response.json()["errors"][str(score.pk)][0]
    assert score_of(current_p1, "1.1.2").self_value is None


def test_an_autosave_on_a_read_only_page_is_refused(client, appraiser, current_p1):
    client.force_login(appraiser)
    score = score_of(current_p1, "1.1.2")
    data = {f"{score.pk}-version": str(score.version), f"{score.pk}-value": "1"}
    response = client.post(_page(current_p1), data, **JSON)
    assert response.status_code == 409
    assert "không nhận nhập liệu" in response.json()["message"]


# --- live check as typed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("5", "Tiêu chí 1.1.2: điểm 5,00 vượt quá điểm tối đa 1,00; hãy nhập từ 0 đến 1,00."),
        ("abc", "Tiêu chí 1.1.2: “abc” không phải là số"),
    ],
)
def test_the_live_preview_says_at_once_what_is_wrong_with_a_value(
    client, coordinator, current_p1, typed, said
):
    client.force_login(coordinator)
    score = score_of(current_p1, "1.1.2")
    response = client.post(
        reverse("scoring:preview", args=[current_p1.pk]),
        {f"{score.pk}-value": typed},
        HTTP_HX_REQUEST="true",
    )
    live = re.search(
        rf'<div class="live-error error" id="live-{score.pk}"[^>]*>([^<]*)</div>',
        response.content.decode(),
    )
    assert live and said in live[1].replace("&ldquo;", "“")
    fine = client.post(
        reverse("scoring:preview", args=[current_p1.pk]),
        {f"{score.pk}-value": "0,5"},
        HTTP_HX_REQUEST="true",
    )
    assert f'id="live-{score.pk}" hx-swap-oob="true" aria-live="polite"></div>' in (
        fine.content.decode()
    )


def test_the_dashboards_link_to_every_lost_criterion_opens_the_sheet_on_them(
    client, chairperson, phuong1_2023
):
    client.force_login(chairperson)
    dashboard = client.get(reverse("summary")).content.decode()
    link = re.search(r'<a href="([^"]+)">Cả 16 tiêu chí bị trừ điểm</a>', dashboard)
    assert link and link[1] == _page(phuong1_2023, "?loc=bi-tru")
    page = client.get(link[1]).content.decode()
    assert len(_codes(page)) == 16
    assert _tab(page, "Bị trừ điểm") == "Bị trừ điểm 16"


def test_saving_the_page_counts_the_rows_it_had_saved_by_themselves(
    client, coordinator, current_p1
):
    client.force_login(coordinator)
    first, second = score_of(current_p1, "1.1.1"), score_of(current_p1, "1.1.2")
    autosave = {f"{first.pk}-version": str(first.version), f"{first.pk}-value": "1"}
    versions = client.post(_page(current_p1), autosave, **JSON).json()["versions"]
    # Then "Lưu nháp": the autosaved row as it is now, and one more typed since.
    data = {
        f"{first.pk}-version": str(versions[str(first.pk)]),
        f"{first.pk}-value": "1",
        f"{second.pk}-version": str(second.version),
        f"{second.pk}-value": "0,5",
        "autosaved": f"{first.pk},not-a-row,999999",
    }
    response = client.post(_page(current_p1), data, follow=True)
    assert "Đã lưu 2 tiêu chí." in response.content.decode()
