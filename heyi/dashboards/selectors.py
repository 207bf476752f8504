"""The platform in numbers: figures over a period, bucketed by day, week or month (reads).

Every figure comes from the record and is aggregated in the database, grouped by the bucket
truncated in the site's time zone (Asia/Shanghai), so the number of queries does not grow with
the number of rows. Definitions, for a period [start, end) of whole local days:

- demands raised: demands created in the bucket; demands by status: every demand now;
- tenders opened: tenders published in the bucket (`published_at`); awarded and closed without
  award: tenders now in that status whose `closed_at` falls in the bucket;
- orders placed: orders created in the bucket; orders by stage: every order now, and (for
  operators) the orders placed in each bucket by the phase their stage is in now;
- on-time delivery rate: of the orders delivered in the bucket that carried the customer's
  promise (`delivery_promised_at`, what the user was promised at checkout), the share delivered
  by it. The maker's own promise (`promised_by`) is the ventures' record, not what the user was
  told, so it is not used here;
- value shared, from the settlements settled in the bucket (in CNY): to ventures, the ventures'
  split lines (makers, suppliers, delivery) less the members' pay they passed on; to people, the
  people's split lines (author's and designers' royalties) plus the members' pay lines; to the
  platform, its split lines (fee, margin, compensation recovered, its own delivery). The three
  add up to the settled totals;
- active devices: distinct devices with at least one reading measured (`device_ts`) in the
  bucket. The filter on the period keeps the scan of the readings bounded, and the
  (device, device_ts) index holds every column the query reads;
- headline (now, whatever the period): active people, ventures by lifecycle status, demands,
  orders completed, money settled, devices bound and online.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.contention.models import Tender, TenderStatus
from heyi.dashboards.errors import DashboardsError, DashboardsErrorCode
from heyi.demands.models import Demand, DemandStatus
from heyi.devices.models import Device, DeviceStatus, Reading
from heyi.logistics.models import Compensation
from heyi.orders.models import Order, OrderStage
from heyi.orders.order_selectors import UNDELIVERED_STAGES
from heyi.value.models import PayLine, Settlement, SplitLine, SplitParty
from heyi.ventures.models import Venture, VentureStatus

ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")
CURRENCY = "CNY"
DEFAULT_DAYS = 30
PRESET_DAYS = (7, 30, 90, 365)
MAX_DAYS = 3660
MAX_BUCKETS = 400
# Tenders closing within this time count as closing soon; lists show at most this many rows.
CLOSING_SOON = timedelta(days=7)
LIST_LENGTH = 10


class Bucket(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Phase(StrEnum):
    """Orders' stages grouped for a stacked chart (15 stages would be an unreadable legend)."""

    WAITING = "waiting"
    MAKING = "making"
    ON_THE_WAY = "on_the_way"
    DELIVERED = "delivered"
    STOPPED = "stopped"
    EXCEPTION = "exception"


PHASE_OF_STAGE: dict[str, Phase] = {
    OrderStage.PLACED: Phase.WAITING,
    OrderStage.PAID: Phase.WAITING,
    OrderStage.CONFIRMED: Phase.MAKING,
    OrderStage.SOURCING: Phase.MAKING,
    OrderStage.IN_PRODUCTION: Phase.MAKING,
    OrderStage.QUALITY_CHECKED: Phase.MAKING,
    OrderStage.SHIPPED: Phase.ON_THE_WAY,
    OrderStage.AT_STATION: Phase.ON_THE_WAY,
    OrderStage.OUT_FOR_DELIVERY: Phase.ON_THE_WAY,
    OrderStage.DELIVERED: Phase.DELIVERED,
    OrderStage.INSTALLED: Phase.DELIVERED,
    OrderStage.COMPLETED: Phase.DELIVERED,
    OrderStage.CANCELLED: Phase.STOPPED,
    OrderStage.REFUNDED: Phase.STOPPED,
    OrderStage.EXCEPTION: Phase.EXCEPTION,
}


def site_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=site_zone())


def bucket_start(day: date, bucket: Bucket) -> date:
    """The first day of the bucket holding `day` (weeks start on Monday, as the databases'
    truncation does)."""
    if bucket == Bucket.DAY:
        return day
    if bucket == Bucket.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bucket_next(day: date, bucket: Bucket) -> date:
    if bucket == Bucket.DAY:
        return day + timedelta(days=1)
    if bucket == Bucket.WEEK:
        return day + timedelta(days=7)
    index = day.year * 12 + day.month
    return date(index // 12, index % 12 + 1, 1)


def bucket_auto(days: int) -> Bucket:
    """Days up to a month, weeks up to half a year, months beyond."""
    if days <= 31:
        return Bucket.DAY
    if days <= 190:
        return Bucket.WEEK
    return Bucket.MONTH


@dataclass(frozen=True, slots=True)
class Period:
    """Whole local days from `first` to `last` (inclusive), shown in `bucket`s."""

    first: date
    last: date
    bucket: Bucket

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        return local_midnight(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bucket_starts(self) -> list[date]:
        found: list[date] = []
        current = bucket_start(self.first, self.bucket)
        while current <= self.last and len(found) <= MAX_BUCKETS:
            found.append(current)
            current = bucket_next(current, self.bucket)
        return found


def _invalid(message: str) -> DashboardsError:
    return DashboardsError(DashboardsErrorCode.PERIOD_INVALID, message, status=422)


def period_parse(
    *,
    first_text: str | None = None,
    last_text: str | None = None,
    days_text: str | None = None,
    bucket_text: str | None = None,
    today: date | None = None,
) -> Period:
    """The period asked for: `from`/`to` (YYYY-MM-DD, inclusive) or the last `days` days (30 by
    default) up to today; the bucket asked for, or chosen from the period's length. A period
    that cannot be read, runs backwards, is longer than ten years or would draw more than
    MAX_BUCKETS buckets is refused with 422 `period_invalid`."""
    today = today or timezone.localdate(timezone=site_zone())
    days = DEFAULT_DAYS
    if days_text:
        try:
            days = int(days_text)
        except ValueError as error:
            raise _invalid(_("The number of days must be a whole number.")) from error
        if not 1 <= days <= MAX_DAYS:
            raise _invalid(
                _("The number of days must be between 1 and %(most)s.") % {"most": MAX_DAYS}
            )
    try:
        last = date.fromisoformat(last_text) if last_text else today
        first = date.fromisoformat(first_text) if first_text else last - timedelta(days=days - 1)
    except ValueError as error:
        raise _invalid(_("Dates are written YYYY-MM-DD.")) from error
    if first > last:
        raise _invalid(_("The first day must not be after the last."))
    if (last - first).days + 1 > MAX_DAYS:
        raise _invalid(_("Ask for at most %(most)s days at once.") % {"most": MAX_DAYS})
    if bucket_text:
        try:
            bucket = Bucket(bucket_text)
        except ValueError as error:
            raise _invalid(_("Show the figures by day, week or month.")) from error
    else:
        bucket = bucket_auto((last - first).days + 1)
    period = Period(first=first, last=last, bucket=bucket)
    if len(period.bucket_starts()) > MAX_BUCKETS:
        raise _invalid(
            _("That would draw more than %(most)s bars: choose a longer bucket.")
            % {"most": MAX_BUCKETS}
        )
    return period


# --- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ValueShare:
    """Money of the settlements, by who received it."""

    ventures: Decimal = ZERO
    royalties: Decimal = ZERO
    members_pay: Decimal = ZERO
    platform: Decimal = ZERO

    @property
    def people(self) -> Decimal:
        return self.royalties + self.members_pay

    @property
    def total(self) -> Decimal:
        return self.ventures + self.people + self.platform

    def __add__(self, other: ValueShare) -> ValueShare:
        return ValueShare(
            ventures=self.ventures + other.ventures,
            royalties=self.royalties + other.royalties,
            members_pay=self.members_pay + other.members_pay,
            platform=self.platform + other.platform,
        )


def _rate(on_time: int, promised: int) -> Decimal | None:
    return (Decimal(on_time) / Decimal(promised)).quantize(RATE_PLACES) if promised else None


@dataclass(frozen=True, slots=True)
class BucketFigures:
    """One bucket's figures; `first_day`/`last_day` are clipped to the period."""

    start: date
    first_day: date
    last_day: date
    demands_raised: int = 0
    tenders_opened: int = 0
    tenders_awarded: int = 0
    tenders_no_award: int = 0
    orders_placed: int = 0
    orders_placed_by_phase: Mapping[str, int] = field(default_factory=dict)
    deliveries_promised: int = 0
    deliveries_on_time: int = 0
    orders_settled: int = 0
    value: ValueShare = ValueShare()
    active_devices: int = 0

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.deliveries_on_time, self.deliveries_promised)


@dataclass(frozen=True, slots=True)
class Headline:
    people: int
    ventures: int
    ventures_by_status: Mapping[str, int]
    demands: int
    orders_completed: int
    money_settled: Decimal
    devices_bound: int
    devices_online: int


@dataclass(frozen=True, slots=True)
class LateOrder:
    number: int
    stage: str
    promised_at: datetime


@dataclass(frozen=True, slots=True)
class ClosingTender:
    number: int
    title: str
    closes_at: datetime
    bid_count: int


@dataclass(frozen=True, slots=True)
class CompensationRow:
    order_number: int
    amount: Decimal
    fault: str
    detected_at: datetime


@dataclass(frozen=True, slots=True)
class Attention:
    """What operators should look at now (late orders, tenders closing) and in the period."""

    late_orders: int
    late_order_list: tuple[LateOrder, ...]
    tenders_closing: int
    tender_list: tuple[ClosingTender, ...]
    compensations: int
    compensation_total: Decimal
    compensation_list: tuple[CompensationRow, ...]


@dataclass(frozen=True, slots=True)
class Numbers:
    period: Period
    headline: Headline
    buckets: tuple[BucketFigures, ...]
    totals: BucketFigures
    demands_by_status: Mapping[str, int]
    orders_by_stage: Mapping[str, int]
    detailed: bool = False
    attention: Attention | None = None

    @property
    def is_empty(self) -> bool:
        totals = self.totals
        return not (
            totals.demands_raised
            or totals.orders_placed
            or totals.tenders_opened
            or totals.tenders_awarded
            or totals.tenders_no_award
            or totals.deliveries_promised
            or totals.orders_settled
            or totals.active_devices
        )


def _trunc(field_name: str, bucket: Bucket) -> Any:
    return Trunc(field_name, bucket.value, tzinfo=site_zone())


def _local_day(value: datetime | date) -> date:
    """Buckets come back as aware datetimes: keep the local day they start on."""
    if isinstance(value, datetime):
        return timezone.localtime(value, site_zone()).date()
    return value


def _per_bucket(
    queryset: QuerySet[Any], field_name: str, bucket: Bucket, *keys: str, **aggregates: Any
) -> list[dict[str, Any]]:
    """One GROUP BY query: the aggregates per bucket (and per `keys`), with `day` set."""
    rows = (
        queryset.annotate(bucket_key=_trunc(field_name, bucket))
        .values("bucket_key", *keys)
        .annotate(**aggregates)
        .order_by()
    )
    return [{**row, "day": _local_day(row["bucket_key"])} for row in rows]


def _in(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})


def _money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(ZERO)


def _headline() -> tuple[Headline, dict[str, int], dict[str, int]]:
    """The headline numbers, demands by status and orders by stage: six queries."""
    people = get_user_model().objects.filter(is_active=True).count()
    ventures_by_status = {status.value: 0 for status in VentureStatus}
    for row in Venture.objects.values("status").annotate(count=Count("id")).order_by():
        ventures_by_status[row["status"]] = row["count"]
    demands_by_status = {status.value: 0 for status in DemandStatus}
    for row in Demand.objects.values("status").annotate(count=Count("id")).order_by():
        demands_by_status[row["status"]] = row["count"]
    orders_by_stage = {stage.value: 0 for stage in OrderStage}
    for row in Order.objects.values("stage").annotate(count=Count("id")).order_by():
        orders_by_stage[row["stage"]] = row["count"]
    settled = Settlement.objects.filter(currency=CURRENCY).aggregate(total=Sum("total"))
    devices = Device.objects.aggregate(
        bound=Count("id", filter=Q(status=DeviceStatus.BOUND)),
        online=Count("id", filter=Q(status=DeviceStatus.BOUND, is_online=True)),
    )
    headline = Headline(
        people=people,
        ventures=sum(ventures_by_status.values()),
        ventures_by_status=ventures_by_status,
        demands=sum(demands_by_status.values()),
        orders_completed=orders_by_stage[OrderStage.COMPLETED],
        money_settled=_money(settled["total"]),
        devices_bound=devices["bound"],
        devices_online=devices["online"],
    )
    return headline, demands_by_status, orders_by_stage


def _value_rows(period: Period) -> tuple[dict[date, ValueShare], dict[date, int]]:
    """Value shared per bucket and settlements counted per bucket: three queries."""
    bucket = period.bucket
    lines = _per_bucket(
        SplitLine.objects.filter(
            _in("settlement__settled_at", period), settlement__currency=CURRENCY
        ),
        "settlement__settled_at",
        bucket,
        "party",
        amount=Sum("amount"),
    )
    pay = _per_bucket(
        PayLine.objects.filter(
            _in("settlement__settled_at", period), settlement__currency=CURRENCY
        ),
        "settlement__settled_at",
        bucket,
        amount=Sum("amount"),
    )
    settled = _per_bucket(
        Settlement.objects.filter(_in("settled_at", period), currency=CURRENCY),
        "settled_at",
        bucket,
        count=Count("id"),
    )
    parts: dict[date, dict[str, Decimal]] = {}
    for row in lines:
        parts.setdefault(row["day"], {})[row["party"]] = _money(row["amount"])
    members = {row["day"]: _money(row["amount"]) for row in pay}
    shares = {}
    for day in set(parts) | set(members):
        amounts = parts.get(day, {})
        paid = members.get(day, ZERO)
        shares[day] = ValueShare(
            ventures=amounts.get(SplitParty.VENTURE, ZERO) - paid,
            royalties=amounts.get(SplitParty.USER, ZERO),
            members_pay=paid,
            platform=amounts.get(SplitParty.PLATFORM, ZERO),
        )
    return shares, {row["day"]: row["count"] for row in settled}


def _attention(period: Period, now: datetime) -> Attention:
    """Six queries: late orders (count, the longest late), tenders closing soon (count, the
    soonest), the compensations detected in the period (count and total, the latest).

    An order is late when it has not reached its user and the customer's promise (or, for
    orders placed before the network existed, the maker's) has passed."""
    late = Order.objects.filter(
        Q(delivery_promised_at__lt=now) | Q(delivery_promised_at__isnull=True, promised_by__lt=now),
        stage__in=UNDELIVERED_STAGES,
        delivered_at__isnull=True,
    )
    late_list = (
        late.annotate(promised=Coalesce("delivery_promised_at", "promised_by"))
        .order_by("promised", "number")
        .values("number", "stage", "promised")[:LIST_LENGTH]
    )
    closing = Tender.objects.filter(
        status=TenderStatus.OPEN, closes_at__gte=now, closes_at__lt=now + CLOSING_SOON
    )
    closing_list = closing.order_by("closes_at", "number").values(
        "number", "title", "closes_at", "bid_count"
    )[:LIST_LENGTH]
    compensations = Compensation.objects.filter(_in("detected_at", period))
    compensation_sums = compensations.aggregate(count=Count("id"), total=Sum("amount"))
    compensation_list = compensations.order_by("-detected_at", "-id").values(
        "order__number", "amount", "fault", "detected_at"
    )[:LIST_LENGTH]
    return Attention(
        late_orders=late.count(),
        late_order_list=tuple(
            LateOrder(number=row["number"], stage=row["stage"], promised_at=row["promised"])
            for row in late_list
        ),
        tenders_closing=closing.count(),
        tender_list=tuple(ClosingTender(**row) for row in closing_list),
        compensations=compensation_sums["count"],
        compensation_total=_money(compensation_sums["total"]),
        compensation_list=tuple(
            CompensationRow(
                order_number=row["order__number"],
                amount=row["amount"],
                fault=row["fault"],
                detected_at=row["detected_at"],
            )
            for row in compensation_list
        ),
    )


def numbers_get(*, period: Period, detailed: bool = False, now: datetime | None = None) -> Numbers:
    """The platform's figures over `period`. Public (`detailed=False`): 14 queries; with the
    operators' detail (tenders, orders by phase, what needs attention): 22. Neither count
    depends on the number of rows or buckets."""
    now = now or timezone.now()
    bucket = period.bucket
    headline, demands_by_status, orders_by_stage = _headline()
    demands = _per_bucket(
        Demand.objects.filter(_in("created_at", period)), "created_at", bucket, count=Count("id")
    )
    orders = _per_bucket(
        Order.objects.filter(_in("created_at", period)),
        "created_at",
        bucket,
        "stage",
        count=Count("id"),
    )
    deliveries = _per_bucket(
        Order.objects.filter(_in("delivered_at", period), delivery_promised_at__isnull=False),
        "delivered_at",
        bucket,
        promised=Count("id"),
        on_time=Count("id", filter=Q(delivered_at__lte=F("delivery_promised_at"))),
    )
    value, settled = _value_rows(period)
    readings = Reading.objects.filter(_in("device_ts", period))
    devices = _per_bucket(readings, "device_ts", bucket, count=Count("device_id", distinct=True))
    devices_total = readings.aggregate(count=Count("device_id", distinct=True))["count"]
    opened: dict[date, int] = {}
    closed: dict[tuple[date, str], int] = {}
    attention = None
    if detailed:
        for row in _per_bucket(
            Tender.objects.filter(_in("published_at", period)),
            "published_at",
            bucket,
            count=Count("id"),
        ):
            opened[row["day"]] = row["count"]
        for row in _per_bucket(
            Tender.objects.filter(
                _in("closed_at", period),
                status__in=[TenderStatus.AWARDED, TenderStatus.NO_AWARD],
            ),
            "closed_at",
            bucket,
            "status",
            count=Count("id"),
        ):
            closed[(row["day"], row["status"])] = row["count"]
        attention = _attention(period, now)

    demand_counts = {row["day"]: row["count"] for row in demands}
    placed: dict[date, dict[str, int]] = {}
    for row in orders:
        phases = placed.setdefault(row["day"], {phase.value: 0 for phase in Phase})
        phases[PHASE_OF_STAGE.get(row["stage"], Phase.EXCEPTION)] += row["count"]
    delivered = {row["day"]: row for row in deliveries}
    active = {row["day"]: row["count"] for row in devices}

    rows = []
    for start in period.bucket_starts():
        phases = placed.get(start, {phase.value: 0 for phase in Phase})
        on_time = delivered.get(start, {})
        rows.append(
            BucketFigures(
                start=start,
                first_day=max(start, period.first),
                last_day=min(bucket_next(start, bucket) - timedelta(days=1), period.last),
                demands_raised=demand_counts.get(start, 0),
                tenders_opened=opened.get(start, 0),
                tenders_awarded=closed.get((start, TenderStatus.AWARDED), 0),
                tenders_no_award=closed.get((start, TenderStatus.NO_AWARD), 0),
                orders_placed=sum(phases.values()),
                orders_placed_by_phase=phases if detailed else {},
                deliveries_promised=on_time.get("promised", 0),
                deliveries_on_time=on_time.get("on_time", 0),
                orders_settled=settled.get(start, 0),
                value=value.get(start, ValueShare()),
                active_devices=active.get(start, 0),
            )
        )
    total_phases = {
        phase.value: sum(row.orders_placed_by_phase.get(phase, 0) for row in rows)
        for phase in Phase
    }
    totals = BucketFigures(
        start=period.first,
        first_day=period.first,
        last_day=period.last,
        demands_raised=sum(row.demands_raised for row in rows),
        tenders_opened=sum(row.tenders_opened for row in rows),
        tenders_awarded=sum(row.tenders_awarded for row in rows),
        tenders_no_award=sum(row.tenders_no_award for row in rows),
        orders_placed=sum(row.orders_placed for row in rows),
        orders_placed_by_phase=total_phases if detailed else {},
        deliveries_promised=sum(row.deliveries_promised for row in rows),
        deliveries_on_time=sum(row.deliveries_on_time for row in rows),
        orders_settled=sum(row.orders_settled for row in rows),
        value=sum((row.value for row in rows), ValueShare()),
        active_devices=devices_total,
    )
    return Numbers(
        period=period,
        headline=headline,
        buckets=tuple(rows),
        totals=totals,
        demands_by_status=demands_by_status,
        orders_by_stage=orders_by_stage,
        detailed=detailed,
        attention=attention,
    )
