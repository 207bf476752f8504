"""Reads of fulfilment: the delivery promise for a point, stock at the centres, an order's allocation.

The promise's arithmetic is `heyi.logistics.promise` (pure, published terms); this module feeds
it the rows: the nearest active station (the point must lie within the network's radius of
it), every active centre with its distance to the point and its free units of the product, and
the production lead time.

Lead time of a standard product made to order: the longest lead time among the product's
active standing bids (any of their makers may win the daily run), plus the days until the next
daily order contention run (0 while today's run is still to come, else 1). A product nobody
holds a standing bid on is promised `HEYI_DEFAULT_LEAD_TIME_DAYS`. Orders from a production
tender pass the awarded lead time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from heyi.accounts.selectors import operator_require
from heyi.contention.models import StandingBid, StandingBidStatus
from heyi.logistics.errors import LogisticsDomainError, LogisticsErrorCode
from heyi.logistics.models import DistributionCentre, NetworkBuild, Shipment, Station, Stock
from heyi.logistics.network_core import haversine_km
from heyi.logistics.promise import CentreOption, PromiseQuote, PromiseTerms, promise_quote
from heyi.logistics.selectors import station_nearest
from heyi.orders.fulfilment import Promise
from heyi.orders.models import Fulfilment, Order
from heyi.products.models import Product

DEFAULT_RADIUS_KM = 50.0
TERMS = PromiseTerms()


def coverage_radius_km() -> float:
    """The radius every station serves: the latest network build's (50 km by default)."""
    build = NetworkBuild.objects.order_by("-created_at", "-id").only("radius_km").first()
    return build.radius_km if build is not None else DEFAULT_RADIUS_KM


def days_to_next_daily_run(*, now: datetime) -> int:
    """0 while today's daily order contention run is still to come, else 1."""
    local = timezone.localtime(now)
    return 0 if local.hour < settings.HEYI_DAILY_CONTENTION_HOUR else 1


def product_lead_time_days(*, product: Product, now: datetime) -> int:
    """Days until a standard product made to order is made (see the module docstring)."""
    longest = StandingBid.objects.filter(
        product=product, status=StandingBidStatus.ACTIVE
    ).aggregate(longest=Max("lead_time_days"))["longest"]
    if longest is None:
        longest = settings.HEYI_DEFAULT_LEAD_TIME_DAYS
    return int(longest) + days_to_next_daily_run(now=now)


@dataclass(frozen=True)
class Point:
    """Where an order is delivered: the nearest station, the centres around, their stock."""

    station: Station | None
    station_km: float | None
    centres: dict[int, DistributionCentre]
    options: list[CentreOption]
    stock_ids: dict[int, int]  # centre id → Stock id of the product there


def point_get(*, latitude: float, longitude: float, product: Product | None = None) -> Point:
    """The station and centres serving a point; raises when no station's radius reaches it."""
    nearest = station_nearest(latitude=latitude, longitude=longitude)
    station, station_km = nearest if nearest is not None else (None, None)
    radius_km = coverage_radius_km()
    if station is not None and station_km is not None and station_km > radius_km:
        raise LogisticsDomainError(
            LogisticsErrorCode.DELIVERY_POINT_OUTSIDE_COVERAGE,
            _(
                "We do not deliver there yet: the nearest station, %(station)s, is %(km).0f km "
                "away, beyond the %(radius).0f km our stations serve."
            )
            % {"station": station.name, "km": station_km, "radius": radius_km},
            status=422,
        )
    centres = list(DistributionCentre.objects.filter(is_active=True).order_by("id"))
    free: dict[int, int] = {}
    stock_ids: dict[int, int] = {}
    if product is not None:
        for stock in Stock.objects.filter(product=product, centre__is_active=True):
            free[stock.centre_id] = stock.free
            stock_ids[stock.centre_id] = stock.pk
    distances = (
        haversine_km(
            latitude,
            longitude,
            np.array([centre.latitude for centre in centres]),
            np.array([centre.longitude for centre in centres]),
        )
        if centres
        else np.array([])
    )
    options = [
        CentreOption(key=centre.pk, km=float(km), free=free.get(centre.pk, 0))
        for centre, km in zip(centres, distances, strict=True)
    ]
    return Point(
        station=station,
        station_km=station_km,
        centres={centre.pk: centre for centre in centres},
        options=options,
        stock_ids=stock_ids,
    )


def promise_from_quote(*, quote: PromiseQuote, point: Point, lead_time_days: int | None) -> Promise:
    """The orders-facing promise for a pure quote at a point, with its explanation."""
    centre = point.centres.get(quote.centre) if quote.centre is not None else None
    centre_name = centre.name if centre is not None else ""
    station_name = point.station.name if point.station is not None else ""
    if quote.fulfilment == Fulfilment.STOCK:
        explanation = _(
            "In stock at the %(centre)s centre, %(km).0f km away: delivered within %(hours)d "
            "hours through the %(station)s station."
        ) % {
            "centre": centre_name,
            "km": quote.centre_km or 0,
            "hours": quote.hours,
            "station": station_name,
        }
    else:
        days = quote.hours // 24
        lead = lead_time_days or 0
        transport = days - lead
        explanation = _(
            "Made to order: %(lead)s, then %(transport)s%(via)s; delivered within %(days)s."
        ) % {
            "lead": ngettext("%(n)d day to make it", "%(n)d days to make it", lead) % {"n": lead},
            "transport": ngettext("%(n)d day of transport", "%(n)d days of transport", transport)
            % {"n": transport},
            "via": (
                _(" from the %(centre)s centre through the %(station)s station")
                % {"centre": centre_name, "station": station_name}
                if centre_name and station_name
                else ""
            ),
            "days": ngettext("%(n)d day", "%(n)d days", days) % {"n": days},
        }
    return Promise(
        fulfilment=quote.fulfilment,
        promised_at=quote.promised_at,
        hours=quote.hours,
        station_name=station_name,
        station_uid=point.station.uid if point.station is not None else None,
        station_km=point.station_km,
        centre_name=centre_name,
        centre_km=quote.centre_km,
        lead_time_days=None if quote.fulfilment == Fulfilment.STOCK else lead_time_days,
        explanation=explanation,
    )


def promise_get(
    *,
    product: Product | None = None,
    quantity: int,
    latitude: Any,
    longitude: Any,
    lead_time_days: int | None = None,
    now: datetime | None = None,
) -> Promise:
    """The promise for `quantity` units delivered to a point, if ordered `now`. Writes nothing.

    Raises `delivery_point_outside_coverage` (422) beyond every station's radius. With no
    station at all (the network is not built) the promise is made to order with no station.
    """
    now = now or timezone.now()
    point = point_get(latitude=float(latitude), longitude=float(longitude), product=product)
    if lead_time_days is None:
        lead_time_days = (
            product_lead_time_days(product=product, now=now)
            if product is not None
            else settings.HEYI_DEFAULT_LEAD_TIME_DAYS
        )
    quote = promise_quote(
        now=now,
        quantity=quantity,
        centres=point.options,
        lead_time_days=lead_time_days,
        terms=TERMS,
    )
    return promise_from_quote(quote=quote, point=point, lead_time_days=lead_time_days)


def allocation_get(*, order: Order) -> Promise | None:
    """The order's allocation as a promise (centre, station, fulfilment), or None."""
    shipment = (
        Shipment.objects.select_related("centre", "station").filter(order_id=order.pk).first()
    )
    if shipment is None or order.delivery_promised_at is None:
        return None
    promised_hours = int((order.delivery_promised_at - order.created_at).total_seconds() // 3600)
    return Promise(
        fulfilment=order.fulfilment,
        promised_at=order.delivery_promised_at,
        hours=promised_hours,
        station_name=shipment.station.name,
        station_uid=shipment.station.uid,
        station_km=shipment.station_km,
        centre_name=shipment.centre.name if shipment.centre is not None else "",
        centre_km=None,
        lead_time_days=order.lead_time_days,
    )


def stock_list(
    *, actor: Any, centre: DistributionCentre | None = None, product: Product | None = None
) -> QuerySet[Stock]:
    """Stock per centre and product, for operators."""
    operator_require(actor, _("Only an operator may see the stock."))
    stock = Stock.objects.select_related("centre", "product")
    if centre is not None:
        stock = stock.filter(centre=centre)
    if product is not None:
        stock = stock.filter(product=product)
    return stock
