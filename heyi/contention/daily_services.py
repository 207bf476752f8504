"""Writes of the daily order contention: ventures' standing bids, and recording a day's run.

Standard orders (of products on sale, not made to order) are not contested one tender at a
time: once a day every waiting order is allocated across the ventures that hold a standing bid
on its product, at minimum total cost within each venture's daily capacity, by the exact
allocation core (`allocation.allocate_daily_orders`). Contention does not know orders (they
live a layer above); the orders app hands the run plain `DailyOrderInput`s and applies the
answer to its rows in the same transaction.

The published cost rule: an order of q units at a venture costs
(unit price + HEYI_DAILY_LEAD_TIME_PENALTY × lead time in days) × q; the run minimises the sum
over the day's orders. An order is left waiting for the next run only when no eligible venture
has room for it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require
from heyi.contention import allocation
from heyi.contention.errors import ContentionDomainError, ContentionErrorCode
from heyi.contention.models import (
    DailyRun,
    DailyRunLine,
    DailyRunTrigger,
    StandingBid,
    StandingBidStatus,
)
from heyi.contention.services import (
    LEAD_TIME_MAX_DAYS,
    _money,
    _require_member,
    _whole,
)
from heyi.core.audit import audit_record
from heyi.core.numbering import numbered_create
from heyi.products.models import Product
from heyi.ventures.models import Venture, VentureKind, VentureStatus

# Ventures that may hold standing bids and be allocated orders.
DAILY_KINDS = (VentureKind.MAKER,)
DAILY_STATUSES = (
    VentureStatus.INCUBATING,
    VentureStatus.ACCELERATING,
    VentureStatus.RAISING,
    VentureStatus.SPUN_OFF,
)
NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class DailyOrderInput:
    """A waiting standard order as the run sees it."""

    uid: uuid.UUID
    product_id: int
    quantity: int


@dataclass(frozen=True)
class DailyAward:
    """Where one order went: the venture, its standing bid's unit price and lead time."""

    venture: Venture
    unit_price: Decimal
    lead_time_days: int


def daily_rule() -> dict[str, str]:
    """The cost rule every run publishes and records."""
    return {
        "lead_time_penalty_per_unit_day": str(settings.HEYI_DAILY_LEAD_TIME_PENALTY),
        "time_limit_seconds": str(settings.HEYI_DAILY_CONTENTION_SECONDS),
        "objective": "minimum total of (unit price + penalty × lead time days) × quantity",
        "capacity": "each venture's capacity per day, less what earlier runs that day gave it",
    }


# --- standing bids ------------------------------------------------------------------------


def _standing_eligibility_check(*, venture: Venture, product: Product) -> None:
    if venture.kind not in DAILY_KINDS or venture.status not in DAILY_STATUSES:
        raise ContentionDomainError(
            ContentionErrorCode.NOT_ELIGIBLE,
            _("Only makers that are incubating, active or spun off may hold standing bids."),
        )
    if not product.is_on_sale:
        raise ContentionDomainError(
            ContentionErrorCode.PRODUCT_NOT_ON_SALE,
            _("%(product)s is not on sale.") % {"product": product.name},
        )


@transaction.atomic
def standing_bid_set(
    *,
    venture: Venture,
    product: Product,
    actor: Any,
    unit_price: Decimal | str,
    lead_time_days: int,
) -> StandingBid:
    """Place or revise a venture's standing bid on a product; it counts from the next run."""
    _require_member(venture=venture, actor=actor)
    _standing_eligibility_check(venture=venture, product=product)
    price = _money(
        unit_price,
        field=_("Unit price"),
        code=ContentionErrorCode.INVALID_PRICE,
        allow_zero=False,
    )
    lead_time = _whole(
        lead_time_days,
        field=_("Lead time"),
        code=ContentionErrorCode.INVALID_LEAD_TIME,
        lowest=0,
        highest=LEAD_TIME_MAX_DAYS,
    )
    bid, created = StandingBid.objects.select_for_update().get_or_create(
        venture=venture,
        product=product,
        defaults={"unit_price": price, "lead_time_days": lead_time, "submitted_by": actor},
    )
    if not created:
        bid.unit_price = price
        bid.lead_time_days = lead_time
        bid.status = StandingBidStatus.ACTIVE
        bid.revision += 1
        bid.submitted_by = actor
        bid.save()
    audit_record(
        type="contention.standing_bid.placed" if created else "contention.standing_bid.revised",
        summary=f"{venture.name} bids on {product.name}: ¥{price}, {lead_time} days",
        actor=actor,
        subject=bid,
        data={
            "venture": venture.slug,
            "product": product.slug,
            "unit_price": str(price),
            "lead_time_days": lead_time,
            "revision": bid.revision,
        },
        is_public=False,
    )
    return bid


@transaction.atomic
def standing_bid_pause(*, venture: Venture, product: Product, actor: Any) -> StandingBid:
    """Take a standing bid out of the coming runs (placing it again brings it back)."""
    _require_member(venture=venture, actor=actor)
    bid = StandingBid.objects.select_for_update().filter(venture=venture, product=product).first()
    if bid is None:
        raise ContentionDomainError(
            ContentionErrorCode.STANDING_BID_NOT_FOUND,
            _("%(venture)s has no standing bid on %(product)s.")
            % {"venture": venture.name, "product": product.name},
            status=404,
        )
    if bid.status != StandingBidStatus.PAUSED:
        bid.status = StandingBidStatus.PAUSED
        bid.save(update_fields=["status", "updated_at"])
        audit_record(
            type="contention.standing_bid.paused",
            summary=f"{venture.name} paused its bid on {product.name}",
            actor=actor,
            subject=bid,
            data={"venture": venture.slug, "product": product.slug},
            is_public=False,
        )
    return bid


# --- the day's run --------------------------------------------------------------------------


def _capacity_left(*, ventures: Sequence[Venture], run_on: date) -> dict[int, int]:
    """Each venture's daily capacity less the units earlier runs of the same day gave it."""
    used = dict(
        DailyRunLine.objects.filter(
            run__run_on=run_on, venture_id__in=[venture.pk for venture in ventures]
        )
        .values_list("venture_id")
        .annotate(units=Sum("quantity"))
        .values_list("venture_id", "units")
    )
    return {
        venture.pk: max(0, venture.capacity_per_day - (used.get(venture.pk) or 0))
        for venture in ventures
    }


def daily_run_record(
    *,
    orders: Sequence[DailyOrderInput],
    run_on: date,
    trigger: str = DailyRunTrigger.SCHEDULE,
    actor: Any = None,
) -> tuple[DailyRun, dict[uuid.UUID, DailyAward]]:
    """Allocate the given orders and record the run; return it and where each order went.

    Call it inside the caller's transaction, with the orders locked, so that the run and the
    orders' new ventures commit together or not at all.
    """
    if trigger == DailyRunTrigger.OPERATOR:
        operator_require(actor)
    product_ids = sorted({order.product_id for order in orders})
    bids = list(
        StandingBid.objects.filter(
            product_id__in=product_ids,
            status=StandingBidStatus.ACTIVE,
            venture__kind__in=DAILY_KINDS,
            venture__status__in=DAILY_STATUSES,
            venture__capacity_per_day__gt=0,
        )
        .select_related("venture")
        .order_by("venture_id", "product_id")
    )
    ventures = {bid.venture_id: bid.venture for bid in bids}
    capacity = _capacity_left(ventures=list(ventures.values()), run_on=run_on)
    penalty = Decimal(settings.HEYI_DAILY_LEAD_TIME_PENALTY)
    result = allocation.allocate_daily_orders(
        [allocation.Venture(id=str(pk), capacity=capacity[pk]) for pk in sorted(ventures)],
        [
            allocation.Order(id=str(order.uid), product=str(order.product_id), size=order.quantity)
            for order in orders
        ],
        [
            allocation.StandingBid(
                venture_id=str(bid.venture_id),
                product=str(bid.product_id),
                unit_price=bid.unit_price,
                lead_time_days=bid.lead_time_days,
            )
            for bid in bids
        ],
        time_limit_seconds=float(settings.HEYI_DAILY_CONTENTION_SECONDS),
        lead_time_penalty_per_unit_day=penalty,
    )
    bid_of = {(bid.venture_id, bid.product_id): bid for bid in bids}
    awards: dict[uuid.UUID, DailyAward] = {}
    for order in orders:
        venture_id = result.assignments.get(str(order.uid))
        if venture_id is None:
            continue
        bid = bid_of[(int(venture_id), order.product_id)]
        awards[order.uid] = DailyAward(
            venture=ventures[int(venture_id)],
            unit_price=bid.unit_price,
            lead_time_days=bid.lead_time_days,
        )
    run = numbered_create(
        DailyRun,
        attempts=NUMBER_ATTEMPTS,
        run_on=run_on,
        trigger=trigger,
        triggered_by=actor if trigger == DailyRunTrigger.OPERATOR else None,
        rule=daily_rule(),
        order_count=len(orders),
        unit_count=sum(order.quantity for order in orders),
        allocated_count=len(awards),
        unallocated_count=len(orders) - len(awards),
        venture_count=len({award.venture.pk for award in awards.values()}),
        total_price=result.total_price,
        objective=result.objective,
        bound=result.bound,
        solver_status=str(result.status),
        method=str(result.method),
        seconds=result.seconds,
    )
    if run is None:
        raise ContentionDomainError(
            ContentionErrorCode.NUMBER_ALLOCATION_FAILED,
            _("Could not number the run; please try again."),
        )
    lines = []
    for order in orders:
        award = awards.get(order.uid)
        lines.append(
            DailyRunLine(
                run=run,
                subject_uid=order.uid,
                product_id=order.product_id,
                quantity=order.quantity,
                venture=award.venture if award else None,
                unit_price=award.unit_price if award else None,
                lead_time_days=award.lead_time_days if award else None,
            )
        )
    DailyRunLine.objects.bulk_create(lines, batch_size=2000)
    per_venture: dict[str, int] = defaultdict(int)
    for award in awards.values():
        per_venture[award.venture.slug] += 1
    audit_record(
        type="contention.daily_run.completed",
        summary=(
            f"Daily contention D{run.number}: {run.allocated_count} of {run.order_count} orders "
            f"allocated to {run.venture_count} ventures"
        ),
        actor=actor,
        subject=run,
        data={
            "run_on": run_on.isoformat(),
            "orders": run.order_count,
            "allocated": run.allocated_count,
            "total_price": str(run.total_price),
            "objective": run.objective,
            "bound": run.bound,
            "status": run.solver_status,
            "per_venture": dict(sorted(per_venture.items())),
        },
    )
    return run, awards


def daily_run_date(*, now: Any = None) -> date:
    """The platform's day (in its time zone) a run at `now` belongs to."""
    return timezone.localdate(now or timezone.now())
