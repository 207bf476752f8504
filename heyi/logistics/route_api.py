"""The JSON API of route planning: a station's waves, their routes, and the driver's stops."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from heyi.accounts.selectors import user_get
from heyi.logistics import route_selectors, route_services
from heyi.logistics.route_schemas import (
    RouteAssignIn,
    RouteOut,
    RoutePlanOut,
    RouteTenderIn,
    WaveIn,
)
from heyi.logistics.selectors import station_get
from heyi.ventures.selectors import venture_get

router = Router(tags=["logistics"])


def _route(request: HttpRequest, uid: uuid.UUID) -> Any:
    return route_selectors.route_get_for_user(uid=uid, user=request.user)


@router.post("/stations/{uid}/waves", response=RoutePlanOut)
def wave_plan(request: HttpRequest, uid: uuid.UUID, payload: WaveIn) -> Any:
    """Plan (or replan) the station's wave on a date into vehicle routes (operators only)."""
    station = station_get(uid=uid)
    plan = route_services.wave_plan_make(
        station=station,
        date=payload.date,
        wave=payload.wave,
        actor=request.user,
        seconds=payload.seconds,
    )
    return route_selectors.station_wave_list(
        station=station, actor=request.user, day=plan.date
    ).get(pk=plan.pk)


@router.get("/stations/{uid}/waves", response=list[RoutePlanOut])
def wave_list(request: HttpRequest, uid: uuid.UUID, date: date | None = None) -> Any:
    """The station's planned waves with their routes: one date, or from today on."""
    return list(
        route_selectors.station_wave_list(
            station=station_get(uid=uid),
            actor=request.user,
            day=date,
            since=None if date is not None else timezone.localdate(),
        )
    )


@router.get("/routes/{uid}", response=RouteOut)
def route_get(request: HttpRequest, uid: uuid.UUID) -> Any:
    """One route with its stops in order and their time windows (its crew and operators)."""
    return _route(request, uid)


@router.post("/routes/{uid}/assign", response=RouteOut)
def route_assign(request: HttpRequest, uid: uuid.UUID, payload: RouteAssignIn) -> Any:
    """Assign the route to a delivery venture, and optionally a driver (operators only)."""
    route = route_selectors.route_get(uid=uid)
    route_services.route_assign(
        route=route,
        venture=venture_get(slug=payload.venture),
        driver=None if payload.driver is None else user_get(uid=payload.driver),
        actor=request.user,
        fee=payload.fee,
    )
    return route_selectors.route_get(uid=uid)


@router.post("/routes/{uid}/tender", response=RouteOut)
def route_tender(request: HttpRequest, uid: uuid.UUID, payload: RouteTenderIn) -> Any:
    """Put the route out to tender for delivery ventures (operators only)."""
    route = route_selectors.route_get(uid=uid)
    route_services.route_tender_open(
        route=route,
        actor=request.user,
        closes_at=payload.closes_at or timezone.now() + route_services.tender_window_default(),
        minimum_rating=payload.minimum_rating,
    )
    return route_selectors.route_get(uid=uid)


@router.post("/routes/{uid}/start", response=RouteOut)
def route_start(request: HttpRequest, uid: uuid.UUID) -> Any:
    """The crew starts the route: every stop goes out for delivery."""
    route = route_selectors.route_get(uid=uid)
    route_services.route_start(route=route, actor=request.user)
    return route_selectors.route_get(uid=uid)
