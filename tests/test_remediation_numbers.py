"""The remediation numbers on plain values: projection, what tasks can recover, streaks."""

from decimal import Decimal as D

import pytest

from remediation import numbers
from remediation.numbers import Stake
from scoring import engine
from tests.seed002 import ROWS

# The demo's 2023 totals of the five communes: Phường 1 third with 91,00, as in seed 002.
TOTALS_2023 = {
    "P2": D("94.25"),
    "P3": D("92.50"),
    "P1": D("91.00"),
    "AD": D("88.75"),
    "HL": D("86.40"),
}


def test_the_lost_points_of_seed_002_split_by_field_as_its_appendix_says():
    lines = [
        (code, engine.Line(maximum, self_value, appraised))
        for code, maximum, self_value, appraised, _ in ROWS
    ]
    sums = numbers.field_sums(lines)
    assert {field: s.lost for field, s in sums.items()} == {
        "1": D("3.79"),
        "3": D("1.82"),
        "4": D("1.00"),
        "7": D("2.39"),
    }
    assert sum(s.lost for s in sums.values()) == D("9.00")
    assert list(sums) == ["1", "3", "4", "7"]


def test_fields_sort_numerically_and_unappraised_fields_have_no_appraised_sum():
    lines = [
        ("10.1", engine.Line(D("2"), None, D("1"))),
        ("2.1", engine.Line(D("1"), D("1"), None)),
        ("9.1", engine.Line(D("1"), None, D("1"))),
    ]
    sums = numbers.field_sums(lines)
    assert list(sums) == ["2", "9", "10"]
    assert sums["2"].appraised is None and sums["2"].lost == D("0")
    assert sums["10"] == numbers.FieldSums(maximum=D("2"), appraised=D("1"), lost=D("1"))


def test_a_task_recovers_its_points_but_never_more_than_its_criteria_lost():
    lost = {1: D("0.90"), 2: D("0.68")}
    assert numbers.recoverable([Stake(D("0.90"), frozenset({1}))], lost) == D("0.90")
    assert numbers.recoverable([Stake(D("5.00"), frozenset({1}))], lost) == D("0.90")
    assert numbers.recoverable([Stake(D("0.50"), frozenset({1}))], lost) == D("0.50")


def test_two_tasks_on_the_same_criterion_do_not_count_its_points_twice():
    lost = {1: D("1.00"), 2: D("0.20")}
    stakes = [Stake(D("1.00"), frozenset({1})), Stake(D("1.00"), frozenset({1}))]
    assert numbers.recoverable(stakes, lost) == D("1.00")
    # chained through shared criteria: {1,2} and {2} together recover at most 1,20
    stakes = [Stake(D("1.20"), frozenset({1, 2})), Stake(D("0.20"), frozenset({2}))]
    assert numbers.recoverable(stakes, lost) == D("1.20")


def test_a_task_on_no_criterion_recovers_nothing():
    assert numbers.recoverable([Stake(D("2.00"), frozenset())], {1: D("1")}) == D("0")
    assert numbers.recoverable([], {1: D("1")}) == D("0")


def test_recovering_all_nine_points_of_phuong_1_would_put_it_first():
    projected = numbers.project(unit="P1", totals=TOTALS_2023, recovered=D("9.00"))
    assert projected == numbers.Projected(total=D("100.00"), rank=1, rank_of=5, gain=D("9.00"))


def test_recovering_1_31_points_keeps_phuong_1_third_and_2_points_make_it_second():
    assert numbers.project(unit="P1", totals=TOTALS_2023, recovered=D("1.31")).rank == 3
    second = numbers.project(unit="P1", totals=TOTALS_2023, recovered=D("2.00"))
    assert (second.total, second.rank) == (D("93.00"), 2)


def test_a_projected_total_equal_to_anothers_shares_its_rank():
    projected = numbers.project(unit="P1", totals=TOTALS_2023, recovered=D("1.50"))
    assert (projected.total, projected.rank) == (D("92.50"), 2)


def test_nothing_recovered_gives_the_published_rank_and_the_maximum_caps_the_total():
    assert numbers.project(unit="P1", totals=TOTALS_2023, recovered=D("0")).rank == 3
    capped = numbers.project(unit="P1", totals=TOTALS_2023, recovered=D("20"), maximum=D("100"))
    assert (capped.total, capped.gain) == (D("100"), D("9.00"))


def test_loss_streaks_are_runs_of_consecutive_periods():
    periods = [2019, 2020, 2021, 2022, 2023]
    lost_in = {
        "1.7": [2022, 2023],
        "4.4": [2019, 2021, 2023],  # never two in a row
        "3.12.2": [2019, 2020, 2021, 2023],  # longest run 2019–2021
        "7.2": [2023],
    }
    assert numbers.loss_streaks(periods, lost_in) == {
        "3.12.2": [2019, 2020, 2021],
        "1.7": [2022, 2023],
    }


def test_a_year_without_a_published_result_breaks_the_run():
    # No 2021 result: 2020 and 2022 are adjacent in the list but two years apart (issue 13's
    # definition in scoring.periods), so losing points in both is not "consecutive".
    assert numbers.loss_streaks([2019, 2020, 2022], {"1.6": [2020, 2022]}) == {}
    assert numbers.loss_streaks([2022, 2023, 2026], {"1.6": [2022, 2023, 2026]}) == {
        "1.6": [2022, 2023]
    }


def test_a_mid_year_round_between_annual_ones_is_not_in_the_series_and_breaks_nothing():
    # Periods are the annual results' ids; their years come from year_of.
    year_of = {"a22": 2022, "a23": 2023, "a24": 2024}
    streaks = numbers.loss_streaks(
        ["a22", "a23", "a24"], {"4.4": ["a22", "a23", "a24"]}, year_of=year_of
    )
    assert streaks == {"4.4": ["a22", "a23", "a24"]}


def test_of_two_equally_long_runs_the_later_is_kept():
    periods = [1, 2, 3, 4, 5]
    assert numbers.loss_streaks(periods, {"1.1": [1, 2, 4, 5]}) == {"1.1": [4, 5]}


def test_points_lost_per_owner_are_summed_and_sorted_largest_first():
    rows = [("Văn phòng", D("1")), ("Một cửa", D("0.2")), ("Văn phòng", D("0.5")), ("A", D("0.2"))]
    assert numbers.grouped_lost(rows) == [
        ("Văn phòng", D("1.5")),
        ("A", D("0.2")),
        ("Một cửa", D("0.2")),
    ]


@pytest.mark.parametrize(
    ("value", "maximum", "expected"),
    [(D("12.21"), D("16"), D("76.31")), (None, D("16"), None), (D("1"), D("0"), None)],
)
def test_share_of_a_field_is_a_percentage_of_its_maximum(value, maximum, expected):
    assert numbers.share_of(value, maximum) == expected
