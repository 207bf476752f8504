"""Build the logistics network from China's populated places and print its figures."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from heyi.logistics.network_core import MIN_POPULATION_CHOICES
from heyi.logistics.services import (
    DEFAULT_CENTRES,
    DEFAULT_MIN_POPULATION,
    DEFAULT_RADIUS_KM,
    DEFAULT_TIME_LIMIT_SECONDS,
    network_build,
)


class Command(BaseCommand):
    help = "Place centres and stations over China's populated places (replaces the network)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--min-population",
            type=int,
            choices=MIN_POPULATION_CHOICES,
            default=DEFAULT_MIN_POPULATION,
        )
        parser.add_argument("--centres", type=int, default=DEFAULT_CENTRES)
        parser.add_argument("--radius", type=float, default=DEFAULT_RADIUS_KM, help="km")
        parser.add_argument("--seconds", type=float, default=DEFAULT_TIME_LIMIT_SECONDS)

    def handle(self, *args: Any, **options: Any) -> None:
        build = network_build(
            min_population=options["min_population"],
            centres=options["centres"],
            radius_km=options["radius"],
            time_limit_seconds=options["seconds"],
        )
        self.stdout.write(
            f"{build.places} places, {build.centres} centres, {build.stations} stations "
            f"(bound {build.bound}, gap {build.gap}, {build.status}, {build.seconds:.2f} s); "
            f"places covered {build.places_covered}/{build.places}, population covered "
            f"{build.population_covered}/{build.population}; farthest {build.farthest_place} "
            f"at {build.farthest_km} km"
        )
