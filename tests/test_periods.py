"""Periods (issue 13): which result a change is against, which results are consecutive, the
period selector on the dashboard, the ranking and the documents index, and a merged unit's
history. Extra published periods are built on the demo through the services (legacy path)."""

import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.drafting import results_text
from documents.tables import ranking_table
from scoring import periods
from scoring import services as scoring_services
from scoring.models import Assessment, Period, Unit
from scoring.selectors import assessment_sheet, period_results
from tests.helpers import appraise_all

SVG_TEXT = re.compile(r"<text[^>]*>(\d{4})</text>")


def _section(page: str, section_id: str) -> str:
    match = re.search(rf'<section class="card[^"]*" id="{section_id}">(.*?)</section>', page, re.S)
    assert match, section_id
    return match.group(1)


def _publish(unit: Unit, year: int, kind: str = "annual", lose: dict | None = None) -> Assessment:
    """A published result of `unit`, every criterion at its maximum except those in `lose`."""
    framework = Assessment.objects.filter(unit__code="TXQT-P1", period__year=2023).get().framework
    period, _ = Period.objects.get_or_create(year=year, kind=kind)
    assessment = scoring_services.assessment_create(unit=unit, framework=framework, period=period)
    appraise_all(assessment, None, lose)
    return scoring_services.assessment_publish(assessment=assessment, from_record=True)


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _page(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# --- the definitions, as plain functions ---------------------------------------------------


def test_the_previous_result_is_the_latest_earlier_year_however_far_back():
    assert periods.previous_year([2022, 2023, 2026], 2026) == 2023
    assert periods.previous_year([2022, 2023, 2026], 2023) == 2022
    assert periods.previous_year([2022, 2023], 2022) is None


def test_2022_2023_2026_are_two_runs_and_the_gap_says_which_years_are_missing():
    assert periods.runs([2026, 2022, 2023]) == [[2022, 2023], [2026]]
    assert [str(g) for g in periods.gaps([2022, 2023, 2026])] == [
        "2023 → 2026 (không có kết quả 2024–2025)"
    ]
    assert [str(g) for g in periods.gaps([2022, 2024])] == ["2022 → 2024 (không có kết quả 2023)"]
    assert periods.gaps([2022, 2023]) == []
    assert periods.year_axis([2023, 2026]) == [2023, 2024, 2025, 2026]


# --- previous published, in the selectors --------------------------------------------------


@pytest.mark.django_db
def test_a_result_after_a_gap_year_is_compared_with_the_last_published_one():
    p2 = _unit("TXQT-P2")
    total_2023 = Assessment.objects.get(unit=p2, period__year=2023).result_total
    result = _publish(p2, 2025, lose={"1.7": "0"})
    results = assessment_sheet(result).results
    assert results.previous_period.year == 2023
    assert results.change == results.total - total_2023
    assert result.result_change == results.change  # frozen at publication the same way
    (row,) = period_results(result.framework, result.period)
    assert (row.previous_period.year, row.change) == (2023, results.change)


@pytest.mark.django_db
def test_a_mid_year_round_between_annual_ones_is_never_the_previous_result():
    p2 = _unit("TXQT-P2")
    mid_year = _publish(p2, 2024, kind="mid_year")
    annual = _publish(p2, 2024)
    assert assessment_sheet(annual).results.previous_period.year == 2023
    assert assessment_sheet(annual).results.previous_period.kind == "annual"
    # the first mid-year round has nothing of its kind before it
    assert assessment_sheet(mid_year).results.change is None
    assert Assessment.objects.get(pk=mid_year.pk).result_change is None


@pytest.mark.django_db
def test_a_merged_units_first_result_has_no_change_and_its_predecessors_are_not_its_own():
    txqt = _unit("TXQT")
    merged = Unit.objects.create(
        code="TXQT-PQT", name="Phường Quảng Trị", kind="phuong", parent=txqt
    )
    merged.merged_from.set(Unit.objects.filter(code__in=["TXQT-P1", "TXQT-P2"]))
    first = _publish(merged, 2026)
    assert assessment_sheet(first).results.change is None
    assert Assessment.objects.get(pk=first.pk).result_change is None


# --- the letters and the ranking phụ lục ---------------------------------------------------


@pytest.mark.django_db
def test_the_letter_keeps_seed_002s_change_and_names_the_year_compared_with_after_a_gap(
    phuong1_2023,
):
    sheet = assessment_sheet(phuong1_2023)
    ranking = period_results(phuong1_2023.framework, phuong1_2023.period)
    assert "(tăng 9,18 điểm so với năm 2022)" in results_text(sheet, ranking, cite_decision=False)
    later = _publish(_unit("TXQT-P2"), 2025, lose={"1.7": "1"})
    sheet = assessment_sheet(later)
    text = results_text(sheet, period_results(later.framework, later.period), cite_decision=False)
    assert "điểm so với năm 2023)" in text and "năm 2024" not in text


@pytest.mark.django_db
def test_the_ranking_phu_luc_names_the_period_each_change_is_against(phuong1_2023):
    table = ranking_table(
        phuong1_2023.framework,
        phuong1_2023.period,
        period_results(phuong1_2023.framework, phuong1_2023.period),
    )
    assert table.columns[-1].label == "Tăng/giảm so với năm 2022"
    _publish_2025_after_a_gap_for_phuong_2()
    p3 = Assessment.objects.get(unit__code="TXQT-P3", period__year=2025)
    table = ranking_table(p3.framework, p3.period, period_results(p3.framework, p3.period))
    # two units against 2024, Phường 2 against 2023 (nothing published in 2024): a note says so
    assert table.columns[-1].label == "Tăng/giảm so với năm 2024"
    assert "Phường 2: so với năm 2023." in table.notes


def _publish_2025_after_a_gap_for_phuong_2() -> None:
    """Phường 1 and 3 published in 2024 and 2025, Phường 2 only in 2025."""
    for code in ("TXQT-P1", "TXQT-P3"):
        _publish(_unit(code), 2024)
    for code in ("TXQT-P1", "TXQT-P2", "TXQT-P3"):
        _publish(_unit(code), 2025, lose={"1.7": "1"} if code == "TXQT-P2" else None)


# --- the dashboard -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_defaults_to_the_latest_result_and_lists_the_published_periods(
    client, chairperson, phuong1_2023
):
    page = _page(client, chairperson, reverse("summary"))
    picker = re.search(r'<form[^>]*id="period-picker">(.*?)</form>', page, re.S).group(1)
    assert re.findall(r"<option[^>]*>([^<]+)</option>", picker) == ["Năm 2023", "Năm 2022"]
    assert re.search(r"<option[^>]*selected>Năm 2023<", picker)
    card = _section(page, "kpi-annual")
    assert "<strong>91,00</strong>" in card and "So với năm 2022" in card
    assert "<strong>+9,18</strong>" in card


@pytest.mark.django_db
def test_choosing_2022_on_the_dashboard_shows_2022s_numbers(client, chairperson, phuong1_2023):
    period_2022 = Period.objects.get(year=2022, kind="annual")
    url = reverse("dashboard:unit", args=[phuong1_2023.unit_id])
    page = _page(client, chairperson, url, ky=period_2022.pk)
    card = _section(page, "kpi-annual")
    assert "Năm 2022" in card and "<strong>81,82</strong>" in card and "91,00" not in card
    assert "<strong>—</strong>" in card  # nothing published before 2022
    assert "Năm 2022" in _section(page, "lost-by-field")
    assert "Về kết quả mới nhất" in page
    # the history lists both years, each linking to its own view
    history = _section(page, "history")
    assert f'href="?ky={period_2022.pk}"' in history and "so với năm 2022" in history


@pytest.mark.django_db
def test_a_period_without_a_published_result_of_the_unit_is_not_found(
    client, chairperson, current_p1
):
    client.force_login(chairperson)
    url = reverse("dashboard:unit", args=[current_p1.unit_id])
    assert client.get(url, {"ky": current_p1.period_id}).status_code == 404  # 2026: a draft
    assert client.get(url, {"ky": "99999999"}).status_code == 404
    assert client.get(url, {"ky": "abc"}).status_code == 404
    assert client.get(url, {"ky": ""}).status_code == 200


@pytest.mark.django_db
def test_losses_either_side_of_a_gap_year_are_not_consecutive_and_the_gap_is_shown(
    client, appraiser
):
    p2 = _unit("TXQT-P2")
    lost_2023 = {
        code
        for code in Assessment.objects.get(unit=p2, period__year=2023)
        .scores.filter(appraised_value__lt=F("maximum"))
        .values_list("criterion__code", flat=True)
    }
    assert lost_2023, "the demo's Phường 2 lost points in 2023"
    code = sorted(lost_2023)[0]
    _publish(p2, 2025, lose={code: "0"})
    page = _page(client, appraiser, reverse("dashboard:unit", args=[p2.pk]))
    repeated = _section(page, "repeated")
    assert "2023, 2025" not in repeated
    assert "2023 → 2025 (không có kết quả 2024)" in repeated
    trend = _section(page, "trend")
    assert "2023 → 2025 (không có kết quả 2024)" in trend
    assert "2024" in SVG_TEXT.findall(trend)  # the missing year is on the axis…
    assert "Cả năm – 2024" not in trend  # …with no point


@pytest.mark.django_db
def test_a_merged_units_dashboard_lists_its_predecessors_results_labelled_as_theirs(
    client, appraiser
):
    txqt = _unit("TXQT")
    merged = Unit.objects.create(
        code="TXQT-PQT", name="Phường Quảng Trị", kind="phuong", parent=txqt
    )
    merged.merged_from.set(Unit.objects.filter(code__in=["TXQT-P1", "TXQT-P2"]))
    _publish(merged, 2026, lose={"1.7": "0"})
    page = _page(client, appraiser, reverse("dashboard:unit", args=[merged.pk]))
    card = _section(page, "kpi-annual")
    assert "<strong>—</strong>" in card and "Đơn vị mới, hợp nhất từ Phường 1, Phường 2" in card
    history = _section(page, "history")
    rows = re.findall(
        r'<tr class="(own|predecessor)[^"]*">\s*<td>(.*?)</td>\s*<td>(.*?)</td>', history
    )
    own = [(re.sub("<[^>]+>", "", when), who) for kind, when, who in rows if kind == "own"]
    theirs = [(when, who) for kind, when, who in rows if kind == "predecessor"]
    assert own == [("Năm 2026", "Phường Quảng Trị")]
    assert ("Năm 2023", "Phường 1 (trước sáp nhập)") in theirs
    assert ("Năm 2022", "Phường 2 (trước sáp nhập)") in theirs
    assert len(theirs) == 4
    picker = re.search(r'<form[^>]*id="period-picker">(.*?)</form>', page, re.S).group(1)
    assert re.findall(r"<option[^>]*>([^<]+)</option>", picker) == ["Năm 2026"]
    # the trend is the unit's own: nothing of its predecessors is drawn as its result
    assert "Cả năm – 2023" not in _section(page, "trend")


@pytest.mark.django_db
def test_a_merged_units_dashboard_costs_the_same_queries_for_two_or_five_predecessors(
    client, appraiser
):
    txqt = _unit("TXQT")
    merged = Unit.objects.create(
        code="TXQT-PQT", name="Phường Quảng Trị", kind="phuong", parent=txqt
    )
    _publish(merged, 2026)
    client.force_login(appraiser)
    url = reverse("dashboard:unit", args=[merged.pk])
    merged.merged_from.set(Unit.objects.filter(code__in=["TXQT-P1", "TXQT-P2"]))
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    merged.merged_from.set(Unit.objects.filter(code__startswith="TXQT-").exclude(pk=merged.pk))
    with CaptureQueriesContext(connection) as five:
        assert "Xã Hải Lệ (trước sáp nhập)" in client.get(url).content.decode()
    assert len(two) == len(five)


# --- the ranking page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_ranking_takes_a_period_and_names_the_period_of_the_change(
    client, appraiser, phuong1_2023
):
    url = reverse("dashboard:ranking")
    page = _page(client, appraiser, url)
    assert "So với năm 2022" in page and "91,00" in page
    period_2022 = Period.objects.get(year=2022, kind="annual")
    older = _page(client, appraiser, url, ky=period_2022.pk)
    assert "81,82" in older and "91,00" not in older
    assert re.search(r'<option value="[\d-]+" selected>Năm 2022<', older)
    client.force_login(appraiser)
    assert client.get(url, {"ky": phuong1_2023.period_id + 1000}).status_code == 404
    assert client.get(url, {"ky": "1-x"}).status_code == 404


@pytest.mark.django_db
def test_a_period_outside_the_users_scope_is_not_found_on_the_ranking(
    client, other_chairperson, phuong1_2023
):
    client.force_login(other_chairperson)
    key = f"{phuong1_2023.period_id}-{phuong1_2023.framework_id}"
    assert client.get(reverse("dashboard:ranking"), {"ky": key}).status_code == 404


@pytest.mark.django_db
def test_after_a_gap_the_ranking_says_which_period_a_unit_is_compared_with(client, appraiser):
    _publish_2025_after_a_gap_for_phuong_2()
    period = Period.objects.get(year=2025, kind="annual")
    page = _page(client, appraiser, reverse("dashboard:ranking"), ky=period.pk)
    assert "So với năm 2024</th>" in page
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Phường 2(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert "so với năm 2023" in row


# --- the documents index -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_documents_index_shows_the_latest_periods_ranking_and_takes_2022(
    client, chairperson, phuong1_2023
):
    url = reverse("documents:index")
    page = _page(client, chairperson, url)
    rankings = _section(page, "rankings")
    assert "Xếp hạng các đơn vị – Năm 2023" in rankings
    assert "91,00" in rankings and "so với năm 2022" in rankings
    assert (
        reverse(
            "documents:ranking", args=[phuong1_2023.framework_id, phuong1_2023.period_id, "pdf"]
        )
        in rankings
    )
    period_2022 = Period.objects.get(year=2022, kind="annual")
    older = _section(_page(client, chairperson, url, ky=period_2022.pk), "rankings")
    assert "Năm 2022" in older and "81,82" in older and "91,00" not in older


@pytest.mark.django_db
def test_a_period_with_results_only_outside_the_users_scope_is_not_found_on_documents(
    client, chairperson, other_chairperson
):
    later = _publish(_unit("TXQT-P2"), 2025)
    url = reverse("documents:index")
    client.force_login(other_chairperson)
    assert "Năm 2025" in _section(client.get(url).content.decode(), "rankings")
    client.force_login(chairperson)
    assert client.get(url, {"ky": later.period_id}).status_code == 404
    assert client.get(url, {"ky": "abc"}).status_code == 404


@pytest.mark.django_db
def test_the_documents_index_costs_the_same_queries_for_5_or_6_units(client, appraiser):
    client.force_login(appraiser)
    url = reverse("documents:index")
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    txqt = _unit("TXQT")
    extra = Unit.objects.create(code="TXQT-NEW", name="Phường Mới", kind="phuong", parent=txqt)
    _publish(extra, 2023)
    with CaptureQueriesContext(connection) as six:
        assert "Phường Mới" in client.get(url).content.decode()
    assert len(five) == len(six)


@pytest.mark.django_db
def test_seed_002s_numbers_are_unchanged(phuong1_2023):
    results = assessment_sheet(phuong1_2023).results
    assert (results.total, results.rank, results.rank_of) == (D("91.00"), 3, 5)
    assert (results.previous_total, results.change) == (D("81.82"), D("9.18"))
    assert results.previous_period.year == 2022
