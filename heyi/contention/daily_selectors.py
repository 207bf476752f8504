"""Reads of the daily order contention: standing bids for their venture, runs for everybody."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.contention.errors import ContentionErrorCode
from heyi.contention.models import DailyRun, DailyRunLine, StandingBid, StandingBidStatus
from heyi.core.errors import NotFound, PermissionDenied
from heyi.products.models import Product
from heyi.ventures.models import Venture
from heyi.ventures.selectors import membership_is_active


def standing_bid_list_for_venture(*, venture: Venture, viewer: Any) -> QuerySet[StandingBid]:
    """A venture's standing bids, for its members and operators (what it won is public in the
    runs' tables; what it offers and did not win is not)."""
    if not (membership_is_active(venture=venture, user=viewer) or user_is_operator(viewer)):
        raise PermissionDenied(
            _("Only the venture's members see its standing bids."),
            code=ContentionErrorCode.NOT_MEMBER,
        )
    return StandingBid.objects.filter(venture=venture).select_related("product")


def standing_bid_counts(*, products: list[Product]) -> dict[int, int]:
    """How many ventures hold an active standing bid on each product: public knowledge."""
    return dict(
        StandingBid.objects.filter(product__in=products, status=StandingBidStatus.ACTIVE)
        .values_list("product_id")
        .annotate(count=Count("id"))
        .values_list("product_id", "count")
    )


def daily_run_list() -> QuerySet[DailyRun]:
    return DailyRun.objects.all()


def daily_run_get(*, number: int) -> DailyRun:
    try:
        return DailyRun.objects.get(number=number)
    except DailyRun.DoesNotExist as error:
        raise NotFound(
            _("Daily contention run D%(number)d does not exist.") % {"number": number},
            code=ContentionErrorCode.DAILY_RUN_NOT_FOUND,
        ) from error


def daily_run_last(*, run_on: Any, trigger: str) -> DailyRun | None:
    return DailyRun.objects.filter(run_on=run_on, trigger=trigger).order_by("-number").first()


@dataclass(frozen=True)
class DailyRunRow:
    """The public table of a run: per venture and product, the orders and units it was given."""

    venture: Venture | None
    product: Product
    orders: int
    units: int
    unit_price: Decimal | None
    lead_time_days: int | None


def daily_run_table(*, run: DailyRun) -> list[DailyRunRow]:
    rows = list(
        DailyRunLine.objects.filter(run=run)
        .values("venture_id", "product_id", "unit_price", "lead_time_days")
        .annotate(orders=Count("id"), units=Sum("quantity"))
        .order_by("product_id", "unit_price", "venture_id")
    )
    ventures = Venture.objects.in_bulk({row["venture_id"] for row in rows if row["venture_id"]})
    products = Product.objects.in_bulk({row["product_id"] for row in rows})
    table = [
        DailyRunRow(
            venture=ventures.get(row["venture_id"]) if row["venture_id"] else None,
            product=products[row["product_id"]],
            orders=row["orders"],
            units=row["units"],
            unit_price=row["unit_price"],
            lead_time_days=row["lead_time_days"],
        )
        for row in rows
    ]
    return sorted(
        table, key=lambda row: (row.product.name, row.venture is None, row.unit_price or 0)
    )
