"""Writes of logistics: build the network from real places, and operators' edits of its sites."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput
from heyi.logistics.errors import LogisticsErrorCode
from heyi.logistics.models import DistributionCentre, NetworkBuild, NetworkSite, Station
from heyi.logistics.network_core import (
    MIN_POPULATION_CHOICES,
    Place,
    centres_choose,
    coverage,
    places_load,
    stations_cover,
)

# 5000 gives 2,879 Chinese places that HiGHS covers to proven optimality in about a second, and
# they hold 99.8 % of the population of the 4,963 places of 1000 or more (which the solver does
# not close within a minute); see bench/README.md, "Station covering".
DEFAULT_MIN_POPULATION = 5000
DEFAULT_CENTRES = 90
DEFAULT_RADIUS_KM = 50.0
DEFAULT_TIME_LIMIT_SECONDS = 60.0


def network_build(
    *,
    actor: Any = None,
    min_population: int = DEFAULT_MIN_POPULATION,
    centres: int = DEFAULT_CENTRES,
    radius_km: float = DEFAULT_RADIUS_KM,
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS,
    places: list[Place] | None = None,
) -> NetworkBuild:
    """Compute centres and stations over China's populated places and replace the network.

    `places` overrides the shipped GeoNames places (tests pass small hand-made sets). The whole
    replacement is one transaction, so a second build leaves exactly one network.
    """
    if places is None and min_population not in MIN_POPULATION_CHOICES:
        raise InvalidInput(
            _("The minimum population must be one of %(choices)s.")
            % {"choices": ", ".join(str(choice) for choice in MIN_POPULATION_CHOICES)},
            code=LogisticsErrorCode.INVALID_PARAMETERS,
        )
    if centres < 0 or not radius_km > 0 or not time_limit_seconds > 0:
        raise InvalidInput(
            _("Centres must be zero or more; the radius and time limit must be positive."),
            code=LogisticsErrorCode.INVALID_PARAMETERS,
        )
    if actor is not None:
        operator_require(actor)
    if places is None:
        places = places_load(min_population=min_population)
    result = stations_cover(places, radius_km=radius_km, time_limit_seconds=time_limit_seconds)
    figures = coverage(places, result.nearest_km, radius_km=radius_km)
    served_places: Counter[int] = Counter()
    served_population: Counter[int] = Counter()
    for index, station in enumerate(result.nearest_station):
        served_places[station] += 1
        served_population[station] += places[index].population
    centre_indices = centres_choose(places, count=centres)
    with transaction.atomic():
        Station.objects.all().delete()
        DistributionCentre.objects.all().delete()
        DistributionCentre.objects.bulk_create(
            DistributionCentre(
                name=places[index].name,
                geonameid=places[index].geonameid,
                latitude=places[index].latitude,
                longitude=places[index].longitude,
                population=places[index].population,
            )
            for index in centre_indices
        )
        Station.objects.bulk_create(
            Station(
                name=places[index].name,
                geonameid=places[index].geonameid,
                latitude=places[index].latitude,
                longitude=places[index].longitude,
                places_served=served_places[index],
                population_served=served_population[index],
            )
            for index in result.stations
        )
        farthest_km = figures.farthest_km
        build = NetworkBuild.objects.create(
            min_population=min_population,
            centres_requested=centres,
            radius_km=radius_km,
            time_limit_seconds=time_limit_seconds,
            places=len(places),
            centres=len(centre_indices),
            stations=len(result.stations),
            objective=result.objective,
            bound=result.bound,
            gap=result.gap,
            status=result.status,
            seconds=result.seconds,
            places_covered=figures.places_covered,
            population=figures.population,
            population_covered=figures.population_covered,
            farthest_place=(
                "" if figures.farthest_place is None else places[figures.farthest_place].name
            ),
            farthest_km=None if farthest_km is None or math.isinf(farthest_km) else farthest_km,
        )
        audit_record(
            type="logistics.network.built",
            summary=f"Network built: {len(centre_indices)} centres, {len(result.stations)} "
            f"stations over {len(places)} places ({result.status}).",
            actor=actor,
            subject=build,
            data={"stations": len(result.stations), "gap": result.gap, "status": result.status},
            is_public=False,
        )
    return build


def _site_update(
    *,
    site: NetworkSite,
    actor: Any,
    kind: str,
    name: str | None,
    latitude: float | None,
    longitude: float | None,
    is_active: bool | None,
) -> NetworkSite:
    operator_require(actor)
    changes: dict[str, Any] = {}
    if name is not None:
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidInput(
                _("A name has 1 to 200 characters."), code=LogisticsErrorCode.INVALID_NAME
            )
        changes["name"] = name
    if latitude is not None or longitude is not None:
        new_latitude = site.latitude if latitude is None else latitude
        new_longitude = site.longitude if longitude is None else longitude
        if not (-90 <= new_latitude <= 90 and -180 <= new_longitude <= 180):
            raise InvalidInput(
                _("The latitude must be within ±90 and the longitude within ±180."),
                code=LogisticsErrorCode.INVALID_COORDINATES,
            )
        changes["latitude"] = new_latitude
        changes["longitude"] = new_longitude
    if is_active is not None:
        changes["is_active"] = is_active
    changes = {field: value for field, value in changes.items() if getattr(site, field) != value}
    if not changes:
        return site
    with transaction.atomic():
        before = {field: getattr(site, field) for field in changes}
        for field, value in changes.items():
            setattr(site, field, value)
        site.save(update_fields=[*changes, "updated_at"])
        audit_record(
            type=f"logistics.{kind}.updated",
            summary=f"{site.name}: {', '.join(sorted(changes))} changed.",
            actor=actor,
            subject=site,
            data={"before": before, "after": changes},
            is_public=False,
        )
    return site


def station_update(
    *,
    station: Station,
    actor: Any,
    name: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    is_active: bool | None = None,
) -> Station:
    """An operator renames, moves or (de)activates a station."""
    _site_update(
        site=station,
        actor=actor,
        kind="station",
        name=name,
        latitude=latitude,
        longitude=longitude,
        is_active=is_active,
    )
    return station


def centre_update(
    *,
    centre: DistributionCentre,
    actor: Any,
    name: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    is_active: bool | None = None,
) -> DistributionCentre:
    """An operator renames, moves or (de)activates a distribution centre."""
    _site_update(
        site=centre,
        actor=actor,
        kind="centre",
        name=name,
        latitude=latitude,
        longitude=longitude,
        is_active=is_active,
    )
    return centre
