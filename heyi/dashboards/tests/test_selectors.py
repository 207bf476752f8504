"""The figures: exact counts and amounts per bucket, time-zone bucketing, query budgets, periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from heyi.contention.models import TenderStatus
from heyi.dashboards.errors import DashboardsError
from heyi.dashboards.selectors import (
    Bucket,
    Period,
    Phase,
    ValueShare,
    bucket_auto,
    numbers_get,
    period_parse,
)
from heyi.dashboards.tests.conftest import JAN31_LATE, NOW, World, at, demand_put, order_put
from heyi.demands.models import DemandStatus
from heyi.orders.models import OrderStage
from heyi.products.models import Product

JAN_FEB = Period(first=date(2026, 1, 1), last=date(2026, 2, 28), bucket=Bucket.MONTH)
PUBLIC_QUERIES = 14
DETAILED_QUERIES = 22

# The settlements by hand (ShareTerms' defaults):
# O101 ¥1,000: fee 50, author 10, designer 30, delivery venture 20 + 5 = 25, supplier
#   2000 × 1/10 = 200, maker 600 − 200 + surplus 50 % × (1000 − 915 + 200 = 285) = 142.50,
#   margin 142.50. Ventures 200 + 25 + 542.50 = 767.50, less members' pay 150 = 617.50;
#   royalties 40; platform 192.50.
# O102 ¥500 (2 units): fee 25, author 5, the platform's delivery 20 + 10 = 30, maker 300 +
#   surplus 50 % × 140 = 70, margin 70. Ventures 370; royalties 5; platform 125.
JANUARY_VALUE = ValueShare(
    ventures=Decimal("617.50"),
    royalties=Decimal("40.00"),
    members_pay=Decimal("150.00"),
    platform=Decimal("192.50"),
)
FEBRUARY_VALUE = ValueShare(
    ventures=Decimal("370.00"),
    royalties=Decimal("5.00"),
    members_pay=Decimal("0.00"),
    platform=Decimal("125.00"),
)


def test_month_buckets_hold_the_exact_figures(world: World) -> None:
    numbers = numbers_get(period=JAN_FEB, detailed=True, now=NOW)
    january, february = numbers.buckets
    assert (january.start, january.first_day, january.last_day) == (
        date(2026, 1, 1),
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
    assert (february.start, february.last_day) == (date(2026, 2, 1), date(2026, 2, 28))
    # The events at 20:00 UTC on 31 January (a demand, a tender, an order, a settlement, a
    # reading) are on 1 February in Shanghai.
    assert [january.demands_raised, february.demands_raised] == [1, 2]
    assert [january.tenders_opened, february.tenders_opened] == [1, 2]
    assert [january.tenders_awarded, february.tenders_awarded] == [1, 0]
    assert [january.tenders_no_award, february.tenders_no_award] == [0, 1]
    assert [january.orders_placed, february.orders_placed] == [2, 5]
    assert dict(january.orders_placed_by_phase) == {
        Phase.WAITING: 0,
        Phase.MAKING: 0,
        Phase.ON_THE_WAY: 0,
        Phase.DELIVERED: 2,
        Phase.STOPPED: 0,
        Phase.EXCEPTION: 0,
    }
    assert dict(february.orders_placed_by_phase) == {
        Phase.WAITING: 1,
        Phase.MAKING: 1,
        Phase.ON_THE_WAY: 0,
        Phase.DELIVERED: 2,
        Phase.STOPPED: 1,
        Phase.EXCEPTION: 0,
    }
    # January: O101 on time, O102 late; February: O104 delivered exactly at its promise, O106
    # had no customer promise and is not counted.
    assert (january.deliveries_promised, january.deliveries_on_time) == (2, 1)
    assert january.on_time_rate == Decimal("0.5000")
    assert (february.deliveries_promised, february.deliveries_on_time) == (1, 1)
    assert february.on_time_rate == Decimal("1.0000")
    assert [january.orders_settled, february.orders_settled] == [1, 1]
    assert january.value == JANUARY_VALUE
    assert february.value == FEBRUARY_VALUE
    assert january.value.people == Decimal("190.00")
    assert january.value.total == Decimal("1000.00")
    assert february.value.total == Decimal("500.00")
    assert [january.active_devices, february.active_devices] == [2, 2]

    totals = numbers.totals
    assert totals.demands_raised == 3
    assert totals.orders_placed == 7
    assert (totals.deliveries_promised, totals.deliveries_on_time) == (3, 2)
    assert totals.on_time_rate == Decimal("0.6667")
    assert totals.value == JANUARY_VALUE + FEBRUARY_VALUE
    assert totals.value.total == Decimal("1500.00")
    # Distinct over the whole period, not the sum of the buckets.
    assert totals.active_devices == 2
    assert (totals.tenders_opened, totals.tenders_awarded, totals.tenders_no_award) == (3, 1, 1)


def test_headline_and_current_stages(world: World) -> None:
    numbers = numbers_get(period=JAN_FEB, now=NOW)
    headline = numbers.headline
    assert headline.people == 8
    assert headline.ventures == 3
    assert dict(headline.ventures_by_status) == {
        "incubating": 2,
        "accelerating": 1,
        "raising": 0,
        "spun_off": 0,
        "dissolved": 0,
    }
    assert headline.demands == 4
    assert headline.orders_completed == 2
    assert headline.money_settled == Decimal("1500.00")
    assert (headline.devices_bound, headline.devices_online) == (1, 1)
    assert {k: v for k, v in numbers.demands_by_status.items() if v} == {
        DemandStatus.OPEN: 2,
        DemandStatus.CO_DESIGN: 1,
        DemandStatus.CLOSED: 1,
    }
    assert {k: v for k, v in numbers.orders_by_stage.items() if v} == {
        OrderStage.COMPLETED: 2,
        OrderStage.IN_PRODUCTION: 1,
        OrderStage.DELIVERED: 3,  # O104, O106 and the devices' order
        OrderStage.CANCELLED: 1,
        OrderStage.PAID: 1,
    }
    # The public figures leave the operators' detail out.
    assert numbers.attention is None
    assert numbers.totals.tenders_opened == 0
    assert dict(numbers.totals.orders_placed_by_phase) == {}


def test_day_buckets_and_the_last_day_of_the_month(world: World) -> None:
    period = Period(first=date(2026, 1, 30), last=date(2026, 2, 1), bucket=Bucket.DAY)
    numbers = numbers_get(period=period)
    assert [row.start for row in numbers.buckets] == [
        date(2026, 1, 30),
        date(2026, 1, 31),
        date(2026, 2, 1),
    ]
    assert [row.demands_raised for row in numbers.buckets] == [0, 0, 1]
    assert [row.orders_placed for row in numbers.buckets] == [0, 0, 1]
    assert [row.orders_settled for row in numbers.buckets] == [0, 0, 1]
    assert [row.active_devices for row in numbers.buckets] == [0, 0, 1]
    assert numbers.buckets[2].value == FEBRUARY_VALUE
    # A reading on 10 January: three readings from two devices count two devices.
    ten = numbers_get(
        period=Period(first=date(2026, 1, 10), last=date(2026, 1, 10), bucket=Bucket.DAY)
    )
    assert [row.active_devices for row in ten.buckets] == [2]
    # 23:00 on 31 December in Shanghai (15:00 UTC) is still 2025.
    new_year = numbers_get(
        period=Period(first=date(2025, 12, 31), last=date(2026, 1, 1), bucket=Bucket.DAY)
    )
    assert [row.active_devices for row in new_year.buckets] == [1, 0]


def test_week_buckets_start_on_monday_and_are_clipped_to_the_period(world: World) -> None:
    period = period_parse(first_text="2026-01-01", last_text="2026-01-15", bucket_text="week")
    numbers = numbers_get(period=period)
    assert [(row.start, row.first_day, row.last_day) for row in numbers.buckets] == [
        (date(2025, 12, 29), date(2026, 1, 1), date(2026, 1, 4)),
        (date(2026, 1, 5), date(2026, 1, 5), date(2026, 1, 11)),
        (date(2026, 1, 12), date(2026, 1, 12), date(2026, 1, 15)),
    ]
    # D1 on Monday 5 January; O101 placed on Saturday 3 January and settled on Thursday
    # 15 January; O102 placed on Thursday 8 January.
    assert [row.demands_raised for row in numbers.buckets] == [0, 1, 0]
    assert [row.orders_placed for row in numbers.buckets] == [1, 1, 0]
    assert [row.deliveries_on_time for row in numbers.buckets] == [0, 1, 0]
    assert [row.orders_settled for row in numbers.buckets] == [0, 0, 1]
    assert [row.active_devices for row in numbers.buckets] == [0, 2, 0]


def test_what_needs_attention(world: World) -> None:
    attention = numbers_get(period=JAN_FEB, detailed=True, now=NOW).attention
    assert attention is not None
    # O103 (customer promise 20 Feb) and O107 (no customer promise, the maker's 24 Feb).
    assert attention.late_orders == 2
    assert [(row.number, row.stage) for row in attention.late_order_list] == [
        (103, OrderStage.IN_PRODUCTION),
        (107, OrderStage.PAID),
    ]
    assert attention.late_order_list[0].promised_at == at(2026, 2, 20)
    assert attention.tenders_closing == 1
    assert [(row.title, row.closes_at) for row in attention.tender_list] == [
        ("Produce 40 tiny fridges", at(2026, 2, 27))
    ]
    assert attention.compensations == 1
    assert attention.compensation_total == Decimal("40.00")
    assert [(row.order_number, row.amount) for row in attention.compensation_list] == [
        (102, Decimal("40.00"))
    ]
    # A week later the tender has closed (by the clock) and a March window has no compensation.
    later = numbers_get(
        period=Period(first=date(2026, 3, 1), last=date(2026, 3, 31), bucket=Bucket.MONTH),
        detailed=True,
        now=at(2026, 3, 4),
    ).attention
    assert later is not None
    assert (later.tenders_closing, later.compensations, later.late_orders) == (0, 0, 2)
    assert world.tenders["T3"].status == TenderStatus.OPEN


def test_an_empty_period_is_empty(world: World) -> None:
    numbers = numbers_get(
        period=Period(first=date(2024, 1, 1), last=date(2024, 1, 31), bucket=Bucket.WEEK),
        detailed=True,
        now=NOW,
    )
    assert numbers.is_empty
    assert numbers.totals.on_time_rate is None
    assert numbers.totals.value == ValueShare()
    assert len(numbers.buckets) == 5
    assert not numbers_get(period=JAN_FEB).is_empty


def _more_rows(world: World, count: int) -> None:
    product = Product.objects.get(slug="fridge")
    for index in range(count):
        order_put(
            number=1000 + index,
            product=product,
            user=world.buyer,
            venture=world.maker,
            stage=OrderStage.DELIVERED,
            placed=at(2026, 1, 2 + index % 20),
            delivered_at=at(2026, 2, 1 + index % 20),
            delivery_promised_at=at(2026, 2, 5),
        )
        demand_put(world.author, f"Demand {index}", at(2026, 2, 1 + index % 20), "open")


@pytest.mark.parametrize("detailed", [False, True])
def test_query_count_does_not_grow_with_rows_or_buckets(
    world: World, django_assert_num_queries: Any, detailed: bool
) -> None:
    expected = DETAILED_QUERIES if detailed else PUBLIC_QUERIES
    with django_assert_num_queries(expected):
        numbers_get(period=JAN_FEB, detailed=detailed, now=NOW)
    _more_rows(world, 12)
    days = Period(first=date(2026, 1, 1), last=date(2026, 2, 28), bucket=Bucket.DAY)
    with django_assert_num_queries(expected):
        numbers = numbers_get(period=days, detailed=detailed, now=NOW)
    assert len(numbers.buckets) == 59
    assert numbers.totals.orders_placed == 7 + 12
    assert numbers.totals.demands_raised == 3 + 12


# --- periods ------------------------------------------------------------------------------------


def test_period_defaults_to_the_last_30_days_by_day() -> None:
    period = period_parse(today=date(2026, 2, 28))
    assert period == Period(first=date(2026, 1, 30), last=date(2026, 2, 28), bucket=Bucket.DAY)
    assert period.start == at(2026, 1, 30, 0)
    assert period.end == at(2026, 3, 1, 0)


@pytest.mark.parametrize(
    ("days", "first", "bucket"),
    [
        ("7", date(2026, 2, 22), Bucket.DAY),
        ("90", date(2025, 12, 1), Bucket.WEEK),
        ("365", date(2025, 3, 1), Bucket.MONTH),
    ],
)
def test_preset_periods_choose_their_bucket(days: str, first: date, bucket: Bucket) -> None:
    period = period_parse(days_text=days, today=date(2026, 2, 28))
    assert (period.first, period.last, period.bucket) == (first, date(2026, 2, 28), bucket)


def test_custom_period_and_bucket() -> None:
    period = period_parse(
        first_text="2026-01-01", last_text="2026-03-31", bucket_text="month", today=date(2026, 5, 1)
    )
    assert period == Period(first=date(2026, 1, 1), last=date(2026, 3, 31), bucket=Bucket.MONTH)
    assert [bucket_auto(31), bucket_auto(32), bucket_auto(190), bucket_auto(191)] == [
        Bucket.DAY,
        Bucket.WEEK,
        Bucket.WEEK,
        Bucket.MONTH,
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"first_text": "2026-02-01", "last_text": "2026-01-01"}, "must not be after"),
        ({"first_text": "2026-13-01"}, "YYYY-MM-DD"),
        ({"last_text": "yesterday"}, "YYYY-MM-DD"),
        ({"days_text": "0"}, "between 1 and 3660"),
        ({"days_text": "many"}, "whole number"),
        ({"bucket_text": "year"}, "day, week or month"),
        ({"first_text": "2000-01-01", "last_text": "2026-01-01"}, "at most 3660 days"),
        ({"days_text": "401", "bucket_text": "day"}, "more than 400 bars"),
    ],
)
def test_bad_periods_are_refused(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(DashboardsError) as caught:
        period_parse(today=date(2026, 2, 28), **arguments)
    assert caught.value.code == "period_invalid"
    assert caught.value.status == 422
    assert message in caught.value.message


def test_jan31_late_is_february_in_shanghai() -> None:
    assert JAN31_LATE.astimezone(at(2026, 1, 1).tzinfo).date() == date(2026, 2, 1)
