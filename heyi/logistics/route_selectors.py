"""Reads of route planning: a wave's due shipments, plans, routes and who may see a route.

Which shipments a wave serves (`wave_shipment_list`), the rule:

- the shipment goes through the station, is neither delivered nor out for delivery, and its
  order is between `confirmed` and `at_station` (at the station, or heading there);
- an order with a chosen slot (`delivery_date` + `delivery_window`) is due on that date, in the
  wave that serves its slot, with the slot as its time window;
- an order with no chosen slot is due on the local date of its promise
  (`delivery_promised_at`, or the chosen date when only a date was chosen), in the morning wave,
  with the whole wave as its window: the earliest wave keeps the promise best.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require, user_is_operator
from heyi.core.errors import InvalidInput, NotFound, PermissionDenied
from heyi.logistics.errors import LogisticsErrorCode
from heyi.logistics.models import Route, RoutePlan, RouteStop, Shipment, Station
from heyi.logistics.route_map import MapRoute, MapStop, routes_svg
from heyi.logistics.waves import WAVES, Wave, slot_seconds
from heyi.orders.models import OrderStage
from heyi.ventures.selectors import membership_is_active

# Orders at the station or on their way to it.
WAVE_STAGES = (
    OrderStage.CONFIRMED,
    OrderStage.SOURCING,
    OrderStage.IN_PRODUCTION,
    OrderStage.QUALITY_CHECKED,
    OrderStage.SHIPPED,
    OrderStage.AT_STATION,
)
FIRST_WAVE = "morning"


def local_midnight(day: date) -> datetime:
    """The start of `day` in the platform's time zone (Asia/Shanghai), as an aware datetime."""
    return datetime.combine(day, time(), tzinfo=timezone.get_default_timezone())


def local_moment(day: date, seconds: int) -> datetime:
    """Seconds since local midnight of `day` as an aware datetime."""
    return local_midnight(day) + timedelta(seconds=seconds)


def local_seconds(day: date, moment: datetime) -> int:
    return int((moment - local_midnight(day)).total_seconds())


@dataclass(frozen=True)
class DueShipment:
    shipment: Shipment
    window_start: int  # seconds since local midnight
    window_end: int


def wave_shipment_list(*, station: Station, day: date, wave: Wave) -> list[DueShipment]:
    """The shipments the station delivers in this wave on this day, with their time windows."""
    slotted = Q(order__delivery_date=day, order__delivery_window__in=wave.slots)
    if wave.name == FIRST_WAVE:
        start = local_midnight(day)
        unslotted = Q(order__delivery_date=day, order__delivery_window="") | Q(
            order__delivery_date__isnull=True,
            order__delivery_promised_at__gte=start,
            order__delivery_promised_at__lt=local_midnight(day + timedelta(days=1)),
        )
        slotted |= unslotted
    shipments = (
        Shipment.objects.filter(
            station=station,
            delivered_at__isnull=True,
            out_for_delivery_at__isnull=True,
            order__stage__in=WAVE_STAGES,
        )
        .filter(slotted)
        .select_related("order", "order__product", "order__demand")
        .order_by("order__number", "id")
    )
    due = []
    for shipment in shipments:
        window = shipment.order.delivery_window
        if window:
            start_seconds, end_seconds = slot_seconds(window)
        else:
            start_seconds, end_seconds = wave.shift_start, wave.shift_end
        due.append(DueShipment(shipment, start_seconds, end_seconds))
    return due


def _stops_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "stops",
        queryset=RouteStop.objects.select_related(
            "shipment__order__product", "shipment__order__demand"
        ).order_by("position"),
    )


def route_plan_get(*, station: Station, day: date, wave: str) -> RoutePlan | None:
    return RoutePlan.objects.filter(station=station, date=day, wave=wave).first()


def route_plan_list_for_station(
    *, station: Station, day: date | None = None, since: date | None = None
) -> QuerySet[RoutePlan]:
    """The station's planned waves (one date, or from a date on), their routes and stops."""
    plans = RoutePlan.objects.filter(station=station)
    if day is not None:
        plans = plans.filter(date=day)
    if since is not None:
        plans = plans.filter(date__gte=since)
    # "-wave": morning before afternoon, the order of the day.
    return plans.order_by("date", "-wave", "id").prefetch_related(
        Prefetch(
            "routes",
            queryset=Route.objects.select_related("venture", "driver")
            .prefetch_related(_stops_prefetch())
            .order_by("number"),
        )
    )


def route_get(*, uid: uuid.UUID) -> Route:
    route = (
        Route.objects.select_related("plan__station", "venture", "driver")
        .prefetch_related(_stops_prefetch())
        .filter(uid=uid)
        .first()
    )
    if route is None:
        raise NotFound(_("No such route."), code=LogisticsErrorCode.ROUTE_NOT_FOUND)
    return route


def route_user_drives(*, route: Route, user: Any) -> bool:
    """The route's driver, or a current member of its delivery venture."""
    if not getattr(user, "is_authenticated", False):
        return False
    if route.driver_id is not None and route.driver_id == user.pk:
        return True
    return route.venture is not None and membership_is_active(venture=route.venture, user=user)


def route_user_may_view(*, route: Route, user: Any) -> bool:
    return user_is_operator(user) or route_user_drives(route=route, user=user)


def route_list_for_user(*, user: Any) -> QuerySet[Route]:
    """Routes the user drives: their own, and those of the ventures they are a member of."""
    if not getattr(user, "is_authenticated", False):
        return Route.objects.none()
    return (
        Route.objects.filter(
            Q(driver=user)
            | Q(venture__memberships__user=user, venture__memberships__left_at__isnull=True)
        )
        .distinct()
        .select_related("plan__station", "venture", "driver")
        .order_by("-plan__date", "plan__wave", "plan__station__name", "number")
    )


def wave_get(name: str) -> Wave | None:
    return WAVES.get(name)


def route_plan_svg(*, plan: RoutePlan) -> str:
    """The plan's routes drawn around the station (every label escaped by routes_svg)."""
    station = plan.station
    routes = [
        MapRoute(
            number=route.number,
            title=_("Route %(number)d") % {"number": route.number},
            stops=tuple(
                MapStop(
                    label=f"O{stop.shipment.order.number} "
                    f"{timezone.localtime(stop.window_start):%H:%M}–"
                    f"{timezone.localtime(stop.window_end):%H:%M}",
                    latitude=float(stop.shipment.order.latitude),
                    longitude=float(stop.shipment.order.longitude),
                )
                for stop in route.stops.all()
            ),
        )
        for route in plan.routes.all()
    ]
    return routes_svg(
        station=(station.name, station.latitude, station.longitude),
        routes=routes,
        title=_("%(station)s, %(date)s, %(wave)s wave")
        % {"station": station.name, "date": plan.date.isoformat(), "wave": plan.wave},
        caption=_("%(station)s · %(routes)d routes · %(stops)d stops")
        % {"station": station.name, "routes": len(routes), "stops": plan.stops},
    )


def station_wave_list(
    *, station: Station, actor: Any, day: date | None = None, since: date | None = None
) -> QuerySet[RoutePlan]:
    """The station's planned waves, for operators only (they hold buyers' addresses)."""
    operator_require(actor, _("Only an operator may see a station's routes."))
    return route_plan_list_for_station(station=station, day=day, since=since)


def route_get_for_user(*, uid: uuid.UUID, user: Any) -> Route:
    """A route for its driver, its delivery venture's members and operators."""
    route = route_get(uid=uid)
    if not route_user_may_view(route=route, user=user):
        raise PermissionDenied(
            _("Only the route's delivery venture and operators may see it."),
            code=LogisticsErrorCode.NOT_ROUTE_MEMBER,
        )
    return route


def station_find(*, key: str) -> Station:
    """A station by its uid or its (case-insensitive) name; an ambiguous name is refused."""
    try:
        return Station.objects.get(uid=uuid.UUID(key))
    except (ValueError, Station.DoesNotExist):
        pass
    stations = list(Station.objects.filter(name__iexact=key.strip()).order_by("id")[:5])
    if not stations:
        raise NotFound(
            _("No station called %(key)s.") % {"key": key},
            code=LogisticsErrorCode.STATION_NOT_FOUND,
        )
    if len(stations) > 1:
        raise InvalidInput(
            _("Several stations are called %(key)s; give one of their ids: %(uids)s.")
            % {"key": key, "uids": ", ".join(str(station.uid) for station in stations)},
            code=LogisticsErrorCode.STATION_NOT_FOUND,
        )
    return stations[0]


def station_list_with_waves(*, since: date) -> list[tuple[Station, int]]:
    """The stations with waves planned from a date on, and how many, busiest first."""
    counts = (
        RoutePlan.objects.filter(date__gte=since)
        .values("station")
        .annotate(waves=Count("id"))
        .order_by("-waves", "station")
    )
    waves = {row["station"]: row["waves"] for row in counts}
    stations = Station.objects.in_bulk(list(waves))
    return [(stations[pk], count) for pk, count in waves.items()]
