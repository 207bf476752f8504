"""The route planner, without a database: dataclasses in, a plan out, checked independently."""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from heyi.logistics.solver import (
    Depot,
    InfeasibleProblem,
    Plan,
    Problem,
    Route,
    SolverErrorCode,
    Stop,
    Vehicle,
    check,
    plan,
)
from heyi.logistics.solver.solomon import (
    exact_distance,
    exact_durations,
    solomon_problem,
    solomon_read,
)

SOLOMON = Path(__file__).resolve().parents[4] / "shared" / "bench" / "vrptw" / "solomon_100"


def line_problem(
    positions: list[int],
    stops: list[Stop],
    vehicles: tuple[Vehicle, ...] = (Vehicle(capacity=(10, 1000), shift_start=0, shift_end=1000),),
) -> Problem:
    """Locations on a line (the depot at positions[0]); travel time equals distance."""
    matrix = tuple(tuple(abs(a - b) for b in positions) for a in positions)
    return Problem(
        depot=Depot(location=0),
        stops=tuple(stops),
        vehicles=vehicles,
        distances=matrix,
        durations=matrix,
    )


def served_once(problem: Problem, result: Plan) -> bool:
    visits = sorted(index for route in result.routes for index in route.stops)
    return visits == list(range(len(problem.stops)))


def test_windows_order_the_route_and_arrivals_are_the_service_starts() -> None:
    problem = line_problem(
        [0, 10, 20],
        [
            Stop(location=1, demand=(1, 1), window_start=50, window_end=60, service_time=5),
            Stop(location=2, demand=(1, 1), window_start=0, window_end=30, service_time=5),
        ],
    )

    result = plan(problem, seconds=0.2)

    assert result.routes == (
        Route(
            vehicle=0, stops=(1, 0), arrivals=(20, 50), start=0, end=65, distance=40, load=(2, 2)
        ),
    )
    assert result.distance == 40
    assert check(problem, result) == []


def test_weight_capacity_splits_the_routes_even_when_volume_fits() -> None:
    # Two appliances: small enough together by volume, too heavy together for one vehicle.
    problem = line_problem(
        [0, 10, 20],
        [
            Stop(location=1, demand=(2, 600), window_start=0, window_end=1000),
            Stop(location=2, demand=(2, 600), window_start=0, window_end=1000),
        ],
        (Vehicle(capacity=(10, 1000), shift_start=0, shift_end=1000, count=2),),
    )

    result = plan(problem, seconds=0.2)

    assert sorted((route.stops, route.load, route.distance) for route in result.routes) == [
        ((0,), (2, 600), 20),
        ((1,), (2, 600), 40),
    ]
    assert check(problem, result) == []


def test_volume_capacity_and_shift_end_hold_in_every_route() -> None:
    positions = [0, 3, 5, 8, 13, 21, 34, 40, 45, 50]
    stops = [
        Stop(location=i, demand=(3, 50), window_start=0, window_end=200, service_time=2)
        for i in range(1, len(positions))
    ]
    vehicles = (Vehicle(capacity=(9, 1000), shift_start=0, shift_end=120, count=5),)
    problem = line_problem(positions, stops, vehicles)

    result = plan(problem, seconds=0.5)

    assert check(problem, result) == []
    assert served_once(problem, result)
    assert result.vehicles == 3  # 9 stops of volume 3, 9 per vehicle
    for route in result.routes:
        assert route.load[0] <= 9
        assert route.end <= 120
        for index, arrival in zip(route.stops, route.arrivals, strict=True):
            assert stops[index].window_start <= arrival <= stops[index].window_end


def test_vehicles_objective_with_several_vehicle_types() -> None:
    positions = [0, 10, 11, 12, 13]
    stops = [Stop(location=i, demand=(5, 1), window_start=0, window_end=500) for i in range(1, 5)]
    vehicles = (
        Vehicle(capacity=(10, 10), shift_start=0, shift_end=500, count=4, name="van"),
        Vehicle(capacity=(20, 10), shift_start=0, shift_end=500, count=1, name="truck"),
    )
    problem = line_problem(positions, stops, vehicles)

    result = plan(problem, seconds=0.5, objective="vehicles")

    assert result.vehicles == 1
    assert result.routes[0].vehicle == 1
    assert result.distance == 26
    assert check(problem, result) == []


def test_no_stops_is_an_empty_plan() -> None:
    problem = line_problem([0], [])

    assert plan(problem, seconds=0.1) == Plan(routes=(), distance=0, seconds=0.0)


def stop_at_10(**changes: object) -> Stop:
    return replace(Stop(location=1, demand=(1, 1), window_start=0, window_end=100), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("stop", "code", "message"),
    [
        (stop_at_10(demand=(11, 1)), SolverErrorCode.STOP_TOO_LARGE, "exceeds every vehicle"),
        (stop_at_10(demand=(1, 1001)), SolverErrorCode.STOP_TOO_LARGE, "exceeds every vehicle"),
        (stop_at_10(demand=(-1, 1)), SolverErrorCode.INVALID_INPUT, "negative volume"),
        (stop_at_10(service_time=-1), SolverErrorCode.INVALID_INPUT, "negative volume"),
        (stop_at_10(window_start=50, window_end=40), SolverErrorCode.INVALID_INPUT, "ends before"),
        (stop_at_10(window_end=9), SolverErrorCode.WINDOW_UNREACHABLE, "within its window"),
        (
            stop_at_10(window_start=995, window_end=999),
            SolverErrorCode.WINDOW_UNREACHABLE,
            "shift end",
        ),
        (stop_at_10(location=5), SolverErrorCode.INVALID_INPUT, "outside the 2×2"),
    ],
)
def test_input_no_plan_can_serve_is_refused_before_solving(
    stop: Stop, code: SolverErrorCode, message: str
) -> None:
    problem = line_problem([0, 10], [stop])

    with pytest.raises(InfeasibleProblem) as raised:
        plan(problem, seconds=0.1)

    assert raised.value.code == code
    assert message in raised.value.message
    assert raised.value.status == 422


def test_bad_matrices_and_fleets_are_refused() -> None:
    problem = line_problem([0, 10], [stop_at_10()])
    cases = [
        replace(problem, distances=((0, 10),)),
        replace(problem, durations=((0, -1), (1, 0))),
        replace(problem, vehicles=()),
        replace(problem, vehicles=(Vehicle(capacity=(9, 9), shift_start=10, shift_end=0),)),
    ]
    for case in cases:
        with pytest.raises(InfeasibleProblem) as raised:
            plan(case, seconds=0.1)
        assert raised.value.code == SolverErrorCode.INVALID_INPUT


def test_a_fleet_too_small_for_the_stops_reports_no_feasible_plan() -> None:
    # Each stop fits a vehicle, but the one vehicle cannot carry both.
    problem = line_problem(
        [0, 10, 20],
        [stop_at_10(demand=(6, 1)), stop_at_10(location=2, demand=(6, 1))],
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(InfeasibleProblem) as raised:
            plan(problem, seconds=0.3)

    assert raised.value.code == SolverErrorCode.NO_FEASIBLE_PLAN


def test_check_finds_every_kind_of_violation() -> None:
    problem = line_problem(
        [0, 10, 20, 30],
        [
            stop_at_10(demand=(6, 1), window_end=15),
            stop_at_10(location=2, demand=(6, 1)),
            stop_at_10(location=3),
        ],
        (Vehicle(capacity=(10, 10), shift_start=0, shift_end=50),),
    )

    def route(*stops: int) -> Route:
        return Route(vehicle=0, stops=stops, arrivals=(), start=0, end=0, distance=0, load=(0, 0))

    bad = Plan(routes=(route(1, 0, 1), route(7)), distance=0, seconds=0.0)

    assert check(problem, bad) == [
        "route 0: volume 18 above capacity 10",
        "route 0: stop 0 served at 30, after its window end 15",
        "route 0: back at 60, after the shift end 50",
        "route 1: unknown stop",
        "vehicle type 0: 2 routes, 1 vehicles",
        "stop 1 served 2 times",
        "stop 2 served 0 times",
    ]
    late = Plan(routes=(route(2, 1, 0),), distance=0, seconds=0.0)
    assert check(problem, late) == [
        "route 0: volume 13 above capacity 10",
        "route 0: stop 0 served at 50, after its window end 15",
        "route 0: back at 60, after the shift end 50",
    ]


def test_check_under_other_travel_times() -> None:
    problem = line_problem([0, 10], [stop_at_10(window_end=10)])
    result = plan(problem, seconds=0.1)

    assert check(problem, result) == []
    assert check(problem, result, durations=[[0, 10.5], [10.5, 0]]) == [
        "route 0: stop 0 served at 10.5, after its window end 10"
    ]


@pytest.mark.skipif(not SOLOMON.exists(), reason="the shared Solomon files are not here")
def test_solomon_reader_and_the_two_conventions() -> None:
    instance = solomon_read(SOLOMON / "C101.txt")

    assert (instance.name, instance.vehicles, instance.capacity) == ("C101", 25, 200)
    assert len(instance.customers) == 101
    assert instance.customers[1] == instance.customers[1].__class__(
        number=1, x=45, y=68, demand=10, ready=912, due=967, service=90
    )
    truncated = solomon_problem(instance)
    exact = solomon_problem(instance, rounding="ceil", scale=1000)
    # Depot (40, 50) to customer 1 (45, 68): 18.681... -> 18.6 truncated, 18.682 rounded up.
    assert truncated.distances[0][1] == 186
    assert exact.durations[0][1] == 18682
    assert truncated.stops[0] == Stop(
        location=1, demand=(10, 0), window_start=9120, window_end=9670, service_time=900, name="1"
    )
    assert truncated.vehicles == (
        Vehicle(capacity=(200, 0), shift_start=0, shift_end=12360, count=25),
    )


@pytest.mark.skipif(not SOLOMON.exists(), reason="the shared Solomon files are not here")
def test_a_first_feasible_plan_for_100_stops_within_a_second() -> None:
    instance = solomon_read(SOLOMON / "R101.txt")
    problem = solomon_problem(instance)

    result = plan(problem, seconds=1.0, seed=1)

    assert check(problem, result) == []
    assert served_once(problem, result)
    assert result.seconds < 1.5
    assert exact_distance(instance, result) >= result.distance / 10
    assert check(problem, result, durations=exact_durations(instance, scale=10)) is not None
