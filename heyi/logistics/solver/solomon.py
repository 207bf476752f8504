"""Solomon VRPTW files (also Gehring & Homberger's) as solver problems.

The file gives a fleet (number, capacity) and customers (number, x, y, demand, ready time, due
date, service time), customer 0 being the depot, whose window is the shift. Travel time equals
Euclidean distance. The solver works on integers, so a problem is built at a `scale`:

- `rounding="truncate"`, scale 10: distances truncated to one decimal (the convention of the
  proven optima, Kohl et al. 1999), exactly representable as tenths;
- `rounding="ceil"`: exact distances scaled and rounded up, so a plan feasible under these
  integer times is feasible under the exact (unrounded) ones; its distance is then re-measured
  exactly by `exact_distance`.

Demand goes into the volume dimension; weight is zero and unconstrained.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from heyi.logistics.solver import Depot, Plan, Problem, Stop, Vehicle

Rounding = Literal["truncate", "ceil"]


class SolomonFormatError(ValueError):
    pass


@dataclass(frozen=True)
class SolomonCustomer:
    number: int
    x: float
    y: float
    demand: int
    ready: int
    due: int
    service: int


@dataclass(frozen=True)
class SolomonInstance:
    name: str
    vehicles: int
    capacity: int
    customers: tuple[SolomonCustomer, ...]  # the depot first

    def euclidean(self) -> list[list[float]]:
        return [[math.hypot(a.x - b.x, a.y - b.y) for b in self.customers] for a in self.customers]


def solomon_read(path: Path) -> SolomonInstance:
    lines = [line.split() for line in path.read_text().splitlines()]
    rows = [line for line in lines if line]
    try:
        name = rows[0][0]
        fleet_at = next(i for i, row in enumerate(rows) if row[0].upper() == "VEHICLE")
        vehicles, capacity = int(rows[fleet_at + 2][0]), int(rows[fleet_at + 2][1])
        customers = tuple(
            SolomonCustomer(
                number=int(row[0]),
                x=float(row[1]),
                y=float(row[2]),
                demand=int(float(row[3])),
                ready=int(float(row[4])),
                due=int(float(row[5])),
                service=int(float(row[6])),
            )
            for row in rows
            if len(row) == 7 and row[0].isdigit()
        )
    except (IndexError, ValueError, StopIteration) as error:
        raise SolomonFormatError(f"{path}: not a Solomon VRPTW file ({error})") from error
    if not customers or customers[0].number != 0:
        raise SolomonFormatError(f"{path}: no depot (customer 0)")
    return SolomonInstance(name=name, vehicles=vehicles, capacity=capacity, customers=customers)


def solomon_problem(
    instance: SolomonInstance, *, rounding: Rounding = "truncate", scale: int = 10
) -> Problem:
    exact = instance.euclidean()
    if rounding == "truncate":
        # Truncate to one decimal first (of the value rounded to 1e-6, against float noise).
        matrix = tuple(tuple(math.floor(round(value * scale, 6)) for value in row) for row in exact)
    else:
        matrix = tuple(tuple(math.ceil(round(value * scale, 6)) for value in row) for row in exact)
    depot = instance.customers[0]
    return Problem(
        depot=Depot(location=0, name=instance.name),
        stops=tuple(
            Stop(
                location=position,
                demand=(customer.demand, 0),
                window_start=customer.ready * scale,
                window_end=customer.due * scale,
                service_time=customer.service * scale,
                name=str(customer.number),
            )
            for position, customer in enumerate(instance.customers[1:], start=1)
        ),
        vehicles=(
            Vehicle(
                capacity=(instance.capacity, 0),
                shift_start=depot.ready * scale,
                shift_end=depot.due * scale,
                count=instance.vehicles,
            ),
        ),
        distances=matrix,
        durations=matrix,
    )


def exact_durations(instance: SolomonInstance, *, scale: int) -> list[list[float]]:
    """The exact travel times at `scale`, for checking a plan under unrounded times."""
    return [[value * scale for value in row] for row in instance.euclidean()]


def exact_distance(instance: SolomonInstance, plan: Plan) -> float:
    """The plan's total distance in the file's units, with exact Euclidean distances."""
    exact = instance.euclidean()
    total = 0.0
    for route in plan.routes:
        path = [0, *(index + 1 for index in route.stops), 0]
        total += sum(exact[a][b] for a, b in itertools.pairwise(path))
    return total
