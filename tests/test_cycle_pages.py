"""The scoring cycle in the browser's terms: requests to the pages, as each role makes them."""

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring import engine, services
from scoring.models import AssessmentStatus, Score
from tests.helpers import appraise_all, fill_self_assessment, score_of, snapshot

pytestmark = pytest.mark.django_db


def _page(assessment):
    return reverse("scoring:assessment", args=[assessment.pk])


def _form(assessment, values: dict[str, dict[str, str]]) -> dict:
    """POST data for the assessment page: {code: {"value": …, "b": …, "a": …, "text": …}}."""
    data = {}
    for code, fields in values.items():
        score = score_of(assessment, code)
        data[f"{score.pk}-version"] = str(score.version)
        for name, value in fields.items():
            data[f"{score.pk}-{name}"] = value
    return data


# --- landing -----------------------------------------------------------------------------


def test_staff_land_on_their_units_current_assessment(client, staff, current_p1):
    client.force_login(staff)
    assert client.get(reverse("home"))["Location"] == _page(current_p1)


def test_appraisers_land_on_the_units_awaiting_appraisal(client, appraiser):
    client.force_login(appraiser)
    assert client.get(reverse("home"))["Location"] == reverse("scoring:queue")


def test_chairpersons_land_on_the_summary(client, chairperson):
    client.force_login(chairperson)
    assert client.get(reverse("home"))["Location"] == reverse("summary")


def test_the_assessment_page_has_a_title_and_a_breadcrumb(client, coordinator, current_p1):
    client.force_login(coordinator)
    page = client.get(_page(current_p1)).content.decode()
    assert "<title>Phường 1 – Năm 2026 – Chỉ số CCHC</title>" in page
    assert 'class="breadcrumb"' in page and "Bản đánh giá</a> ›" in page


# --- self-assessment ---------------------------------------------------------------------


def test_staff_save_a_draft_with_a_decimal_comma_and_counts(client, coordinator, current_p1):
    client.force_login(coordinator)
    data = _form(
        current_p1,
        {
            "1.1.2": {"value": "0,5", "text": "Kế hoạch còn thiếu chỉ tiêu"},
            "1.1.3": {"b": "44", "a": "46"},
        },
    )
    response = client.post(_page(current_p1), data, follow=True)
    assert "Đã lưu 2 tiêu chí." in response.content.decode()
    assert score_of(current_p1, "1.1.2").self_value == D("0.50")
    ratio = score_of(current_p1, "1.1.3")
    assert (ratio.self_value, ratio.self_b, ratio.self_a) == (D("1.91"), 44, 46)


def test_the_live_preview_computes_a_ratio_and_the_subtotals_without_saving(
    client, coordinator, current_p1
):
    client.force_login(coordinator)
    data = _form(current_p1, {"1.1.3": {"b": "44", "a": "46"}, "1.1.1": {"value": "1.00"}})
    before = snapshot(current_p1)
    html = client.post(reverse("scoring:preview", args=[current_p1.pk]), data).content.decode()
    ratio = score_of(current_p1, "1.1.3")
    assert (
        f'<output id="calc-{ratio.pk}" hx-swap-oob="true" aria-live="polite">1,91</output>' in html
    )
    assert '<span id="sub-1" hx-swap-oob="true">2,91</span>' in html
    assert '<strong id="total-live" hx-swap-oob="true">2,91</strong>' in html
    assert snapshot(current_p1) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"1.1.2": {"value": "1,5"}},
            "Tiêu chí 1.1.2: điểm 1,50 vượt quá điểm tối đa 1,00; hãy nhập từ 0 đến 1,00.",
        ),
        (
            {"1.1.3": {"b": "50", "a": "46"}},
            "Tiêu chí 1.1.3: Số b (50) không được lớn hơn số a (46).",
        ),
        ({"1.1.2": {"value": "nửa điểm"}}, "Tiêu chí 1.1.2: “nửa điểm” không phải là số"),
        (
            {"1.1.1": {"value": "0.5"}},
            "Tiêu chí 1.1.1: chấm đạt/không đạt, điểm chỉ là 0 hoặc 1,00; hãy chọn Đạt hoặc "
            "Không đạt.",
        ),
    ],
)
def test_bad_input_is_refused_by_criterion_and_nothing_on_the_page_is_saved(
    client, coordinator, current_p1, fields, message
):
    client.force_login(coordinator)
    good = {"1.2.1": {"value": "1"}, "1.1.2": {"value": "0.25"}}
    before = snapshot(current_p1)
    response = client.post(_page(current_p1), _form(current_p1, {**good, **fields}))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "Chưa lưu gì" in page
    assert snapshot(current_p1) == before


def test_a_refused_page_keeps_what_the_user_typed(client, coordinator, current_p1):
    client.force_login(coordinator)
    data = _form(current_p1, {"1.1.2": {"value": "7", "text": "Ghi chú dài đã gõ"}})
    page = client.post(_page(current_p1), data).content.decode()
    assert 'value="7"' in page
    assert "Ghi chú dài đã gõ</textarea>" in page


def test_a_second_editor_is_refused_with_the_first_persons_value(
    client, coordinator, chairperson, current_p1
):
    stale = _form(current_p1, {"1.5.4": {"value": "1,00"}})  # both open the page now
    client.force_login(chairperson)
    client.post(_page(current_p1), _form(current_p1, {"1.5.4": {"value": "1,50"}}))
    client.force_login(coordinator)
    response = client.post(_page(current_p1), stale)
    assert response.status_code == 422
    assert "Tiêu chí 1.5.4: vừa được Lê Thị Huệ sửa" in response.content.decode()
    assert "điểm tự đánh giá hiện là 1,50" in response.content.decode()
    assert score_of(current_p1, "1.5.4").self_value == D("1.50")


def test_a_row_only_the_other_editor_changed_keeps_their_value(
    client, coordinator, chairperson, current_p1
):
    shown = score_of(current_p1, "1.5.4").self_value
    as_loaded = engine.vn_number(shown) if shown is not None else ""
    stale = _form(current_p1, {"1.5.4": {"value": as_loaded}, "1.1.2": {"value": "1"}})
    client.force_login(chairperson)
    client.post(_page(current_p1), _form(current_p1, {"1.5.4": {"value": "1,50"}}))
    client.force_login(coordinator)
    # The coordinator left 1.5.4 as the page showed it: only 1.1.2 is hers, and it saves.
    response = client.post(_page(current_p1), stale, follow=True)
    assert "Đã lưu 1 tiêu chí." in response.content.decode()
    assert score_of(current_p1, "1.5.4").self_value == D("1.50")
    assert score_of(current_p1, "1.1.2").self_value == D("1")


def test_after_a_conflict_the_typed_value_is_kept_and_saving_again_overwrites_knowingly(
    client, coordinator, chairperson, current_p1
):
    stale = _form(current_p1, {"1.5.4": {"value": "1,00"}})
    pk = score_of(current_p1, "1.5.4").pk
    client.force_login(chairperson)
    client.post(_page(current_p1), _form(current_p1, {"1.5.4": {"value": "1,50"}}))
    client.force_login(coordinator)
    refused = client.post(_page(current_p1), stale)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert f'name="{pk}-value" value="1,00"' in page  # what she typed is still there
    version = re.search(rf'name="{pk}-version" value="(\d+)"', page).group(1)
    assert int(version) == score_of(current_p1, "1.5.4").version  # now the current one
    again = client.post(_page(current_p1), {**stale, f"{pk}-version": version}, follow=True)
    assert "Đã lưu 1 tiêu chí." in again.content.decode()
    assert score_of(current_p1, "1.5.4").self_value == D("1.00")


def test_when_the_unit_restricts_entry_staff_enter_only_their_departments_criteria(
    client, staff, current_p1
):
    current_p1.unit.self_entry_by_department = True
    current_p1.unit.save()
    client.force_login(staff)  # Bộ phận tiếp nhận và trả kết quả
    page = client.get(_page(current_p1)).content.decode()
    own, other = score_of(current_p1, "3.13.3"), score_of(current_p1, "1.1.2")
    assert f'name="{own.pk}-b"' in page
    assert f'name="{other.pk}-value"' not in page
    client.post(
        _page(current_p1),
        _form(current_p1, {"1.1.2": {"value": "1"}, "3.13.3": {"b": "5", "a": "5"}}),
    )
    assert score_of(current_p1, "1.1.2").self_value is None
    assert score_of(current_p1, "3.13.3").self_value == D("1.00")


def test_submission_lists_what_is_missing_and_changes_nothing(client, coordinator, current_p1):
    client.force_login(coordinator)
    services.score_set_self(score=score_of(current_p1, "1.1.1"), value=D("1"), user=coordinator)
    response = client.post(reverse("scoring:action", args=[current_p1.pk, "submit"]), follow=True)
    page = response.content.decode()
    assert "Chưa thể gửi: còn 87 tiêu chí chưa hoàn thành." in page
    assert "Tiêu chí 1.1.1: chưa có tài liệu kiểm chứng" in page
    assert "Tiêu chí 1.1.2: chưa nhập điểm tự đánh giá." in page
    current_p1.refresh_from_db()
    assert current_p1.status == AssessmentStatus.DRAFT


def test_only_the_coordinator_or_chairperson_submits(client, staff, current_p1):
    fill_self_assessment(current_p1, staff)
    client.force_login(staff)
    response = client.post(reverse("scoring:action", args=[current_p1.pk, "submit"]))
    assert response.status_code == 403  # sees the assessment: told who may submit
    current_p1.refresh_from_db()
    assert current_p1.status == AssessmentStatus.DRAFT


def test_after_submission_the_self_assessment_is_read_only(client, coordinator, current_p1):
    fill_self_assessment(current_p1, coordinator)
    client.force_login(coordinator)
    client.post(reverse("scoring:action", args=[current_p1.pk, "submit"]))
    current_p1.refresh_from_db()
    assert current_p1.status == AssessmentStatus.SUBMITTED
    page = client.get(_page(current_p1)).content.decode()
    assert 'name="' + str(score_of(current_p1, "1.1.2").pk) + '-value"' not in page
    before = snapshot(current_p1)
    response = client.post(
        _page(current_p1), _form(current_p1, {"1.1.2": {"value": "0"}}), follow=True
    )
    assert "không nhận nhập liệu" in response.content.decode()
    assert snapshot(current_p1) == before


def test_past_the_deadline_entry_is_closed(client, coordinator, current_p1):
    current_p1.self_deadline = timezone.now() - timedelta(minutes=1)
    current_p1.save()
    client.force_login(coordinator)
    page = client.get(_page(current_p1)).content.decode()
    assert "Lưu nháp" not in page
    before = snapshot(current_p1)
    client.post(_page(current_p1), _form(current_p1, {"1.1.2": {"value": "1"}}))
    assert snapshot(current_p1) == before


# --- appraisal, explanation, publication ---------------------------------------------------


@pytest.fixture
def submitted_p1(current_p1, coordinator):
    fill_self_assessment(current_p1, coordinator)
    services.assessment_submit(assessment=current_p1, user=coordinator)
    return current_p1


def test_appraisers_see_the_self_assessment_beside_their_inputs(client, appraiser, submitted_p1):
    client.force_login(appraiser)
    page = client.get(_page(submitted_p1)).content.decode()
    assert "Đã thực hiện đầy đủ" in page  # the unit's explanation
    assert f'name="{score_of(submitted_p1, "1.1.2").pk}-value"' in page
    assert "Lý do trừ điểm" in page


def test_an_appraisal_that_loses_points_needs_a_reason(client, appraiser, submitted_p1):
    client.force_login(appraiser)
    before = snapshot(submitted_p1)
    response = client.post(_page(submitted_p1), _form(submitted_p1, {"1.1.2": {"value": "0,5"}}))
    assert response.status_code == 422
    assert "Tiêu chí 1.1.2: điểm thẩm định thấp hơn điểm tối đa, cần ghi lý do trừ điểm." in (
        response.content.decode()
    )
    assert snapshot(submitted_p1) == before
    data = _form(submitted_p1, {"1.1.2": {"value": "0,5", "text": "Kế hoạch thiếu chỉ tiêu"}})
    assert client.post(_page(submitted_p1), data).status_code == 302
    assert score_of(submitted_p1, "1.1.2").appraised_value == D("0.50")


def test_the_page_says_where_the_entered_value_differs_from_the_counts(
    client, appraiser, submitted_p1
):
    client.force_login(appraiser)
    data = _form(
        submitted_p1, {"3.13.3": {"b": "782", "a": "903", "value": "0,87", "text": "782/903"}}
    )
    client.post(_page(submitted_p1), data)
    page = client.get(_page(submitted_p1)).content.decode()
    assert "Số b/a cho 0,86, khác điểm đã nhập." in page


def test_the_whole_cycle_ends_in_frozen_published_results(
    client, coordinator, appraiser, submitted_p1
):
    appraise_all(submitted_p1, appraiser, lose={"1.1.2": "0.50", "7.2": "0"})
    client.force_login(appraiser)
    deadline = (timezone.localdate() + timedelta(days=7)).isoformat()
    client.post(
        reverse("scoring:action", args=[submitted_p1.pk, "return"]), {"response_deadline": deadline}
    )
    submitted_p1.refresh_from_db()
    assert submitted_p1.status == AssessmentStatus.RETURNED
    assert score_of(submitted_p1, "7.2").round1_value == D("0")

    client.force_login(coordinator)
    data = _form(submitted_p1, {"7.2": {"text": "Đã cập nhật Cổng thông tin từ tháng 10"}})
    assert client.post(_page(submitted_p1), data).status_code == 302
    assert score_of(submitted_p1, "7.2").response == "Đã cập nhật Cổng thông tin từ tháng 10"
    client.post(reverse("scoring:action", args=[submitted_p1.pk, "round2"]))
    submitted_p1.refresh_from_db()
    assert submitted_p1.status == AssessmentStatus.ROUND_2

    client.force_login(appraiser)
    data = _form(submitted_p1, {"7.2": {"value": "1", "text": ""}})
    assert client.post(_page(submitted_p1), data).status_code == 302
    client.post(reverse("scoring:action", args=[submitted_p1.pk, "finalize"]))
    client.post(
        reverse("scoring:action", args=[submitted_p1.pk, "publish"]),
        {"decision": "Quyết định số 15/QĐ-UBND ngày 10/01/2027 của UBND thị xã Quảng Trị"},
    )
    submitted_p1.refresh_from_db()
    assert submitted_p1.status == AssessmentStatus.PUBLISHED
    assert (submitted_p1.result_total, submitted_p1.result_percentage) == (D("99.50"), D("99.50"))
    assert submitted_p1.result_classification == "Xuất sắc"
    assert (submitted_p1.result_rank, submitted_p1.result_rank_of) == (1, 1)
    page = client.get(_page(submitted_p1)).content.decode()
    assert '<strong id="published-total">99,50</strong>' in page
    before = snapshot(submitted_p1)
    client.post(_page(submitted_p1), _form(submitted_p1, {"7.2": {"value": "0", "text": "x"}}))
    assert snapshot(submitted_p1) == before


def test_publishing_a_second_unit_re_ranks_the_first(appraiser, coordinator):
    from scoring.models import Assessment

    published = []
    for code, lose in (("TXQT-P1", {"7.2": "0"}), ("TXQT-P2", {})):
        assessment = Assessment.objects.get(unit__code=code, period__year=2026)
        fill_self_assessment(assessment, coordinator)
        services.assessment_submit(assessment=assessment)
        appraise_all(assessment, appraiser, lose=lose)
        services.assessment_return(assessment=assessment, response_deadline=None)
        services.assessment_start_round_2(assessment=assessment)
        services.assessment_finalize(assessment=assessment)
        published.append(services.assessment_publish(assessment=assessment, decision="QĐ"))
    first = Assessment.objects.get(pk=published[0].pk)
    assert (first.result_total, first.result_rank, first.result_rank_of) == (D("99.00"), 2, 2)
    assert (published[1].result_rank, published[1].result_rank_of) == (1, 2)


def test_a_self_value_cannot_be_set_through_the_service_after_submission(submitted_p1, coordinator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="đã gửi thẩm định hoặc đã quá hạn"):
        services.score_set_self(
            score=score_of(submitted_p1, "1.1.2"), value=D("0"), user=coordinator
        )


# --- history -------------------------------------------------------------------------------


def test_the_criterion_page_shows_who_changed_what_from_what_to_what(
    client, coordinator, chairperson, current_p1
):
    client.force_login(coordinator)
    client.post(_page(current_p1), _form(current_p1, {"1.5.4": {"value": "1,00"}}))
    client.force_login(chairperson)
    client.post(
        _page(current_p1), _form(current_p1, {"1.5.4": {"value": "1,50", "text": "Có 3 sáng kiến"}})
    )
    score = score_of(current_p1, "1.5.4")
    page = client.get(reverse("scoring:criterion", args=[current_p1.pk, score.pk])).content.decode()
    history = page[page.index("Lịch sử thay đổi") :]
    assert history.index("Lê Thị Huệ") < history.index("Nguyễn Thị Thu Hà")  # newest first
    assert "<td>Điểm tự đánh giá</td><td>1,00</td><td>1,50</td>" in history
    assert "<td>Điểm tự đánh giá</td><td>(trống)</td><td>1,00</td>" in history
    assert "<td>Giải thích của đơn vị</td><td>(trống)</td><td>Có 3 sáng kiến</td>" in history


def test_score_rows_are_never_deleted_by_the_cycle(submitted_p1):
    assert Score.objects.filter(assessment=submitted_p1).count() == 87


def test_the_council_accepts_the_units_values_for_the_criteria_it_did_not_change(
    client, appraiser, submitted_p1
):
    client.force_login(appraiser)
    data = _form(submitted_p1, {"7.2": {"value": "0", "text": "Chưa cập nhật Cổng thông tin"}})
    client.post(_page(submitted_p1), data)
    response = client.post(
        reverse("scoring:action", args=[submitted_p1.pk, "accept-self"]), follow=True
    )
    assert (
        "Đã lấy điểm tự đánh giá làm điểm thẩm định cho 86 tiêu chí." in response.content.decode()
    )
    assert score_of(submitted_p1, "7.2").appraised_value == D("0")  # the council's own value stays
    assert score_of(submitted_p1, "1.1.2").appraised_value == D("1.00")
    latest = score_of(submitted_p1, "1.1.2").history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "Chấp nhận điểm tự đánh giá",
        appraiser,
    )


# --- hostile input: examples the fuzz tests found (issue 7) ----------------------------------


def test_a_word_posted_for_a_yes_no_criterion_is_refused_on_the_page(
    client, coordinator, current_p1
):
    # The refused page picks the option to show from what was typed; a word broke it (500).
    client.force_login(coordinator)
    before = snapshot(current_p1)
    response = client.post(_page(current_p1), _form(current_p1, {"1.1.1": {"value": ":"}}))
    assert response.status_code == 422
    assert "Tiêu chí 1.1.1: “:” không phải là số" in response.content.decode()
    assert snapshot(current_p1) == before


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"b": "²", "a": "3"}, "Tiêu chí 1.1.3: số b “²” phải là số nguyên không âm."),
        ({"b": "1", "a": "9" * 5000}, "Tiêu chí 1.1.3: số a quá lớn (tối đa 9 chữ số)."),
    ],
)
def test_counts_that_are_no_whole_number_are_refused_on_the_page(
    client, coordinator, current_p1, counts, message
):
    # "²" is a digit to str.isdigit() but not to int(); 5000 digits exceed int()'s limit.
    client.force_login(coordinator)
    before = snapshot(current_p1)
    response = client.post(_page(current_p1), _form(current_p1, {"1.1.3": counts}))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert snapshot(current_p1) == before


def test_a_version_that_is_no_number_does_not_break_the_save(client, coordinator, current_p1):
    client.force_login(coordinator)
    data = _form(current_p1, {"1.1.2": {"value": "1"}})
    data[f"{score_of(current_p1, '1.1.2').pk}-version"] = "²"
    assert client.post(_page(current_p1), data).status_code == 302
    assert score_of(current_p1, "1.1.2").self_value == D("1.00")


def test_a_nul_character_is_refused_before_it_reaches_the_database(client, coordinator, current_p1):
    # PostgreSQL cannot store "\x00" in text: saving it was a server error there.
    client.force_login(coordinator)
    before = snapshot(current_p1)
    data = _form(current_p1, {"1.1.2": {"value": "1", "text": "Đã\x00 làm"}})
    response = client.post(_page(current_p1), data)
    assert response.status_code == 422
    assert "Tiêu chí 1.1.2: nội dung có ký tự không hợp lệ (NUL)" in response.content.decode()
    assert snapshot(current_p1) == before


def test_a_second_editor_of_an_explanation_is_refused_with_the_first_ones_text(
    client, coordinator, chairperson, appraiser, submitted_p1
):
    # Quoting the other person's explanation went through the number formatter: a 500.
    appraise_all(submitted_p1, appraiser, lose={"7.2": "0"})
    services.assessment_return(
        assessment=submitted_p1, response_deadline=timezone.now() + timedelta(days=7)
    )
    stale = _form(submitted_p1, {"7.2": {"text": "Đã cập nhật Cổng thông tin"}})
    client.force_login(chairperson)
    client.post(_page(submitted_p1), _form(submitted_p1, {"7.2": {"text": "Sẽ cập nhật"}}))
    client.force_login(coordinator)
    response = client.post(_page(submitted_p1), stale)
    assert response.status_code == 422
    assert "giải trình của đơn vị hiện là “Sẽ cập nhật”" in response.content.decode()
    assert score_of(submitted_p1, "7.2").response == "Sẽ cập nhật"


def test_a_nul_character_in_the_publication_decision_is_refused_in_vietnamese(
    client, appraiser, submitted_p1
):
    # Django leaves "Null characters are not allowed." untranslated; locale/vi fills it in.
    client.force_login(appraiser)
    url = reverse("scoring:action", args=[submitted_p1.pk, "publish"])
    page = client.post(url, {"decision": "QĐ\x00"}, follow=True).content.decode()
    assert "Nội dung có ký tự không hợp lệ (NUL); hãy xóa ký tự đó rồi nhập lại." in page
