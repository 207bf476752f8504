"""Reads of logistics: the network, one site, the nearest station to a point."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from heyi.core.errors import NotFound
from heyi.logistics.errors import LogisticsErrorCode
from heyi.logistics.models import DistributionCentre, NetworkBuild, Station
from heyi.logistics.network_core import haversine_km, places_load
from heyi.logistics.network_map import MapPoint, network_svg


@dataclass(frozen=True)
class Network:
    centres: list[DistributionCentre]
    stations: list[Station]
    build: NetworkBuild | None


def network_get() -> Network:
    """Every centre and station (active or not) and the latest build's figures."""
    return Network(
        centres=list(DistributionCentre.objects.order_by("name", "id")),
        stations=list(Station.objects.order_by("name", "id")),
        build=NetworkBuild.objects.order_by("-created_at", "-id").first(),
    )


def station_get(*, uid: uuid.UUID) -> Station:
    station = Station.objects.filter(uid=uid).first()
    if station is None:
        raise NotFound(_("No such station."), code=LogisticsErrorCode.STATION_NOT_FOUND)
    return station


def centre_get(*, uid: uuid.UUID) -> DistributionCentre:
    centre = DistributionCentre.objects.filter(uid=uid).first()
    if centre is None:
        raise NotFound(_("No such distribution centre."), code=LogisticsErrorCode.CENTRE_NOT_FOUND)
    return centre


def station_nearest(*, latitude: float, longitude: float) -> tuple[Station, float] | None:
    """The active station nearest to a point by great-circle distance, and the distance in km."""
    # Coordinates only (a network has hundreds of stations); then the one row that is nearest.
    rows = list(
        Station.objects.filter(is_active=True)
        .order_by("id")
        .values_list("id", "latitude", "longitude")
    )
    if not rows:
        return None
    points = np.array(rows, dtype=np.float64)
    distances = haversine_km(latitude, longitude, points[:, 1], points[:, 2])
    index = int(distances.argmin())
    return Station.objects.get(pk=rows[index][0]), float(distances[index])


@functools.lru_cache(maxsize=4)
def _place_coordinates(min_population: int) -> tuple[tuple[float, float], ...]:
    return tuple(
        (place.latitude, place.longitude) for place in places_load(min_population=min_population)
    )


def network_map_svg() -> str:
    """The network drawn as SVG: the latest build's places, stations with coverage, centres."""
    network = network_get()
    build = network.build
    places = _place_coordinates(build.min_population) if build is not None else ()
    return network_svg(
        places=places,
        stations=[
            MapPoint(station.name, station.latitude, station.longitude, station.is_active)
            for station in network.stations
        ],
        centres=[
            MapPoint(centre.name, centre.latitude, centre.longitude, centre.is_active)
            for centre in network.centres
        ],
        radius_km=build.radius_km if build is not None else 50.0,
        title=_("The logistics network"),
    )
