"""The JSON API of fulfilment: delivery promises, stock at centres, shipments and compensations."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from heyi.api_auth import OPTIONAL_AUTH
from heyi.logistics import fulfilment_selectors, fulfilment_services
from heyi.logistics.fulfilment_schemas import PromiseOut, StockIn, StockOut
from heyi.logistics.selectors import centre_get
from heyi.orders.fulfilment import Promise
from heyi.products.selectors import product_get

router = Router(tags=["logistics"])


def promise_out(*, promise: Promise, product: str, quantity: int) -> PromiseOut:
    return PromiseOut(
        product=product,
        quantity=quantity,
        fulfilment=promise.fulfilment,
        promised_at=promise.promised_at,
        hours=promise.hours,
        station=promise.station_name,
        station_uid=promise.station_uid,
        station_km=None if promise.station_km is None else round(promise.station_km, 1),
        centre=promise.centre_name,
        centre_km=None if promise.centre_km is None else round(promise.centre_km, 1),
        lead_time_days=promise.lead_time_days,
        explanation=promise.explanation,
    )


@router.get("/products/{slug}/promise", response=PromiseOut, auth=OPTIONAL_AUTH)
def product_promise(
    request: HttpRequest,
    slug: str,
    latitude: float = Query(..., ge=-90, le=90),
    longitude: float = Query(..., ge=-180, le=180),
    quantity: int = Query(1, ge=1, le=100),
) -> Any:
    """When the product would reach a point if ordered now: 24 hours from a centre in reach
    with stock, else made to order (lead time plus transport). 422 outside coverage."""
    product = product_get(slug=slug)
    promise = fulfilment_selectors.promise_get(
        product=product, quantity=quantity, latitude=latitude, longitude=longitude
    )
    return promise_out(promise=promise, product=product.slug, quantity=quantity)


@router.get("/stock", response=list[StockOut])
def stock_list(request: HttpRequest, centre: uuid.UUID | None = None, product: str = "") -> Any:
    """Stock per centre and product (operators)."""
    return list(
        fulfilment_selectors.stock_list(
            actor=request.user,
            centre=centre_get(uid=centre) if centre is not None else None,
            product=product_get(slug=product) if product else None,
        )
    )


@router.put("/stock/{centre_uid}/{product_slug}", response=StockOut)
def stock_set(
    request: HttpRequest, centre_uid: uuid.UUID, product_slug: str, payload: StockIn
) -> Any:
    """Set the units of a product on hand at a centre (operators); never below those reserved."""
    return fulfilment_services.stock_set(
        centre=centre_get(uid=centre_uid),
        product=product_get(slug=product_slug),
        on_hand=payload.on_hand,
        actor=request.user,
    )
