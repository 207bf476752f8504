"""API shapes of the logistics network: centres, stations, build figures, operators' edits."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field


class CentreOut(Schema):
    uid: uuid.UUID
    name: str
    geonameid: int
    latitude: float
    longitude: float
    population: int
    is_active: bool


class StationOut(Schema):
    uid: uuid.UUID
    name: str
    geonameid: int
    latitude: float
    longitude: float
    places_served: int
    population_served: int
    is_active: bool


class NetworkBuildOut(Schema):
    uid: uuid.UUID
    created_at: datetime
    min_population: int
    centres_requested: int
    radius_km: float
    time_limit_seconds: float
    places: int
    centres: int
    stations: int
    objective: int | None
    bound: float | None = Field(description="The solver's proven lower bound on the stations.")
    gap: float | None = Field(description="(objective - bound) / objective; 0 when optimal.")
    status: str
    seconds: float
    places_covered: int
    place_share: float
    population: int
    population_covered: int
    population_share: float
    farthest_place: str
    farthest_km: float | None


class NetworkOut(Schema):
    centres: list[CentreOut]
    stations: list[StationOut]
    build: NetworkBuildOut | None


class SiteIn(Schema):
    """Fields to change; those left out stay as they are."""

    name: str | None = Field(None, max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    is_active: bool | None = None
