"""Stepped ratios, per-case deductions and ratios that may pass 100 % (issue 16, items 3, 4
and 7). Pure functions: no database."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import engine
from scoring.engine import Method, Rounding

CUT, HALF_UP = Rounding.CUT, Rounding.HALF_UP
STEPS = {"steps": [{"at_least": "90", "points": "1"}, {"at_least": "70", "points": "0.5"}]}
# Budget revenue against the estimate: "≥ 100 % → 2 điểm; ≥ 95 % → 1 điểm".
REVENUE = {"steps": [{"at_least": "100", "points": "2"}, {"at_least": "95", "points": "1"}]}
PER_CASE = {"per_case": "0.25"}


def _steps(b, a, params=STEPS, maximum=D("1")):
    return engine.suggested_score(Method.RATIO_STEPS, maximum, params, HALF_UP, b=b, a=a)


def _deduction(cases, maximum=D("2"), params=PER_CASE):
    return engine.suggested_score(Method.DEDUCTION, maximum, params, HALF_UP, b=cases)


@pytest.mark.parametrize(
    ("b", "a", "points"),
    [
        (90, 100, D("1.00")),  # exactly at the top step
        (9, 10, D("1.00")),  # 90 % exactly, however it is reached
        (899, 1000, D("0.50")),  # just below it
        (70, 100, D("0.50")),  # exactly at the second step
        (7, 10, D("0.50")),
        (699, 1000, D("0.00")),  # just below every step
        (0, 10, D("0.00")),
        (10, 10, D("1.00")),
    ],
)
def test_a_stepped_ratio_gives_the_points_of_the_highest_step_it_reaches(b, a, points):
    assert _steps(b, a) == points


def test_the_step_reached_is_said_in_words():
    assert engine.step_reached(9, 10, STEPS) == "bậc ≥90%"
    assert engine.step_reached(89, 100, STEPS) == "bậc ≥70%"
    assert engine.step_reached(1, 100, STEPS) == "dưới bậc thấp nhất"


def test_revenue_past_the_estimate_reaches_a_step_at_100_percent():
    assert _steps(105, 100, REVENUE, D("2")) == D("2.00")
    assert _steps(100, 100, REVENUE, D("2")) == D("2.00")
    assert _steps(99, 100, REVENUE, D("2")) == D("1.00")
    assert _steps(94, 100, REVENUE, D("2")) == D("0.00")


def test_b_above_a_is_refused_where_the_rule_is_a_share_of_a_whole():
    # Steps below 100 %: 12 of 10 files is two counts swapped or mistyped.
    assert engine.counts_problems(12, 10, method=Method.RATIO_STEPS, params=STEPS) == [
        "Số b (12) không được lớn hơn số a (10)."
    ]
    with pytest.raises(engine.ScoringError, match=r"Số b \(12\)"):
        _steps(12, 10)
    assert engine.counts_problems(105, 100, method=Method.RATIO_STEPS, params=REVENUE) == []


def test_a_target_of_100_percent_takes_b_above_a_and_caps_at_the_maximum():
    target = {"target": "1"}
    assert engine.counts_problems(105, 100, method=Method.RATIO_TARGET, params=target) == []
    score = engine.suggested_score(Method.RATIO_TARGET, D("2"), target, CUT, b=105, a=100)
    assert score == D("2.00")
    assert engine.suggested_score(Method.RATIO_TARGET, D("2"), target, CUT, b=90, a=100) == D(
        "1.80"
    )
    # A 30 % target is a share of all files: b > a stays refused (the seed's swapped counts).
    assert engine.counts_problems(
        757, 73, method=Method.RATIO_TARGET, params={"target": "0.30"}
    ) == ["Số b (757) không được lớn hơn số a (73)."]


@pytest.mark.parametrize("method", [Method.RATIO, Method.RATIO_FLOOR])
def test_plain_ratios_still_refuse_b_above_a(method):
    assert engine.counts_problems(5, 4, method=method, params={"floor": "0.7"}) == [
        "Số b (5) không được lớn hơn số a (4)."
    ]


@pytest.mark.parametrize(
    ("method", "params"),
    [
        (Method.RATIO, {}),
        (Method.RATIO_FLOOR, {"floor": "0.7"}),
        (Method.RATIO_TARGET, {"target": "1"}),
        (Method.RATIO_STEPS, REVENUE),
    ],
)
def test_a_total_of_zero_is_refused_under_every_ratio(method, params):
    assert "Số a (tổng số) phải lớn hơn 0." in engine.counts_problems(
        3, 0, method=method, params=params
    )
    with pytest.raises(engine.ScoringError, match="Số a"):
        engine.suggested_score(method, D("2"), params, CUT, b=3, a=0)


@pytest.mark.parametrize(
    ("cases", "points"),
    [
        (0, D("2.00")),
        (1, D("1.75")),
        (5, D("0.75")),  # 2 − 5 × 0,25
        (8, D("0.00")),  # exactly to zero
        (9, D("0.00")),  # past zero: 0, never negative
        (1000, D("0.00")),
    ],
)
def test_a_deduction_takes_per_case_points_off_the_maximum_down_to_zero(cases, points):
    assert _deduction(cases) == points


def test_a_deduction_takes_the_number_of_cases_alone():
    assert engine.counts_problems(None, None, method=Method.DEDUCTION) == [
        "Cần nhập số trường hợp."
    ]
    assert engine.counts_problems(-1, None, method=Method.DEDUCTION) == [
        "Số trường hợp không được âm."
    ]
    assert engine.counts_problems(3, 10, method=Method.DEDUCTION) == [
        "Tiêu chí trừ điểm theo số trường hợp chỉ nhập số trường hợp, không nhập số a."
    ]
    with pytest.raises(engine.ScoringError, match="không nhập số a"):
        engine.suggested_score(Method.DEDUCTION, D("2"), PER_CASE, CUT, b=3, a=10)


@pytest.mark.parametrize("method", [Method.LEVELS, Method.YES_NO, Method.JUDGEMENT])
def test_counts_for_a_method_that_takes_none_are_refused(method):
    [problem] = engine.counts_problems(3, 4, method=method)
    assert problem.endswith("không dùng số b, a; hãy chọn hoặc nhập điểm.")
    assert engine.METHOD_LABELS[method] in problem


@pytest.mark.parametrize("per_case", ["0", "-0.25", "abc", "0.125", None])
def test_a_deduction_needs_a_positive_per_case_of_two_decimals(per_case):
    params = {} if per_case is None else {"per_case": per_case}
    assert engine.params_problems("2.3", Method.DEDUCTION, params) == [
        "Tiêu chí 2.3: số điểm trừ mỗi trường hợp (per_case) phải lớn hơn 0, tối đa hai chữ số "
        "thập phân, ví dụ 0.25."
    ]


def test_sound_steps_and_deductions_have_no_problems():
    assert engine.params_problems("1.1", Method.RATIO_STEPS, STEPS, maximum=D("1")) == []
    assert engine.params_problems("1.2", Method.DEDUCTION, PER_CASE, maximum=D("2")) == []


def test_steps_not_in_decreasing_order_are_refused():
    rising = {"steps": [{"at_least": "70", "points": "0.5"}, {"at_least": "90", "points": "1"}]}
    equal = {"steps": [{"at_least": "90", "points": "1"}, {"at_least": "90", "points": "0.5"}]}
    for params in (rising, equal):
        assert engine.params_problems("1.1", Method.RATIO_STEPS, params, maximum=D("1")) == [
            "Tiêu chí 1.1: các bậc phải xếp từ tỷ lệ cao xuống thấp, mỗi bậc thấp hơn bậc "
            "trước và không âm."
        ]


def test_a_step_worth_more_than_the_maximum_is_refused():
    params = {"steps": [{"at_least": "90", "points": "1.5"}]}
    assert engine.params_problems("1.1", Method.RATIO_STEPS, params, maximum=D("1")) == [
        "Tiêu chí 1.1: bậc ≥90% cho 1,50 điểm; điểm của một bậc phải từ 0 đến 1,00 (điểm tối "
        "đa), tối đa hai chữ số thập phân."
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"steps": []},
        {"steps": [{"at_least": "90"}]},
        {"steps": [{"at_least": "x", "points": "1"}]},
    ],
)
def test_missing_or_broken_steps_are_refused(params):
    [problem] = engine.params_problems("1.1", Method.RATIO_STEPS, params, maximum=D("1"))
    assert problem.startswith("Tiêu chí 1.1: chấm theo bậc cần ít nhất một bậc")


def test_the_rules_in_words():
    assert engine.rule_text(Method.RATIO_STEPS, D("1"), STEPS) == (
        "Theo tỷ lệ b/a — từ 90% được 1,00; từ 70% được 0,50; dưới 70% được 0."
    )
    from_zero = {"steps": [{"at_least": "50", "points": "1"}, {"at_least": "0", "points": "0.5"}]}
    assert engine.rule_text(Method.RATIO_STEPS, D("1"), from_zero) == (
        "Theo tỷ lệ b/a — từ 50% được 1,00; từ 0% được 0,50."
    )
    assert engine.rule_text(Method.DEDUCTION, D("2"), PER_CASE) == (
        "Điểm = 2,00 − 0,25 × số trường hợp, không dưới 0."
    )


def test_an_entered_value_must_be_one_the_rule_can_give():
    assert engine.value_problems("1.1", Method.RATIO_STEPS, D("1"), STEPS, D("0.50")) == []
    assert engine.value_problems("1.1", Method.RATIO_STEPS, D("1"), STEPS, D("0.70")) == [
        "Tiêu chí 1.1: chấm theo bậc, điểm chỉ là một trong 1,00; 0,50; 0,00; hãy nhập số b "
        "và a để tính điểm."
    ]
    assert engine.value_problems("2.3", Method.DEDUCTION, D("2"), PER_CASE, D("1.25")) == []
    assert engine.value_problems("2.3", Method.DEDUCTION, D("2"), PER_CASE, D("0")) == []
    assert engine.value_problems("2.3", Method.DEDUCTION, D("2"), PER_CASE, D("1.30")) == [
        "Tiêu chí 2.3: điểm 1,30 không phải 2,00 trừ một số lần 0,25 điểm; hãy nhập số trường "
        "hợp để tính điểm."
    ]


# --- properties ---------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=10**9)
totals = st.integers(min_value=1, max_value=10**9)
maxima = st.decimals(min_value="0.01", max_value="100", places=2)
roundings = st.sampled_from(list(Rounding))


@st.composite
def step_params(draw, maximum):
    percents = draw(
        st.lists(
            st.decimals(min_value="0", max_value="300", places=1),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    points = st.decimals(min_value="0", max_value=maximum, places=2)
    return {
        "steps": [
            {"at_least": str(p), "points": str(draw(points))}
            for p in sorted(percents, reverse=True)
        ]
    }


@given(data=st.data(), maximum=maxima, b=counts, a=totals, rounding=roundings)
def test_a_stepped_ratio_never_leaves_zero_to_maximum(data, maximum, b, a, rounding):
    params = data.draw(step_params(maximum))
    assert engine.params_problems("1", Method.RATIO_STEPS, params, maximum=maximum) == []
    if engine.counts_problems(b, a, method=Method.RATIO_STEPS, params=params):
        return
    score = engine.suggested_score(Method.RATIO_STEPS, maximum, params, rounding, b=b, a=a)
    assert D("0") <= score <= maximum
    assert engine.value_problems("1", Method.RATIO_STEPS, maximum, params, score) == []


@given(
    maximum=maxima,
    cases=counts,
    per_case=st.decimals(min_value="0.01", max_value="50", places=2),
    rounding=roundings,
)
def test_a_deduction_never_leaves_zero_to_maximum(maximum, cases, per_case, rounding):
    params = {"per_case": str(per_case)}
    score = engine.suggested_score(Method.DEDUCTION, maximum, params, rounding, b=cases)
    assert D("0") <= score <= maximum
    assert engine.value_problems("1", Method.DEDUCTION, maximum, params, score) == []


@given(
    maximum=maxima,
    b=counts,
    a=totals,
    target=st.decimals(min_value="0.01", max_value="1", places=2),
    rounding=roundings,
)
def test_a_ratio_against_a_target_never_leaves_zero_to_maximum(maximum, b, a, target, rounding):
    params = {"target": str(target)}
    if engine.counts_problems(b, a, method=Method.RATIO_TARGET, params=params):
        assert b > a and target < 1
        return
    score = engine.suggested_score(Method.RATIO_TARGET, maximum, params, rounding, b=b, a=a)
    assert D("0") <= score <= maximum


@given(
    method=st.sampled_from([Method.RATIO, Method.RATIO_FLOOR]),
    maximum=maxima,
    b=counts,
    a=totals,
    floor=st.decimals(min_value="0.01", max_value="1", places=2),
    rounding=roundings,
)
def test_a_share_of_a_whole_never_leaves_zero_to_maximum(method, maximum, b, a, floor, rounding):
    params = {"floor": str(floor)}
    if engine.counts_problems(b, a, method=method, params=params):
        assert b > a
        return
    score = engine.suggested_score(method, maximum, params, rounding, b=b, a=a)
    assert D("0") <= score <= maximum
