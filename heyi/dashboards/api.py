"""The JSON API of dashboards: the platform in numbers (public) and the operators' dashboard."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from heyi.accounts.selectors import operator_require
from heyi.api_auth import OPTIONAL_AUTH
from heyi.dashboards import selectors
from heyi.dashboards.selectors import BucketFigures, Numbers

router = Router(tags=["dashboards"])


class PeriodQuery(Schema):
    first: str | None = Field(None, alias="from", description="the first day, YYYY-MM-DD")
    last: str | None = Field(None, alias="to", description="the last day, YYYY-MM-DD (today)")
    days: str | None = Field(
        None, description="without `from`: the last N days up to `to` (30 by default)"
    )
    bucket: str | None = Field(
        None, description="day, week or month; by default chosen from the period's length"
    )


class HeadlineOut(Schema):
    people: int
    ventures: int
    ventures_by_status: dict[str, int]
    demands: int
    orders_completed: int
    money_settled: Decimal
    devices_bound: int
    devices_online: int


class ValueOut(Schema):
    ventures: Decimal
    people: Decimal
    platform: Decimal
    total: Decimal


class DetailedValueOut(ValueOut):
    royalties: Decimal
    members_pay: Decimal


class BucketOut(Schema):
    start: date
    first_day: date
    last_day: date
    demands_raised: int
    orders_placed: int
    deliveries_promised: int
    deliveries_on_time: int
    on_time_rate: Decimal | None
    orders_settled: int
    value: ValueOut
    active_devices: int


class DetailedBucketOut(BucketOut):
    tenders_opened: int
    tenders_awarded: int
    tenders_no_award: int
    orders_placed_by_phase: dict[str, int]
    value: DetailedValueOut


class NumbersOut(Schema):
    first_day: date
    last_day: date
    bucket: str
    currency: str
    headline: HeadlineOut
    demands_by_status: dict[str, int]
    orders_by_stage: dict[str, int]
    buckets: list[BucketOut]
    totals: BucketOut


class LateOrderOut(Schema):
    number: int
    stage: str
    promised_at: datetime


class ClosingTenderOut(Schema):
    number: int
    title: str
    closes_at: datetime
    bid_count: int


class CompensationOut(Schema):
    order_number: int
    amount: Decimal
    fault: str
    detected_at: datetime


class AttentionOut(Schema):
    late_orders: int
    late_order_list: list[LateOrderOut]
    tenders_closing: int
    tender_list: list[ClosingTenderOut]
    compensations: int
    compensation_total: Decimal
    compensation_list: list[CompensationOut]


class DashboardOut(NumbersOut):
    buckets: list[DetailedBucketOut]  # type: ignore[assignment]
    totals: DetailedBucketOut
    attention: AttentionOut


def _bucket(row: BucketFigures, *, detailed: bool) -> dict[str, Any]:
    value: dict[str, Any] = {
        "ventures": row.value.ventures,
        "people": row.value.people,
        "platform": row.value.platform,
        "total": row.value.total,
    }
    out: dict[str, Any] = {
        "start": row.start,
        "first_day": row.first_day,
        "last_day": row.last_day,
        "demands_raised": row.demands_raised,
        "orders_placed": row.orders_placed,
        "deliveries_promised": row.deliveries_promised,
        "deliveries_on_time": row.deliveries_on_time,
        "on_time_rate": row.on_time_rate,
        "orders_settled": row.orders_settled,
        "value": value,
        "active_devices": row.active_devices,
    }
    if detailed:
        value.update(royalties=row.value.royalties, members_pay=row.value.members_pay)
        out.update(
            tenders_opened=row.tenders_opened,
            tenders_awarded=row.tenders_awarded,
            tenders_no_award=row.tenders_no_award,
            orders_placed_by_phase=dict(row.orders_placed_by_phase),
        )
    return out


def _out(numbers: Numbers) -> dict[str, Any]:
    headline = numbers.headline
    out: dict[str, Any] = {
        "first_day": numbers.period.first,
        "last_day": numbers.period.last,
        "bucket": numbers.period.bucket.value,
        "currency": selectors.CURRENCY,
        "headline": {
            "people": headline.people,
            "ventures": headline.ventures,
            "ventures_by_status": dict(headline.ventures_by_status),
            "demands": headline.demands,
            "orders_completed": headline.orders_completed,
            "money_settled": headline.money_settled,
            "devices_bound": headline.devices_bound,
            "devices_online": headline.devices_online,
        },
        "demands_by_status": dict(numbers.demands_by_status),
        "orders_by_stage": dict(numbers.orders_by_stage),
        "buckets": [_bucket(row, detailed=numbers.detailed) for row in numbers.buckets],
        "totals": _bucket(numbers.totals, detailed=numbers.detailed),
    }
    if numbers.attention is not None:
        out["attention"] = numbers.attention
    return out


def _period(query: PeriodQuery) -> selectors.Period:
    """A bad date, a backwards or too long period, or an unknown bucket: 422 `period_invalid`."""
    return selectors.period_parse(
        first_text=query.first or None,
        last_text=query.last or None,
        days_text=query.days or None,
        bucket_text=query.bucket or None,
    )


@router.get("/numbers", response=NumbersOut, auth=OPTIONAL_AUTH)
def numbers_get(request: HttpRequest, query: Query[PeriodQuery]) -> Any:
    """The platform in numbers over a period (public; totals only): the headline, demands by
    status and orders by stage now, and per bucket (day, week or month in Asia/Shanghai) the
    demands raised, orders placed, deliveries on time against the customer's promise, the
    value shared by party from the settlements and the devices that sent readings."""
    return _out(selectors.numbers_get(period=_period(query)))


@router.get("/operations/dashboard", response=DashboardOut)
def dashboard_get(request: HttpRequest, query: Query[PeriodQuery]) -> Any:
    """The operators' dashboard: the public figures plus tenders opened and closed, orders
    placed by the phase of their stage now, value with royalties and members' pay apart, and
    what needs attention (late orders, tenders closing within a week, compensations in the
    period). Operators only (401 without credentials, 403 for others)."""
    operator_require(request.user)
    return _out(selectors.numbers_get(period=_period(query), detailed=True))
