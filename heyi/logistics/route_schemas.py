"""API shapes of route planning: a wave's plan, its routes and their stops."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema
from pydantic import Field


class WaveIn(Schema):
    date: dt.date
    wave: str = Field(max_length=20)
    seconds: float | None = Field(default=None, gt=0, le=600)


class RouteStopOut(Schema):
    position: int
    order_number: int = Field(alias="shipment.order.number")
    address: str = Field(alias="shipment.order.address")
    latitude: float = Field(alias="shipment.order.latitude")
    longitude: float = Field(alias="shipment.order.longitude")
    window_start: dt.datetime
    window_end: dt.datetime
    planned_arrival: dt.datetime
    volume_litres: int = Field(alias="shipment.volume_litres")
    weight_kg: int = Field(alias="shipment.weight_kg")
    delivered_at: dt.datetime | None


class RouteOut(Schema):
    uid: uuid.UUID
    number: int
    status: str
    station: uuid.UUID = Field(alias="plan.station.uid")
    date: dt.date = Field(alias="plan.date")
    wave: str = Field(alias="plan.wave")
    vehicle: str
    capacity_volume_litres: int
    capacity_weight_kg: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    distance_m: int
    load_volume_litres: int
    load_weight_kg: int
    venture: str | None
    driver: uuid.UUID | None
    tender_uid: uuid.UUID | None
    fee: str | None
    stops: list[RouteStopOut]

    @staticmethod
    def resolve_venture(route: Any) -> str | None:
        return None if route.venture is None else str(route.venture.slug)

    @staticmethod
    def resolve_driver(route: Any) -> uuid.UUID | None:
        return None if route.driver is None else route.driver.uid

    @staticmethod
    def resolve_fee(route: Any) -> str | None:
        return None if route.fee is None else str(route.fee)

    @staticmethod
    def resolve_stops(route: Any) -> list[Any]:
        return list(route.stops.all())


class RoutePlanOut(Schema):
    uid: uuid.UUID
    station: uuid.UUID = Field(alias="station.uid")
    station_name: str = Field(alias="station.name")
    date: dt.date
    wave: str
    status: str
    stops: int
    vehicles: int
    distance_m: int
    seconds: float
    objective: str
    routes: list[RouteOut]

    @staticmethod
    def resolve_routes(plan: Any) -> list[Any]:
        return list(plan.routes.all())


class RouteAssignIn(Schema):
    venture: str = Field(max_length=100, description="The delivery venture's slug.")
    driver: uuid.UUID | None = Field(default=None, description="A member of the venture.")
    fee: str | None = Field(default=None, max_length=20)


class RouteTenderIn(Schema):
    closes_at: dt.datetime | None = Field(
        default=None, description="When bidding closes; two hours from now if left out."
    )
    minimum_rating: str | None = Field(default=None, max_length=10)
