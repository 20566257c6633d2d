"""Bonus and penalty items (điểm thưởng, điểm trừ; Hanoi QĐ 5666/2025, content 9) in the
engine: the tree checks, each item held to its own maximum, the content to the framework's
caps, points lost. Pure functions: no database."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from scoring import engine
from scoring.engine import Kind, Line, Node

BONUS, PENALTY = Kind.BONUS, Kind.PENALTY


def _tree(*items: Node) -> list[Node]:
    """Two fields of 60 and 40 points, and a content 9 of the given items."""
    return [
        Node("1", D("60")),
        Node("1.1", D("60"), "1"),
        Node("2", D("40")),
        Node("9", D("0")),
        *items,
    ]


ITEMS = (
    Node("9.1", D("1"), "9", BONUS),
    Node("9.2", D("0.5"), "9", BONUS),
    Node("9.3", D("-2"), "9", PENALTY),
)


def test_a_content_of_items_stands_outside_the_total_and_its_own_sum():
    assert engine.tree_problems(_tree(*ITEMS), D("100"), bonus_cap=D("1"), penalty_cap=D("2")) == []
    assert engine.adjustment_codes(_tree(*ITEMS)) == {"9", "9.1", "9.2", "9.3"}


def test_an_item_of_each_kind_needs_its_cap_above_zero():
    problems = engine.tree_problems(_tree(*ITEMS), D("100"), bonus_cap=D("0"), penalty_cap=D("0"))
    assert problems == [
        "Bộ chỉ số có mục điểm thưởng nhưng điểm thưởng tối đa là 0,00; hãy nhập điểm thưởng "
        "tối đa lớn hơn 0.",
        "Bộ chỉ số có mục điểm trừ nhưng điểm trừ tối đa là 0,00; hãy nhập điểm trừ tối đa "
        "lớn hơn 0.",
    ]


def test_a_penalty_item_needs_a_negative_maximum_and_a_bonus_item_a_positive_one():
    nodes = _tree(Node("9.1", D("-1"), "9", BONUS), Node("9.2", D("2"), "9", PENALTY))
    problems = engine.tree_problems(nodes, D("100"), bonus_cap=D("1"), penalty_cap=D("2"))
    assert "Tiêu chí 9.1: điểm tối đa không được âm." in problems
    assert (
        "Tiêu chí 9.1: mục điểm thưởng phải có điểm tối đa lớn hơn 0; hãy nhập số dương, ví "
        "dụ 0,5." in problems
    )
    assert (
        "Tiêu chí 9.2: mục điểm trừ phải là tiêu chí không có tiêu chí con, với điểm tối đa "
        "âm; hãy nhập, ví dụ, −0,5." in problems
    )


def test_a_negative_maximum_is_still_refused_for_a_scored_criterion():
    nodes = [Node("1", D("100")), Node("1.1", D("101"), "1"), Node("1.2", D("-1"), "1")]
    assert "Tiêu chí 1.2: điểm tối đa không được âm." in engine.tree_problems(nodes, D("100"))


def test_an_item_among_scored_criteria_is_refused():
    nodes = [
        Node("1", D("100")),
        Node("1.1", D("100"), "1"),
        Node("1.2", D("1"), "1", BONUS),
    ]
    problems = engine.tree_problems(nodes, D("100"), bonus_cap=D("1"))
    assert problems == [
        "Tiêu chí 1.2: mục điểm thưởng, điểm trừ nằm chung với tiêu chí chấm điểm trong 1; "
        "hãy đưa các mục thưởng, trừ vào một nội dung riêng."
    ]


def test_items_take_judgement_or_all_or_nothing_only():
    assert engine.item_method_problems("9.1", BONUS, "judgement") == []
    assert engine.item_method_problems("9.1", PENALTY, "yes_no") == []
    [message] = engine.item_method_problems("9.1", PENALTY, "ratio")
    assert message.startswith("Tiêu chí 9.1: mục điểm thưởng, điểm trừ chỉ chấm theo")
    assert engine.item_method_problems("1.1", "", "ratio") == []


def test_a_penalty_typed_as_points_taken_or_as_a_negative_number_is_the_same():
    assert engine.signed_value(D("-2"), D("0.5")) == D("-0.5")
    assert engine.signed_value(D("-2"), D("-0.5")) == D("-0.5")
    assert engine.signed_value(D("2"), D("0.5")) == D("0.5")
    assert engine.signed_value(D("-2"), None) is None


def test_a_penalty_value_is_held_to_the_item_maximum_at_the_boundary():
    assert engine.value_problems("9.3", "judgement", D("-2"), {}, D("-2")) == []
    assert engine.value_problems("9.3", "judgement", D("-2"), {}, D("0")) == []
    assert engine.value_problems("9.3", "judgement", D("-2"), {}, D("-2.01")) == [
        "Tiêu chí 9.3: điểm trừ 2,01 vượt quá mức trừ tối đa 2,00; hãy nhập từ 0 đến 2,00 "
        "(số điểm bị trừ)."
    ]
    [all_or_nothing] = engine.value_problems("9.3", "yes_no", D("-2"), {}, D("-1"))
    assert "; hãy chọn Có vi phạm hoặc Không." in all_or_nothing


def test_a_bonus_value_is_held_to_the_item_maximum():
    assert engine.value_problems("9.1", "judgement", D("1"), {}, D("1")) == []
    [over] = engine.value_problems("9.1", "judgement", D("1"), {}, D("1.01"))
    assert over.startswith("Tiêu chí 9.1: điểm 1,01 vượt quá điểm tối đa 1,00")


def test_the_rule_of_an_item_in_words():
    assert engine.rule_text("judgement", D("-0.5"), {}, kind=PENALTY) == (
        "Điểm trừ: trừ từ 0 đến 0,50 điểm (nhập 0,5 hay −0,5 đều là trừ 0,5 điểm); để trống là 0."
    )
    assert engine.rule_text("yes_no", D("1"), {}, kind=BONUS) == (
        "Điểm thưởng: đạt được 1,00 điểm; không đạt: 0; để trống là 0."
    )
    assert engine.rule_text("judgement", D("1"), {}) == "Chấm từ 0 đến 1,00 điểm."


def _lines(*items: tuple[str, str, str | None]) -> list[Line]:
    scored = [Line(D("60"), None, D("55.25")), Line(D("40"), None, D("30"))]
    return scored + [
        Line(D(maximum), None, None if value is None else D(value), kind)
        for kind, maximum, value in items
    ]


def test_the_total_adds_bonus_items_and_takes_penalty_items_within_the_caps():
    lines = _lines((BONUS, "1", "1"), (BONUS, "0.5", "0.5"), (PENALTY, "-2", "-0.75"))
    # 85,25 + min(1,5; 1) − min(0,75; 2) = 85,50
    total = engine.lines_total(lines, bonus_cap=D("1"), penalty_cap=D("2"))
    assert total == D("85.50")


def test_the_penalty_side_stops_at_its_cap_and_an_empty_item_counts_zero():
    lines = _lines((BONUS, "1", None), (PENALTY, "-2", "-2"), (PENALTY, "-1", "-1"))
    # 85,25 + 0 − min(3; 2,5) = 82,75
    assert engine.lines_total(lines, bonus_cap=D("1"), penalty_cap=D("2.5")) == D("82.75")


def test_exactly_at_the_caps_nothing_is_cut():
    lines = _lines((BONUS, "1", "1"), (PENALTY, "-2", "-2"))
    assert engine.lines_total(lines, bonus_cap=D("1"), penalty_cap=D("2")) == D("84.25")


def test_the_lump_sums_still_count_for_a_framework_without_items():
    lines = _lines()
    total = engine.lines_total(
        lines, bonus=D("2"), penalty=D("0.5"), bonus_cap=D("1"), penalty_cap=D("3")
    )
    assert total == D("85.75")


def test_an_unwon_bonus_loses_nothing_and_a_penalty_loses_what_it_took():
    assert Line(D("1"), D("1"), D("0"), BONUS).lost is None
    assert Line(D("-2"), None, D("-0.5"), PENALTY).lost == D("0.5")
    assert Line(D("-2"), None, D("0"), PENALTY).lost == D("0")
    lines = [Line(D("2"), None, D("1.5")), *_lines((BONUS, "1", "0"), (PENALTY, "-2", "-1"))]
    assert engine.points_lost(lines) == D("0.5") + D("4.75") + D("10") + D("1")
    assert not engine.loses_points(D("0"), D("1"), BONUS)
    assert engine.loses_points(D("-0.25"), D("-2"), PENALTY)
    assert not engine.loses_points(D("0"), D("-2"), PENALTY)
    assert engine.loses_points(D("1.5"), D("2"))


MONEY = st.decimals(min_value=0, max_value=5, places=2)


@st.composite
def _results(draw):
    """A framework of 100 points with a few bonus and penalty items, and values within them."""
    scored = [
        Line(D("50"), None, draw(st.decimals(min_value=0, max_value=50, places=2)))
        for _ in range(2)
    ]
    items = []
    for kind in draw(st.lists(st.sampled_from([BONUS, PENALTY]), max_size=6)):
        top = draw(st.decimals(min_value=D("0.25"), max_value=5, places=2))
        value = draw(st.none() | st.decimals(min_value=0, max_value=top, places=2))
        if kind == PENALTY:
            top, value = -top, None if value is None else -value
        items.append(Line(top, None, value, kind))
    caps = draw(MONEY), draw(MONEY)
    return scored + items, caps


@given(_results())
def test_the_total_never_passes_the_total_plus_the_bonus_cap_nor_falls_below_the_penalty_cap(
    case,
):
    lines, (bonus_cap, penalty_cap) = case
    total = engine.lines_total(lines, bonus_cap=bonus_cap, penalty_cap=penalty_cap)
    assert -penalty_cap <= total <= D("100") + bonus_cap
    scored = engine.total(line.appraised for line in lines if line.kind not in engine.ITEM_KINDS)
    assert scored - penalty_cap <= total <= scored + bonus_cap
