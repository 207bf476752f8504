"""Generalized assignment benchmark: OR-Library GAP files through the platform's allocation code.

    uv run heyi bench gap ../shared/bench/gap/gap*.txt [--seconds 15] [--optima CSV]

Every problem of every file goes through `heyi.contention.allocation.allocate`, the function the
daily order contention uses. The yardstick is the published optimum (`gap_optima.csv`, looked
for beside each file unless `--optima` names one) when its file, position and size match, and
otherwise the solver's own proven bound. gap1–gap12 are maximisation problems, the others
minimisation (OR-Library's convention, by file name; `--sense` overrides it).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from heyi.contention.allocation import AllocationResult, AllocationStatus, Sense, allocate
from heyi.contention.gap_format import GapFormatError, gap_file_read


@dataclass(frozen=True)
class KnownOptimum:
    agents: int
    jobs: int
    sense: Sense
    value: int


@dataclass(frozen=True)
class GapRow:
    file: str
    problem: int
    agents: int
    jobs: int
    sense: Sense
    result: AllocationResult
    reference: float | None  # the published optimum, else the solver's bound
    reference_is_optimum: bool

    @property
    def gap_percent(self) -> float | None:
        """How far the value is from the reference, in % of it (0 = equal; never negative
        against a true optimum)."""
        if self.result.objective is None or self.reference is None:
            return None
        if self.sense is Sense.MAX:
            difference = self.reference - self.result.objective
        else:
            difference = self.result.objective - self.reference
        return 100 * difference / max(abs(self.reference), 1)

    @property
    def at_optimum(self) -> bool:
        return (
            self.reference_is_optimum
            and self.result.objective is not None
            and self.result.objective == self.reference
        )


def gap_optima_read(path: Path) -> dict[tuple[str, int], KnownOptimum]:
    """gap_optima.csv: file,problem,name,agents_m,jobs_n,sense,optimum."""
    optima = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            optima[(row["file"], int(row["problem"]))] = KnownOptimum(
                agents=int(row["agents_m"]),
                jobs=int(row["jobs_n"]),
                sense=Sense(row["sense"]),
                value=int(row["optimum"]),
            )
    return optima


def gap_file_bench(
    path: Path,
    *,
    seconds: float,
    workers: int,
    optima: dict[tuple[str, int], KnownOptimum],
    sense: Sense | None,
    out: TextIO | None = None,
) -> list[GapRow]:
    problems = gap_file_read(path, sense=sense)
    rows = []
    for position, problem in enumerate(problems, start=1):
        result = allocate(problem, time_limit_seconds=seconds, workers=workers)
        known = optima.get((path.stem, position))
        matches = (
            known is not None
            and known.agents == problem.agent_count
            and known.jobs == problem.job_count
            and known.sense is problem.sense
        )
        row = GapRow(
            file=path.stem,
            problem=position,
            agents=problem.agent_count,
            jobs=problem.job_count,
            sense=problem.sense,
            result=result,
            reference=float(known.value) if matches and known is not None else result.bound,
            reference_is_optimum=matches,
        )
        rows.append(row)
        print(gap_row_format(row), file=out or sys.stdout, flush=True)
    return rows


HEADER = (
    f"{'file':<8} {'#':>2} {'m×n':>7} {'sense':<5} {'value':>7} {'optimum':>9} "
    f"{'gap %':>7} {'status':<10} {'by':<6} {'seconds':>7}"
)


def gap_row_format(row: GapRow) -> str:
    value = "-" if row.result.objective is None else str(row.result.objective)
    if row.reference is None:
        reference = "-"
    elif row.reference_is_optimum:
        reference = f"{row.reference:.0f}"
    else:
        reference = f"≥{row.reference:.0f}" if row.sense is Sense.MIN else f"≤{row.reference:.0f}"
        reference = reference + "b"  # the solver's bound, not a published optimum
    gap = row.gap_percent
    return (
        f"{row.file:<8} {row.problem:>2} {f'{row.agents}×{row.jobs}':>7} {row.sense.value:<5} "
        f"{value:>7} {reference:>9} {'-' if gap is None else f'{gap:.2f}':>7} "
        f"{row.result.status.value:<10} {row.result.found_by:<6} {row.result.seconds:>7.2f}"
    )


def gap_summary_format(file: str, rows: list[GapRow], seconds: float) -> str:
    at_optimum = sum(row.at_optimum for row in rows)
    proven = sum(row.result.status is AllocationStatus.OPTIMAL for row in rows)
    gaps = [row.gap_percent for row in rows if row.gap_percent is not None]
    # The limit is checked with 0.1 s of slack for stopping the solvers and their child process.
    within_limit = sum(row.result.seconds <= seconds + 0.1 for row in rows)
    return (
        f"== {file}: {len(rows)} problems; at the published optimum {at_optimum}/{len(rows)}, "
        f"proven optimal {proven}/{len(rows)}; gap mean {sum(gaps) / max(len(gaps), 1):.3f} %, "
        f"max {max(gaps, default=0.0):.3f} %; seconds max "
        f"{max((row.result.seconds for row in rows), default=0.0):.2f}, total "
        f"{sum(row.result.seconds for row in rows):.1f} (within {seconds:g} s + 0.1: "
        f"{within_limit}/{len(rows)})"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="OR-Library GAP files")
    parser.add_argument("--seconds", type=float, default=15.0, help="time limit per problem")
    parser.add_argument(
        "--optima", type=Path, help="CSV of known optima (default: gap_optima.csv beside a file)"
    )
    parser.add_argument("--workers", type=int, default=2, help="threads (default 2)")
    parser.add_argument("--sense", choices=[s.value for s in Sense], help="override the sense")


def run(args: argparse.Namespace) -> int:
    print(
        f"GAP benchmark: allocate(time_limit_seconds={args.seconds:g}, workers={args.workers}) on "
        f"{platform.node() or 'this machine'} ({os.cpu_count()} cores, load "
        f"{os.getloadavg()[0]:.2f}), {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print("optimum: published (gap_optima.csv); ≥N b / ≤N b: the solver's bound instead")
    # Load OR-Tools before the clock starts: a process pays this once, not per problem.
    import ortools.sat.python.cp_model  # noqa: F401

    print(HEADER)
    summaries = []
    failed = False
    for path in args.files:
        optima_path = args.optima or path.parent / "gap_optima.csv"
        optima = gap_optima_read(optima_path) if optima_path.exists() else {}
        try:
            rows = gap_file_bench(
                path,
                seconds=args.seconds,
                workers=args.workers,
                optima=optima,
                sense=Sense(args.sense) if args.sense else None,
            )
        except (GapFormatError, OSError) as error:
            print(f"!! {path}: {error}")
            failed = True
            continue
        summary = gap_summary_format(path.stem, rows, args.seconds)
        summaries.append(summary)
        print(summary)
    if len(summaries) > 1:
        print()
        print("\n".join(summaries))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.gap", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
