"""Plan a station's delivery waves on a date into vehicle routes and print every route."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.logistics.models import RoutePlan
from heyi.logistics.route_selectors import route_plan_list_for_station, station_find
from heyi.logistics.route_services import wave_plan_make
from heyi.logistics.waves import WAVES


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = "Plan a station's deliveries of a date into routes (replaces a wave still only planned)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--station", required=True, help="the station's name or uid")
        parser.add_argument("--date", required=True, type=_day, help="YYYY-MM-DD")
        parser.add_argument("--wave", choices=[*WAVES, "all"], default="all")
        parser.add_argument(
            "--seconds", type=float, default=None, help="solver time per wave (default: by size)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        waves = list(WAVES) if options["wave"] == "all" else [options["wave"]]
        try:
            station = station_find(key=options["station"])
            for wave in waves:
                plan = wave_plan_make(
                    station=station, date=options["date"], wave=wave, seconds=options["seconds"]
                )
                self._print(
                    route_plan_list_for_station(station=station, day=plan.date).get(pk=plan.pk)
                )
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.message}") from error

    def _print(self, plan: RoutePlan) -> None:
        write = self.stdout.write
        vehicles = "1 vehicle" if plan.vehicles == 1 else f"{plan.vehicles} vehicles"
        write(
            f"{plan.station.name} {plan.date.isoformat()} {plan.wave}: {plan.stops} stops, "
            f"{vehicles}, {plan.distance_m / 1000:.1f} km, "
            f"solver {plan.seconds:.2f} s"
        )
        for route in plan.routes.all():
            write(
                f"  route {route.number} ({route.vehicle}): {route.stops.count()} stops, "
                f"{route.distance_m / 1000:.1f} km, load {route.load_volume_litres}/"
                f"{route.capacity_volume_litres} L {route.load_weight_kg}/"
                f"{route.capacity_weight_kg} kg, "
                f"{timezone.localtime(route.starts_at):%H:%M}–"
                f"{timezone.localtime(route.ends_at):%H:%M}"
            )
            for stop in route.stops.all():
                write(
                    f"    {stop.position:>2}. O{stop.shipment.order.number}  window "
                    f"{timezone.localtime(stop.window_start):%H:%M}–"
                    f"{timezone.localtime(stop.window_end):%H:%M}  arrival "
                    f"{timezone.localtime(stop.planned_arrival):%H:%M}  "
                    f"{stop.shipment.volume_litres} L {stop.shipment.weight_kg} kg"
                )
