"""The win-win value-added statements: ventures' and the platform's figures per period (reads).

Every figure comes from the record, never typed in: the settlements of completed orders and
their split lines (what each party received and the rule term behind it), the members' pay
lines, the orders (who was served, on time or not), the ratings (fans) and the ledger (the
compensation the platform paid). Each selector aggregates in the database, grouped by the
period bucket truncated in the site's time zone, so its query count does not grow with the rows.

Definitions (a venture V, a window [start, end)):

- users served: distinct buyers of V's orders delivered in the window;
- repeat users: of those, buyers who had an earlier delivered order with V;
- fans: people who rated V 4 or 5 stars before the window's end (as the ventures' record does);
- orders completed: V's orders settled in the window;
- revenue: V's positive split lines in settlements settled in the window (its price and surplus,
  and what it received as a supplier, a designer or the delivery venture of other orders);
- costs: its negative split lines (the supplies paid on its behalf, compensation recovered);
- marginal income: revenue − costs;
- shared with members: its members' pay lines of those settlements;
- shared with partners: what V's own orders' settlements paid other parties (suppliers,
  designers, the demand's author, the delivery venture), the platform's fee and margin aside;
- profit retained: marginal income − shared with members;
- on-time rate: of V's orders delivered in the window with a promise, the share delivered by it.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import Trunc
from django.utils.translation import gettext as _

from heyi.accounts.models import Role
from heyi.accounts.selectors import user_is_operator, user_role_list
from heyi.core.errors import NotFound
from heyi.ledger.errors import LedgerError, LedgerErrorCode
from heyi.ledger.models import AccountKindChoice, PostingKind, PostingLine
from heyi.ledger.share import Term
from heyi.orders.models import Order, OrderRating
from heyi.value.models import PayLine, Settlement, SplitLine, SplitParty
from heyi.ventures.errors import VenturesErrorCode
from heyi.ventures.models import Venture
from heyi.ventures.selectors import membership_is_active, venture_get

ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")
# A day statement over more than this many buckets is refused rather than drawn.
MAX_BUCKETS = 400


class Period(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"


def site_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True, slots=True)
class Figures:
    """A venture's (or all ventures') figures over one window."""

    users_served: int = 0
    repeat_users: int = 0
    fans: int = 0
    orders_completed: int = 0
    orders_delivered: int = 0
    revenue: Decimal = ZERO
    costs: Decimal = ZERO
    marginal_income: Decimal = ZERO
    shared_with_members: Decimal = ZERO
    shared_with_partners: Decimal = ZERO
    profit_retained: Decimal = ZERO
    on_time_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PlatformFigures:
    """The platform's own line: what it kept from the settlements and what it bore."""

    fees: Decimal = ZERO
    margin: Decimal = ZERO
    delivery: Decimal = ZERO
    compensation_paid: Decimal = ZERO
    compensation_recovered: Decimal = ZERO
    compensation_borne: Decimal = ZERO
    income: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class StatementRow:
    """One period bucket: [start, end) in the site's time zone, and its figures."""

    label: str
    start: date
    end: date
    figures: Figures
    platform: PlatformFigures | None = None


@dataclass(frozen=True, slots=True)
class VentureLine:
    venture: Venture
    figures: Figures


@dataclass(frozen=True, slots=True)
class Statement:
    period: Period
    start: date  # the first day shown
    end: date  # the last day shown (inclusive)
    rows: tuple[StatementRow, ...]
    totals: Figures
    platform_totals: PlatformFigures | None = None
    ventures: tuple[VentureLine, ...] = field(default=())
    venture: Venture | None = None

    @property
    def is_empty(self) -> bool:
        return self.totals.orders_completed == 0 and self.totals.revenue == 0


# --- windows and buckets ----------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=site_zone())


def period_parse(value: str | None) -> Period:
    try:
        return Period(value or Period.MONTH)
    except ValueError as error:
        raise LedgerError(
            LedgerErrorCode.PERIOD_INVALID,
            _("The period must be day, month or quarter."),
            status=422,
        ) from error


def window_parse(
    *, period: Period, start_text: str | None, end_text: str | None, today: date | None = None
) -> tuple[date, date]:
    """The first and last day (inclusive) asked for; by default the last six months or 30 days."""
    today = today or datetime.now(site_zone()).date()
    try:
        last = date.fromisoformat(end_text) if end_text else today
        if start_text:
            first = date.fromisoformat(start_text)
        elif period == Period.DAY:
            first = last - timedelta(days=29)
        else:
            first = _bucket_start(_month_shift(last.replace(day=1), -5), period)
    except ValueError as error:
        raise LedgerError(
            LedgerErrorCode.PERIOD_INVALID,
            _("Dates are written YYYY-MM-DD."),
            status=422,
        ) from error
    if first > last:
        raise LedgerError(
            LedgerErrorCode.PERIOD_INVALID,
            _("The first day must not be after the last."),
            status=422,
        )
    if len(_buckets(period, first, last)) > MAX_BUCKETS:
        raise LedgerError(
            LedgerErrorCode.PERIOD_INVALID,
            _("Ask for at most %(count)s periods at once.") % {"count": MAX_BUCKETS},
            status=422,
        )
    return first, last


def _month_shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _bucket_start(day: date, period: Period) -> date:
    if period == Period.DAY:
        return day
    if period == Period.MONTH:
        return day.replace(day=1)
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _bucket_next(day: date, period: Period) -> date:
    if period == Period.DAY:
        return day + timedelta(days=1)
    return _month_shift(day, 1 if period == Period.MONTH else 3)


def _bucket_label(day: date, period: Period) -> str:
    if period == Period.DAY:
        return day.isoformat()
    if period == Period.MONTH:
        return f"{day:%Y-%m}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _buckets(period: Period, first: date, last: date) -> list[date]:
    found = []
    current = _bucket_start(first, period)
    while current <= last:
        found.append(current)
        current = _bucket_next(current, period)
        if len(found) > MAX_BUCKETS:
            break
    return found


# --- the aggregating queries ------------------------------------------------------------------

Key = Any
KeyOf = Callable[[str, str], Combinable | None]


def _bucket_key(period: Period) -> KeyOf:
    def key_of(date_field: str, venture_field: str) -> Combinable:
        return Trunc(date_field, period.value, tzinfo=site_zone())

    return key_of


def _venture_key(date_field: str, venture_field: str) -> Combinable:
    return F(venture_field)


def _no_key(date_field: str, venture_field: str) -> None:
    return None


def _normal(key: Key) -> Key:
    """Buckets come back as aware datetimes: keep the local day they start on."""
    if isinstance(key, datetime):
        return key.astimezone(site_zone()).date()
    return key


def _grouped(
    queryset: QuerySet[Any], key: Combinable | None, **aggregates: Any
) -> dict[Key, dict[str, Any]]:
    if key is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.annotate(group_key=key).values("group_key").annotate(**aggregates).order_by()
    return {_normal(row["group_key"]): row for row in rows}


def _money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(ZERO)


# Split lines that went to someone other than the platform and the venture whose order it was.
PARTNER_LINE = Q(lines__party=SplitParty.USER) | (
    Q(lines__party=SplitParty.VENTURE) & ~Q(lines__venture_id=F("venture_id"))
)


def _collect(
    *, venture: Venture | None, start: datetime, end: datetime, key_of: KeyOf
) -> dict[Key, Figures]:
    """Figures (fans aside) per group; `key_of(date field, venture field)` says how to group.

    Four queries, whatever the number of rows.
    """
    received = SplitLine.objects.filter(
        party=SplitParty.VENTURE,
        settlement__settled_at__gte=start,
        settlement__settled_at__lt=end,
    )
    settlements = Settlement.objects.filter(
        venture__isnull=False, settled_at__gte=start, settled_at__lt=end
    )
    pay = PayLine.objects.filter(settlement__settled_at__gte=start, settlement__settled_at__lt=end)
    delivered = Order.objects.filter(
        venture__isnull=False, delivered_at__gte=start, delivered_at__lt=end
    )
    earlier = Order.objects.filter(
        user_id=OuterRef("user_id"), delivered_at__lt=OuterRef("delivered_at")
    )
    if venture is not None:
        received = received.filter(venture=venture)
        settlements = settlements.filter(venture=venture)
        pay = pay.filter(venture=venture)
        delivered = delivered.filter(venture=venture)
        earlier = earlier.filter(venture_id=OuterRef("venture_id"))
    elif key_of is _venture_key:
        earlier = earlier.filter(venture_id=OuterRef("venture_id"))
    else:
        # All ventures together: a buyer served before by any venture is a repeat user.
        earlier = earlier.filter(venture__isnull=False)
    delivered = delivered.annotate(served_before=Exists(earlier))

    received_rows = _grouped(
        received,
        key_of("settlement__settled_at", "venture_id"),
        revenue=Sum("amount", filter=Q(amount__gt=0)),
        costs=Sum("amount", filter=Q(amount__lt=0)),
    )
    settlement_rows = _grouped(
        settlements,
        key_of("settled_at", "venture_id"),
        completed=Count("id", distinct=True),
        partners=Sum("lines__amount", filter=PARTNER_LINE),
    )
    pay_rows = _grouped(pay, key_of("settlement__settled_at", "venture_id"), members=Sum("amount"))
    order_rows = _grouped(
        delivered,
        key_of("delivered_at", "venture_id"),
        users=Count("user_id", distinct=True),
        repeat=Count("user_id", distinct=True, filter=Q(served_before=True)),
        orders=Count("id"),
        promised=Count("id", filter=Q(promised_by__isnull=False)),
        on_time=Count("id", filter=Q(delivered_at__lte=F("promised_by"))),
    )
    figures: dict[Key, Figures] = {}
    for key in set(received_rows) | set(settlement_rows) | set(pay_rows) | set(order_rows):
        got = received_rows.get(key, {})
        done = settlement_rows.get(key, {})
        orders = order_rows.get(key, {})
        revenue = _money(got.get("revenue"))
        costs = -_money(got.get("costs"))
        members = _money(pay_rows.get(key, {}).get("members"))
        promised = orders.get("promised") or 0
        on_time = orders.get("on_time") or 0
        figures[key] = Figures(
            users_served=orders.get("users") or 0,
            repeat_users=orders.get("repeat") or 0,
            orders_completed=done.get("completed") or 0,
            orders_delivered=orders.get("orders") or 0,
            revenue=revenue,
            costs=costs,
            marginal_income=revenue - costs,
            shared_with_members=members,
            shared_with_partners=_money(done.get("partners")),
            profit_retained=revenue - costs - members,
            on_time_rate=(
                (Decimal(on_time) / Decimal(promised)).quantize(RATE_PLACES) if promised else None
            ),
        )
    return figures


def _fan_firsts(*, venture: Venture | None, end: datetime) -> list[tuple[int, int, datetime]]:
    """(venture id, person id, first 4-or-5-star rating) of every fan before `end`: one query."""
    fans = OrderRating.objects.filter(stars__gte=4, created_at__lt=end)
    if venture is not None:
        fans = fans.filter(venture=venture)
    rows = fans.values("venture_id", "user_id").annotate(first=Min("created_at")).order_by()
    return [(row["venture_id"], row["user_id"], row["first"]) for row in rows]


def _fans_by_bucket(
    fan_firsts: Iterable[tuple[int, int, datetime]], bucket_ends: dict[date, datetime]
) -> dict[date, int]:
    """A fan stays a fan: each bucket counts the people who became one before its end."""
    firsts: dict[int, datetime] = {}
    for _venture_id, user_id, first in fan_firsts:
        firsts[user_id] = min(first, firsts.get(user_id, first))
    return {
        bucket: sum(1 for first in firsts.values() if first < bucket_end)
        for bucket, bucket_end in bucket_ends.items()
    }


def venture_figures(*, venture: Venture, start: datetime, end: datetime) -> Figures:
    """The venture's figures over [start, end) (see the module's definitions): five queries."""
    found = _collect(venture=venture, start=start, end=end, key_of=_no_key).get(None, Figures())
    fans = {user_id for _venture_id, user_id, _first in _fan_firsts(venture=venture, end=end)}
    return replace(found, fans=len(fans))


def _platform_rows(*, start: datetime, end: datetime, key_of: KeyOf) -> dict[Key, PlatformFigures]:
    """The platform's own line per group: its split lines by term and the compensation it paid."""
    lines = SplitLine.objects.filter(
        party=SplitParty.PLATFORM,
        settlement__settled_at__gte=start,
        settlement__settled_at__lt=end,
    )
    key = key_of("settlement__settled_at", "venture_id")
    terms: QuerySet[Any, Any] = (
        lines.values("term")
        if key is None
        else lines.annotate(group_key=key).values("group_key", "term")
    )
    term_rows = terms.annotate(amount=Sum("amount")).order_by()
    paid = PostingLine.objects.filter(
        account__kind=AccountKindChoice.PLATFORM,
        posting__kind=PostingKind.COMPENSATION,
        posting__posted_at__gte=start,
        posting__posted_at__lt=end,
    )
    paid_rows = _grouped(paid, key_of("posting__posted_at", "account_id"), amount=Sum("amount"))
    by_key: dict[Key, dict[str, Decimal]] = {}
    for row in term_rows:
        group = _normal(row.get("group_key"))
        by_key.setdefault(group, {})[row["term"]] = _money(row["amount"])
    result: dict[Key, PlatformFigures] = {}
    for group in set(by_key) | set(paid_rows):
        amounts = by_key.get(group, {})
        fees = amounts.get(Term.PLATFORM_FEE, ZERO)
        margin = amounts.get(Term.PLATFORM_MARGIN, ZERO)
        delivery = amounts.get(Term.DELIVERY_FEE, ZERO)
        recovered = amounts.get(Term.COMPENSATION_RECOVERED, ZERO)
        compensation = -_money(paid_rows.get(group, {}).get("amount"))
        result[group] = PlatformFigures(
            fees=fees,
            margin=margin,
            delivery=delivery,
            compensation_paid=compensation,
            compensation_recovered=recovered,
            compensation_borne=compensation - recovered,
            income=fees + margin + delivery + recovered - compensation,
        )
    return result


def _window(first: date, last: date) -> tuple[datetime, datetime]:
    return _local_midnight(first), _local_midnight(last + timedelta(days=1))


def _rows(
    *,
    period: Period,
    first: date,
    last: date,
    figures: dict[Key, Figures],
    fans: list[tuple[int, int, datetime]],
    platform: dict[Key, PlatformFigures] | None,
) -> tuple[StatementRow, ...]:
    buckets = _buckets(period, first, last)
    bucket_ends = {
        bucket: _local_midnight(min(_bucket_next(bucket, period), last + timedelta(days=1)))
        for bucket in buckets
    }
    fan_counts = _fans_by_bucket(fans, bucket_ends)
    rows = []
    for bucket in buckets:
        shown_start = max(bucket, first)
        shown_end = min(_bucket_next(bucket, period), last + timedelta(days=1))
        rows.append(
            StatementRow(
                label=_bucket_label(bucket, period),
                start=shown_start,
                end=shown_end - timedelta(days=1),
                figures=replace(figures.get(bucket, Figures()), fans=fan_counts[bucket]),
                platform=(
                    platform.get(bucket, PlatformFigures()) if platform is not None else None
                ),
            )
        )
    return tuple(rows)


def venture_statement(*, venture: Venture, period: Period, first: date, last: date) -> Statement:
    """The venture's statement per period bucket from `first` to `last` (days, inclusive).

    Nine queries whatever the number of orders and buckets.
    """
    start, end = _window(first, last)
    fans = _fan_firsts(venture=venture, end=end)
    buckets = _collect(venture=venture, start=start, end=end, key_of=_bucket_key(period))
    totals = _collect(venture=venture, start=start, end=end, key_of=_no_key).get(None, Figures())
    return Statement(
        period=period,
        start=first,
        end=last,
        rows=_rows(
            period=period, first=first, last=last, figures=buckets, fans=fans, platform=None
        ),
        totals=replace(totals, fans=len({user_id for _v, user_id, _f in fans})),
        venture=venture,
    )


def platform_statement(*, period: Period, first: date, last: date) -> Statement:
    """All ventures together per period bucket, the platform's own line, and each venture's totals.

    A constant number of queries (eighteen), whatever the number of orders, buckets and ventures.
    """
    start, end = _window(first, last)
    fans = _fan_firsts(venture=None, end=end)
    bucket_key = _bucket_key(period)
    buckets = _collect(venture=None, start=start, end=end, key_of=bucket_key)
    totals = _collect(venture=None, start=start, end=end, key_of=_no_key).get(None, Figures())
    per_venture = _collect(venture=None, start=start, end=end, key_of=_venture_key)
    platform = _platform_rows(start=start, end=end, key_of=bucket_key)
    platform_totals = _platform_rows(start=start, end=end, key_of=_no_key).get(
        None, PlatformFigures()
    )
    fans_per_venture: dict[int, set[int]] = {}
    for venture_id, user_id, _first in fans:
        fans_per_venture.setdefault(venture_id, set()).add(user_id)
    venture_ids = set(per_venture) | set(fans_per_venture)
    ventures = Venture.objects.in_bulk(venture_ids)
    lines = sorted(
        (
            VentureLine(
                venture=ventures[venture_id],
                figures=replace(
                    per_venture.get(venture_id, Figures()),
                    fans=len(fans_per_venture.get(venture_id, set())),
                ),
            )
            for venture_id in venture_ids
        ),
        key=lambda line: (-line.figures.revenue, line.venture.name),
    )
    return Statement(
        period=period,
        start=first,
        end=last,
        rows=_rows(
            period=period, first=first, last=last, figures=buckets, fans=fans, platform=platform
        ),
        totals=replace(totals, fans=len({user_id for _v, user_id, _f in fans})),
        platform_totals=platform_totals,
        ventures=tuple(lines),
    )


# --- who may read a statement, and its CSV ----------------------------------------------------


def venture_statement_visible(*, venture: Venture, user: Any) -> bool:
    """A venture's statement is for its active members, operators, and, when the venture
    publishes to investors, people with the investor role."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_is_operator(user) or membership_is_active(venture=venture, user=user):
        return True
    return venture.publishes_to_investors and Role.INVESTOR in user_role_list(user=user)


def venture_get_for_statement(*, slug: str, user: Any) -> Venture:
    """The venture whose statement `user` asks for; one they may not read does not exist (404),
    so a rival learns nothing, not even that there is something to hide."""
    venture = venture_get(slug=slug)
    if not venture_statement_visible(venture=venture, user=user):
        raise NotFound(
            _("No venture called “%(slug)s”.") % {"slug": slug},
            code=VenturesErrorCode.VENTURE_NOT_FOUND,
        )
    return venture


FIGURE_COLUMNS = (
    "users_served",
    "repeat_users",
    "fans",
    "orders_delivered",
    "on_time_rate",
    "orders_completed",
    "revenue",
    "costs",
    "marginal_income",
    "shared_with_members",
    "shared_with_partners",
    "profit_retained",
)
PLATFORM_COLUMNS = (
    "fees",
    "margin",
    "delivery",
    "compensation_paid",
    "compensation_recovered",
    "compensation_borne",
    "income",
)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def statement_csv_rows(statement: Statement) -> list[list[str]]:
    """The statement as CSV rows: a header, one row per period, then the totals (and, for the
    platform, its own columns and one row per venture over the whole window)."""
    platform = statement.platform_totals is not None
    header = ["period", "first_day", "last_day", *FIGURE_COLUMNS]
    if platform:
        header = ["venture", *header, *(f"platform_{name}" for name in PLATFORM_COLUMNS)]
    rows = [header]

    def line(
        label: str, first: date, last: date, figures: Figures, own: PlatformFigures | None
    ) -> list[str]:
        cells = [label, first.isoformat(), last.isoformat()]
        cells += [_cell(getattr(figures, name)) for name in FIGURE_COLUMNS]
        if platform:
            cells = ["", *cells]
            cells += [_cell(getattr(own, name)) if own else "" for name in PLATFORM_COLUMNS]
        return cells

    for row in statement.rows:
        rows.append(line(row.label, row.start, row.end, row.figures, row.platform))
    rows.append(
        line("total", statement.start, statement.end, statement.totals, statement.platform_totals)
    )
    for venture_line in statement.ventures:
        cells = line("total", statement.start, statement.end, venture_line.figures, None)
        cells[0] = venture_line.venture.slug
        rows.append(cells)
    return rows
