"""Telemetry charts drawn on the server as inline SVG (pure: no Django, no database).

A chart is a time series `[(datetime, float)]` over a period; the page embeds the SVG string as
it is, so charts need no JavaScript, no CDN and render the same on a phone. Text (titles, the
empty-state sentence) arrives already translated from the caller: this module knows no language.
Long series are reduced by `downsample` to at most `MAX_POINTS` time buckets first, so a month
of readings every minute still draws as a few hundred points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import pairwise
from statistics import median
from xml.sax.saxutils import escape, quoteattr

MAX_POINTS = 300
WIDTH = 640
HEIGHT = 220
MARGIN_LEFT = 60
MARGIN_RIGHT = 14
MARGIN_TOP = 26
MARGIN_BOTTOM = 30

# Candidate spacings of the time axis, smallest first; the first giving at most 8 ticks wins.
_TIME_STEPS = (
    timedelta(minutes=15),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(days=1),
    timedelta(days=2),
    timedelta(days=7),
    timedelta(days=14),
    timedelta(days=30),
)


@dataclass(frozen=True, slots=True)
class Bucket:
    """The readings of one time slice: when (their mean time), their mean, minimum and maximum."""

    at: datetime
    mean: float
    minimum: float
    maximum: float
    count: int


def downsample(
    points: Sequence[tuple[datetime, float]],
    *,
    start: datetime,
    end: datetime,
    buckets: int = MAX_POINTS,
) -> list[Bucket]:
    """Group `points` into at most `buckets` equal time slices of [start, end); empty slices are
    left out, so gaps in the data stay gaps. Points outside the period are ignored."""
    if buckets < 1:
        raise ValueError("buckets must be at least 1")
    span = (end - start).total_seconds()
    if span <= 0:
        return []
    width = span / buckets
    slots: dict[int, list[tuple[float, float]]] = {}
    for at, value in points:
        offset = (at - start).total_seconds()
        if not 0 <= offset < span or not math.isfinite(value):
            continue
        slots.setdefault(min(int(offset // width), buckets - 1), []).append((offset, value))
    result = []
    for index in sorted(slots):
        members = slots[index]
        values = [value for _offset, value in members]
        mean_offset = sum(offset for offset, _value in members) / len(members)
        result.append(
            Bucket(
                at=start + timedelta(seconds=mean_offset),
                mean=sum(values) / len(values),
                minimum=min(values),
                maximum=max(values),
                count=len(values),
            )
        )
    return result


def nice_ticks(low: float, high: float, *, count: int = 5) -> list[float]:
    """Round axis values (1, 2 or 5 × 10ⁿ apart) covering [low, high] with about `count` ticks."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("bounds must be finite")
    if high < low:
        low, high = high, low
    if high == low:
        low, high = low - 1, high + 1
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(
        factor * magnitude for factor in (1, 2, 2.5, 5, 10) if factor * magnitude >= raw_step
    )
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    ticks = []
    index = 0
    while True:
        value = first + index * step
        if value > last + step / 1000:
            break
        ticks.append(round(value, 10))
        index += 1
    return ticks


def _number(value: float) -> str:
    """A value as people read it: at most 2 decimals, no trailing zeros, no "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _time_ticks(start: datetime, end: datetime, tz: tzinfo) -> tuple[list[datetime], str]:
    """Tick times aligned to whole local hours or days, and the strftime format for them."""
    span = end - start
    step = next((step for step in _TIME_STEPS if span / step <= 8), _TIME_STEPS[-1])
    local_start = start.astimezone(tz)
    if step < timedelta(days=1):
        minutes = int(step.total_seconds() // 60)
        aligned = local_start.replace(second=0, microsecond=0)
        aligned = aligned.replace(minute=0) if minutes >= 60 else aligned
        if minutes >= 60:
            hours = minutes // 60
            aligned = aligned.replace(hour=aligned.hour - aligned.hour % hours)
        else:
            aligned = aligned.replace(minute=aligned.minute - aligned.minute % minutes)
        fmt = "%H:%M"
    else:
        aligned = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
        fmt = "%m-%d"
    ticks = []
    current = aligned
    while current <= end:
        if current >= start:
            ticks.append(current)
        # Wall-clock steps in local time keep midnight ticks at midnight across DST changes.
        current = (current.replace(tzinfo=None) + step).replace(tzinfo=tz)
    return ticks, fmt


def _runs(times: list[datetime]) -> list[tuple[int, int]]:
    """Index ranges of points to join with a line: a pause much longer than the usual spacing
    between readings (device offline) breaks the line instead of drawing a false ramp."""
    if len(times) < 3:
        return [(0, len(times))]
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
    limit = 3 * median(gaps)
    runs, begin = [], 0
    for index, gap in enumerate(gaps, start=1):
        if gap > limit:
            runs.append((begin, index))
            begin = index
    runs.append((begin, len(times)))
    return runs


def chart_svg(
    series: Sequence[tuple[datetime, float]],
    *,
    chart_id: str,
    title: str,
    start: datetime,
    end: datetime,
    unit: str = "",
    description: str = "",
    empty_text: str = "No readings in this period.",
    minimum_label: str = "min",
    maximum_label: str = "max",
    tz: tzinfo = UTC,
    extremes: tuple[float, float] | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """A line chart of `series` over [start, end): axes with ticks and the unit, the lowest and
    highest value marked, and a <title>/<desc> for screen readers. More than MAX_POINTS points
    are averaged into time buckets first. `chart_id` makes the element ids unique on a page.
    `extremes` (the raw lowest and highest values, when `series` holds bucket means) is what the
    legend writes; without it, the plotted extremes."""
    points = sorted(
        (at, float(value)) for at, value in series if start <= at < end and math.isfinite(value)
    )
    if len(points) > MAX_POINTS:
        points = [(bucket.at, bucket.mean) for bucket in downsample(points, start=start, end=end)]
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    suffix = f" {unit}" if unit else ""
    plot_left, plot_right = MARGIN_LEFT, width - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, height - MARGIN_BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'class="telemetry-chart" font-family="system-ui, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    if not points:
        parts.append(f'<desc id="{desc_id}">{escape(description or empty_text)}</desc>')
        parts.append(
            f'<rect x="{plot_left}" y="{plot_top}" width="{plot_right - plot_left}" '
            f'height="{plot_bottom - plot_top}" fill="none" stroke="#dee2e6"/>'
        )
        parts.append(
            f'<text x="{(plot_left + plot_right) / 2:.1f}" y="{(plot_top + plot_bottom) / 2:.1f}" '
            f'text-anchor="middle" fill="#6c757d">{escape(empty_text)}</text>'
        )
        parts.append("</svg>")
        return "".join(parts)

    values = [value for _at, value in points]
    low_value, high_value = min(values), max(values)
    ticks = nice_ticks(low_value, high_value)
    axis_low, axis_high = ticks[0], ticks[-1]
    span_seconds = (end - start).total_seconds()

    def x_of(at: datetime) -> float:
        return plot_left + (at - start).total_seconds() / span_seconds * (plot_right - plot_left)

    def y_of(value: float) -> float:
        share = (value - axis_low) / (axis_high - axis_low)
        return plot_bottom - share * (plot_bottom - plot_top)

    low_index, high_index = values.index(low_value), values.index(high_value)
    summary = (
        f"{minimum_label} {_number(low_value)}{suffix} "
        f"({points[low_index][0].astimezone(tz):%Y-%m-%d %H:%M}), "
        f"{maximum_label} {_number(high_value)}{suffix} "
        f"({points[high_index][0].astimezone(tz):%Y-%m-%d %H:%M})"
    )
    parts.append(f'<desc id="{desc_id}">{escape(f"{description} {summary}".strip())}</desc>')

    # Horizontal grid lines with their values; the unit heads the value axis.
    parts.append('<g class="axis-y" fill="#6c757d" stroke="none">')
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{plot_left}" x2="{plot_right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#e9ecef"/>'
            f'<text x="{plot_left - 6}" y="{y + 4:.1f}" text-anchor="end">{_number(tick)}</text>'
        )
    if unit:
        parts.append(f'<text x="{plot_left - 6}" y="{plot_top - 10}" text-anchor="end">')
        parts.append(f"{escape(unit)}</text>")
    parts.append("</g>")

    # Time ticks along the bottom.
    tick_times, fmt = _time_ticks(start, end, tz)
    parts.append('<g class="axis-x" fill="#6c757d">')
    parts.append(
        f'<line x1="{plot_left}" x2="{plot_right}" y1="{plot_bottom}" y2="{plot_bottom}" '
        f'stroke="#adb5bd"/>'
        f'<line x1="{plot_left}" x2="{plot_left}" y1="{plot_top}" y2="{plot_bottom}" '
        f'stroke="#adb5bd"/>'
    )
    for at in tick_times:
        x = x_of(at)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{plot_bottom}" y2="{plot_bottom + 4}" '
            f'stroke="#adb5bd"/>'
            f'<text x="{x:.1f}" y="{plot_bottom + 18}" text-anchor="middle">'
            f"{escape(at.astimezone(tz).strftime(fmt))}</text>"
        )
    parts.append("</g>")

    # The line itself, broken where the device was silent, and a dot where it stands alone.
    times = [at for at, _value in points]
    coordinates = [(x_of(at), y_of(value)) for at, value in points]
    parts.append('<g class="series" fill="none" stroke="#0d6efd" stroke-width="1.5">')
    for begin, finish in _runs(times):
        run = coordinates[begin:finish]
        if len(run) == 1:
            x, y = run[0]
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#0d6efd"/>')
        else:
            joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{joined}" stroke-linejoin="round"/>')
    parts.append("</g>")

    # The extremes, marked and written out in the corner.
    for index, colour in ((low_index, "#198754"), (high_index, "#dc3545")):
        x, y = coordinates[index]
        parts.append(f'<circle class="extreme" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
    legend_low, legend_high = extremes if extremes is not None else (low_value, high_value)
    legend = (
        f"{minimum_label} {_number(legend_low)}{suffix} · {maximum_label} "
        f"{_number(legend_high)}{suffix}"
    )
    parts.append(
        f"<text x={quoteattr(str(plot_right))} y={quoteattr(str(plot_top - 10))} "
        f'text-anchor="end" fill="#212529">{escape(legend)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
