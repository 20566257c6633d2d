"""The scoring engine on the seeds' published numbers. Pure functions: no database."""

from decimal import Decimal as D

import pytest

from scoring import engine
from scoring.engine import Line, Node, Rounding
from tests.seed002 import ROWS, TOTALS

CUT, HALF_UP = Rounding.CUT, Rounding.HALF_UP


@pytest.mark.parametrize(
    ("maximum", "b", "a", "expected"),
    [
        (D("2"), 44, 46, D("1.91")),  # Phường 1, 1.1.3: 44 of 46 plan tasks
        (D("1"), 3, 30, D("0.10")),  # 3.12.1: 3 of 30 procedures
        (D("2"), 307, 319, D("1.92")),  # 7.3.2: 307 of 319 documents signed
        (D("1"), 4, 5, D("0.80")),  # 1.6: 4 of 5 commitments
        (D("1"), 408, 637, D("0.64")),  # Hiền Thành mid-year, 3.13.3
        (D("1"), 319, 461, D("0.69")),  # 7.3.1
    ],
)
def test_ratio_examples_from_the_seeds_give_the_published_score(maximum, b, a, expected):
    for rounding in (CUT, HALF_UP):
        assert engine.ratio_score(maximum, b, a, rounding=rounding) == expected


@pytest.mark.parametrize(
    ("b", "a", "cut", "half_up"),
    [
        (870, 901, D("0.96"), D("0.97")),  # published 0.96: cut off
        (896, 900, D("0.99"), D("1.00")),  # published 0.99: cut off
        (18, 19, D("0.94"), D("0.95")),  # published 0.94: cut off
        (782, 903, D("0.86"), D("0.87")),  # published 0.87: rounded half up
        (11, 16, D("0.68"), D("0.69")),  # Hiền Thành 3.13.2, published 0.69: half up
    ],
)
def test_the_two_rounding_rules_differ_as_in_the_published_tables(b, a, cut, half_up):
    assert engine.ratio_score(D("1"), b, a, rounding=CUT) == cut
    assert engine.ratio_score(D("1"), b, a, rounding=HALF_UP) == half_up


def test_half_up_rounds_an_exact_half_up_and_cut_drops_it():
    assert engine.round_score(D("0.125"), HALF_UP) == D("0.13")
    assert engine.round_score(D("0.125"), CUT) == D("0.12")


def test_ratio_below_the_floor_scores_nothing():
    # Hiền Thành 2023 mid-year, 3.11.1: 164/739 = 0.22 < 0.7, so 0 points.
    assert engine.ratio_score(D("1"), 164, 739, rounding=HALF_UP, floor=D("0.7")) == D("0.00")
    assert engine.ratio_score(D("1"), 870, 901, rounding=CUT, floor=D("0.7")) == D("0.96")
    assert engine.ratio_score(D("1"), 7, 10, rounding=CUT, floor=D("0.7")) == D("0.70")


def test_ratio_against_a_target_is_divided_by_it_and_capped_at_the_maximum():
    # Phường 1, 3.12.2: 73 of 757 files paid online = 9.64 %; against 30 % → 0.32 of 1.
    assert engine.ratio_score(D("1"), 73, 757, rounding=CUT, target=D("0.30")) == D("0.32")
    assert engine.ratio_score(D("1"), 500, 757, rounding=CUT, target=D("0.30")) == D("1.00")


@pytest.mark.parametrize(
    ("b", "a", "message"),
    [
        (5, 4, "Số b (5) không được lớn hơn số a (4)."),
        (0, 0, "Số a (tổng số) phải lớn hơn 0."),
        (None, 4, "Cần nhập đủ hai số b và a."),
    ],
)
def test_impossible_counts_are_refused_with_a_vietnamese_message(b, a, message):
    assert message in engine.counts_problems(b, a)
    with pytest.raises(engine.ScoringError, match=r"b và a|lớn hơn"):
        engine.ratio_score(D("1"), b, a, rounding=CUT)


def test_levels_give_their_share_of_the_maximum():
    params = {
        "levels": [
            {"label": "Đầy đủ", "percent": "100"},
            {"label": "Chưa đầy đủ", "percent": "50"},
            {"label": "Không", "percent": "0"},
        ]
    }
    assert engine.suggested_score("levels", D("2"), params, CUT, level="Chưa đầy đủ") == D("1.00")
    assert engine.value_problems("7.1.4", "levels", D("2"), params, D("1")) == []
    assert engine.value_problems("7.1.4", "levels", D("2"), params, D("1.5")) == [
        "Tiêu chí 7.1.4: chấm theo mức, điểm chỉ là một trong 2,00; 1,00; 0,00; hãy chọn một mức."
    ]


def test_value_problems_name_the_value_the_maximum_and_the_criterion():
    assert engine.value_problems("1.1.3", "judgement", D("2"), {}, D("2.5")) == [
        "Tiêu chí 1.1.3: điểm 2,50 vượt quá điểm tối đa 2,00; hãy nhập từ 0 đến 2,00."
    ]
    assert engine.value_problems("1.1.3", "judgement", D("2"), {}, D("-0.5")) == [
        "Tiêu chí 1.1.3: điểm -0,50 không được âm; hãy nhập từ 0 đến 2,00."
    ]
    assert engine.value_problems("4.4", "yes_no", D("1"), {}, D("0.5")) == [
        "Tiêu chí 4.4: chấm đạt/không đạt, điểm chỉ là 0 hoặc 1,00; hãy chọn Đạt hoặc Không đạt."
    ]
    assert engine.value_problems("1.5.4", "judgement", D("2"), {}, D("0.505"))
    assert engine.value_problems("1.5.4", "judgement", D("2"), {}, D("0.50")) == []


def test_every_row_of_the_seed_002_appendix_loses_maximum_minus_appraised():
    for code, maximum, self_value, appraised, lost in ROWS:
        assert Line(maximum, self_value, appraised).lost == lost, code


def test_the_seed_002_appendix_totals_row_is_20_18_5_11_9():
    lines = [Line(m, s, a) for _, m, s, a, _ in ROWS]
    assert (
        engine.total(line.maximum for line in lines),
        engine.total(line.self_value for line in lines),
        engine.total(line.appraised for line in lines),
        engine.points_lost(lines),
    ) == TOTALS
    assert engine.cut_by_appraisal(lines) == D("7.5")


def test_points_lost_count_only_appraised_criteria():
    lines = [Line(D("2"), D("2"), D("1.5")), Line(D("3"), D("3"), None)]
    assert engine.points_lost(lines) == D("0.5")
    assert engine.total(line.appraised for line in lines) == D("1.5")


def test_cut_by_appraisal_is_kept_apart_from_points_lost():
    # 1.5.4: claimed 0.5 of 2 and was given 0.5: lost 1.5 points, cut by nothing.
    line = Line(D("2"), D("0.5"), D("0.5"))
    assert (line.lost, line.cut) == (D("1.5"), D("0"))
    assert engine.cut_by_appraisal([line, Line(D("1"), D("1"), D("0"))]) == D("1")


def test_bonus_and_penalty_are_held_to_their_caps():
    assert engine.total([D("90")], bonus=D("3"), bonus_cap=D("2")) == D("92")
    assert engine.total([D("90")], penalty=D("7"), penalty_cap=D("5")) == D("85")
    assert engine.total([D("90")], bonus=D("1"), penalty=D("0.5")) == D("90.5")


def test_percentage_and_classification_of_phuong_1_2023():
    bands = [("Xuất sắc", D("95")), ("Tốt", D("85")), ("Khá", D("70")), ("Yếu", D("0"))]
    assert engine.percentage(D("91.00"), D("100")) == D("91.00")
    assert engine.classify(D("91.00"), bands) == "Tốt"
    assert engine.classify(D("95.00"), bands) == "Xuất sắc"  # a lower bound is inclusive
    assert engine.classify(D("94.99"), bands) == "Tốt"


def test_percentage_of_a_framework_not_out_of_100():
    # Quận Hải An, seed 003: 54.50 of 60 points.
    assert engine.percentage(D("54.50"), D("60")) == D("90.83")


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    totals = {"P1": D("91"), "P2": D("94.25"), "P3": D("91"), "AD": D("88.75")}
    assert engine.rank(totals) == {"P2": 1, "P1": 2, "P3": 2, "AD": 4}


def test_change_against_the_previous_period():
    assert engine.change(D("91.00"), D("81.82")) == D("9.18")
    assert engine.change(D("91.00"), None) is None


def test_codes_sort_numerically():
    codes = ["3.12", "3.2", "10", "3.12.2", "3", "1.10", "1.9"]
    assert sorted(codes, key=engine.sort_key) == ["1.9", "1.10", "3", "3.2", "3.12", "3.12.2", "10"]


def test_a_sound_tree_has_no_problems():
    nodes = [
        Node("1", D("3")),
        Node("1.1", D("1"), "1"),
        Node("1.2", D("2"), "1"),
        Node("2", D("7")),
    ]
    assert engine.tree_problems(nodes, D("10")) == []


def test_a_parent_that_is_not_the_sum_of_its_children_is_named():
    nodes = [
        Node("3", D("10")),
        Node("3.12", D("2"), "3"),
        Node("3.12.1", D("1"), "3.12"),
        Node("3.12.2", D("1.5"), "3.12"),
        Node("3.13", D("8"), "3"),
    ]
    assert engine.tree_problems(nodes, D("10")) == [
        "Tiêu chí 3.12: điểm tối đa 2,00 khác tổng điểm tối đa các tiêu chí con 2,50."
    ]


def test_fields_that_do_not_add_up_to_the_framework_total_are_refused():
    problems = engine.tree_problems([Node("1", D("40")), Node("2", D("19.5"))], D("60"))
    assert problems == [
        "Tổng điểm tối đa các lĩnh vực là 59,50, khác điểm tối đa của bộ chỉ số 60,00."
    ]


def test_malformed_duplicate_and_misplaced_codes_are_refused():
    nodes = [
        Node("1", D("2")),
        Node("1.1", D("1"), "1"),
        Node("1.1", D("1"), "1"),
        Node("2.1", D("1"), "1"),
        Node("1.a", D("1"), "1"),
    ]
    problems = engine.tree_problems(nodes, D("2"))
    assert "Tiêu chí 1.1: mã xuất hiện hai lần; mỗi tiêu chí chỉ ghi một lần." in problems
    assert "Tiêu chí 2.1: mã không nối tiếp mã tiêu chí cha 1; hãy sửa lại mã." in problems
    assert any("“1.a” không hợp lệ" in p for p in problems)


def test_rollup_gives_each_parent_the_sum_of_its_leaves():
    nodes = [
        Node("1", D("3")),
        Node("1.1", D("1"), "1"),
        Node("1.2", D("2"), "1"),
        Node("2", D("1")),
    ]
    sums = engine.rollup(nodes, {"1.1": D("0.5"), "1.2": D("2"), "2": None})
    assert sums == {"1": D("2.5"), "1.1": D("0.5"), "1.2": D("2"), "2": None}


def test_parameters_a_method_needs_are_checked():
    assert engine.params_problems("3.11.1", "ratio_floor", {}) == [
        "Tiêu chí 3.11.1: ngưỡng (floor) phải là tỷ lệ từ 0 đến 1, ví dụ 0.70."
    ]
    assert engine.params_problems("3.12.2", "ratio_target", {"target": "0.30"}) == []
    assert engine.params_problems("7.1.4", "levels", {"levels": [{"label": "A", "percent": "100"}]})
    assert engine.params_problems("9", "guess", {}) == [
        "Tiêu chí 9: phương pháp chấm “guess” không được hỗ trợ."
    ]


def test_the_rule_in_words_shows_the_numbers_with_a_decimal_comma():
    assert engine.rule_text("ratio_target", D("1"), {"target": "0.30"}) == (
        "Điểm = 1,00 × (b/a) / 30,00%, không quá 1,00 điểm."
    )
    assert engine.rule_text("yes_no", D("1"), {}) == "Đạt: 1,00 điểm; không đạt: 0 điểm."


def test_vietnamese_number_format_uses_a_decimal_comma():
    assert engine.vn_number(D("91")) == "91,00"
    assert engine.vn_number(D("9.18")) == "9,18"
    assert engine.vn_number(None) == ""


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0,5", D("0.5")),
        ("0.5", D("0.5")),
        (" 2,00 ", D("2.00")),
        ("- 0,5", D("-0.5")),
        ("-1,00", D("-1.00")),
        ("1.234,5", D("1234.5")),
        ("1,234.5", D("1234.5")),
        ("1.000.000", D("1000000")),
        ("1,000,000", D("1000000")),
        ("1.000.000,5", D("1000000.5")),
        ("-12.345.678", D("-12345678")),
        ("1.000", D("1.000")),  # one separator: a decimal, as a score is typed
        ("0.32", D("0.32")),
        (3, D("3")),
    ],
)
def test_numbers_are_read_as_people_type_them(text, value):
    assert engine.parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "abc", "1,2,3", "0..5", "NaN", "inf", "1,2.5", "1.2.3", "1.0000.000", ",5.000,1"]
)
def test_what_is_not_a_number_is_refused_in_vietnamese(text):
    with pytest.raises(engine.ScoringError, match="không phải là số"):
        engine.parse_number(text)


def test_a_number_too_large_for_any_score_is_refused_at_once():
    # Found by fuzzing: "1e999999999" is a valid Decimal, and the message quoting it as
    # "vượt quá điểm tối đa" would have printed a billion digits.
    with pytest.raises(engine.ScoringError, match="Số “1e999999999” quá lớn"):
        engine.parse_number("1e999999999")
    with pytest.raises(engine.ScoringError, match="quá lớn"):
        engine.parse_number("9" * 5000)
    assert engine.parse_number("1e-999999999") > 0  # tiny is fine: it has too many decimals
