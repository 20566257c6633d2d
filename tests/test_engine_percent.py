"""Survey percentages and outside indices turned into points (issue 16, items 1 and 5).
Pure functions: no database."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import engine
from scoring.engine import Method, Rounding

CUT, HALF_UP = Rounding.CUT, Rounding.HALF_UP
BANDS = {
    "steps": [
        {"at_least": "80", "points": "2"},
        {"at_least": "65", "points": "1.5"},
        {"at_least": "50", "points": "1"},
    ]
}


@pytest.mark.parametrize(
    ("measure", "rounding", "points"),
    [
        (D("87.3512"), HALF_UP, D("1.75")),  # 2 × 87,3512 / 100 = 1,747024
        (D("87.3512"), CUT, D("1.74")),
        (D("0"), HALF_UP, D("0.00")),
        (D("100"), HALF_UP, D("2.00")),
        (D("50"), CUT, D("1.00")),
    ],
)
def test_a_percentage_gives_its_share_of_the_maximum(measure, rounding, points):
    assert engine.percent_score(measure, D("2"), rounding) == points
    assert engine.suggested_score(Method.PERCENT, D("2"), {}, rounding, measure=measure) == points


@pytest.mark.parametrize("measure", [D("100.0001"), D("-0.0001"), D("150")])
def test_a_percentage_outside_0_to_100_is_refused(measure):
    with pytest.raises(engine.ScoringError, match="ngoài 0–100%"):
        engine.percent_score(measure, D("2"), HALF_UP)
    with pytest.raises(engine.ScoringError, match="ngoài 0–100%"):
        engine.percent_steps_score(measure, D("2"), BANDS, HALF_UP)
    assert engine.measure_problems("8.1", measure)[0].startswith("Tiêu chí 8.1: kết quả ")


def test_a_percentage_keeps_four_decimals_and_no_more():
    assert engine.measure_problems("8.1", D("87.3512")) == []
    assert engine.measure_problems("8.1", D("87.35125")) == [
        "Tiêu chí 8.1: kết quả 87,35125% có quá bốn chữ số thập phân; hãy nhập, ví dụ, 87,3512%."
    ]


@pytest.mark.parametrize(
    ("measure", "points"),
    [
        (D("100"), D("2.00")),
        (D("80"), D("2.00")),  # exactly at the top step
        (D("79.9999"), D("1.50")),
        (D("65"), D("1.50")),  # exactly at the second
        (D("64.9999"), D("1.00")),
        (D("50"), D("1.00")),  # exactly at the lowest
        (D("49.9999"), D("0.00")),
        (D("0"), D("0.00")),
    ],
)
def test_a_stepped_percentage_gives_the_points_of_the_highest_step_it_reaches(measure, points):
    assert engine.percent_steps_score(measure, D("2"), BANDS, HALF_UP) == points
    assert (
        engine.suggested_score(Method.PERCENT_STEPS, D("2"), BANDS, HALF_UP, measure=measure)
        == points
    )


def test_without_a_measure_a_percent_criterion_suggests_nothing():
    assert engine.suggested_score(Method.PERCENT, D("2"), {}, HALF_UP) is None


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("87,35", D("87.35")),
        ("87,35 %", D("87.35")),
        ("87,35%", D("87.35")),
        (" 87.3512 ", D("87.3512")),
        ("100", D("100")),
    ],
)
def test_a_percentage_is_read_as_people_type_it(typed, value):
    assert engine.parse_measure(typed) == value


@pytest.mark.parametrize("typed", ["tốt", "87,35 điểm", "%", ""])
def test_text_is_not_a_percentage(typed):
    with pytest.raises(engine.ScoringError, match="không phải là số"):
        engine.parse_measure(typed)


def test_the_rules_read_in_words():
    assert engine.rule_text(Method.PERCENT, D("2"), {}) == "Điểm = 2,00 × kết quả (%) / 100."
    assert engine.rule_text(Method.PERCENT_STEPS, D("2"), BANDS) == (
        "Theo kết quả (%) — từ 80% được 2,00; từ 65% được 1,50; từ 50% được 1,00; dưới 50% được 0."
    )


def test_the_parameters_of_a_stepped_percentage_are_checked():
    assert engine.params_problems("8.1", Method.PERCENT, {}) == []
    assert engine.params_problems("8.1", Method.PERCENT_STEPS, BANDS, maximum=D("2")) == []
    assert engine.params_problems("8.1", Method.PERCENT_STEPS, {}) == [
        "Tiêu chí 8.1: chấm theo bậc cần ít nhất một bậc, mỗi bậc có tỷ lệ tối thiểu (%) và "
        "số điểm, ví dụ “≥90%: 1; ≥70%: 0,5”."
    ]
    past = {"steps": [{"at_least": "120", "points": "2"}]}
    assert engine.params_problems("8.1", Method.PERCENT_STEPS, past, maximum=D("2")) == [
        "Tiêu chí 8.1: bậc của kết quả % phải từ 0 đến 100; hãy sửa tỷ lệ của bậc."
    ]
    too_many = {"steps": [{"at_least": "80", "points": "3"}]}
    assert engine.params_problems("8.1", Method.PERCENT_STEPS, too_many, maximum=D("2"))


def test_a_stepped_percentage_takes_only_the_points_of_a_step():
    assert engine.value_problems("8.1", Method.PERCENT_STEPS, D("2"), BANDS, D("1.5")) == []
    problems = engine.value_problems("8.1", Method.PERCENT_STEPS, D("2"), BANDS, D("1.2"))
    assert problems == [
        "Tiêu chí 8.1: chấm theo bậc, điểm chỉ là một trong 2,00; 1,50; 1,00; 0,00; hãy nhập "
        "kết quả (%) để tính điểm."
    ]


measures = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False)
maxima = st.decimals(min_value=D("0.25"), max_value=40, places=2, allow_nan=False)


@given(measure=measures, maximum=maxima, rounding=st.sampled_from([CUT, HALF_UP]))
def test_a_percentage_never_scores_above_the_maximum(measure, maximum, rounding):
    points = engine.percent_score(measure, maximum, rounding)
    assert D("0") <= points <= maximum
    stepped = engine.percent_steps_score(measure, maximum, BANDS, rounding)
    assert D("0") <= stepped <= maximum
