"""Unit tests of the pure network core over tiny hand-made places (exact answers)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from heyi.logistics.network_core import (
    Place,
    centres_choose,
    cover_sets,
    coverage,
    haversine_km,
    nearest,
    stations_cover,
)
from heyi.logistics.tests.network_places import PLACES

KM_PER_DEGREE = 2 * math.pi * 6371.0088 / 360  # 111.195 km along the equator


def _places() -> list[Place]:
    return list(PLACES)


def test_haversine_matches_known_distances() -> None:
    distances = haversine_km(0.0, 0.0, np.array([0.0, 90.0, 0.0]), np.array([1.0, 0.0, 180.0]))
    assert distances.tolist() == pytest.approx(
        [KM_PER_DEGREE, 90 * KM_PER_DEGREE, 180 * KM_PER_DEGREE]
    )


def test_cover_sets_hold_the_places_within_the_radius() -> None:
    sets = cover_sets(_places(), radius_km=50)
    assert [members.tolist() for members in sets] == [[0, 1], [0, 1, 2], [1, 2], [3]]


def test_cover_sets_band_matches_the_full_matrix() -> None:
    generator = np.random.default_rng(7)
    places = [
        Place(index, str(index), float(latitude), float(longitude), 1)
        for index, (latitude, longitude) in enumerate(
            zip(generator.uniform(30, 32, 300), generator.uniform(110, 112, 300), strict=True)
        )
    ]
    latitudes = np.array([place.latitude for place in places])
    longitudes = np.array([place.longitude for place in places])
    for index, members in enumerate(cover_sets(places, radius_km=50)):
        full = haversine_km(latitudes[index], longitudes[index], latitudes, longitudes)
        assert members.tolist() == np.flatnonzero(full <= 50).tolist()


def test_stations_cover_finds_the_exact_optimum_with_its_proof() -> None:
    result = stations_cover(_places(), radius_km=50, time_limit_seconds=10)
    assert result.stations == (1, 3)
    assert result.objective == 2
    assert result.bound == 2.0
    assert result.gap == 0.0
    assert result.status == "optimal"
    assert result.nearest_station == (1, 1, 1, 3)
    assert result.nearest_km == pytest.approx((0.4 * KM_PER_DEGREE, 0.0, 0.4 * KM_PER_DEGREE, 0.0))


def test_a_smaller_radius_needs_a_station_at_every_place() -> None:
    result = stations_cover(_places(), radius_km=40, time_limit_seconds=10)
    assert result.stations == (0, 1, 2, 3)
    assert result.objective == 4


def test_no_places_need_no_stations() -> None:
    result = stations_cover([], radius_km=50)
    assert (result.stations, result.objective, result.gap) == ((), 0, 0.0)


def test_coverage_counts_places_and_population_and_the_farthest() -> None:
    places = _places()
    stations, distances = nearest(places, [1])
    assert stations == (1, 1, 1, 1)
    figures = coverage(places, distances, radius_km=50)
    assert figures.places == 4
    assert figures.places_covered == 3
    assert figures.population == 600
    assert figures.population_covered == 600
    assert figures.place_share == 0.75
    assert figures.population_share == 1.0
    assert figures.farthest_place == 3
    assert figures.farthest_km == pytest.approx(9.6 * KM_PER_DEGREE)


def test_nearest_without_stations_is_nowhere() -> None:
    stations, distances = nearest(_places()[:2], [])
    assert stations == (-1, -1)
    assert distances == (math.inf, math.inf)


def test_centres_are_the_most_populous_places() -> None:
    assert centres_choose(_places(), count=2) == (1, 2)
    assert centres_choose(_places(), count=9) == (1, 2, 0, 3)
