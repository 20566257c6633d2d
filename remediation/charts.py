"""Charts as SVG text, drawn on the server: readable without JavaScript, printable, and the same
markup can go into a PDF (WeasyPrint renders inline SVG).

Pure functions, no Django: values in, an `<svg>` string out. Every bar and point carries a
`<title>` (the browser shows it on hover) and its number is written beside it, so nothing
depends on hovering. Colours and fonts are attributes, not CSS, so a chart looks the same
outside the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from scoring.engine import vn_number

FONT = "DejaVu Sans, Noto Sans, Liberation Sans, Arial, sans-serif"
INK = "#1d2433"
MUTED = "#5b6475"
GRID = "#d5dae3"
BAR = "#9b1c1c"
NARROW = 320  # a chart drawn for a phone: 390 px less the page's and the card's margins
PALETTE = ("#9b1c1c", "#1f5fbf", "#1e6b3a", "#8a5a00", "#6b3fa0", "#0f766e", "#b45309", "#475569")

Number = Decimal | int | float
Formatter = Callable[[Number], str]


def _fmt_default(value: Number) -> str:
    return vn_number(Decimal(str(value)))


def _t(text: str) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate: one decimal, no trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg_open(width: int, height: int, label: str, css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_t(css_class)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{_t(label)}" font-family="{FONT}" font-size="12" fill="{INK}">'
        f"<title>{_t(label)}</title>"
    )


# --- horizontal bars ------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: Number
    note: str = ""  # added to the hover text, e.g. "4 tiêu chí"


def bar_chart(
    bars: Sequence[Bar],
    *,
    label: str,
    width: int = 520,
    label_width: int = 210,
    value_width: int = 52,
    bar_height: int = 18,
    gap: int = 8,
    max_value: Number | None = None,
    fmt: Formatter = _fmt_default,
    color: str = BAR,
    css_class: str = "chart bars",
) -> str:
    """Horizontal bars, one per item, the label on the left and the number beside the bar.

    Lengths are proportional to the values, against `max_value` (default: the largest value).
    """
    plot = width - label_width - value_width
    top = 4
    height = top + len(bars) * (bar_height + gap) + 2
    scale = _scale(bars, plot, max_value)
    max_chars = max(8, label_width // 7)
    parts = [_svg_open(width, height, label, css_class)]
    parts.append(
        f'<line x1="{label_width}" y1="0" x2="{label_width}" y2="{height}" stroke="{GRID}"/>'
    )
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        middle = y + bar_height / 2 + 4
        length = max(0.0, float(bar.value) * scale)
        shown = fmt(bar.value)
        parts.append(
            f'<g class="bar" data-value="{_t(shown)}"><title>{_t(_hover(bar, shown))}</title>'
            f'<text x="{label_width - 6}" y="{_n(middle)}" text-anchor="end">'
            f"{_t(_shorten(bar.label, max_chars))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{_n(length)}" height="{bar_height}" '
            f'fill="{color}" rx="2"/>'
            f'<text x="{_n(label_width + length + 5)}" y="{_n(middle)}" font-weight="bold">'
            f"{_t(shown)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_chart(
    bars: Sequence[Bar],
    *,
    label: str,
    width: int = NARROW,
    value_width: int = 48,
    bar_height: int = 14,
    gap: int = 10,
    max_value: Number | None = None,
    fmt: Formatter = _fmt_default,
    color: str = BAR,
    css_class: str = "chart bars stacked",
) -> str:
    """The same bars for a phone: each label on its own line above its bar, so the bar has the
    whole width and the chart is drawn at about the width it is shown (text stays 12 px)."""
    line = 16  # the label's line, above the bar
    top = 2
    step = line + bar_height + gap
    height = top + len(bars) * step
    scale = _scale(bars, width - value_width, max_value)
    max_chars = max(8, width // 7)
    parts = [_svg_open(width, height, label, css_class)]
    for i, bar in enumerate(bars):
        y = top + i * step
        bar_y = y + line + 2
        length = max(0.0, float(bar.value) * scale)
        shown = fmt(bar.value)
        parts.append(
            f'<g class="bar" data-value="{_t(shown)}"><title>{_t(_hover(bar, shown))}</title>'
            f'<text x="0" y="{y + 12}">{_t(_shorten(bar.label, max_chars))}</text>'
            f'<rect x="0" y="{bar_y}" width="{_n(length)}" height="{bar_height}" '
            f'fill="{color}" rx="2"/>'
            f'<text x="{_n(length + 5)}" y="{bar_y + bar_height - 2}" font-weight="bold">'
            f"{_t(shown)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _scale(bars: Sequence[Bar], plot: float, max_value: Number | None) -> float:
    largest = (
        float(max_value)
        if max_value is not None
        else max((float(b.value) for b in bars), default=0)
    )
    return plot / largest if largest > 0 else 0


def _hover(bar: Bar, shown: str) -> str:
    return f"{bar.label}: {shown}" + (f" ({bar.note})" if bar.note else "")


def wide_and_narrow(wide: str, narrow: str) -> str:
    """Two drawings of one chart: the page's stylesheet shows the narrow one on a phone, where
    the wide one would be scaled down until its text could not be read."""
    return f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>'


# --- lines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]  # one per x label; None leaves a gap
    notes: Sequence[str] = ()  # hover text per point, added after the value


def nice_range(low: float, high: float, ticks: int = 4) -> tuple[float, float, float]:
    """A y range that starts and ends on round numbers, and its step: (12, 97) -> (0, 100, 25)."""
    if high < low:
        low, high = high, low
    if high == low:
        low, high = low - 1, high + 1
    raw_step = (high - low) / ticks
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    label: str,
    width: int = 560,
    height: int = 220,
    y_min: Number | None = None,
    y_max: Number | None = None,
    fmt: Formatter = _fmt_default,
    value_labels: str | None = None,
    css_class: str = "chart lines",
) -> str:
    """Lines over the x labels (periods), one per series, with a dot and a hover text per value.

    `value_labels`: "all" writes every value above its dot, "last" only the last of each line,
    "none" none; by default "all" for a single line and "last" for several.
    """
    values = [float(v) for s in series for v in s.values if v is not None]
    low = float(y_min) if y_min is not None else min(values, default=0)
    high = float(y_max) if y_max is not None else max(values, default=1)
    low, high, step = (
        nice_range(low, high)
        if y_min is None or y_max is None
        else (
            low,
            high,
            (high - low) / 4 or 1,
        )
    )
    legend = len(series) > 1
    left, right, top, bottom = 40, 14, (34 if legend else 18), 24
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(x_labels)

    inset = 24  # room for the value written above the first and last dots

    def x_at(i: int) -> float:
        if count == 1:
            return left + plot_w / 2
        return left + inset + i * (plot_w - 2 * inset) / (count - 1)

    def y_at(v: float) -> float:
        return top + plot_h - (v - low) / (high - low) * plot_h

    parts = [_svg_open(width, height, label, css_class)]
    parts += _y_axis(low, high, step, left, width - right, y_at, fmt)
    # On a narrow chart with many periods, every second (third…) label, so none overlap.
    spacing = (plot_w - 2 * inset) / (count - 1) if count > 1 else plot_w
    every = max(1, math.ceil((7 * max(map(len, x_labels), default=0) + 6) / spacing))
    for i, x_label in enumerate(x_labels):
        if (count - 1 - i) % every:
            continue  # counted from the last, which is always written
        parts.append(
            f'<text x="{_n(x_at(i))}" y="{height - 6}" text-anchor="middle" fill="{MUTED}">'
            f"{_t(x_label)}</text>"
        )
    if legend:
        parts += _legend(series, left)
    mode = value_labels or ("all" if len(series) == 1 else "last")
    for s_index, s in enumerate(series):
        color = PALETTE[s_index % len(PALETTE)]
        parts += _one_line(s, color, x_labels, x_at, y_at, fmt, mode)
    parts.append("</svg>")
    return "".join(parts)


def _y_axis(low, high, step, x0, x1, y_at, fmt) -> list[str]:
    parts = []
    steps = round((high - low) / step) if step else 0
    for k in range(steps + 1):
        value = low + k * step
        y = y_at(value)
        parts.append(
            f'<line x1="{x0}" y1="{_n(y)}" x2="{x1}" y2="{_n(y)}" stroke="{GRID}"/>'
            f'<text x="{x0 - 4}" y="{_n(y + 4)}" text-anchor="end" fill="{MUTED}" '
            f'font-size="11">{_t(_tick(value, step, fmt))}</text>'
        )
    return parts


def _tick(value: float, step: float, fmt: Formatter) -> str:
    if float(step).is_integer() and float(value).is_integer():
        return str(int(value))
    return fmt(Decimal(str(round(value, 2))))


def _legend(series: Sequence[Series], left: int) -> list[str]:
    parts, x = [], left
    for i, s in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="15">{_t(s.name)}</text>'
        )
        x += 24 + 7 * len(s.name)
    return parts


def _one_line(s: Series, color, x_labels, x_at, y_at, fmt, mode: str) -> list[str]:
    points = [(i, float(v)) for i, v in enumerate(s.values) if v is not None]
    segments: list[list[str]] = []
    previous = None
    for i, v in points:
        if previous is None or i != previous + 1:
            segments.append([])  # a gap (a period without a value) breaks the line
        segments[-1].append(f"{_n(x_at(i))},{_n(y_at(v))}")
        previous = i
    parts = [_polyline(segment, color) for segment in segments if len(segment) > 1]
    last_index = points[-1][0] if points else None
    for i, v in points:
        raw = s.values[i]
        shown = fmt(raw)
        note = s.notes[i] if i < len(s.notes) and s.notes[i] else ""
        hover = f"{s.name} – {x_labels[i]}: {shown}" + (f" ({note})" if note else "")
        x, y = x_at(i), y_at(v)
        parts.append(
            f'<g class="point" data-value="{_t(shown)}"><title>{_t(hover)}</title>'
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{color}"/>'
        )
        if mode == "all" or (mode == "last" and i == last_index):
            parts.append(
                f'<text x="{_n(x)}" y="{_n(y - 8)}" text-anchor="middle" font-size="11" '
                f'font-weight="bold" fill="{color}">{_t(shown)}</text>'
            )
        parts.append("</g>")
    return parts


def _polyline(points: list[str], color: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{color}" stroke-width="2"/>'
