"""The value split drawn on the server as an inline SVG bar chart (pure: no database).

One horizontal bar per party, its length the party's share of the order total (what it receives
in all, after the terms taken from it); a party ending below zero (only the platform can) is
drawn in red from the axis leftwards. No JavaScript, no CDN; the same on a phone.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
ROW = 26
LABEL = 200
AMOUNT = 90
COLOURS = {"platform": "#6c757d", "venture": "#0d6efd", "user": "#198754"}


def _totals(rows: Iterable[Any]) -> list[tuple[str, str, Decimal]]:
    """(name, party kind, total) per party, in the order the parties first appear."""
    totals: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        key = (row.name, row.party)
        totals[key] = totals.get(key, Decimal(0)) + row.amount
    return [(name, party, amount) for (name, party), amount in totals.items()]


def split_bar_svg(rows: Iterable[Any], *, title: str = "") -> str:
    """An SVG of each party's total; empty string when there is nothing to draw."""
    parties = _totals(rows)
    if not parties:
        return ""
    largest = max(abs(amount) for _name, _party, amount in parties) or Decimal(1)
    span = WIDTH - LABEL - AMOUNT - 10
    height = ROW * len(parties) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label={quoteattr(title or "split")} '
        f'class="value-split-chart">'
    ]
    for index, (name, party, amount) in enumerate(parties):
        y = 4 + index * ROW
        length = int(span * abs(amount) / largest)
        colour = "#dc3545" if amount < 0 else COLOURS.get(party, "#6c757d")
        shown = name if len(name) <= 28 else name[:27] + "…"
        parts.append(
            f'<text x="{LABEL - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
            f"{escape(shown)}</text>"
            f'<rect x="{LABEL}" y="{y + 3}" width="{max(length, 1)}" height="{ROW - 8}" '
            f'fill="{colour}"><title>{escape(name)}: {amount}</title></rect>'
            f'<text x="{LABEL + max(length, 1) + 4}" y="{y + 16}" font-size="12">{amount}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
