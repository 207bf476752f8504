"""The SVG charts (pure): bars, stacked bars, lines with gaps, horizontal bars, empty states."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

from heyi.dashboards.charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    Series,
    bar_chart,
    hbar_chart,
    line_chart,
    nice_step,
)

SVG = "{http://www.w3.org/2000/svg}"
PLOT = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP  # 152 pixels from 0 to the top tick


def _tree(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def _bars(svg: str) -> list[tuple[float, float, str]]:
    """(x, height, colour) of each bar."""
    root = _tree(svg)
    group = root.find(f"{SVG}g[@class='bars']")
    assert group is not None
    return [
        (float(rect.get("x", 0)), float(rect.get("height", 0)), rect.get("fill", ""))
        for rect in group.iter(f"{SVG}rect")
    ]


def test_bar_chart_is_accessible_and_scales() -> None:
    svg = bar_chart(
        chart_id="c",
        title="Demands raised",
        labels=["Jan", "Feb"],
        series=[Series("Demands raised", [1, 2])],
        x_label="Month",
        y_label="Demands",
        empty_text="None.",
    )
    root = _tree(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Demands raised"
    assert root.get("viewBox") == "0 0 640 260"
    assert root.get("width") == "100%"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Demands raised"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == "Jan: Demands raised 1; Feb: Demands raised 2"
    # Axis labels and a legend.
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Month" in texts and "Demands" in texts
    legend = root.find(f"{SVG}g[@class='legend']")
    assert legend is not None
    assert [element.text for element in legend.iter(f"{SVG}text")] == ["Demands raised"]
    # Counts get whole-number ticks: 0, 1, 2 (not 0.5 steps).
    axis = root.find(f"{SVG}g[@class='axis-y']")
    assert axis is not None
    assert [element.text for element in axis.iter(f"{SVG}text")][:-1] == ["0", "1", "2"]
    # The axis tops at 2: the bar of 2 is the full plot height, the bar of 1 half of it.
    assert [height for _x, height, _colour in _bars(svg)] == [PLOT / 2, PLOT]


def test_stacked_bars_sit_on_each_other() -> None:
    svg = bar_chart(
        chart_id="v",
        title="Value shared by party",
        labels=["Jan"],
        series=[
            Series("Ventures", [Decimal("600.00")]),
            Series("People", [Decimal("200.00")]),
            Series("The platform", [Decimal("200.00")]),
        ],
        x_label="Month",
        y_label="CNY",
        empty_text="None.",
        stacked=True,
    )
    bars = _bars(svg)
    # One column (same x), heights in proportion to 600 : 200 : 200 of an axis topping at 1,000.
    assert len({x for x, _height, _colour in bars}) == 1
    assert [round(height, 1) for _x, height, _colour in bars] == [
        round(PLOT * 0.6, 1),
        round(PLOT * 0.2, 1),
        round(PLOT * 0.2, 1),
    ]
    assert len({colour for _x, _height, colour in bars}) == 3
    assert "Jan · People: 200" in svg


def test_grouped_bars_stand_side_by_side() -> None:
    svg = bar_chart(
        chart_id="t",
        title="Tenders",
        labels=["Jan"],
        series=[Series("Opened", [2]), Series("Awarded", [1])],
        x_label="Month",
        y_label="Tenders",
        empty_text="None.",
    )
    (x1, h1, _c1), (x2, h2, _c2) = _bars(svg)
    assert x2 > x1
    assert (h1, h2) == (PLOT, PLOT / 2)


def test_empty_charts_say_so() -> None:
    for svg in (
        bar_chart(
            chart_id="e",
            title="Orders",
            labels=["Jan"],
            series=[Series("Orders", [0])],
            x_label="Month",
            y_label="Orders",
            empty_text="No orders were placed in this period.",
        ),
        line_chart(
            chart_id="l",
            title="On time",
            labels=["Jan"],
            series=[Series("On time", [None])],
            x_label="Month",
            y_label="%",
            empty_text="No orders were placed in this period.",
        ),
        hbar_chart(
            chart_id="h",
            title="Stages",
            labels=["Placed"],
            values=[0],
            x_label="Orders",
            empty_text="No orders were placed in this period.",
        ),
    ):
        root = _tree(svg)
        assert root.get("role") == "img"
        desc = root.find(f"{SVG}desc")
        assert desc is not None and desc.text == "No orders were placed in this period."
        assert "<rect" not in svg and "<polyline" not in svg


def test_line_breaks_at_missing_values_and_keeps_a_fixed_top() -> None:
    svg = line_chart(
        chart_id="r",
        title="On-time delivery rate",
        labels=["1", "2", "3", "4", "5"],
        series=[
            Series("On time", [Decimal("50"), Decimal("100"), None, Decimal("75"), Decimal("25")])
        ],
        x_label="Day",
        y_label="%",
        empty_text="None.",
        maximum=100,
    )
    polylines = re.findall(r'<polyline points="([^"]+)"', svg)
    assert [len(points.split()) for points in polylines] == [2, 2]
    assert svg.count("<circle") == 4
    assert "3: On time –" in svg
    # 100 % is the top of the plot, 50 % half-way down.
    first = polylines[0].split()
    assert [float(point.split(",")[1]) for point in first] == [
        HEIGHT - MARGIN_BOTTOM - PLOT / 2,
        MARGIN_TOP,
    ]


def test_horizontal_bars_write_their_values() -> None:
    svg = hbar_chart(
        chart_id="s",
        title="Orders by stage now",
        labels=["Placed", "Paid", "Completed"],
        values=[0, 1, 4],
        x_label="Orders",
        empty_text="None.",
    )
    root = _tree(svg)
    assert root.get("role") == "img"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == "Placed: 0; Paid: 1; Completed: 4"
    widths = [float(rect.get("width", 0)) for rect in root.iter(f"{SVG}rect")]
    assert widths[1] == 4 * widths[0]  # 1 and 4 (no bar for 0)


def test_text_is_escaped() -> None:
    svg = bar_chart(
        chart_id="x",
        title="<script>",
        labels=["a&b"],
        series=[Series("<b>", [1])],
        x_label="x",
        y_label="y",
        empty_text="e",
    )
    assert "<script>" not in svg and "<b>" not in svg
    _tree(svg)  # well-formed XML


def test_nice_steps() -> None:
    assert nice_step(1000) == 200
    assert nice_step(2) == 0.5
    assert nice_step(2, whole=True) == 1
    assert nice_step(12, whole=True) == 5
    assert nice_step(0) == 1
