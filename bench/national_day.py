"""A national day at scale: orders spread by population, allocated to stock and planned into routes.

    uv run heyi bench national-day [--orders 100000] [--seed 11] [--stock-cover 1.0]
        [--max-stops 200] [--seconds-per-100-stops 1.0] [--min-seconds 0.2] [--workers 2]

Pure: the same functions the platform runs, with no Django and no database.

1. Network: `places_load(min_population=5000)`, stations by `stations_cover` (50 km), the 90
   largest places as centres (`centres_choose`), as `network_build` does.
2. Orders (seeded): a place drawn with probability proportional to its population, the point
   uniform in a disc around it of radius clip(5 km × sqrt(population / 1 million), 2 km,
   15 km) (a town's streets, a big city's districts), a product of `CATALOGUE` by its share, a
   slot of `SLOTS` with equal probability. The order of the sample is the order of arrival.
3. Stock (the stated rule): every place's population is given to its nearest centre when that
   centre is within reach (300 km, `PromiseTerms.reach_km`); a centre holds, of each product,
   round(stock_cover × orders × its population share × the product's share) units. Places
   beyond every centre's reach bring the centres nothing: their orders are made to order.
4. Allocation, order by order as the platform does it: `promise_quote` over the centres
   (distance from the delivery point, free units); a stock quote takes the unit from the centre it
   names (the nearest in reach with the unit free) and decrements its stock; otherwise the order
   is made to order. Each order goes to its nearest station (`nearest`).
5. Planning: the day's deliveries are all the orders' points (steady state: the made-to-order
   orders placed today are delivered on a later day, and as many placed earlier fall due
   today, spread the same way); only stock orders can meet the 24-hour promise. Per station
   and wave (`wave_for_slot`), a wave with more than `--max-stops` stops is split into
   districts by angle around the station (sorted by bearing, cut into ceil(n / max_stops)
   consecutive runs of near-equal size). Each district gets
   max(2 × ceil(volume / van volume), 2 × ceil(weight / van weight), ceil(stops / 6)) vans of
   `VAN`, and is planned by `wave_problem` + `wave_plan` with
   max(--min-seconds, --seconds-per-100-stops × stops / 100) seconds, in `--workers`
   processes (spawned, so each worker's peak memory is its own).
6. Checks: every plan is recomputed by `heyi.logistics.solver.check`; a plan with any violation
   counts all its stops as not delivered in their slot. A district the solver finds no plan for
   in its time is planned once more with twice the vans and RETRY_FACTOR (4) times the time;
   if that fails too, its stops count as unrouted.

The 24-hour promise is met by an order that was served from stock in reach AND is routed within
its slot by a checked plan. The yardstick beside the vehicle-kilometres is a lower bound per
station and wave (before any split into districts), the larger of: the farthest stop's round
trip, and the radial capacity bound of Haimovich and Rinnooy Kan, 2 Σ d(station, i) q_i / Q,
for volume, for weight and for stops (at most shift / service time stops a route), in road
distance as the plans use.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context

import numpy as np

from heyi.logistics.network_core import (
    Place,
    centres_choose,
    haversine_km,
    nearest,
    places_load,
    stations_cover,
)
from heyi.logistics.promise import CentreOption, PromiseTerms, promise_quote
from heyi.logistics.solver import InfeasibleProblem, Problem, check
from heyi.logistics.waves import (
    ROAD_FACTOR,
    WAVES,
    Delivery,
    Van,
    slot_seconds,
    wave_for_slot,
    wave_plan,
    wave_problem,
)


@dataclass(frozen=True)
class Product:
    key: str
    volume_litres: int  # packed
    weight_kg: int  # packed
    share: float  # of the day's orders
    lead_time_days: int  # made to order: production before transport


# Packed sizes of common models (carton outer dimensions and gross weight, rounded).
CATALOGUE: tuple[Product, ...] = (
    Product("fridge", 880, 85, 0.15, 7),  # 400 L two-door, 0.70 × 0.72 × 1.75 m carton
    Product("washer", 380, 72, 0.15, 5),  # 8 kg front loader, 0.65 × 0.65 × 0.90 m
    Product("air-conditioner", 340, 48, 0.20, 5),  # 1.5 HP split: indoor and outdoor cartons
    Product("tv", 200, 22, 0.20, 4),  # 55 inch, 1.40 × 0.85 × 0.17 m
    Product("microwave", 80, 14, 0.15, 3),
    Product("rice-cooker", 40, 6, 0.15, 3),
)
SLOTS: tuple[str, ...] = ("09-12", "12-15", "15-18", "18-21")
# A 4.2 m box truck, the common city delivery vehicle for appliances.
VAN = Van(name="4.2 m box truck", volume_litres=16_000, weight_kg=1_800, count=1)
RETRY_FACTOR = 4  # a district with no plan in its time: once more, 2 × the vans, 4 × the time
STOPS_PER_VAN = 6  # at least one van per 6 stops: a wave's time, not its load, is what binds
TERMS = PromiseTerms()  # the platform's published terms: 300 km reach, 24 hours
ORDER_DAY = datetime(2026, 12, 1, 0, 0)  # the promise's clock; only the fulfilment is used


@dataclass(frozen=True)
class DayOrder:
    number: int
    place: int  # index into the places
    latitude: float
    longitude: float
    product: int  # index into the catalogue
    slot: str


@dataclass(frozen=True)
class Network:
    places: list[Place]
    stations: tuple[int, ...]  # indices into places
    centres: tuple[int, ...]  # indices into places


@dataclass(frozen=True)
class Allocation:
    fulfilment: str  # "stock" or "made_to_order"
    centre: int | None  # position in Network.centres (the stock's centre, or the nearest)
    centre_km: float | None
    station: int  # position in Network.stations
    station_km: float


@dataclass(frozen=True)
class WaveTask:
    station: int  # position in Network.stations
    wave: str
    district: int
    point: tuple[float, float]
    deliveries: tuple[Delivery, ...]
    vans: int
    seconds: float


@dataclass(frozen=True)
class WaveResult:
    station: int
    wave: str
    district: int
    stops: int
    vans: int
    vehicles: int
    distance_m: int
    seconds: float
    routed: tuple[str, ...]  # delivery keys served within their slot by a checked plan
    violations: int
    error: str
    retried: bool
    worker_pid: int
    worker_rss_kib: int


def jitter_km(population: int) -> float:
    """Radius of the disc an order of this place falls in."""
    return min(15.0, max(2.0, 5.0 * math.sqrt(population / 1_000_000)))


def orders_sample(places: Sequence[Place], *, count: int, seed: int) -> list[DayOrder]:
    """`count` orders over the places, weighted by population (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    population = np.array([place.population for place in places], dtype=np.float64)
    if population.sum() <= 0:
        population = np.ones(len(places))
    chosen = rng.choice(len(places), size=count, p=population / population.sum())
    radius = np.array([jitter_km(int(population[index])) for index in chosen])
    distance = radius * np.sqrt(rng.random(count))  # uniform over the disc
    bearing = rng.random(count) * 2 * math.pi
    shares = np.array([product.share for product in CATALOGUE])
    products = rng.choice(len(CATALOGUE), size=count, p=shares / shares.sum())
    slots = rng.integers(0, len(SLOTS), size=count)
    orders = []
    for number in range(count):
        place = places[int(chosen[number])]
        north = distance[number] * math.cos(bearing[number])
        east = distance[number] * math.sin(bearing[number])
        orders.append(
            DayOrder(
                number=number + 1,
                place=int(chosen[number]),
                latitude=place.latitude + north / 111.195,
                longitude=place.longitude
                + east / (111.195 * max(math.cos(math.radians(place.latitude)), 0.01)),
                product=int(products[number]),
                slot=SLOTS[int(slots[number])],
            )
        )
    return orders


def _distances_km(
    latitudes: np.ndarray, longitudes: np.ndarray, places: Sequence[Place], indices: Sequence[int]
) -> np.ndarray:
    """Great-circle km from each point (rows) to each of the chosen places (columns)."""
    chosen_lat = np.array([places[index].latitude for index in indices])
    chosen_lon = np.array([places[index].longitude for index in indices])
    return haversine_km(
        latitudes[:, None], longitudes[:, None], chosen_lat[None, :], chosen_lon[None, :]
    )


def stock_rule(
    network: Network, *, orders: int, stock_cover: float, terms: PromiseTerms = TERMS
) -> np.ndarray:
    """Units per (centre, product): see step 3 of the module docstring."""
    stock = np.zeros((len(network.centres), len(CATALOGUE)), dtype=np.int64)
    if not network.centres or not network.places:
        return stock
    latitudes = np.array([place.latitude for place in network.places])
    longitudes = np.array([place.longitude for place in network.places])
    km = _distances_km(latitudes, longitudes, network.places, network.centres)
    closest = np.argmin(km, axis=1)
    in_reach = km[np.arange(len(network.places)), closest] <= terms.reach_km
    population = np.array([place.population for place in network.places], dtype=np.float64)
    total = population.sum() or 1.0
    catchment = np.bincount(
        closest[in_reach], weights=population[in_reach], minlength=len(network.centres)
    )
    shares = np.array([product.share for product in CATALOGUE])
    expected = stock_cover * orders * (catchment / total)[:, None] * shares[None, :]
    stock[:] = np.rint(expected).astype(np.int64)
    return stock


def allocate(
    network: Network,
    orders: Sequence[DayOrder],
    stock: np.ndarray,
    *,
    terms: PromiseTerms = TERMS,
) -> list[Allocation]:
    """Each order, in turn: its promise over the centres (stock decremented) and its station."""
    if not orders:
        return []
    latitudes = np.array([order.latitude for order in orders])
    longitudes = np.array([order.longitude for order in orders])
    station_places = [network.places[index] for index in network.stations]
    points = [Place(-order.number, "", order.latitude, order.longitude, 0) for order in orders]
    nearest_station, nearest_km = nearest([*station_places, *points], range(len(station_places)))
    allocations = []
    for start in range(0, len(orders), 4096):
        block = _distances_km(
            latitudes[start : start + 4096],
            longitudes[start : start + 4096],
            network.places,
            network.centres,
        )
        for offset, row in enumerate(block):
            order = orders[start + offset]
            product = CATALOGUE[order.product]
            options = []
            closest = int(np.argmin(row)) if len(row) else -1
            for centre in np.flatnonzero(row <= terms.reach_km):
                options.append(
                    CentreOption(int(centre), float(row[centre]), int(stock[centre, order.product]))
                )
            if closest >= 0 and row[closest] > terms.reach_km:
                options.append(CentreOption(closest, float(row[closest]), 0))
            quote = promise_quote(
                now=ORDER_DAY,
                quantity=1,
                centres=options,
                lead_time_days=product.lead_time_days,
                terms=terms,
            )
            if quote.fulfilment == "stock" and quote.centre is not None:
                stock[quote.centre, order.product] -= 1
            where = len(station_places) + start + offset
            allocations.append(
                Allocation(
                    fulfilment=quote.fulfilment,
                    centre=quote.centre,
                    centre_km=quote.centre_km,
                    station=nearest_station[where],
                    station_km=nearest_km[where],
                )
            )
    return allocations


def districts(
    station: tuple[float, float], points: Sequence[tuple[float, float]], *, max_stops: int
) -> list[list[int]]:
    """Indices of the points in districts of at most `max_stops`, cut by bearing from the
    station: sorted by angle, split into ceil(n / max_stops) consecutive near-equal runs."""
    if not points:
        return []
    count = math.ceil(len(points) / max(max_stops, 1))
    cosine = math.cos(math.radians(station[0]))
    angles = [
        math.atan2(latitude - station[0], (longitude - station[1]) * cosine)
        for latitude, longitude in points
    ]
    order = sorted(range(len(points)), key=lambda index: (angles[index], index))
    return [[int(index) for index in run] for run in np.array_split(order, count)]


def vans_for(deliveries: Sequence[Delivery], van: Van = VAN) -> int:
    """How many vans a district gets: see step 5 of the module docstring."""
    volume = sum(delivery.volume_litres for delivery in deliveries)
    weight = sum(delivery.weight_kg for delivery in deliveries)
    return max(
        2 * math.ceil(volume / van.volume_litres),
        2 * math.ceil(weight / van.weight_kg),
        math.ceil(len(deliveries) / STOPS_PER_VAN),
        1,
    )


def wave_bound_m(
    station: tuple[float, float], deliveries: Sequence[Delivery], wave: str, van: Van = VAN
) -> float:
    """A lower bound on the road metres of any plan of these deliveries from the station.

    Every route of a wave reaches its farthest stop and comes back, so it is at least twice the
    mean station distance of its stops weighted by any per-stop "load" q, and a route carries at
    most Q of it: 2 Σ d_i q_i / Q bounds the whole (Haimovich and Rinnooy Kan). The loads used:
    volume and weight (Q: the van's), and stops (Q: the shift's length / a stop's service time,
    as no route can serve more stops than fit in its shift)."""
    if not deliveries:
        return 0.0
    metres = (
        haversine_km(
            station[0],
            station[1],
            np.array([delivery.latitude for delivery in deliveries]),
            np.array([delivery.longitude for delivery in deliveries]),
        )
        * ROAD_FACTOR
        * 1000
    )
    volume = np.array([delivery.volume_litres for delivery in deliveries], dtype=np.float64)
    weight = np.array([delivery.weight_kg for delivery in deliveries], dtype=np.float64)
    shift = WAVES[wave].shift_end - WAVES[wave].shift_start
    most_stops = max(1, shift // min(delivery.service_seconds for delivery in deliveries))
    return float(
        max(
            2 * metres.max(),
            2 * float(metres @ volume) / van.volume_litres,
            2 * float(metres @ weight) / van.weight_kg,
            2 * float(metres.sum()) / most_stops,
        )
    )


def wave_tasks(
    network: Network,
    orders: Sequence[DayOrder],
    allocations: Sequence[Allocation],
    *,
    max_stops: int,
    seconds_per_100_stops: float,
    min_seconds: float,
) -> tuple[list[WaveTask], float]:
    """The districts to plan, largest first, and the day's lower bound on road metres."""
    grouped: dict[tuple[int, str], list[Delivery]] = defaultdict(list)
    for order, allocation in zip(orders, allocations, strict=True):
        product = CATALOGUE[order.product]
        start, end = slot_seconds(order.slot)
        grouped[(allocation.station, wave_for_slot(order.slot).name)].append(
            Delivery(
                key=str(order.number),
                latitude=order.latitude,
                longitude=order.longitude,
                volume_litres=product.volume_litres,
                weight_kg=product.weight_kg,
                window_start=start,
                window_end=end,
            )
        )
    tasks = []
    bound = 0.0
    for (station, wave), deliveries in sorted(grouped.items()):
        place = network.places[network.stations[station]]
        point = (place.latitude, place.longitude)
        bound += wave_bound_m(point, deliveries, wave)
        runs = districts(
            point, [(d.latitude, d.longitude) for d in deliveries], max_stops=max_stops
        )
        for district, run in enumerate(runs):
            chosen = tuple(deliveries[index] for index in run)
            tasks.append(
                WaveTask(
                    station=station,
                    wave=wave,
                    district=district,
                    point=point,
                    deliveries=chosen,
                    vans=vans_for(chosen),
                    seconds=max(min_seconds, seconds_per_100_stops * len(chosen) / 100),
                )
            )
    tasks.sort(key=lambda task: (-len(task.deliveries), task.station, task.wave, task.district))
    return tasks, bound


def wave_solve(task: WaveTask) -> WaveResult:
    """Plan one district's wave and check the plan (runs in a worker process)."""

    def problem_for(vans: int) -> Problem:
        return wave_problem(
            station=task.point,
            deliveries=task.deliveries,
            vans=[Van(VAN.name, VAN.volume_litres, VAN.weight_kg, vans)],
            wave=WAVES[task.wave],
        )

    started = time.perf_counter()
    vans = task.vans
    problem = problem_for(vans)
    vehicles = distance = violations = 0
    routed: tuple[str, ...] = ()
    error = ""
    retried = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = wave_plan(problem, seconds=task.seconds)
            except InfeasibleProblem as failure:
                if failure.code != "routing_no_feasible_plan":
                    raise
                # No plan in the time given: once more with twice the vans (far-flung rural
                # stops take a van each) and RETRY_FACTOR times the time.
                retried = True
                vans *= 2
                problem = problem_for(vans)
                result = wave_plan(problem, seconds=task.seconds * RETRY_FACTOR)
    except InfeasibleProblem as failure:
        error = f"{failure.code}: {failure.message}"
    else:
        found = check(problem, result)
        violations = len(found)
        vehicles = result.vehicles
        distance = result.distance
        if not found:
            routed = tuple(task.deliveries[index].key for r in result.routes for index in r.stops)
    return WaveResult(
        station=task.station,
        wave=task.wave,
        district=task.district,
        stops=len(task.deliveries),
        vans=vans,
        vehicles=vehicles,
        distance_m=distance,
        seconds=time.perf_counter() - started,
        routed=routed,
        violations=violations,
        error=error,
        retried=retried,
        worker_pid=os.getpid(),
        worker_rss_kib=peak_rss_kib(),
    )


def peak_rss_kib() -> int:
    """This process's own peak resident memory: VmHWM. ru_maxrss would do in the main process,
    but a spawned worker inherits the ru_maxrss of the process it was forked from (Linux keeps it
    across exec), so it would report the main process's peak rather than its own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def waves_plan(
    tasks: Sequence[WaveTask], *, workers: int, progress: bool = False
) -> list[WaveResult]:
    """Every district's wave, in `workers` spawned processes (0: in this process)."""
    if workers <= 0:
        return [wave_solve(task) for task in tasks]
    results = []
    total = sum(len(task.deliveries) for task in tasks)
    done = 0
    next_report = 0.1
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(wave_solve, task) for task in tasks]
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            done += result.stops
            if progress and total and done / total >= next_report:
                print(
                    f"  planned {done:,}/{total:,} stops ({100 * done / total:.0f} %)", flush=True
                )
                next_report += 0.1
    results.sort(key=lambda result: (result.station, result.wave, result.district))
    return results


@dataclass(frozen=True)
class DaySummary:
    orders: int
    stock_orders: int
    made_to_order: int
    beyond_reach: int  # orders with no centre within reach at all
    routed: int  # orders served within their slot by a checked plan
    promise_met: int  # stock AND routed
    stations_used: int
    waves: int  # (station, wave) pairs
    districts: int
    vehicles: int
    distance_m: int
    bound_m: float
    retried_districts: int
    failed_districts: int
    failed_stops: int
    violating_plans: int
    violating_stops: int

    @property
    def promise_share(self) -> float:
        return self.promise_met / self.orders if self.orders else 1.0

    @property
    def made_to_order_share(self) -> float:
        return self.made_to_order / self.orders if self.orders else 0.0


def day_summarise(
    orders: Sequence[DayOrder],
    allocations: Sequence[Allocation],
    results: Sequence[WaveResult],
    *,
    bound_m: float,
    terms: PromiseTerms = TERMS,
) -> DaySummary:
    """The day's figures from its allocations and its checked plans."""
    routed = {key for result in results for key in result.routed}
    stock = [allocation.fulfilment == "stock" for allocation in allocations]
    met = sum(
        is_stock and str(order.number) in routed
        for order, is_stock in zip(orders, stock, strict=True)
    )
    failed = [result for result in results if result.error]
    violating = [result for result in results if result.violations]
    return DaySummary(
        orders=len(orders),
        stock_orders=sum(stock),
        made_to_order=len(orders) - sum(stock),
        beyond_reach=sum(
            allocation.centre_km is None or allocation.centre_km > terms.reach_km
            for allocation in allocations
        ),
        routed=sum(str(order.number) in routed for order in orders),
        promise_met=met,
        stations_used=len({allocation.station for allocation in allocations}),
        waves=len({(result.station, result.wave) for result in results}),
        districts=len(results),
        vehicles=sum(result.vehicles for result in results),
        distance_m=sum(result.distance_m for result in results),
        bound_m=bound_m,
        retried_districts=sum(result.retried for result in results),
        failed_districts=len(failed),
        failed_stops=sum(result.stops for result in failed),
        violating_plans=len(violating),
        violating_stops=sum(result.stops for result in violating),
    )


def network_make(
    *, min_population: int, radius_km: float, centres: int, seconds: float
) -> tuple[Network, str]:
    """The network as `network_build` computes it, and a line describing it."""
    places = places_load(min_population=min_population)
    result = stations_cover(places, radius_km=radius_km, time_limit_seconds=seconds)
    gap = "-" if result.gap is None else f"{100 * result.gap:.2f} %"
    network = Network(
        places=places, stations=result.stations, centres=centres_choose(places, count=centres)
    )
    return network, (
        f"{len(places):,} places (population >= {min_population:,}), {len(result.stations)} "
        f"stations within {radius_km:g} km ({result.status}, gap {gap}), "
        f"{len(network.centres)} centres"
    )


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def run(args: argparse.Namespace) -> int:
    print(
        f"National day: {args.orders:,} orders (seed {args.seed}), stock cover "
        f"{args.stock_cover:g}, districts of at most {args.max_stops} stops, "
        f"{args.seconds_per_100_stops:g} s per 100 stops (at least {args.min_seconds:g} s), "
        f"{args.workers} workers, on {platform.node() or 'this machine'} ({os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.2f}), {time.strftime('%Y-%m-%d %H:%M')}"
    )
    started = time.perf_counter()
    network, described = network_make(
        min_population=args.min_population,
        radius_km=args.radius,
        centres=args.centres,
        seconds=args.covering_seconds,
    )
    network_seconds = time.perf_counter() - started
    print(f"network: {described} ({network_seconds:.2f} s)", flush=True)

    started = time.perf_counter()
    orders = orders_sample(network.places, count=args.orders, seed=args.seed)
    stock = stock_rule(network, orders=args.orders, stock_cover=args.stock_cover)
    units = int(stock.sum())
    allocations = allocate(network, orders, stock)
    tasks, bound = wave_tasks(
        network,
        orders,
        allocations,
        max_stops=args.max_stops,
        seconds_per_100_stops=args.seconds_per_100_stops,
        min_seconds=args.min_seconds,
    )
    allocation_seconds = time.perf_counter() - started
    products = Counter(CATALOGUE[order.product].key for order in orders)
    print(
        f"day: {len(orders):,} orders ("
        + ", ".join(f"{key} {products[key]:,}" for key in (p.key for p in CATALOGUE))
        + f"); stock {units:,} units in {len(network.centres)} centres, "
        f"{int(stock.sum()):,} left after allocation ({allocation_seconds:.2f} s, "
        f"{len(tasks):,} districts to plan, largest {max((len(t.deliveries) for t in tasks), default=0)} stops)",
        flush=True,
    )

    started = time.perf_counter()
    import pyvrp  # noqa: F401  (loaded before the clock of the first wave)

    results = waves_plan(tasks, workers=args.workers, progress=True)
    planning_seconds = time.perf_counter() - started
    day = day_summarise(orders, allocations, results, bound_m=bound)
    total = network_seconds + allocation_seconds + planning_seconds
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_rss = max((result.worker_rss_kib for result in results), default=0)
    slowest = max(results, key=lambda result: result.seconds, default=None)

    def share(part: int) -> str:
        return f"{part:,} ({100 * part / max(day.orders, 1):.2f} %)"

    print(f"orders: {day.orders:,}; stations used {day.stations_used}/{len(network.stations)}")
    print(
        f"allocation: from stock in reach {share(day.stock_orders)}, made to order "
        f"{share(day.made_to_order)}, of which beyond every centre's reach "
        f"({TERMS.reach_km:g} km) {share(day.beyond_reach)}"
    )
    print(
        f"planning: {day.waves:,} station waves in {day.districts:,} districts, "
        f"{day.vehicles:,} vehicles (routes), {day.distance_m / 1000:,.0f} vehicle-km; "
        f"routed within their slot {share(day.routed)}"
    )
    print(
        f"24-hour promise met (stock in reach and routed within the slot on day one): "
        f"{share(day.promise_met)}"
    )
    print(
        f"checker (heyi.logistics.solver.check): {day.districts - day.failed_districts - day.violating_plans:,}"
        f"/{day.districts:,} plans feasible; plans with violations {day.violating_plans} "
        f"({day.violating_stops} stops); no plan found {day.failed_districts} "
        f"({day.failed_stops} stops); planned a second time (2× the vans, {RETRY_FACTOR}× the "
        f"time) "
        f"{day.retried_districts}"
    )
    ratio = day.distance_m / day.bound_m if day.bound_m else float("nan")
    print(
        f"yardstick: lower bound {day.bound_m / 1000:,.0f} km (per station wave: farthest round "
        f"trip, or radial bound 2 Σ d q / Q over volume, weight, stops a shift); planned / "
        f"bound = {ratio:.2f}"
    )
    print(
        f"time: total {total:.1f} s = network {network_seconds:.1f} s + allocation "
        f"{allocation_seconds:.1f} s + planning {planning_seconds:.1f} s"
        + (f" (slowest district {slowest.seconds:.1f} s, {slowest.stops} stops)" if slowest else "")
    )
    print(
        f"peak memory: main process {_mib(main_rss)} (ru_maxrss), largest worker "
        f"{_mib(worker_rss)} (its VmHWM) of {len({r.worker_pid for r in results})} processes"
    )
    errors = sorted({result.error for result in results if result.error})
    for message in errors[:5]:
        print(f"!! {message}")
    return 0 if not day.failed_districts and not day.violating_plans else 1


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.national_day …` is `heyi bench national-day …` (options in heyi/cli.py)."""
    from heyi.cli import main as heyi_main

    return heyi_main(["bench", "national-day", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
