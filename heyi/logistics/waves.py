"""A station's delivery wave as a routing problem: pure, no Django, no database.

A wave is one departure of the station's vans: the morning wave serves the 09–12 and 12–15
slots, the afternoon wave the 15–18 and 18–21 slots. `wave_problem` turns the wave's deliveries
(points, packed volume and weight, time slot) and the station's vans into a
`heyi.logistics.solver.Problem`; `wave_plan` solves it. Both the platform's services and the
national-day benchmark use them, so the benchmark measures the code the platform runs.

Units inside the problem: metres and seconds since local midnight. Road distance is taken as
the great-circle distance times ROAD_FACTOR (a common detour ratio for Chinese road networks is
1.2–1.4); travel time is road distance at the van's average speed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from heyi.logistics.network_core import haversine_km
from heyi.logistics.solver import Depot, Objective, Plan, Problem, Stop, Vehicle, plan

ROAD_FACTOR = 1.3
SPEED_KMH = 35.0
SERVICE_SECONDS = 15 * 60  # carry an appliance in and take the packing away


@dataclass(frozen=True)
class Wave:
    name: str
    shift_start: int  # seconds since local midnight
    shift_end: int
    slots: tuple[str, ...]  # the delivery windows it serves (Order.delivery_window values)


def _hours(value: float) -> int:
    return int(value * 3600)


WAVES: dict[str, Wave] = {
    "morning": Wave("morning", _hours(8.5), _hours(16), ("09-12", "12-15")),
    "afternoon": Wave("afternoon", _hours(14.5), _hours(22), ("15-18", "18-21")),
}


def slot_seconds(slot: str) -> tuple[int, int]:
    """'09-12' → (09:00, 12:00) in seconds since midnight."""
    start, end = slot.split("-")
    return _hours(int(start)), _hours(int(end))


def wave_for_slot(slot: str) -> Wave:
    """The wave that serves a delivery slot; a delivery with no slot goes in the morning."""
    for wave in WAVES.values():
        if slot in wave.slots:
            return wave
    return WAVES["morning"]


@dataclass(frozen=True)
class Delivery:
    key: str
    latitude: float
    longitude: float
    volume_litres: int
    weight_kg: int
    window_start: int  # seconds since local midnight
    window_end: int
    service_seconds: int = SERVICE_SECONDS


@dataclass(frozen=True)
class Van:
    name: str
    volume_litres: int
    weight_kg: int
    count: int


def travel_matrices(
    latitudes: Sequence[float],
    longitudes: Sequence[float],
    *,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = SPEED_KMH,
) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """Road metres and seconds between every pair of points (rounded up: never optimistic)."""
    lat = np.asarray(latitudes, dtype=np.float64)
    lon = np.asarray(longitudes, dtype=np.float64)
    km = haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) * road_factor
    metres = np.ceil(km * 1000).astype(np.int64)
    seconds = np.ceil(km / speed_kmh * 3600).astype(np.int64)
    return (
        tuple(tuple(int(value) for value in row) for row in metres),
        tuple(tuple(int(value) for value in row) for row in seconds),
    )


def wave_problem(
    *,
    station: tuple[float, float],
    deliveries: Sequence[Delivery],
    vans: Sequence[Van],
    wave: Wave,
    road_factor: float = ROAD_FACTOR,
    speed_kmh: float = SPEED_KMH,
) -> Problem:
    """The routing problem of one wave: location 0 is the station, i + 1 is deliveries[i]."""
    distances, durations = travel_matrices(
        [station[0], *(delivery.latitude for delivery in deliveries)],
        [station[1], *(delivery.longitude for delivery in deliveries)],
        road_factor=road_factor,
        speed_kmh=speed_kmh,
    )
    stops = tuple(
        Stop(
            location=index + 1,
            demand=(delivery.volume_litres, delivery.weight_kg),
            window_start=delivery.window_start,
            window_end=delivery.window_end,
            service_time=delivery.service_seconds,
            name=delivery.key,
        )
        for index, delivery in enumerate(deliveries)
    )
    vehicles = tuple(
        Vehicle(
            capacity=(van.volume_litres, van.weight_kg),
            shift_start=wave.shift_start,
            shift_end=wave.shift_end,
            count=van.count,
            name=van.name,
        )
        for van in vans
    )
    return Problem(
        depot=Depot(location=0, name="station"),
        stops=stops,
        vehicles=vehicles,
        distances=distances,
        durations=durations,
    )


def wave_plan(
    problem: Problem, *, seconds: float | None = None, objective: Objective = "distance"
) -> Plan:
    """Plan a wave. Without `seconds`, a budget that grows with the wave: a first plan for 100
    stops comes within a second (interactive use); larger waves get proportionally more."""
    budget = seconds if seconds is not None else max(1.0, math.ceil(len(problem.stops) / 100))
    return plan(problem, seconds=budget, objective=objective)
