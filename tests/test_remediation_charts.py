"""The SVG charts on plain values: bars and points where the numbers say, readable text."""

import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest

from remediation.charts import Bar, Series, bar_chart, line_chart, nice_range

NS = {"svg": "http://www.w3.org/2000/svg"}
FIELDS_2023 = [
    Bar("1. Công tác chỉ đạo, điều hành CCHC", D("3.79")),
    Bar("2. Cải cách thể chế", D("0")),
    Bar("3. Cải cách thủ tục hành chính", D("1.82")),
    Bar("4. Cải cách tổ chức bộ máy", D("1.00")),
    Bar("7. Chính quyền điện tử, chính quyền số", D("2.39")),
]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the markup is well-formed XML


def _bars(root: ET.Element) -> list[tuple[str, float, str]]:
    """(hover text, bar width, number written beside it) per bar."""
    found = []
    for group in root.findall("svg:g", NS):
        texts = group.findall("svg:text", NS)
        found.append(
            (
                group.find("svg:title", NS).text,
                float(group.find("svg:rect", NS).get("width")),
                texts[-1].text,
            )
        )
    return found


def test_each_field_gets_a_bar_as_long_as_its_points_lost_with_the_number_beside_it():
    root = _parse(bar_chart(FIELDS_2023, label="Điểm bị trừ theo lĩnh vực", width=520))
    bars = _bars(root)
    assert [number for _, _, number in bars] == ["3,79", "0,00", "1,82", "1,00", "2,39"]
    widths = [width for _, width, _ in bars]
    assert widths[0] == pytest.approx(520 - 210 - 52)  # the largest fills the plot
    assert widths[1] == 0
    for (_, width, _), bar in zip(bars, FIELDS_2023, strict=True):
        assert width == pytest.approx(float(bar.value) / 3.79 * widths[0], abs=0.1)
    assert bars[2][0] == "3. Cải cách thủ tục hành chính: 1,82"


def test_the_chart_is_labelled_for_screen_readers_and_carries_its_own_font_and_colours():
    root = _parse(bar_chart(FIELDS_2023, label="Điểm bị trừ theo lĩnh vực"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Điểm bị trừ theo lĩnh vực"
    assert root.find("svg:title", NS).text == "Điểm bị trừ theo lĩnh vực"
    assert "DejaVu Sans" in root.get("font-family")
    assert all(rect.get("fill") for rect in root.iter("{http://www.w3.org/2000/svg}rect"))


def test_long_labels_are_shortened_on_the_bar_but_whole_on_hover():
    long = "7. Xây dựng và phát triển chính quyền điện tử, chính quyền số"
    root = _parse(bar_chart([Bar(long, D("2.39"))], label="x", label_width=140))
    group = root.find("svg:g", NS)
    shown = group.findall("svg:text", NS)[0].text
    assert shown.endswith("…") and len(shown) < len(long)
    assert group.find("svg:title", NS).text == f"{long}: 2,39"


def test_text_is_escaped():
    svg = bar_chart([Bar("<script>alert(1)</script> & co", D("1"))], label='a "b"')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "&amp; co" in svg
    _parse(svg)


def test_a_fixed_scale_lets_bars_of_different_charts_compare():
    root = _parse(bar_chart([Bar("Phường 1", D("91"))], label="x", max_value=D("100"), width=362))
    assert _bars(root)[0][1] == pytest.approx(0.91 * (362 - 210 - 52))


def test_all_zero_bars_draw_nothing_and_an_empty_chart_is_still_valid():
    root = _parse(bar_chart([Bar("a", D("0")), Bar("b", D("0"))], label="x"))
    assert [width for _, width, _ in _bars(root)] == [0, 0]
    _parse(bar_chart([], label="Không có dữ liệu"))


def _points(root: ET.Element) -> list[tuple[float, float, str]]:
    return [
        (
            float(g.find("svg:circle", NS).get("cx")),
            float(g.find("svg:circle", NS).get("cy")),
            g.find("svg:title", NS).text,
        )
        for g in root.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") == "point"
    ]


def test_the_totals_line_puts_each_period_at_its_height_with_its_value():
    svg = line_chart(
        ["2021", "2022", "2023"],
        [Series("Cả năm", [D("80"), D("81.82"), D("91.00")])],
        label="Tổng điểm",
        width=560,
        height=220,
        y_min=0,
        y_max=100,
    )
    root = _parse(svg)
    points = _points(root)
    assert [title for _, _, title in points] == [
        "Cả năm – 2021: 80,00",
        "Cả năm – 2022: 81,82",
        "Cả năm – 2023: 91,00",
    ]
    top, plot_height = 18, 220 - 18 - 24
    for (_, y, _), value in zip(points, (80, 81.82, 91), strict=True):
        assert y == pytest.approx(top + plot_height * (1 - value / 100), abs=0.1)
    xs = [x for x, _, _ in points]
    assert xs[0] < xs[1] < xs[2] and xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.1)
    assert [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")].count("91,00") == 1
    assert len(root.findall("svg:polyline", NS)) == 1


def test_a_missing_period_breaks_the_line_and_has_no_dot():
    root = _parse(
        line_chart(
            ["2019", "2020", "2021", "2022"],
            [Series("Cả năm", [D("70"), None, D("75"), D("80")])],
            label="x",
        )
    )
    assert len(_points(root)) == 3
    lines = root.findall("svg:polyline", NS)
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2


def test_several_lines_get_a_legend_and_only_their_last_value_written():
    root = _parse(
        line_chart(
            ["2022", "2023"],
            [Series("Cả năm", [D("81.82"), D("91")]), Series("6 tháng", [D("60"), D("70")])],
            label="x",
        )
    )
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Cả năm" in texts and "6 tháng" in texts
    assert "91,00" in texts and "81,82" not in texts
    assert len(_points(root)) == 4  # every value still has its hover text


def test_hover_notes_add_to_the_value():
    root = _parse(
        line_chart(
            ["2023"], [Series("Lĩnh vực 1", [D("76.31")], notes=["12,21/16,00 điểm"])], label="x"
        )
    )
    assert _points(root)[0][2] == "Lĩnh vực 1 – 2023: 76,31 (12,21/16,00 điểm)"


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(81.82, 91.0, (80, 92.5, 2.5)), (0, 100, (0, 100, 25)), (5, 5, (4, 6, 0.5))],
)
def test_the_y_axis_starts_and_ends_on_round_numbers(low, high, expected):
    assert nice_range(low, high) == pytest.approx(expected)
