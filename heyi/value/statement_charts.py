"""Bar charts of the statements drawn on the server as inline SVG (pure: no Django, no database).

Like the device charts (`heyi/devices/charts.py`), a chart is a string the page embeds as it is:
no JavaScript, no CDN. Labels and titles arrive translated from the caller.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
HEIGHT = 240
MARGIN_LEFT = 70
MARGIN_RIGHT = 14
MARGIN_TOP = 30
MARGIN_BOTTOM = 46
# Bootstrap's primary, danger and success, and a grey for a fourth series.
COLOURS = ("#0d6efd", "#dc3545", "#198754", "#6c757d")


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[Decimal | int]


def _nice_step(span: float) -> float:
    """A round tick spacing (1, 2 or 5 × 10ⁿ) giving about five ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def _format(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}"


def bar_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], empty_text: str
) -> str:
    """Grouped bars, one group per label and one bar per series, with a zero line and a legend.

    Negative values (a loss) hang below the zero line.
    """
    if not labels or not series or all(float(v) == 0 for s in series for v in s.values):
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 60" role="img" '
            f'class="statement-chart" aria-label={quoteattr(title)}>'
            f'<text x="{WIDTH / 2}" y="34" text-anchor="middle" fill="#6c757d" font-size="14">'
            f"{escape(empty_text)}</text></svg>"
        )
    values = [float(v) for s in series for v in s.values]
    high = max(0.0, *values)
    low = min(0.0, *values)
    step = _nice_step(high - low)
    top = step * math.ceil(high / step)
    bottom = step * math.floor(low / step)
    if top == bottom:
        top = step
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT

    def y_of(value: float) -> float:
        return MARGIN_TOP + (top - value) / (top - bottom) * plot_height

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="statement-chart" aria-label={quoteattr(title)} font-family="sans-serif">',
        f'<text x="{MARGIN_LEFT}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    tick = bottom
    while tick <= top + step / 1000:
        y = y_of(tick)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" y2="{y:.1f}" '
            f'stroke="{"#212529" if tick == 0 else "#dee2e6"}" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#495057">{escape(_format(tick))}</text>'
        )
        tick += step
    group_width = plot_width / len(labels)
    bar_width = max(1.0, group_width * 0.8 / len(series))
    # Every label, or every n-th so that they do not overlap (about 6.5 px a character).
    widest = max(len(label) for label in labels) * 6.5 + 8
    label_every = max(1, math.ceil(widest / group_width))
    for index, label in enumerate(labels):
        left = MARGIN_LEFT + index * group_width + group_width * 0.1
        for number, one in enumerate(series):
            value = float(one.values[index])
            y_value, y_zero = y_of(value), y_of(0)
            parts.append(
                f'<rect x="{left + number * bar_width:.1f}" y="{min(y_value, y_zero):.1f}" '
                f'width="{bar_width:.1f}" height="{abs(y_zero - y_value):.1f}" '
                f'fill="{COLOURS[number % len(COLOURS)]}">'
                f"<title>{escape(label)} · {escape(one.name)}: {escape(_format(value))}</title>"
                "</rect>"
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{left + group_width * 0.4:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" '
                f'text-anchor="middle" font-size="11" fill="#495057">{escape(label)}</text>'
            )
    legend_x = MARGIN_LEFT
    for number, one in enumerate(series):
        parts.append(
            f'<rect x="{legend_x}" y="{HEIGHT - 16}" width="10" height="10" '
            f'fill="{COLOURS[number % len(COLOURS)]}"/>'
            f'<text x="{legend_x + 14}" y="{HEIGHT - 7}" font-size="11">{escape(one.name)}</text>'
        )
        legend_x += 14 + 7 * len(one.name) + 18
    parts.append("</svg>")
    return "".join(parts)
