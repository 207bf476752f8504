"""The delivery promise: pure arithmetic over distances, stock and lead time (no Django).

Published terms (README, "The 24-hour promise"):

- From stock: a centre within `reach_km` of the delivery point (great-circle) that has the
  units free promises delivery within `stock_hours` (24) of the order.
- Made to order (or no stock in reach): the production lead time in days, then transport: one
  day to the station when the nearest centre is in reach, plus a day for every further
  `linehaul_km_per_day` (part of one counts as a whole day).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PromiseTerms:
    reach_km: float = 300.0
    stock_hours: int = 24
    linehaul_km_per_day: float = 600.0


@dataclass(frozen=True)
class CentreOption:
    """A centre that could serve the order: its key, its distance and its free units."""

    key: int
    km: float
    free: int


@dataclass(frozen=True)
class PromiseQuote:
    fulfilment: str  # "stock" or "made_to_order" (heyi.orders.models.Fulfilment values)
    promised_at: datetime
    hours: int
    centre: int | None  # the CentreOption key chosen, or the nearest centre for made to order
    centre_km: float | None


def transport_days(centre_km: float | None, terms: PromiseTerms = PromiseTerms()) -> int:
    """Days from the centre nearest the user to the user's door."""
    if centre_km is None:
        return 1
    beyond = max(0.0, centre_km - terms.reach_km)
    return 1 + math.ceil(beyond / terms.linehaul_km_per_day)


def stock_candidates(
    options: Sequence[CentreOption], *, quantity: int, terms: PromiseTerms = PromiseTerms()
) -> list[CentreOption]:
    """Centres in reach with the units free, nearest first: the order tries them in turn."""
    return sorted(
        (option for option in options if option.km <= terms.reach_km and option.free >= quantity),
        key=lambda option: (option.km, option.key),
    )


def promise_quote(
    *,
    now: datetime,
    quantity: int,
    centres: Sequence[CentreOption],
    lead_time_days: int,
    terms: PromiseTerms = PromiseTerms(),
) -> PromiseQuote:
    """The promise for an order placed `now`: 24 h from stock in reach, else made to order."""
    candidates = stock_candidates(centres, quantity=quantity, terms=terms)
    if candidates:
        best = candidates[0]
        return PromiseQuote(
            "stock", now + timedelta(hours=terms.stock_hours), terms.stock_hours, best.key, best.km
        )
    nearest = min(centres, key=lambda option: (option.km, option.key), default=None)
    days = max(0, lead_time_days) + transport_days(nearest.km if nearest else None, terms)
    return PromiseQuote(
        "made_to_order",
        now + timedelta(days=days),
        days * 24,
        nearest.key if nearest else None,
        nearest.km if nearest else None,
    )
