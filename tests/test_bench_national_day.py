"""The national-day benchmark's own pieces (pure: no database) and its command line."""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np
import pytest

from bench import national_day as nd
from heyi import cli
from heyi.logistics.network_core import Place, haversine_km
from heyi.logistics.waves import Delivery

SHANGHAI = Place(1, "Centre city", 31.0, 121.0, 1000)
SUBURB = Place(2, "Suburb", 31.1, 121.1, 1000)
FAR_TOWN = Place(3, "Far town", 40.0, 100.0, 1000)  # about 2,000 km from the centre
NETWORK = nd.Network(places=[SHANGHAI, SUBURB, FAR_TOWN], stations=(0, 2), centres=(0,))
FRIDGE = 0
TV = 3


def test_orders_sample_is_deterministic_for_a_seed_and_follows_population() -> None:
    places = [Place(1, "big", 30.0, 120.0, 900_000), Place(2, "none", 35.0, 110.0, 0)]

    first = nd.orders_sample(places, count=500, seed=4)
    again = nd.orders_sample(places, count=500, seed=4)
    other = nd.orders_sample(places, count=500, seed=5)

    assert first == again
    assert first != other
    assert [order.number for order in first] == list(range(1, 501))
    assert {order.place for order in first} == {0}  # no population, no orders
    assert {order.slot for order in first} == set(nd.SLOTS)
    assert {order.product for order in first} == set(range(len(nd.CATALOGUE)))
    radius = nd.jitter_km(900_000)
    assert radius == 5 * math.sqrt(0.9)
    distances = haversine_km(
        30.0,
        120.0,
        np.array([order.latitude for order in first]),
        np.array([order.longitude for order in first]),
    )
    assert float(distances.max()) <= radius * 1.01


def test_jitter_radius_is_clipped() -> None:
    assert nd.jitter_km(5_000) == 2.0
    assert nd.jitter_km(1_000_000) == 5.0
    assert nd.jitter_km(24_000_000) == 15.0


def test_districts_cap_the_size_and_cover_every_point_once() -> None:
    station = (31.0, 121.0)
    points = [
        (31.0 + 0.1 * math.sin(2 * math.pi * index / 450), 121.0 + 0.1 * math.cos(index))
        for index in range(450)
    ]

    runs = nd.districts(station, points, max_stops=200)

    assert [len(run) for run in runs] == [150, 150, 150]
    assert sorted(index for run in runs for index in run) == list(range(450))
    assert [len(run) for run in nd.districts(station, points[:200], max_stops=200)] == [200]
    assert [len(run) for run in nd.districts(station, points[:201], max_stops=200)] == [101, 100]
    assert nd.districts(station, [], max_stops=200) == []


def test_districts_are_cut_by_bearing() -> None:
    station = (0.0, 0.0)
    # Two points north-east, two south-west: each district keeps one side.
    points = [(0.1, 0.1), (-0.1, -0.1), (0.1, 0.12), (-0.1, -0.12)]

    assert nd.districts(station, points, max_stops=2) == [[3, 1], [2, 0]]


def test_vans_follow_load_and_stops() -> None:
    fridges = [
        Delivery(str(number), 31.0, 121.0, 880, 85, 9 * 3600, 12 * 3600) for number in range(7)
    ]
    # 6,160 litres and 595 kg fit one van (two by the rule), 7 stops need ceil(7 / 6) = 2.
    assert nd.vans_for(fridges) == 2
    assert nd.vans_for(fridges * 3) == 4  # 18,480 litres: 2 vans' volume, doubled
    assert nd.vans_for(fridges[:1]) == 2


def test_stock_rule_gives_each_centre_its_catchment_share() -> None:
    stock = nd.stock_rule(NETWORK, orders=30, stock_cover=1.0)

    # The centre city and its suburb (2,000 of 3,000 people) are in reach; the far town is not:
    # 20 expected orders, by product share 15/15/20/20/15/15 %.
    assert stock.tolist() == [[3, 3, 4, 4, 3, 3]]
    assert nd.stock_rule(NETWORK, orders=30, stock_cover=2.0).tolist() == [[6, 6, 8, 8, 6, 6]]


def _order(number: int, place: Place, product: int, slot: str) -> nd.DayOrder:
    return nd.DayOrder(
        number=number,
        place=NETWORK.places.index(place),
        latitude=place.latitude,
        longitude=place.longitude,
        product=product,
        slot=slot,
    )


def test_the_24_hour_share_on_a_hand_made_day() -> None:
    orders = [
        _order(1, SHANGHAI, FRIDGE, "09-12"),
        _order(2, SUBURB, FRIDGE, "15-18"),
        _order(3, SUBURB, FRIDGE, "12-15"),  # the centre's two fridges are gone by now
        _order(4, FAR_TOWN, TV, "18-21"),  # no centre within 300 km
    ]
    stock = np.zeros((1, len(nd.CATALOGUE)), dtype=np.int64)
    stock[0, FRIDGE] = 2
    stock[0, TV] = 5

    allocations = nd.allocate(NETWORK, orders, stock)

    assert [allocation.fulfilment for allocation in allocations] == [
        "stock",
        "stock",
        "made_to_order",
        "made_to_order",
    ]
    assert [allocation.station for allocation in allocations] == [0, 0, 0, 1]
    assert stock[0].tolist() == [0, 0, 0, 5, 0, 0]

    tasks, bound = nd.wave_tasks(
        NETWORK,
        orders,
        allocations,
        max_stops=200,
        seconds_per_100_stops=1.0,
        min_seconds=0.1,
    )
    assert sorted((task.station, task.wave, len(task.deliveries)) for task in tasks) == [
        (0, "afternoon", 1),
        (0, "morning", 2),
        (1, "afternoon", 1),
    ]
    results = nd.waves_plan(tasks, workers=0)
    day = nd.day_summarise(orders, allocations, results, bound_m=bound)

    assert day.orders == 4
    assert day.stock_orders == 2
    assert day.made_to_order == 2
    assert day.beyond_reach == 1
    assert day.routed == 4
    assert day.promise_met == 2
    assert day.promise_share == 0.5
    assert day.made_to_order_share == 0.5
    assert day.stations_used == 2
    assert (day.waves, day.districts, day.failed_districts, day.violating_plans) == (3, 3, 0, 0)
    assert day.distance_m >= bound > 0


def test_an_unrouted_stock_order_does_not_meet_the_promise() -> None:
    orders = [_order(1, SHANGHAI, FRIDGE, "09-12"), _order(2, SUBURB, TV, "09-12")]
    stock = np.ones((1, len(nd.CATALOGUE)), dtype=np.int64)
    allocations = nd.allocate(NETWORK, orders, stock)
    failed = nd.WaveResult(
        station=0,
        wave="morning",
        district=0,
        stops=1,
        vans=2,
        vehicles=0,
        distance_m=0,
        seconds=0.1,
        routed=("1",),  # order 2's district found no plan
        violations=0,
        error="routing_no_feasible_plan: none",
        retried=True,
        worker_pid=1,
        worker_rss_kib=1,
    )

    day = nd.day_summarise(orders, allocations, [failed], bound_m=0.0)

    assert (day.stock_orders, day.routed, day.promise_met) == (2, 1, 1)
    assert (day.failed_districts, day.failed_stops, day.retried_districts) == (1, 1, 1)


def test_wave_bound_is_the_farthest_round_trip_for_a_single_stop() -> None:
    delivery = Delivery("1", 31.1, 121.0, 80, 14, 9 * 3600, 12 * 3600)
    expected = float(haversine_km(31.0, 121.0, 31.1, 121.0)) * 1.3 * 1000 * 2

    assert nd.wave_bound_m((31.0, 121.0), [delivery], "morning") == pytest.approx(expected)


def test_bench_national_day_command_passes_its_options(monkeypatch: Any) -> None:
    seen: list[argparse.Namespace] = []

    class Module:
        @staticmethod
        def run(args: argparse.Namespace) -> int:
            seen.append(args)
            return 0

    monkeypatch.setattr(
        cli, "_bench_module", lambda name: Module if name == "national_day" else None
    )

    assert cli.main(["bench", "national-day", "--orders", "2000", "--max-stops", "150"]) == 0

    (args,) = seen
    assert (args.orders, args.max_stops, args.seed, args.workers) == (2000, 150, 11, 2)
    assert (args.stock_cover, args.seconds_per_100_stops, args.min_seconds) == (1.0, 1.0, 0.2)
    assert (args.min_population, args.radius, args.centres) == (5000, 50.0, 90)


def test_a_district_with_too_few_vans_is_planned_again_with_twice_as_many() -> None:
    # Two stops 45 km north and south of the station, both due by noon: one van cannot serve
    # both (about 2 h 40 min from one to the other), two can.
    deliveries = (
        Delivery("1", 31.4, 121.0, 80, 14, 9 * 3600, 12 * 3600),
        Delivery("2", 30.6, 121.0, 80, 14, 9 * 3600, 12 * 3600),
    )
    task = nd.WaveTask(
        station=0,
        wave="morning",
        district=0,
        point=(31.0, 121.0),
        deliveries=deliveries,
        vans=1,
        seconds=0.1,
    )

    result = nd.wave_solve(task)

    assert (result.retried, result.vans, result.vehicles, result.error) == (True, 2, 2, "")
    assert sorted(result.routed) == ["1", "2"]
    assert result.violations == 0
