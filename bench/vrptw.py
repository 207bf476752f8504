"""Solomon VRPTW benchmark through the project's route planner (`heyi.logistics.solver`).

    uv run heyi bench vrptw ../shared/bench/vrptw/solomon_100/*.txt --seconds 10 \
        --objective distance|vehicles [--references CSV] [--seed 0]

Each file is read by `heyi.logistics.solver.solomon`, planned by `heyi.logistics.solver.plan` and
checked by `heyi.logistics.solver.check` (which recomputes loads, times, windows and shift ends
without the solver). The two objectives have their own conventions and references
(../shared/bench/README.md):

- distance: distances and travel times truncated to one decimal, floor(10·d)/10, solved at ×10
  (exact integers); compared with the proven optimum `distance_optimum_truncated` (or, for
  Gehring & Homberger files, the best known `distance_best_truncated`, marked `~`); feasibility
  under that truncated matrix, and as information also under exact times (column `exact`).
- vehicles: exact Euclidean times, solved at ×1000 rounded up (so a plan feasible for the solver
  is feasible under exact times); fewest vehicles first, then distance; compared with the best
  known `hierarchical_best_vehicles` (the gap is in vehicles) and distance (exact, in double
  precision); feasibility checked under exact (unrounded) travel times.

References come from `*_bks.csv` files beside the instance's folder, unless `--references` names
one.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from heyi.logistics.solver import InfeasibleProblem, check, plan
from heyi.logistics.solver.solomon import (
    SolomonFormatError,
    exact_distance,
    exact_durations,
    solomon_problem,
    solomon_read,
)

TRUNCATED_SCALE = 10
EXACT_SCALE = 1000


@dataclass(frozen=True)
class Reference:
    distance: float | None  # truncated convention
    distance_is_optimum: bool
    vehicles: int | None  # hierarchical best known
    hierarchical_distance: float | None
    distance_routes: int | None = None  # routes of the truncated-convention reference

    def matching_vehicles(self, objective: str) -> int | None:
        """The reference's vehicle count under the objective's own convention."""
        return self.distance_routes if objective == "distance" else self.vehicles


@dataclass(frozen=True)
class VrptwRow:
    instance: str
    objective: str
    vehicles: int | None
    distance: float | None
    reference: Reference | None
    seconds: float
    feasible: bool
    exact_feasible: bool
    error: str = ""
    customers: int = 0

    @property
    def gap_percent(self) -> float | None:
        """Distance gap to the matching reference, in % of it."""
        if self.distance is None or self.reference is None:
            return None
        known = (
            self.reference.distance
            if self.objective == "distance"
            else self.reference.hierarchical_distance
        )
        return None if not known else 100 * (self.distance - known) / known

    @property
    def vehicle_gap(self) -> int | None:
        """Vehicles above the matching reference's (its routes for distance, the best known
        count for vehicles)."""
        known = None if self.reference is None else self.reference.matching_vehicles(self.objective)
        if self.vehicles is None or known is None:
            return None
        return self.vehicles - known


def _number(text: str | None) -> float | None:
    return float(text) if text else None


def references_read(path: Path) -> dict[str, Reference]:
    references = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            optimum = _number(row.get("distance_optimum_truncated"))
            best = _number(row.get("distance_best_truncated"))
            vehicles = _number(row.get("hierarchical_best_vehicles"))
            routes = _number(
                row.get("distance_optimum_routes")
                if optimum is not None
                else row.get("distance_best_routes")
            )
            references[row["instance"]] = Reference(
                distance=optimum if optimum is not None else best,
                distance_is_optimum=optimum is not None,
                vehicles=int(vehicles) if vehicles is not None else None,
                hierarchical_distance=_number(row.get("hierarchical_best_distance")),
                distance_routes=int(routes) if routes is not None else None,
            )
    return references


def instance_bench(
    path: Path, *, seconds: float, objective: str, seed: int, reference: Reference | None
) -> VrptwRow:
    instance = solomon_read(path)
    if objective == "distance":
        scale = TRUNCATED_SCALE
        problem = solomon_problem(instance, rounding="truncate", scale=scale)
    else:
        scale = EXACT_SCALE
        problem = solomon_problem(instance, rounding="ceil", scale=scale)
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyVRP's penalty warnings while it cuts the fleet
            result = plan(problem, seconds=seconds, objective=objective, seed=seed)  # type: ignore[arg-type]
    except InfeasibleProblem as error:
        return VrptwRow(
            instance=instance.name,
            objective=objective,
            vehicles=None,
            distance=None,
            reference=reference,
            seconds=time.perf_counter() - started,
            feasible=False,
            exact_feasible=False,
            error=error.message,
            customers=len(problem.stops),
        )
    exact = exact_durations(instance, scale=scale)
    exact_violations = check(problem, result, durations=exact)
    return VrptwRow(
        instance=instance.name,
        objective=objective,
        vehicles=result.vehicles,
        distance=result.distance / scale
        if objective == "distance"
        else exact_distance(instance, result),
        reference=reference,
        seconds=result.seconds,
        # The matching convention: the truncated matrix itself, or exact times.
        feasible=not (check(problem, result) if objective == "distance" else exact_violations),
        exact_feasible=not exact_violations,
        customers=len(problem.stops),
    )


HEADER = {
    "distance": (
        f"{'instance':<9} {'vehicles':>8} {'routes':>6} {'distance':>9} {'optimum':>9} "
        f"{'gap %':>6} {'seconds':>7} {'feasible':<8} {'exact':<5}"
    ),
    "vehicles": (
        f"{'instance':<9} {'vehicles':>8} {'best':>4} {'Δveh':>4} {'distance':>9} {'best':>9} "
        f"{'gap %':>6} {'seconds':>7} {'feasible':<8}"
    ),
}


def row_format(row: VrptwRow) -> str:
    if row.error:
        return f"{row.instance:<9} no plan: {row.error} ({row.seconds:.2f} s)"
    reference = row.reference
    gap = row.gap_percent
    gap_text = "-" if gap is None else f"{round(gap, 2) + 0.0:.2f}"  # no "-0.00"
    if row.objective == "distance":
        known = "-"
        if reference is not None and reference.distance is not None:
            known = f"{reference.distance:.1f}" + ("" if reference.distance_is_optimum else "~")
        routes = (
            "-"
            if reference is None or reference.distance_routes is None
            else str(reference.distance_routes)
        )
        return (
            f"{row.instance:<9} {row.vehicles:>8} {routes:>6} {row.distance:>9.1f} {known:>9} "
            f"{gap_text:>6} {row.seconds:>7.2f} {'yes' if row.feasible else 'NO':<8} "
            f"{'yes' if row.exact_feasible else 'no':<5}"
        )
    best = "-" if reference is None or reference.vehicles is None else str(reference.vehicles)
    best_distance = (
        "-"
        if reference is None or reference.hierarchical_distance is None
        else f"{reference.hierarchical_distance:.2f}"
    )
    delta = "-" if row.vehicle_gap is None else f"{row.vehicle_gap:+d}"
    return (
        f"{row.instance:<9} {row.vehicles:>8} {best:>4} {delta:>4} {row.distance:>9.2f} "
        f"{best_distance:>9} {gap_text:>6} {row.seconds:>7.2f} "
        f"{'yes' if row.feasible else 'NO':<8}"
    )


def summary_format(rows: list[VrptwRow], objective: str, seconds: float) -> str:
    planned = [row for row in rows if not row.error]
    feasible = sum(row.feasible for row in rows)
    gaps = [row.gap_percent for row in planned if row.gap_percent is not None]
    over = sum(row.seconds > seconds + 0.5 for row in planned)
    referenced = "" if len(gaps) == len(rows) else f" (over {len(gaps)} with a reference)"
    lines = [
        f"== {len(rows)} instances, objective {objective}, {seconds:g} s each: feasible "
        f"{feasible}/{len(rows)}; distance gap mean {_mean(gaps)} %, max "
        f"{_fixed(max(gaps, default=0.0))} %{referenced}; seconds max "
        f"{max((row.seconds for row in planned), default=0.0):.2f} ({over} over {seconds:g} + 0.5)"
    ]
    if objective == "distance":
        reached = [
            row
            for row in planned
            if row.reference is not None
            and row.reference.distance is not None
            and row.distance is not None
            and round(row.distance, 1) <= row.reference.distance
        ]
        optimal = sum(
            row.reference is not None and row.reference.distance_is_optimum for row in reached
        )
        best_known = (
            ""
            if optimal == len(reached)
            else f", at or below the best known {len(reached) - optimal}"
        )
        lines.append(
            f"   at the optimum {optimal}/{len(rows)}{best_known}; also feasible under exact "
            f"times {sum(row.exact_feasible for row in planned)}/{len(rows)}"
        )
    else:
        with_reference = [row for row in planned if row.vehicle_gap is not None]
        at_best = sum(row.vehicle_gap is not None and row.vehicle_gap <= 0 for row in planned)
        extra = sum(row.vehicle_gap or 0 for row in with_reference)
        lines.append(
            f"   at the best known vehicle count {at_best}/{len(rows)}; vehicles above it in "
            f"total {extra}"
        )
    sizes = sorted({row.customers for row in rows})
    if len(sizes) > 1 or sizes != [100]:
        lines.extend(size_summary(rows, objective, size) for size in sizes)
    return "\n".join(lines)


def _fixed(value: float) -> str:
    """To three decimals, never "-0.000"."""
    return f"{round(value, 3) + 0.0:.3f}"


def _mean(values: list[float]) -> str:
    return _fixed(sum(values) / len(values)) if values else "-"


def size_summary(rows: list[VrptwRow], objective: str, size: int) -> str:
    """One line per instance size: mean gaps to the matching reference, where there is one."""
    of_size = [row for row in rows if row.customers == size]
    planned = [row for row in of_size if not row.error]
    vehicle_gaps = [float(row.vehicle_gap) for row in planned if row.vehicle_gap is not None]
    distance_gaps = [row.gap_percent for row in planned if row.gap_percent is not None]
    reference = (
        "truncated-convention optimum or best known"
        if objective == "distance"
        else "best known hierarchical (vehicles, then distance)"
    )
    return (
        f"   size {size}: {len(of_size)} instances, planned {len(planned)}, feasible "
        f"{sum(row.feasible for row in of_size)}; against the {reference}: vehicle gap mean "
        f"{_mean(vehicle_gaps)} over {len(vehicle_gaps)}, distance gap mean "
        f"{_mean(distance_gaps)} % over {len(distance_gaps)}"
    )


def references_for(path: Path, explicit: Path | None) -> dict[str, Reference]:
    if explicit is not None:
        return references_read(explicit)
    references: dict[str, Reference] = {}
    for candidate in sorted(path.parent.parent.glob("*_bks.csv")):
        references.update(references_read(candidate))
    return references


def run(args: argparse.Namespace) -> int:
    print(
        f"VRPTW benchmark: heyi.logistics.solver.plan(seconds={args.seconds:g}, "
        f"objective={args.objective}, seed={args.seed}) with PyVRP on "
        f"{platform.node() or 'this machine'} ({os.cpu_count()} cores, load "
        f"{os.getloadavg()[0]:.2f}), {time.strftime('%Y-%m-%d %H:%M')}"
    )
    if args.objective == "distance":
        print("distance: truncated to 0.1 (×10 integers); optimum: proven (~: best known)")
    else:
        print("vehicles first, then distance: exact times (×1000, rounded up); best: best known")
    import pyvrp  # noqa: F401  (loaded before the clock starts)

    print(HEADER[args.objective])
    rows = []
    failed = False
    cache: dict[Path, dict[str, Reference]] = {}
    for path in args.files:
        key = args.references or path.parent
        if key not in cache:
            cache[key] = references_for(path, args.references)
        try:
            row = instance_bench(
                path,
                seconds=args.seconds,
                objective=args.objective,
                seed=args.seed,
                reference=cache[key].get(path.stem),
            )
        except (SolomonFormatError, OSError) as error:
            print(f"!! {path}: {error}")
            failed = True
            continue
        rows.append(row)
        print(row_format(row), flush=True)
    print(summary_format(rows, args.objective, args.seconds))
    return 1 if failed or any(not row.feasible for row in rows) else 0
