"""Writes of fulfilment: allocate an order to a centre and a station, reserve and release stock.

An order is allocated when it is written (standard orders at checkout, made-to-order ones when
their tender is awarded): the station nearest its delivery point, and for a standard product a
centre in reach holding the units free, tried nearest first. Each try is one conditional UPDATE

    UPDATE stock SET reserved = reserved + q WHERE id = … AND on_hand >= reserved + q

which the database evaluates on the row it locks, so two orders racing for the last unit
cannot both take it: the loser tries the next centre, and with none left its order is made to
order. Releasing (a cancelled order) gives the units back once; shipped units leave `on_hand`
and `reserved` together (the steps of the shipment).

`LogisticsFulfilment` is what `LogisticsConfig.ready()` registers in `heyi.orders.fulfilment`.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput
from heyi.logistics import fulfilment_selectors
from heyi.logistics.errors import LogisticsDomainError, LogisticsErrorCode
from heyi.logistics.models import DistributionCentre, Shipment, Stock
from heyi.logistics.network_core import haversine_km
from heyi.logistics.promise import CentreOption, promise_quote, stock_candidates
from heyi.orders.fulfilment import Promise
from heyi.orders.models import Order
from heyi.products.models import Product

STOCK_MAX = 1_000_000


def delivery_code_draw() -> str:
    """Six digits from the operating system's secure random source."""
    return f"{secrets.randbelow(1_000_000):06d}"


def _reserve(*, point: fulfilment_selectors.Point, quantity: int, now: datetime) -> int | None:
    """Reserve the units at the nearest centre in reach that still has them; its centre id."""
    for option in stock_candidates(
        point.options, quantity=quantity, terms=fulfilment_selectors.TERMS
    ):
        taken = Stock.objects.filter(
            pk=point.stock_ids[option.key], on_hand__gte=F("reserved") + quantity
        ).update(reserved=F("reserved") + quantity, updated_at=now)
        if taken:
            return option.key
    return None


@dataclass(frozen=True)
class Allocation:
    shipment: Shipment
    promise: Promise


def _size(order: Order) -> tuple[int, int]:
    product = order.product
    if product is not None:
        return product.volume_litres * order.quantity, product.weight_kg * order.quantity
    return (
        settings.HEYI_DEFAULT_PARCEL_LITRES * order.quantity,
        settings.HEYI_DEFAULT_PARCEL_KG * order.quantity,
    )


@transaction.atomic
def shipment_allocate(*, order: Order, now: datetime | None = None) -> Allocation | None:
    """Allocate the order to a centre and its nearest station; reserve stock for a standard
    product when a centre in reach has it. None when no network exists; raises
    `delivery_point_outside_coverage` (nothing written) beyond every station's radius.

    Idempotent: an order already allocated gets its shipment back, and nothing is reserved twice.
    """
    existing = (
        Shipment.objects.select_related("centre", "station").filter(order_id=order.pk).first()
    )
    if existing is not None:
        promise = fulfilment_selectors.allocation_get(order=order)
        return Allocation(existing, promise) if promise is not None else None
    now = now or timezone.now()
    latitude, longitude = float(order.latitude), float(order.longitude)
    product = order.product
    point = fulfilment_selectors.point_get(latitude=latitude, longitude=longitude, product=product)
    if point.station is None or point.station_km is None:
        return None
    centre_id = _reserve(point=point, quantity=order.quantity, now=now) if product else None
    if centre_id is not None:
        option = next(option for option in point.options if option.key == centre_id)
        quote = promise_quote(
            now=now,
            quantity=order.quantity,
            centres=[option],
            lead_time_days=0,
            terms=fulfilment_selectors.TERMS,
        )
        promise = fulfilment_selectors.promise_from_quote(
            quote=quote, point=point, lead_time_days=None
        )
    else:
        # Made to order: no stock is taken, so none is offered to the quote.
        lead_time_days = (
            fulfilment_selectors.product_lead_time_days(product=product, now=now)
            if product is not None
            else (order.lead_time_days or 0)
        )
        quote = promise_quote(
            now=now,
            quantity=order.quantity,
            centres=[CentreOption(option.key, option.km, 0) for option in point.options],
            lead_time_days=lead_time_days,
            terms=fulfilment_selectors.TERMS,
        )
        promise = fulfilment_selectors.promise_from_quote(
            quote=quote, point=point, lead_time_days=lead_time_days
        )
        if product is None and order.promised_by is not None:
            # An awarded order: the maker's own promise is the user's.
            hours = int((order.promised_by - now).total_seconds() // 3600)
            promise = dataclasses.replace(promise, promised_at=order.promised_by, hours=hours)
    centre = point.centres.get(quote.centre) if quote.centre is not None else None
    volume, weight = _size(order)
    shipment = Shipment.objects.create(
        order=order,
        centre=centre,
        station=point.station,
        station_km=round(point.station_km, 3),
        centre_km=_centre_to_station_km(centre, point),
        stock_id=point.stock_ids[centre_id] if centre_id is not None else None,
        reserved_quantity=order.quantity if centre_id is not None else 0,
        volume_litres=volume,
        weight_kg=weight,
        delivery_code=delivery_code_draw(),
    )
    audit_record(
        type="logistics.shipment.allocated",
        summary=f"Order O{order.number} allocated to station {point.station.name}"
        + (f" from stock at {centre.name}" if centre_id is not None and centre else ""),
        subject=shipment,
        data={
            "order": order.number,
            "fulfilment": promise.fulfilment,
            "station": str(point.station.uid),
            "centre": str(centre.uid) if centre is not None else None,
            "reserved": shipment.reserved_quantity,
        },
        is_public=False,
    )
    return Allocation(shipment, promise)


def _centre_to_station_km(
    centre: DistributionCentre | None, point: fulfilment_selectors.Point
) -> float | None:
    if centre is None or point.station is None:
        return None
    km = haversine_km(
        centre.latitude, centre.longitude, point.station.latitude, point.station.longitude
    )
    return round(float(km), 3)


def shipment_create(*, order: Order, now: datetime | None = None) -> Shipment | None:
    """Allocate the order (see `shipment_allocate`); its shipment, or None with no network."""
    allocation = shipment_allocate(order=order, now=now)
    return allocation.shipment if allocation is not None else None


@transaction.atomic
def stock_release(*, shipment: Shipment) -> Shipment:
    """Give back the units reserved for a shipment that has not left its centre (idempotent)."""
    locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if locked.stock_id is None or locked.left_centre_at is not None:
        return locked
    now = timezone.now()
    quantity = locked.reserved_quantity
    Stock.objects.filter(pk=locked.stock_id).update(
        reserved=F("reserved") - quantity, updated_at=now
    )
    stock_id = locked.stock_id
    locked.stock = None
    locked.reserved_quantity = 0
    locked.save(update_fields=["stock", "reserved_quantity", "updated_at"])
    audit_record(
        type="logistics.stock.released",
        summary=f"{quantity} units released for order {locked.order_id}",
        subject=locked,
        data={"stock": stock_id, "quantity": quantity},
        is_public=False,
    )
    return locked


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= STOCK_MAX:
        raise InvalidInput(
            _("The stock must be a whole number from 0 to %(max)d.") % {"max": STOCK_MAX},
            code=LogisticsErrorCode.STOCK_QUANTITY_INVALID,
        )
    return value


@transaction.atomic
def stock_set(*, centre: DistributionCentre, product: Product, on_hand: Any, actor: Any) -> Stock:
    """An operator counts the units of a product at a centre; never below those reserved."""
    operator_require(actor, _("Only an operator may set the stock."))
    on_hand = _whole(on_hand)
    stock, _created = Stock.objects.select_for_update().get_or_create(
        centre=centre, product=product
    )
    if on_hand < stock.reserved:
        raise LogisticsDomainError(
            LogisticsErrorCode.STOCK_BELOW_RESERVED,
            _("%(reserved)d units are reserved for orders: the stock cannot go below that.")
            % {"reserved": stock.reserved},
        )
    before = stock.on_hand
    stock.on_hand = on_hand
    stock.save(update_fields=["on_hand", "updated_at"])
    audit_record(
        type="logistics.stock.set",
        summary=f"{product.name} at {centre.name}: {before} → {on_hand} on hand",
        actor=actor,
        subject=stock,
        data={"centre": str(centre.uid), "product": product.slug, "on_hand": [before, on_hand]},
    )
    return stock


class LogisticsFulfilment:
    """The implementation of `heyi.orders.fulfilment`'s provider."""

    def quote(
        self,
        *,
        product: Any = None,
        quantity: int,
        latitude: Any,
        longitude: Any,
        lead_time_days: int | None = None,
    ) -> Promise:
        return fulfilment_selectors.promise_get(
            product=product,
            quantity=quantity,
            latitude=latitude,
            longitude=longitude,
            lead_time_days=lead_time_days,
        )

    def shipment_create(self, *, order: Any) -> Promise | None:
        allocation = shipment_allocate(order=order)
        return allocation.promise if allocation is not None else None

    def release(self, *, order: Any) -> None:
        shipment = Shipment.objects.filter(order_id=order.pk).first()
        if shipment is not None:
            stock_release(shipment=shipment)

    def allocation_get(self, *, order: Any) -> Promise | None:
        return fulfilment_selectors.allocation_get(order=order)
