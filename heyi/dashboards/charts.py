"""The dashboards' charts drawn on the server as inline SVG (pure: no Django, no database).

Grouped or stacked bars over time buckets, a line (for rates) and horizontal bars (counts by
category). Each chart is a string the page embeds as it is: no JavaScript, no CDN, a viewBox
and 100 % width so it scales on a phone, `role="img"` with a `<title>` and a `<desc>` that
reads out every value for screen readers, axis labels and a legend. Text arrives translated
from the caller; numbers are written by the caller's `number` function (the locale's format).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 74
MARGIN_RIGHT = 14
MARGIN_TOP = 56
MARGIN_BOTTOM = 52
# Bucket labels along the bottom are thinned so that they do not overlap (the left-out ones
# stay in the description): this many pixels per character, and a gap between labels.
CHARACTER_WIDTH = 7
LABEL_GAP = 10
# Colours with at least 3:1 contrast against white (bars and lines are graphics).
COLOURS = ("#0d6efd", "#198754", "#d63384", "#6f42c1", "#b35c00", "#495057", "#0a7a8a")
TEXT = "#495057"
GRID = "#e9ecef"
AXIS = "#adb5bd"

Number = Decimal | int | float
Formatter = Callable[[float], str]


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[Number | None]  # None: no value for that bucket (a gap)


def plain_number(value: float) -> str:
    """A value as people read it: thousands grouped, at most 2 decimals, no "-0"."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}"


def nice_step(span: float, count: int = 5, *, whole: bool = False) -> float:
    """A round tick spacing (1, 2, 2.5 or 5 × 10ⁿ) giving about `count` ticks over `span`;
    at least 1 (and never 2.5) when the values are counts (`whole`)."""
    if span <= 0:
        return 1.0
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = magnitude * factor
        if step >= raw and not (whole and (step < 1 or step != int(step))):
            return step
    return max(magnitude * 10, 1.0) if whole else magnitude * 10


def _whole(values: Sequence[Number | None]) -> bool:
    """Counts: every value an int (money arrives as Decimal, rates as Decimal or float)."""
    return all(isinstance(value, int) for value in values if value is not None)


def _open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label={quoteattr(title)} aria-labelledby="{title_id} {desc_id}" '
        f'class="dashboard-chart" id={quoteattr(chart_id)} '
        f'font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<text x="8" y="18" font-size="14" font-weight="bold" fill="#212529">'
        f"{escape(title)}</text>",
    ]


def _empty(chart_id: str, title: str, empty_text: str) -> str:
    height = 90
    parts = _open(chart_id, title, empty_text, height)
    parts.append(
        f'<text x="{WIDTH / 2}" y="58" text-anchor="middle" fill="{TEXT}" font-size="13">'
        f"{escape(empty_text)}</text></svg>"
    )
    return "".join(parts)


def _legend(names: Sequence[str], y: int) -> list[str]:
    """Swatches and names in a row (wrapping to a second row when long)."""
    parts = ['<g class="legend">']
    x, row = 8.0, 0
    for index, name in enumerate(names):
        width = 22 + 7 * len(name)
        if x + width > WIDTH - MARGIN_RIGHT and x > 8:
            x, row = 8.0, row + 1
        top = y + row * 16
        parts.append(
            f'<rect x="{x:.1f}" y="{top - 9}" width="10" height="10" '
            f'fill="{COLOURS[index % len(COLOURS)]}"/>'
            f'<text x="{x + 14:.1f}" y="{top}" fill="#212529">{escape(name)}</text>'
        )
        x += width
    parts.append("</g>")
    return parts


def _description(labels: Sequence[str], series: Sequence[Series], number: Formatter) -> str:
    """Every value, bucket by bucket: what the chart shows, for people who cannot see it."""
    pieces = []
    for index, label in enumerate(labels):
        values = ", ".join(
            f"{item.name} {number(float(value)) if value is not None else '–'}"
            for item in series
            for value in (item.values[index],)
        )
        pieces.append(f"{label}: {values}")
    return "; ".join(pieces)


def _y_axis(
    parts: list[str],
    *,
    top_value: float,
    step: float,
    plot_top: float,
    plot_bottom: float,
    y_label: str,
    number: Formatter,
) -> Callable[[float], float]:
    def y_of(value: float) -> float:
        return plot_bottom - value / top_value * (plot_bottom - plot_top)

    parts.append(f'<g class="axis-y" fill="{TEXT}">')
    tick = 0.0
    while tick <= top_value + step / 1000:
        y = y_of(tick)
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{number(tick)}</text>'
        )
        tick += step
    middle = (plot_top + plot_bottom) / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{escape(y_label)}</text>'
    )
    parts.append("</g>")
    return y_of


def _x_axis(
    parts: list[str], *, labels: Sequence[str], centre_of: Callable[[int], float], x_label: str
) -> None:
    plot_bottom = HEIGHT - MARGIN_BOTTOM
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / max(len(labels), 1)
    widest = max((len(label) for label in labels), default=0) * CHARACTER_WIDTH + LABEL_GAP
    every = max(1, math.ceil(widest / slot))
    parts.append(f'<g class="axis-x" fill="{TEXT}">')
    parts.append(
        f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{plot_bottom}" '
        f'y2="{plot_bottom}" stroke="{AXIS}"/>'
    )
    for index, label in enumerate(labels):
        if index % every:
            continue
        parts.append(
            f'<text x="{centre_of(index):.1f}" y="{plot_bottom + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<text x="{(MARGIN_LEFT + WIDTH - MARGIN_RIGHT) / 2:.1f}" y="{HEIGHT - 8}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append("</g>")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    y_label: str,
    empty_text: str,
    stacked: bool = False,
    number: Formatter = plain_number,
) -> str:
    """Bars per label (a bucket): side by side, or stacked when `stacked`. Values are counts
    or money, never below zero."""
    values = [float(v or 0) for item in series for v in item.values]
    if not labels or not series or all(v == 0 for v in values):
        return _empty(chart_id, title, empty_text)
    if stacked:
        high = max(
            sum(float(item.values[index] or 0) for item in series) for index in range(len(labels))
        )
    else:
        high = max(values)
    step = nice_step(high, whole=_whole([v for item in series for v in item.values]))
    top_value = step * max(1, math.ceil(high / step))
    parts = _open(chart_id, title, _description(labels, series, number), HEIGHT)
    parts += _legend([item.name for item in series], 38)
    plot_top, plot_bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    y_of = _y_axis(
        parts,
        top_value=top_value,
        step=step,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        y_label=y_label,
        number=number,
    )
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / len(labels)
    bar_area = slot * 0.8
    groups = 1 if stacked else len(series)
    bar_width = bar_area / groups

    def centre_of(index: int) -> float:
        return MARGIN_LEFT + slot * index + slot / 2

    parts.append('<g class="bars">')
    for index in range(len(labels)):
        left = centre_of(index) - bar_area / 2
        base = 0.0
        for position, item in enumerate(series):
            value = float(item.values[index] or 0)
            if value <= 0:
                continue
            x = left if stacked else left + position * bar_width
            low, high_value = (base, base + value) if stacked else (0.0, value)
            y_top, y_bottom = y_of(high_value), y_of(low)
            parts.append(
                f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{max(bar_width - 1, 1):.1f}" '
                f'height="{max(y_bottom - y_top, 0.5):.1f}" '
                f'fill="{COLOURS[position % len(COLOURS)]}">'
                f"<title>{escape(f'{labels[index]} · {item.name}: {number(value)}')}</title></rect>"
            )
            if stacked:
                base += value
    parts.append("</g>")
    _x_axis(parts, labels=labels, centre_of=centre_of, x_label=x_label)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    x_label: str,
    y_label: str,
    empty_text: str,
    maximum: float | None = None,
    number: Formatter = plain_number,
) -> str:
    """Lines through the buckets' values with a dot on each; a None value breaks the line.
    `maximum` fixes the top of the axis (100 for a percentage)."""
    present = [float(v) for item in series for v in item.values if v is not None]
    if not labels or not present:
        return _empty(chart_id, title, empty_text)
    high = max(present)
    step = nice_step(maximum if maximum is not None else high)
    top_value = maximum if maximum is not None else step * max(1, math.ceil(high / step))
    parts = _open(chart_id, title, _description(labels, series, number), HEIGHT)
    parts += _legend([item.name for item in series], 38)
    plot_top, plot_bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    y_of = _y_axis(
        parts,
        top_value=top_value,
        step=step,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        y_label=y_label,
        number=number,
    )
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / len(labels)

    def centre_of(index: int) -> float:
        return MARGIN_LEFT + slot * index + slot / 2

    parts.append('<g class="lines" fill="none" stroke-width="2">')
    for position, item in enumerate(series):
        colour = COLOURS[position % len(COLOURS)]
        run: list[str] = []
        runs: list[list[str]] = []
        for index, value in enumerate(item.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            x, y = centre_of(index), y_of(float(value))
            run.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}" stroke="none">'
                f"<title>{escape(f'{labels[index]} · {item.name}: {number(float(value))}')}"
                f"</title></circle>"
            )
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" stroke="{colour}" '
                    f'stroke-linejoin="round"/>'
                )
    parts.append("</g>")
    _x_axis(parts, labels=labels, centre_of=centre_of, x_label=x_label)
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[Number],
    x_label: str,
    empty_text: str,
    number: Formatter = plain_number,
) -> str:
    """One horizontal bar per category (a stage, a status), its value written beside it."""
    if not labels or all(float(v) == 0 for v in values):
        return _empty(chart_id, title, empty_text)
    row_height = 22
    label_width = 170
    top = 34
    height = top + row_height * len(labels) + 36
    high = max(float(v) for v in values)
    step = nice_step(high, whole=_whole(values))
    top_value = step * max(1, math.ceil(high / step))
    plot_left, plot_right = label_width, WIDTH - 60
    description = "; ".join(
        f"{label}: {number(float(value))}" for label, value in zip(labels, values, strict=True)
    )
    parts = _open(chart_id, title, description, height)

    def x_of(value: float) -> float:
        return plot_left + value / top_value * (plot_right - plot_left)

    parts.append('<g class="bars">')
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * row_height
        width = x_of(float(value)) - plot_left
        parts.append(
            f'<text x="{plot_left - 6}" y="{y + 15}" text-anchor="end" fill="#212529">'
            f"{escape(label)}</text>"
        )
        if float(value) > 0:
            parts.append(
                f'<rect x="{plot_left}" y="{y + 4}" width="{max(width, 1):.1f}" height="14" '
                f'fill="{COLOURS[0]}"/>'
            )
        parts.append(
            f'<text x="{plot_left + max(width, 0) + 4:.1f}" y="{y + 15}" fill="{TEXT}">'
            f"{number(float(value))}</text>"
        )
    parts.append("</g>")
    axis_y = top + row_height * len(labels) + 4
    parts.append(
        f'<line x1="{plot_left}" x2="{plot_right}" y1="{axis_y}" y2="{axis_y}" stroke="{AXIS}"/>'
        f'<text x="{(plot_left + plot_right) / 2:.1f}" y="{axis_y + 24}" text-anchor="middle" '
        f'fill="{TEXT}">{escape(x_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
