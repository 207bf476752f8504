"""The SVG charts of telemetry (pure): well-formed, accessible, downsampled, honest about gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from heyi.devices.charts import MAX_POINTS, chart_svg, downsample, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"
END = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _points(svg: str) -> list[tuple[float, float]]:
    """Every data point drawn: the polylines' vertices and the lone dots (not the extremes)."""
    root = ElementTree.fromstring(svg)
    points = []
    for line in root.iter(f"{SVG}polyline"):
        for pair in line.get("points", "").split():
            x, y = pair.split(",")
            points.append((float(x), float(y)))
    for dot in root.iter(f"{SVG}circle"):
        if dot.get("class") != "extreme":
            points.append((float(dot.get("cx", 0)), float(dot.get("cy", 0))))
    return points


def test_a_day_of_readings_is_drawn_point_for_point() -> None:
    start = END - timedelta(hours=24)
    series = [(start + timedelta(minutes=10 * i), 4 + i % 7) for i in range(144)]

    svg = chart_svg(series, chart_id="temp", title="Temperature", start=start, end=END, unit="°C")

    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "temp-title temp-desc"
    assert root.find(f"{SVG}title").text == "Temperature"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == (  # type: ignore[union-attr]
        "min 4 °C (2026-11-27 12:00), max 10 °C (2026-11-27 13:00)"
    )
    assert len(_points(svg)) == 144
    assert "min 4 °C · max 10 °C" in svg
    # Hour ticks every 3 hours across the day, and the unit over the value axis.
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert labels.count("15:00") == 1 and "°C" in labels


def test_weeks_of_readings_are_downsampled_to_at_most_300_points() -> None:
    start = END - timedelta(days=30)
    series = [(start + timedelta(minutes=2 * i), float(i % 50)) for i in range(30 * 720)]

    svg = chart_svg(series, chart_id="t", title="T", start=start, end=END)

    assert len(_points(svg)) == MAX_POINTS


def test_downsample_averages_each_time_bucket() -> None:
    start = END - timedelta(hours=1)
    series = [(start + timedelta(minutes=m), float(m)) for m in range(60)]

    buckets = downsample(series, start=start, end=END, buckets=6)

    assert [bucket.count for bucket in buckets] == [10] * 6
    assert [bucket.mean for bucket in buckets] == [4.5, 14.5, 24.5, 34.5, 44.5, 54.5]
    assert (buckets[0].minimum, buckets[0].maximum) == (0.0, 9.0)
    assert buckets[0].at == start + timedelta(minutes=4, seconds=30)


def test_downsample_keeps_gaps_and_drops_what_lies_outside() -> None:
    start = END - timedelta(hours=1)
    series = [
        (start - timedelta(minutes=1), 100.0),
        (start + timedelta(minutes=1), 1.0),
        (start + timedelta(minutes=50), 3.0),
        (END, 100.0),
    ]

    buckets = downsample(series, start=start, end=END, buckets=6)

    assert [(bucket.mean, bucket.count) for bucket in buckets] == [(1.0, 1), (3.0, 1)]
    with pytest.raises(ValueError):
        downsample(series, start=start, end=END, buckets=0)


def test_a_silent_device_breaks_the_line() -> None:
    start = END - timedelta(hours=24)
    morning = [(start + timedelta(minutes=10 * i), 5.0) for i in range(30)]
    evening = [(start + timedelta(hours=18, minutes=10 * i), 6.0) for i in range(30)]

    svg = chart_svg(morning + evening, chart_id="t", title="T", start=start, end=END)

    lines = list(ElementTree.fromstring(svg).iter(f"{SVG}polyline"))
    assert [len(line.get("points", "").split()) for line in lines] == [30, 30]


def test_an_empty_period_says_so_and_text_is_escaped() -> None:
    start = END - timedelta(days=7)

    svg = chart_svg(
        [],
        chart_id="t",
        title="<Temp & co>",
        start=start,
        end=END,
        empty_text="No readings in this period.",
    )

    root = ElementTree.fromstring(svg)
    assert root.find(f"{SVG}title").text == "<Temp & co>"  # type: ignore[union-attr]
    assert "No readings in this period." in [text.text for text in root.iter(f"{SVG}text")]
    assert _points(svg) == []


def test_one_reading_is_a_dot_and_equal_values_get_a_range() -> None:
    start = END - timedelta(hours=24)

    svg = chart_svg(
        [(END - timedelta(hours=1), 5.0)], chart_id="t", title="T", start=start, end=END
    )

    assert len(_points(svg)) == 1
    assert nice_ticks(5.0, 5.0) == [4.0, 4.5, 5.0, 5.5, 6.0]


def test_nice_ticks_cover_the_values_with_round_steps() -> None:
    assert nice_ticks(3.1, 7.9) == [2, 4, 6, 8]
    assert nice_ticks(-0.3, 0.2) == [-0.4, -0.2, 0.0, 0.2]
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    with pytest.raises(ValueError):
        nice_ticks(0, float("nan"))


def test_the_legend_gives_the_raw_extremes_when_the_line_shows_bucket_means() -> None:
    start = END - timedelta(hours=24)
    means = [(start + timedelta(hours=1), 4.88)]

    svg = chart_svg(
        means, chart_id="t", title="T", start=start, end=END, unit="°C", extremes=(4.5, 5.25)
    )

    assert "min 4.5 °C · max 5.25 °C" in svg
    assert "4.88" not in svg.split("min ")[-1]
