"""The statements' SVG bar charts (pure)."""

from __future__ import annotations

import re
from decimal import Decimal

from heyi.value.statement_charts import HEIGHT, Series, bar_chart


def test_empty_chart_says_so() -> None:
    svg = bar_chart(
        title="Money", labels=["2026-01"], series=[Series("Revenue", [Decimal("0")])],
        empty_text="No settled orders in this period yet.",
    )  # fmt: skip
    assert "<rect" not in svg
    assert ">No settled orders in this period yet.</text>" in svg


def test_bars_stand_on_the_zero_line_and_losses_hang_below() -> None:
    svg = bar_chart(
        title="Money <&>",
        labels=["2026-01", "2026-02"],
        series=[Series("Revenue", [Decimal("500"), Decimal("250")]), Series("Income", [Decimal("-100"), Decimal("0")])],
        empty_text="none",
    )  # fmt: skip
    assert 'aria-label="Money &lt;&amp;&gt;"' in svg
    zero = re.search(r'<line x1="70" y1="([\d.]+)"[^>]*stroke="#212529"', svg)
    assert zero is not None
    zero_y = float(zero.group(1))
    bars = re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
    # Revenue 500 and 250 end on the zero line; the loss starts at it; a zero bar is flat.
    tops = [(float(y), float(h)) for y, h in bars]
    assert round(tops[0][0] + tops[0][1], 1) == round(zero_y, 1)
    assert round(tops[0][1] / tops[2][1], 1) == 2.0
    assert round(tops[1][0], 1) == round(zero_y, 1)
    assert round(tops[1][1] / tops[0][1], 2) == 0.2
    assert tops[3][1] == 0.0
    assert all(0 <= y <= HEIGHT for y, _h in tops)
    assert "<title>2026-01 · Income: -100</title>" in svg


def test_crowded_labels_are_thinned() -> None:
    labels = [f"2026-01-{day:02d}" for day in range(1, 31)]
    svg = bar_chart(
        title="Users", labels=labels, series=[Series("Users served", list(range(30)))],
        empty_text="none",
    )  # fmt: skip
    shown = re.findall(r">(2026-01-\d\d)</text>", svg)
    # 30 bars over 556 px: a label is about 73 px wide, so every fourth one.
    assert shown == labels[::4]
