"""Test helpers of logistics: a tiny network around Qingdao written as rows, and stock.

Great-circle distances from the Qingdao delivery point (36.0663, 120.3830), km: the Qingdao
centre and station 0.1, Weifang 130.5 (in the 300 km reach), Shanghai 547.1 (out of reach).
Xiamen has a station but no centre near: its nearest centre, Shanghai, is 820.9 km away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from heyi.logistics.fulfilment_services import stock_set
from heyi.logistics.models import DistributionCentre, NetworkBuild, Station, Stock

QINGDAO = ("36.066300", "120.383000")
XIAMEN = ("24.479800", "118.089400")
URUMQI = ("43.825600", "87.616800")  # no station within 50 km

CENTRES = {
    "Qingdao": (36.0671, 120.3826),
    "Weifang": (36.7069, 119.1618),
    "Shanghai": (31.2304, 121.4737),
}
STATIONS = {
    "Qingdao": (36.0671, 120.3826),
    "Weifang": (36.7069, 119.1618),
    "Xiamen": (24.4798, 118.0894),
}


@dataclass(frozen=True)
class TinyNetwork:
    centres: dict[str, DistributionCentre]
    stations: dict[str, Station]
    build: NetworkBuild


def network_make(*, radius_km: float = 50.0) -> TinyNetwork:
    """Three centres, three stations and the build row that says their radius."""
    centres = {
        name: DistributionCentre.objects.create(
            name=name, geonameid=index + 1, latitude=lat, longitude=lon, population=1_000_000
        )
        for index, (name, (lat, lon)) in enumerate(CENTRES.items())
    }
    stations = {
        name: Station.objects.create(
            name=name, geonameid=index + 101, latitude=lat, longitude=lon, places_served=1
        )
        for index, (name, (lat, lon)) in enumerate(STATIONS.items())
    }
    build = NetworkBuild.objects.create(
        min_population=5000,
        centres_requested=len(centres),
        radius_km=radius_km,
        time_limit_seconds=1.0,
        places=len(stations),
        centres=len(centres),
        stations=len(stations),
        status="optimal",
        seconds=0.1,
        places_covered=len(stations),
        population=3_000_000,
        population_covered=3_000_000,
    )
    return TinyNetwork(centres=centres, stations=stations, build=build)


def stock_put(
    network: TinyNetwork, centre: str, product: Any, on_hand: int, operator: Any
) -> Stock:
    """Count `on_hand` units of a product at a centre, through the operator's service."""
    return stock_set(
        centre=network.centres[centre], product=product, on_hand=on_hand, actor=operator
    )
