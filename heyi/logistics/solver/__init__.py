"""Vehicle routing with time windows: dataclasses in, a plan out (pure: no Django, no database).

A `Problem` is a depot, the stops of a wave, the vehicle types of a station and two square
matrices indexed by location (the depot's and each stop's `location`): `distances` (what the
plan minimises) and `durations` (what the time windows and shifts are checked against). All
quantities are integers in the caller's units (metres, seconds, litres, kilograms ...); scale
fractional data before building a problem.

`plan(problem, seconds=..., objective=..., seed=...)` hands the problem to PyVRP and returns a
`Plan` whose routes carry the start of service at each stop. `check(problem, plan)` recomputes
loads, arrival times, windows, shift ends and that every stop is served once, independently of
the solver, and returns the violations (an empty list for a feasible plan). Input that no plan
can serve raises `InfeasibleProblem` before the solver runs; a solver that finds no feasible
plan in the time given raises it too.

Timing convention (Solomon's): a vehicle leaves the depot at its shift start, service at a stop
starts at max(arrival, window start) and must start no later than the window end; the vehicle
must be back at the depot by its shift end.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from heyi.core.errors import DomainError

Objective = Literal["distance", "vehicles"]


class SolverErrorCode(StrEnum):
    INVALID_INPUT = "routing_invalid_input"
    STOP_TOO_LARGE = "routing_stop_too_large"
    WINDOW_UNREACHABLE = "routing_window_unreachable"
    NO_FEASIBLE_PLAN = "routing_no_feasible_plan"


class InfeasibleProblem(DomainError):
    """No plan can serve this input (or the solver found none in the time given)."""

    status = 422

    def __init__(self, code: SolverErrorCode, message: str) -> None:
        super().__init__(code, message)


@dataclass(frozen=True)
class Depot:
    location: int
    name: str = "depot"


@dataclass(frozen=True)
class Stop:
    """A delivery: `demand` is (volume, weight); service starts within [window_start, window_end]."""

    location: int
    demand: tuple[int, int]
    window_start: int
    window_end: int
    service_time: int = 0
    name: str = ""


@dataclass(frozen=True)
class Vehicle:
    """A vehicle type: `count` vehicles, each leaving at `shift_start` and back by `shift_end`."""

    capacity: tuple[int, int]  # (volume, weight)
    shift_start: int
    shift_end: int
    count: int = 1
    name: str = ""


@dataclass(frozen=True)
class Problem:
    depot: Depot
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]
    distances: tuple[tuple[int, ...], ...]
    durations: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Route:
    """One vehicle's tour: `stops` are indexes into `Problem.stops`, `arrivals` the start of
    service at each (after any wait), `end` the return to the depot."""

    vehicle: int  # index into Problem.vehicles
    stops: tuple[int, ...]
    arrivals: tuple[int, ...]
    start: int
    end: int
    distance: int
    load: tuple[int, int]


@dataclass(frozen=True)
class Plan:
    routes: tuple[Route, ...]
    distance: int
    seconds: float
    objective: Objective = "distance"
    iterations: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def vehicles(self) -> int:
        return len(self.routes)


def validate(problem: Problem) -> None:
    """Raise InfeasibleProblem for input that no plan can serve."""
    size = len(problem.distances)
    if len(problem.durations) != size or any(
        len(row) != size for row in (*problem.distances, *problem.durations)
    ):
        raise InfeasibleProblem(
            SolverErrorCode.INVALID_INPUT, "distances and durations must be square, same size"
        )
    if any(value < 0 for row in (*problem.distances, *problem.durations) for value in row):
        raise InfeasibleProblem(SolverErrorCode.INVALID_INPUT, "negative distance or duration")
    locations = [problem.depot.location, *(stop.location for stop in problem.stops)]
    if any(not 0 <= location < size for location in locations):
        raise InfeasibleProblem(
            SolverErrorCode.INVALID_INPUT, f"a location is outside the {size}×{size} matrices"
        )
    if not problem.vehicles or sum(vehicle.count for vehicle in problem.vehicles) < 1:
        raise InfeasibleProblem(SolverErrorCode.INVALID_INPUT, "no vehicle")
    for number, vehicle in enumerate(problem.vehicles):
        if vehicle.count < 1 or min(vehicle.capacity) < 0:
            raise InfeasibleProblem(
                SolverErrorCode.INVALID_INPUT,
                f"vehicle type {number}: count must be positive, capacity not negative",
            )
        if vehicle.shift_end < vehicle.shift_start:
            raise InfeasibleProblem(
                SolverErrorCode.INVALID_INPUT, f"vehicle type {number}: shift ends before it starts"
            )
    depot = problem.depot.location
    for number, stop in enumerate(problem.stops):
        label = stop.name or f"stop {number}"
        if min(stop.demand) < 0 or stop.service_time < 0:
            raise InfeasibleProblem(
                SolverErrorCode.INVALID_INPUT, f"{label}: negative volume, weight or service time"
            )
        if stop.window_end < stop.window_start:
            raise InfeasibleProblem(
                SolverErrorCode.INVALID_INPUT, f"{label}: time window ends before it starts"
            )
        fitting = [
            vehicle
            for vehicle in problem.vehicles
            if all(need <= room for need, room in zip(stop.demand, vehicle.capacity, strict=True))
        ]
        if not fitting:
            raise InfeasibleProblem(
                SolverErrorCode.STOP_TOO_LARGE,
                f"{label}: demand (volume, weight) {stop.demand} exceeds every vehicle's capacity",
            )
        there = problem.durations[depot][stop.location]
        back = problem.durations[stop.location][depot]
        if not any(
            max(vehicle.shift_start + there, stop.window_start) <= stop.window_end
            and max(vehicle.shift_start + there, stop.window_start) + stop.service_time + back
            <= vehicle.shift_end
            for vehicle in fitting
        ):
            raise InfeasibleProblem(
                SolverErrorCode.WINDOW_UNREACHABLE,
                f"{label}: no vehicle that can carry it can reach it within its window "
                "and be back by its shift end",
            )


def route_timing(
    problem: Problem,
    vehicle: int,
    stops: Sequence[int],
    durations: Sequence[Sequence[float]] | None = None,
) -> tuple[list[float], float]:
    """Earliest start of service at each stop and the return time, leaving at shift start."""
    matrix = problem.durations if durations is None else durations
    here = problem.depot.location
    clock: float = problem.vehicles[vehicle].shift_start
    arrivals = []
    for index in stops:
        stop = problem.stops[index]
        clock = max(clock + matrix[here][stop.location], stop.window_start)
        arrivals.append(clock)
        clock += stop.service_time
        here = stop.location
    return arrivals, clock + matrix[here][problem.depot.location]


def check(
    problem: Problem, plan: Plan, *, durations: Sequence[Sequence[float]] | None = None
) -> list[str]:
    """Recompute the plan from the problem alone; return its violations (empty: feasible).

    `durations` replaces the problem's travel times (e.g. exact, unrounded ones) for the check.
    """
    violations = []
    used = [0] * len(problem.vehicles)
    served = [0] * len(problem.stops)
    for number, route in enumerate(plan.routes):
        if not 0 <= route.vehicle < len(problem.vehicles):
            violations.append(f"route {number}: no vehicle type {route.vehicle}")
            continue
        vehicle = problem.vehicles[route.vehicle]
        used[route.vehicle] += 1
        if any(not 0 <= index < len(problem.stops) for index in route.stops):
            violations.append(f"route {number}: unknown stop")
            continue
        for index in route.stops:
            served[index] += 1
        for dimension, name in enumerate(("volume", "weight")):
            load = sum(problem.stops[index].demand[dimension] for index in route.stops)
            if load > vehicle.capacity[dimension]:
                violations.append(
                    f"route {number}: {name} {load} above capacity {vehicle.capacity[dimension]}"
                )
        arrivals, end = route_timing(problem, route.vehicle, route.stops, durations)
        for index, arrival in zip(route.stops, arrivals, strict=True):
            stop = problem.stops[index]
            if arrival > stop.window_end + 1e-9:
                violations.append(
                    f"route {number}: stop {index} served at {arrival:g}, "
                    f"after its window end {stop.window_end}"
                )
        if end > vehicle.shift_end + 1e-9:
            violations.append(
                f"route {number}: back at {end:g}, after the shift end {vehicle.shift_end}"
            )
    for vehicle_number, vehicle in enumerate(problem.vehicles):
        if used[vehicle_number] > vehicle.count:
            violations.append(
                f"vehicle type {vehicle_number}: {used[vehicle_number]} routes, {vehicle.count} vehicles"
            )
    for index, times in enumerate(served):
        if times != 1:
            violations.append(f"stop {index} served {times} times")
    return violations


def plan(
    problem: Problem, *, seconds: float, objective: Objective = "distance", seed: int = 0
) -> Plan:
    """Plan the routes with PyVRP within `seconds`.

    objective "distance": total distance, with as many vehicles as that takes (within the
    fleet). "vehicles": fewest vehicles first, then distance; with one vehicle type, PyVRP's
    fleet minimisation takes two thirds of the time and the rest goes to distance.
    """
    started = time.perf_counter()
    validate(problem)
    if not problem.stops:
        return Plan(routes=(), distance=0, seconds=0.0, objective=objective)
    import pyvrp
    from pyvrp.stop import MaxRuntime

    data = _pyvrp_data(problem, vehicle_cost=0)
    notes = []
    if objective == "vehicles":
        hierarchical = _pyvrp_data(problem, vehicle_cost=_vehicle_cost(problem))
        if len(problem.vehicles) == 1:
            with warnings.catch_warnings():
                # Expected while it tries fleets too small: PyVRP's penalties hit their bound.
                warnings.simplefilter("ignore")
                fleet = pyvrp.minimise_fleet(data, MaxRuntime(seconds * 2 / 3), seed=seed)
            notes.append(f"fleet minimised to {fleet.num_available}")
            # minimise_fleet keeps no plan: solve again on its fleet, and if that finds no
            # feasible plan in three quarters of the rest, on the whole fleet, hierarchically.
            remaining = max(seconds - (time.perf_counter() - started), 0.05)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = pyvrp.solve(
                    data.replace(vehicle_types=[fleet]),
                    MaxRuntime(remaining * 3 / 4),
                    seed=seed,
                    display=False,
                )
            if result.is_feasible():
                # The quarter kept back goes on improving that plan, on the same fleet.
                data = data.replace(vehicle_types=[fleet])
                remaining = max(seconds - (time.perf_counter() - started), 0.05)
                improved = pyvrp.solve(
                    data,
                    MaxRuntime(remaining),
                    seed=seed,
                    display=False,
                    initial_solution=result.best,
                )
                result = improved if improved.is_feasible() else result
            else:
                data = hierarchical
                notes.append("no plan on that fleet: solved on the whole fleet")
        else:
            data = hierarchical
    if objective != "vehicles" or len(problem.vehicles) != 1 or not result.is_feasible():
        remaining = max(seconds - (time.perf_counter() - started), 0.05)
        result = pyvrp.solve(data, MaxRuntime(remaining), seed=seed, display=False)
    if not result.is_feasible():
        raise InfeasibleProblem(
            SolverErrorCode.NO_FEASIBLE_PLAN,
            f"no plan serving every stop within capacities, windows and shifts found in "
            f"{seconds:g} s",
        )
    routes = []
    for solved in result.best.routes():
        # A client activity's idx is its index among the clients, i.e. in problem.stops.
        stops = tuple(activity.idx for activity in solved if activity.is_client())
        if not stops:
            continue
        vehicle = solved.vehicle_type()
        arrivals, end = route_timing(problem, vehicle, stops)
        here = problem.depot.location
        distance = 0
        for index in stops:
            distance += problem.distances[here][problem.stops[index].location]
            here = problem.stops[index].location
        distance += problem.distances[here][problem.depot.location]
        volume = sum(problem.stops[index].demand[0] for index in stops)
        weight = sum(problem.stops[index].demand[1] for index in stops)
        routes.append(
            Route(
                vehicle=vehicle,
                stops=stops,
                arrivals=tuple(int(arrival) for arrival in arrivals),
                start=problem.vehicles[vehicle].shift_start,
                end=int(end),
                distance=distance,
                load=(volume, weight),
            )
        )
    return Plan(
        routes=tuple(routes),
        distance=sum(route.distance for route in routes),
        seconds=time.perf_counter() - started,
        objective=objective,
        iterations=result.num_iterations,
        notes=tuple(notes),
    )


def _vehicle_cost(problem: Problem) -> int:
    """A per-vehicle cost above any plan's total distance (at most 2n edges for n stops), so a
    vehicle fewer always wins; no larger, as PyVRP's penalties must stay comparable."""
    longest = max(max(row) for row in problem.distances)
    return max(1, 2 * longest * len(problem.stops))


def _pyvrp_data(problem: Problem, *, vehicle_cost: int) -> Any:
    import numpy as np
    import pyvrp

    size = len(problem.distances)
    clients = [
        pyvrp.Client(
            location=stop.location,
            delivery=list(stop.demand),
            service_duration=stop.service_time,
            tw_early=stop.window_start,
            tw_late=stop.window_end,
            name=stop.name,
        )
        for stop in problem.stops
    ]
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=vehicle.count,
            capacity=list(vehicle.capacity),
            fixed_cost=vehicle_cost,
            tw_early=vehicle.shift_start,
            tw_late=vehicle.shift_end,
            name=vehicle.name,
        )
        for vehicle in problem.vehicles
    ]
    return pyvrp.ProblemData(
        locations=[pyvrp.Location(0, 0) for _ in range(size)],
        clients=clients,
        depots=[pyvrp.Depot(location=problem.depot.location, name=problem.depot.name)],
        vehicle_types=vehicle_types,
        distance_matrices=[np.array(problem.distances, dtype=np.int64)],  # type: ignore[list-item]
        duration_matrices=[np.array(problem.durations, dtype=np.int64)],  # type: ignore[list-item]
    )
