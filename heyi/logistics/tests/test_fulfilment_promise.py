"""The promise's pure arithmetic, without a database: reach, 24 hours, line-haul days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from heyi.logistics.promise import CentreOption, promise_quote, stock_candidates, transport_days

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_transport_days_count_each_started_600_km_beyond_reach() -> None:
    assert [transport_days(km) for km in (None, 0, 300, 300.1, 900, 900.1, 1500)] == [
        1,
        1,
        1,
        2,
        2,
        3,
        3,
    ]


def test_stock_candidates_are_in_reach_with_enough_free_nearest_first() -> None:
    options = [
        CentreOption(1, 250.0, 5),
        CentreOption(2, 10.0, 1),
        CentreOption(3, 120.0, 2),
        CentreOption(4, 301.0, 9),
    ]
    assert [option.key for option in stock_candidates(options, quantity=2)] == [3, 1]


def test_quote_from_stock_is_24_hours_else_lead_time_plus_transport() -> None:
    stock = promise_quote(now=NOW, quantity=1, centres=[CentreOption(1, 40.0, 1)], lead_time_days=9)
    assert (stock.fulfilment, stock.hours, stock.promised_at, stock.centre) == (
        "stock",
        24,
        NOW + timedelta(hours=24),
        1,
    )
    made = promise_quote(now=NOW, quantity=2, centres=[CentreOption(1, 940.0, 1)], lead_time_days=9)
    assert (made.fulfilment, made.hours, made.promised_at) == (
        "made_to_order",
        (9 + 3) * 24,
        NOW + timedelta(days=12),
    )
    nowhere = promise_quote(now=NOW, quantity=1, centres=[], lead_time_days=4)
    assert (nowhere.centre, nowhere.promised_at) == (None, NOW + timedelta(days=5))
