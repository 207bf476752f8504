"""Reads of orders: one order for its viewer, a person's and a venture's orders, the timeline."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import NotFound, PermissionDenied
from heyi.orders.errors import OrdersErrorCode
from heyi.orders.models import Fulfilment, Order, OrderEvent, OrderRating, OrderStage
from heyi.orders.stages import MAIN_LINE, Party, Rule, Stage, moves_for
from heyi.ventures.models import Venture
from heyi.ventures.selectors import membership_is_active

# The moves a standard order not yet allocated to a venture may make.
UNALLOCATED_MOVES = frozenset({Stage.PAID, Stage.CANCELLED, Stage.REFUNDED})


def _order_queryset() -> QuerySet[Order]:
    return Order.objects.select_related(
        "demand", "product", "venture", "user", "pre_order", "rating"
    )


def order_parties(*, order: Order, user: Any) -> frozenset[Party]:
    """The parts a person holds on an order: its buyer, a member of its venture, an operator."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    parties = set()
    if order.user_id == user.pk:
        parties.add(Party.USER)
    if order.venture is not None and membership_is_active(venture=order.venture, user=user):
        parties.add(Party.VENTURE)
    if user_is_operator(user):
        parties.add(Party.OPERATOR)
    return frozenset(parties)


def order_get(*, number: int) -> Order:
    try:
        return _order_queryset().get(number=number)
    except Order.DoesNotExist as error:
        raise NotFound(
            _("Order O%(number)d does not exist.") % {"number": number},
            code=OrdersErrorCode.ORDER_NOT_FOUND,
        ) from error


def order_get_for_viewer(*, number: int, user: Any) -> Order:
    """An order its buyer, its venture's members or an operator may see; 404 for anyone else,
    so that order numbers do not reveal who bought what."""
    order = order_get(number=number)
    if not order_parties(order=order, user=user):
        raise NotFound(
            _("Order O%(number)d does not exist.") % {"number": number},
            code=OrdersErrorCode.ORDER_NOT_FOUND,
        )
    return order


def order_list_for_user(*, user: Any) -> QuerySet[Order]:
    """The person's orders, newest first (none for an anonymous visitor)."""
    if not getattr(user, "is_authenticated", False):
        return Order.objects.none()
    return _order_queryset().filter(user=user)


def order_list_for_venture(*, venture: Venture, user: Any) -> QuerySet[Order]:
    """The venture's order board: its members and operators only."""
    if not (membership_is_active(venture=venture, user=user) or user_is_operator(user)):
        raise PermissionDenied(
            _("Only the venture's members see its orders."),
            code=OrdersErrorCode.NOT_VENTURE_MEMBER,
        )
    return _order_queryset().filter(venture=venture)


def order_event_list(*, order: Order) -> QuerySet[OrderEvent]:
    """The order's timeline, oldest first."""
    return (
        OrderEvent.objects.filter(order=order).select_related("actor").order_by("occurred_at", "id")
    )


def order_list_with_events(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Orders with their timelines in one more query, for boards that show the last step."""
    return orders.prefetch_related(
        Prefetch("events", queryset=OrderEvent.objects.order_by("occurred_at", "id"))
    )


def order_moves(*, order: Order, parties: frozenset[Party]) -> list[tuple[Stage, Rule]]:
    """The stage moves the holder of `parties` may offer on this order (as page forms)."""
    moves = moves_for(
        order.stage, parties=parties, resumed_from=order.stage_before_exception or None
    )
    if order.stage == OrderStage.QUALITY_CHECKED:
        # Shipping waits for the user's approval of the sample and their delivery slot.
        ready = order.sample_status == "approved" and order.delivery_date is not None
        moves = [move for move in moves if move[0] != Stage.SHIPPED or ready]
    if order.paid_at is None:
        moves = [move for move in moves if move[0] != Stage.REFUNDED]
    from_stock = order.fulfilment == Fulfilment.STOCK
    if order.stage == OrderStage.CONFIRMED and not from_stock:
        # Only an order served from stock ships straight after confirmation.
        moves = [move for move in moves if move[0] != Stage.SHIPPED]
    if order.venture_id is None and not from_stock:
        # A standard order goes no further than paid until the daily contention allocates it.
        moves = [move for move in moves if move[0] in UNALLOCATED_MOVES]
    return moves


def venture_rating_summary(*, venture_ids: list[int]) -> dict[int, tuple[Decimal, int]]:
    """Each venture's mean rating (two places) and number of ratings, for its record.

    Ventures without ratings are left out; the caller applies its default.
    """
    rows = (
        OrderRating.objects.filter(venture_id__in=venture_ids)
        .values("venture_id")
        .annotate(mean=Avg("stars"), count=Count("id"))
    )
    return {
        row["venture_id"]: (Decimal(str(row["mean"])).quantize(Decimal("0.01")), row["count"])
        for row in rows
    }


ON_TIME_PLACES = Decimal("0.0001")


def venture_record(venture_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Each venture's record from its orders, for contention's scoring (a record provider).

    - on_time_rate: of its delivered orders that carried a promise, the share delivered by then;
    - rating: the mean of its ratings, 2 places;
    - fans: how many different people rated it 4 or 5 stars.
    A venture without deliveries or ratings is left out, so it keeps the defaults (zero).
    """
    record: dict[int, dict[str, Decimal]] = {}
    delivered = (
        Order.objects.filter(
            venture_id__in=venture_ids, delivered_at__isnull=False, promised_by__isnull=False
        )
        .values("venture_id")
        .annotate(
            total=Count("id"),
            on_time=Count("id", filter=Q(delivered_at__lte=F("promised_by"))),
        )
    )
    for row in delivered:
        rate = Decimal(row["on_time"]) / Decimal(row["total"])
        record.setdefault(row["venture_id"], {})["on_time_rate"] = rate.quantize(ON_TIME_PLACES)
    for venture_id, (mean, _count) in venture_rating_summary(venture_ids=venture_ids).items():
        record.setdefault(venture_id, {})["rating"] = mean
    fans = (
        OrderRating.objects.filter(venture_id__in=venture_ids, stars__gte=4)
        .values("venture_id")
        .annotate(people=Count("user_id", distinct=True))
    )
    for row in fans:
        record.setdefault(row["venture_id"], {})["fans"] = Decimal(row["people"])
    return record


# An order in one of these stages has not reached its user yet.
UNDELIVERED_STAGES = tuple(
    stage.value for stage in (*MAIN_LINE[: MAIN_LINE.index(Stage.DELIVERED)], Stage.EXCEPTION)
)


def order_list_late_ids(*, now: datetime) -> list[int]:
    """Orders past their promise, not delivered, whose user has not been told yet."""
    return list(
        Order.objects.filter(
            promised_by__lt=now,
            delivered_at__isnull=True,
            delay_noticed_at__isnull=True,
            stage__in=UNDELIVERED_STAGES,
        )
        .order_by("promised_by", "pk")
        .values_list("pk", flat=True)
    )
