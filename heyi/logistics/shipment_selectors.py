"""Reads of shipments and compensations: an order's shipment for its viewer, the route it is on,
the orders whose delivery promise ran out, and the compensations a person may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import NotFound
from heyi.logistics.errors import LogisticsErrorCode
from heyi.logistics.models import Compensation, Route, RouteStop, Shipment
from heyi.orders import order_selectors
from heyi.orders.models import Order, OrderEventKind, OrderStage
from heyi.orders.stages import Party

# Orders in these stages are never compensated: nothing is owed for what was not bought or kept.
NOT_COMPENSATED_STAGES = (OrderStage.PLACED, OrderStage.CANCELLED, OrderStage.REFUNDED)


def _not_found(number: int) -> NotFound:
    return NotFound(
        _("Order O%(number)d has no shipment.") % {"number": number},
        code=LogisticsErrorCode.SHIPMENT_NOT_FOUND,
    )


def shipment_for_order(*, order: Order) -> Shipment | None:
    return Shipment.objects.select_related("order", "centre", "station").filter(order=order).first()


def shipment_get(*, order_number: int) -> Shipment:
    """The shipment of an order, for the services that check who may act on it."""
    shipment = (
        Shipment.objects.select_related("order", "centre", "station")
        .filter(order__number=order_number)
        .first()
    )
    if shipment is None:
        raise _not_found(order_number)
    return shipment


def shipment_get_for_viewer(*, order_number: int, user: Any) -> tuple[Shipment, bool]:
    """The shipment of an order its buyer, its maker's members or an operator may see (404 for
    anyone else), and whether the viewer may see the delivery code: only the buyer, until used."""
    order = order_selectors.order_get_for_viewer(number=order_number, user=user)
    shipment = shipment_for_order(order=order)
    if shipment is None:
        raise _not_found(order_number)
    parties = order_selectors.order_parties(order=order, user=user)
    return shipment, Party.USER in parties and shipment.code_used_at is None


def shipment_route(*, shipment: Shipment) -> Route | None:
    """The route the shipment was last planned on (a replanned wave gives it a newer stop)."""
    stop = (
        RouteStop.objects.filter(shipment=shipment)
        .select_related("route__venture", "route__plan")
        .order_by("-created_at", "-id")
        .first()
    )
    return stop.route if stop is not None else None


def order_shipped_at(*, order: Order) -> datetime | None:
    """When the order first moved to shipped (its maker handed the goods over)."""
    event = (
        order_selectors.order_event_list(order=order)
        .filter(kind=OrderEventKind.STAGE, to_stage=OrderStage.SHIPPED)
        .first()
    )
    return event.occurred_at if event is not None else None


def order_list_missed_promise_ids(*, now: datetime) -> list[int]:
    """Paid orders whose delivery promise passed before they were delivered, not compensated
    yet; cancelled and refunded orders are never compensated."""
    return list(
        Order.objects.filter(
            delivery_promised_at__lt=now,
            paid_at__isnull=False,
            compensation__isnull=True,
        )
        .filter(Q(delivered_at__isnull=True) | Q(delivered_at__gt=F("delivery_promised_at")))
        .exclude(stage__in=NOT_COMPENSATED_STAGES)
        .order_by("delivery_promised_at", "pk")
        .values_list("pk", flat=True)
    )


def compensation_list_for_user(*, user: Any) -> QuerySet[Compensation]:
    """Every compensation for an operator; a person's own otherwise (none when signed out)."""
    compensations = Compensation.objects.select_related("order", "venture", "station", "centre")
    if user_is_operator(user):
        return compensations.order_by("-detected_at", "-id")
    if not getattr(user, "is_authenticated", False):
        return compensations.none()
    return compensations.filter(order__user=user).order_by("-detected_at", "-id")
