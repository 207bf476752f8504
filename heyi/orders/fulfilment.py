"""The hook through which orders reach logistics without importing it: quote, allocate, release.

Logistics sits above orders in the dependency rule, yet the delivery promise is needed the
moment an order is placed. So orders defines the shape of a promise and the calls it makes, and
logistics registers its implementation once, from `LogisticsConfig.ready()`:

    from heyi.orders import fulfilment

    fulfilment.provider_set(LogisticsFulfilment())

The provider offers (all keyword-only):

- `quote(product=None, quantity, latitude, longitude, lead_time_days=None) -> Promise`: the
  promise for a delivery point; raises a DomainError with code `OUTSIDE_COVERAGE` (422) when
  no station serves the point. Writes nothing.
- `shipment_create(order=...) -> Promise | None`: allocates the order to a centre (reserving
  its stock race-safely) and to the station nearest its delivery point; returns the allocation
  made (which may be `made_to_order` although the quote said `stock`, when another order took
  the last unit meanwhile), or None when there is no network.
- `release(order=...)`: gives back the stock reserved for a cancelled order (idempotent).
- `allocation_get(order=...) -> Promise | None`: the order's allocation, for its pages and notes.

With no provider registered (never in practice: logistics is always installed) orders behave
as they did before logistics existed: no promise, no shipment.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

# The error code logistics raises for a point no station serves (LogisticsErrorCode's value).
OUTSIDE_COVERAGE = "delivery_point_outside_coverage"


@dataclass(frozen=True)
class Promise:
    """When the goods reach the delivery point, how, and through which centre and station."""

    fulfilment: str  # heyi.orders.models.Fulfilment: "stock" or "made_to_order"
    promised_at: datetime
    hours: int
    station_name: str = ""
    station_uid: uuid.UUID | None = None
    station_km: float | None = None  # from the station to the delivery point
    centre_name: str = ""
    centre_km: float | None = None  # from the centre to the delivery point
    lead_time_days: int | None = None  # the production lead time counted (made to order)
    explanation: str = ""

    @property
    def has_network(self) -> bool:
        """Whether a station serves the point (False only when no network has been built)."""
        return self.station_uid is not None


class FulfilmentProvider(Protocol):
    def quote(
        self,
        *,
        product: Any = None,
        quantity: int,
        latitude: Any,
        longitude: Any,
        lead_time_days: int | None = None,
    ) -> Promise: ...

    def shipment_create(self, *, order: Any) -> Promise | None: ...

    def release(self, *, order: Any) -> None: ...

    def allocation_get(self, *, order: Any) -> Promise | None: ...


_PROVIDER: list[FulfilmentProvider] = []


def provider_set(provider: FulfilmentProvider | None) -> None:
    """Register the fulfilment provider (None forgets it: tests restore the registry with it)."""
    _PROVIDER.clear()
    if provider is not None:
        _PROVIDER.append(provider)


def provider_get() -> FulfilmentProvider | None:
    return _PROVIDER[0] if _PROVIDER else None


def quote(
    *, product: Any = None, quantity: int, latitude: Any, longitude: Any, lead_time_days: Any = None
) -> Promise | None:
    """The promise for a delivery point, or None when there is no provider or no network."""
    provider = provider_get()
    if provider is None:
        return None
    promise = provider.quote(
        product=product,
        quantity=quantity,
        latitude=latitude,
        longitude=longitude,
        lead_time_days=lead_time_days,
    )
    return promise if promise.has_network else None


def shipment_create(*, order: Any) -> Promise | None:
    provider = provider_get()
    return provider.shipment_create(order=order) if provider is not None else None


def release(*, order: Any) -> None:
    provider = provider_get()
    if provider is not None:
        provider.release(order=order)


def allocation_get(*, order: Any) -> Promise | None:
    provider = provider_get()
    return provider.allocation_get(order=order) if provider is not None else None


# --- the orders' side: store the promise, write the allocation into the timeline ---------------


def allocation_note(promise: Promise) -> str:
    """The timeline's words for an allocation."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    promised = timezone.localtime(promise.promised_at).strftime("%Y-%m-%d %H:%M")
    if promise.fulfilment == "stock":
        return _(
            "Allocated from stock at the %(centre)s centre, through the %(station)s station; "
            "delivery promised by %(promised)s."
        ) % {"centre": promise.centre_name, "station": promise.station_name, "promised": promised}
    return _(
        "Made to order; it will pass through the %(station)s station. Delivery promised by "
        "%(promised)s."
    ) % {"station": promise.station_name, "promised": promised}


def order_allocate(*, order: Any) -> Promise | None:
    """Allocate a just-written order and keep what was allocated on it, with a timeline step.

    The quote stored at checkout may have said `stock` while another order took the last unit
    meanwhile: the allocation then says `made_to_order`, and the order keeps that promise.
    """
    from django.utils import timezone

    from heyi.orders.models import OrderEvent, OrderEventKind
    from heyi.orders.stages import Party

    promise = shipment_create(order=order)
    if promise is None:
        return None
    if (order.fulfilment, order.delivery_promised_at) != (promise.fulfilment, promise.promised_at):
        order.fulfilment = promise.fulfilment
        order.delivery_promised_at = promise.promised_at
        order.save(update_fields=["fulfilment", "delivery_promised_at", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        kind=OrderEventKind.LOGISTICS,
        party=Party.SYSTEM,
        note=allocation_note(promise),
        occurred_at=timezone.now(),
    )
    return promise


def orders_allocate_awarded(*, orders: list[Any]) -> int:
    """Allocate the orders of a production award: made to order, promised by the maker.

    An order whose point no station serves (its pre-order was taken before the network, or the
    network changed since) is left without a shipment rather than failing the award. Returns
    how many were allocated.
    """
    from heyi.core.errors import DomainError

    allocated = 0
    for order in orders:
        try:
            promise = order_allocate(order=order)
        except DomainError as error:
            if error.code != OUTSIDE_COVERAGE:
                raise
            continue
        allocated += promise is not None
    return allocated


def confirmation_note(*, order: Any) -> str:
    """Why the platform confirms a paid order served from stock, naming its centre."""
    from django.utils.translation import gettext as _

    promise = allocation_get(order=order)
    centre = promise.centre_name if promise is not None else ""
    return _("Paid: served from stock at the %(centre)s centre, nothing to make.") % {
        "centre": centre
    }
