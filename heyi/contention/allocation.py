"""Daily order allocation as a generalized assignment problem, solved exactly: pure, no Django.

Two layers:

* `AllocationProblem` / `allocate`: the generalized assignment problem (GAP). Jobs go to agents,
  each job to exactly one of the agents it is eligible for (a sparse list of options, each with
  a cost and a resource use), within every agent's capacity, at minimum total cost (or maximum
  total profit). A job may be left unassigned at a stated cost when the problem says so
  (explicit slack: a platform day is then always feasible, and the left-out jobs are reported).
* `allocate_daily_orders`: the platform's daily contention for standard orders. Orders of a
  product go to qualified ventures by their standing bids (unit price, lead time) and daily
  capacities, at minimum total cost; it builds an `AllocationProblem` and calls `allocate`.

How `allocate` solves (never greedily):

* Exact (`AllocationMethod.EXACT`, the default up to `DIRECT_OPTION_LIMIT` options): the model
  (a boolean per option, one option per job, a linear capacity row per agent) goes to OR-Tools
  CP-SAT and, at the same time, to HiGHS's branch-and-cut in a child process. They are strong on
  different instances; they share solutions and bounds, and stop when either proves optimality
  or the best solution meets the best bound. The result carries that bound and the gap. A solve
  still open after `LOCAL_SEARCH_HANDOVER_SECONDS` is one the exact solvers find hard for
  their primal side (OR-Library's type D): CP-SAT then hands its core to a tabu search with
  ejection chains (`_tabu_search`), alternating with CP-SAT on small subproblems (the jobs of
  a few agents reassigned among them, `_subsets_solve`), which work from HiGHS's solutions and
  feed their own back.
* Relax-and-fix (`AllocationMethod.RELAX_AND_FIX`, chosen above that size when the problem is
  *proportional*: a job uses the same amount, its size, on every agent and costs a whole amount
  per unit, as daily orders do). The linear relaxation is then exactly a transportation problem,
  solved to optimality by OR-Tools' min-cost flow on groups of interchangeable jobs: its cost is
  the lower bound reported. Jobs it sends whole to an agent keep it; the few it splits are
  rounded (largest first, to the agent carrying most of them) and the relaxation re-solved
  around them, then the last ones, and any job left out that could fit, are re-solved exactly
  as above with the capacity the others leave. Not proven optimal: the gap to the bound says
  how far from it the answer can be at most.

Costs are integers (money in minor units). Determinism: seeds are fixed and options are ordered
by (job, agent), so the same input builds the same models, and a proven optimum's value never
changes. The assignment itself can differ between runs when several are optimal, and a search
stopped by the clock can differ too: CP-SAT's workers and the two solvers race in parallel.
"""

from __future__ import annotations

import math
import multiprocessing.connection
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

import highspy
import numpy as np
from numpy.typing import NDArray

# CP-SAT is given the whole model directly up to this many options; above it, proportional
# problems go to relax-and-fix (the min-cost flow solves 10^6 arcs in about a second, while
# CP-SAT needs longer than a day's allocation may take just to load and presolve such a model).
DIRECT_OPTION_LIMIT = 50_000
DEFAULT_WORKERS = 2
# Relax-and-fix: at most this many relaxations, and stop rounding once this few jobs are split.
RELAX_ROUNDS = 6
RESIDUAL_JOB_LIMIT = 300
# The repair of a left-out job: its neighbourhood's time limit, and the least worth trying.
REPAIR_SECONDS_PER_JOB = 1.0
REPAIR_MIN_SECONDS = 0.3
REPAIR_STOP_SECONDS = 0.25
# The tabu search beside HiGHS on exact solves that stay open (`_LocalSearch`): only on models
# up to this many jobs and job × agent cells (its moves are scored as dense matrices each
# step), and a run ends after this many steps without a better solution.
LOCAL_SEARCH_JOB_LIMIT = 1_000
LOCAL_SEARCH_CELL_LIMIT = 250_000
LOCAL_SEARCH_STALL_ITERATIONS = 500
# Past this many seconds of an exact solve that has not closed, CP-SAT (when HiGHS also runs)
# stops and hands its core to the local search, which then also restarts, whenever no new
# incumbent is waiting, from the best one with a share of its jobs moved at random, drawn
# between these two each time.
LOCAL_SEARCH_HANDOVER_SECONDS = 15.0
LOCAL_SEARCH_KICK = (0.02, 0.10)
# Between tabu runs, the best solution's jobs on this many agents at a time are reassigned
# among them exactly by CP-SAT (each such subproblem within the time given), until this many
# subproblems in a row bring nothing better.
LOCAL_SEARCH_SUBSET_AGENTS = 4
LOCAL_SEARCH_SUBSET_SECONDS = 0.5
LOCAL_SEARCH_SUBSET_STALL = 40
DEFAULT_SEED = 0
SOLVERS = ("cp-sat", "highs")
DEFAULT_SOLVERS = SOLVERS

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

# OR-Tools is imported where it is used: the HiGHS child process imports this module and
# needs only numpy and highspy, and starts three times faster without OR-Tools.

IntArray = NDArray[np.int64]


class Sense(StrEnum):
    MIN = "min"
    MAX = "max"


class AllocationStatus(StrEnum):
    OPTIMAL = "optimal"  # proven optimal
    FEASIBLE = "feasible"  # a solution, not proven optimal (time ran out); see gap
    INFEASIBLE = "infeasible"  # proven: no assignment satisfies every constraint
    UNKNOWN = "unknown"  # time ran out before any solution or proof


class AllocationMethod(StrEnum):
    AUTO = "auto"
    EXACT = "exact"  # the whole model to CP-SAT and HiGHS
    RELAX_AND_FIX = "relax-and-fix"


class Option(NamedTuple):
    """Job `job` may go to agent `agent`, costing `cost` (profit under MAX) and using `use`."""

    job: int
    agent: int
    cost: int
    use: int


def _int_array(values: Iterable[int] | IntArray, what: str) -> IntArray:
    array = np.asarray(values if isinstance(values, np.ndarray) else list(values))
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{what} must be integers (scale money to minor units)")
    return array.astype(np.int64, copy=False).reshape(-1)


@dataclass(frozen=True, eq=False)
class AllocationProblem:
    """A generalized assignment problem over agents 0..m-1 and jobs 0..n-1.

    Options are stored column-wise (one array per field), sorted by (job, agent): a platform day
    has a million of them. `unassigned_cost[j]` is the objective term for leaving job j out
    (a cost under MIN, a profit under MAX); without it every job must be assigned.
    """

    capacities: IntArray
    job_count: int
    option_job: IntArray
    option_agent: IntArray
    option_cost: IntArray
    option_use: IntArray
    sense: Sense = Sense.MIN
    unassigned_cost: IntArray | None = None
    name: str = ""
    _job_start: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        capacities = _int_array(self.capacities, "capacities")
        job = _int_array(self.option_job, "option jobs")
        agent = _int_array(self.option_agent, "option agents")
        cost = _int_array(self.option_cost, "costs")
        use = _int_array(self.option_use, "resource uses")
        if not len(job) == len(agent) == len(cost) == len(use):
            raise ValueError("option arrays differ in length")
        if self.job_count < 0:
            raise ValueError("the job count is negative")
        if (capacities < 0).any():
            raise ValueError("a capacity is negative")
        if len(job) and (job.min() < 0 or job.max() >= self.job_count):
            raise ValueError("an option names a job outside 0..job_count-1")
        if len(agent) and (agent.min() < 0 or agent.max() >= len(capacities)):
            raise ValueError("an option names an agent outside 0..agent_count-1")
        if (use < 0).any():
            raise ValueError("a resource use is negative")
        order = np.lexsort((agent, job))
        job, agent, cost, use = job[order], agent[order], cost[order], use[order]
        if len(job) > 1:
            same = (job[1:] == job[:-1]) & (agent[1:] == agent[:-1])
            if same.any():
                at = int(np.argmax(same))
                raise ValueError(f"job {job[at]} has two options on agent {agent[at]}")
        unassigned = None
        if self.unassigned_cost is not None:
            unassigned = _int_array(self.unassigned_cost, "unassigned costs")
            if len(unassigned) != self.job_count:
                raise ValueError("unassigned_cost needs one value per job")
        for name, value in (
            ("capacities", capacities),
            ("option_job", job),
            ("option_agent", agent),
            ("option_cost", cost),
            ("option_use", use),
            ("unassigned_cost", unassigned),
        ):
            if value is not None:
                value.setflags(write=False)
            object.__setattr__(self, name, value)
        object.__setattr__(self, "sense", Sense(self.sense))
        start = np.searchsorted(job, np.arange(self.job_count + 1)).astype(np.int64)
        object.__setattr__(self, "_job_start", start)

    @classmethod
    def dense(
        cls,
        *,
        cost: Sequence[Sequence[int]],
        use: Sequence[Sequence[int]],
        capacities: Sequence[int],
        sense: Sense | str = Sense.MIN,
        name: str = "",
    ) -> AllocationProblem:
        """Every job eligible on every agent: cost[i][j] and use[i][j] for agent i, job j."""
        cost_matrix = np.asarray(cost, dtype=np.int64)
        use_matrix = np.asarray(use, dtype=np.int64)
        agent_count = len(capacities)
        if cost_matrix.ndim != 2 or cost_matrix.shape[0] != agent_count:
            raise ValueError(f"cost must be {agent_count} rows of equal length")
        if use_matrix.shape != cost_matrix.shape:
            raise ValueError("use must have the same shape as cost")
        job_count = cost_matrix.shape[1]
        agents, jobs = np.meshgrid(np.arange(agent_count), np.arange(job_count), indexing="ij")
        return cls(
            capacities=np.asarray(capacities, dtype=np.int64),
            job_count=job_count,
            option_job=jobs.reshape(-1),
            option_agent=agents.reshape(-1),
            option_cost=cost_matrix.reshape(-1),
            option_use=use_matrix.reshape(-1),
            sense=Sense(sense),
            name=name,
        )

    @classmethod
    def sparse(
        cls,
        *,
        capacities: Sequence[int],
        job_count: int,
        options: Iterable[Option | tuple[int, int, int, int]],
        sense: Sense | str = Sense.MIN,
        unassigned_cost: Sequence[int] | None = None,
        name: str = "",
    ) -> AllocationProblem:
        """Only the listed (job, agent, cost, use) options are allowed."""
        rows = np.asarray(list(options), dtype=np.int64).reshape(-1, 4)
        return cls(
            capacities=np.asarray(capacities, dtype=np.int64),
            job_count=job_count,
            option_job=rows[:, 0],
            option_agent=rows[:, 1],
            option_cost=rows[:, 2],
            option_use=rows[:, 3],
            sense=Sense(sense),
            unassigned_cost=None if unassigned_cost is None else np.asarray(unassigned_cost),
            name=name,
        )

    @property
    def agent_count(self) -> int:
        return len(self.capacities)

    @property
    def option_count(self) -> int:
        return len(self.option_job)

    def options(self) -> Iterator[Option]:
        for values in zip(
            self.option_job.tolist(),
            self.option_agent.tolist(),
            self.option_cost.tolist(),
            self.option_use.tolist(),
            strict=True,
        ):
            yield Option(*values)

    def options_of(self, job: int) -> range:
        """Positions (in the option arrays) of the options of `job`."""
        return range(int(self._job_start[job]), int(self._job_start[job + 1]))

    def objective_of(self, assignment: Sequence[int | None]) -> int:
        """The objective of an assignment (job → agent or None), checking it is allowed."""
        total = 0
        load = [0] * self.agent_count
        for job, agent in enumerate(assignment):
            if agent is None:
                if self.unassigned_cost is None:
                    raise ValueError(f"job {job} is unassigned but every job must be assigned")
                total += int(self.unassigned_cost[job])
                continue
            positions = self.options_of(job)
            agents = self.option_agent[positions.start : positions.stop]
            hit = np.flatnonzero(agents == agent)
            if not len(hit):
                raise ValueError(f"job {job} is not eligible on agent {agent}")
            position = positions.start + int(hit[0])
            total += int(self.option_cost[position])
            load[agent] += int(self.option_use[position])
        for agent, used in enumerate(load):
            if used > self.capacities[agent]:
                raise ValueError(f"agent {agent} is loaded {used} over capacity")
        return total


@dataclass(frozen=True)
class AllocationResult:
    """The outcome of `allocate`. `assignment[j]` is job j's agent, or None when unassigned.

    `bound` is the best proven bound on the optimum (below it under MIN, above under MAX);
    `gap` is |objective − bound| / |objective| (0 when proven optimal).
    """

    status: AllocationStatus
    assignment: tuple[int | None, ...]
    objective: int | None
    bound: float | None
    seconds: float
    method: AllocationMethod
    found_by: str = ""  # whose solution this is: "cp-sat", "highs" or "local" (tabu search)
    detail: Mapping[str, float] = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.status is AllocationStatus.OPTIMAL:
            return 0.0
        return abs(self.objective - self.bound) / max(abs(self.objective), 1)

    @property
    def unassigned(self) -> tuple[int, ...]:
        return tuple(job for job, agent in enumerate(self.assignment) if agent is None)

    @property
    def has_solution(self) -> bool:
        return self.status in (AllocationStatus.OPTIMAL, AllocationStatus.FEASIBLE)


def allocate(
    problem: AllocationProblem,
    *,
    time_limit_seconds: float = 15.0,
    workers: int = DEFAULT_WORKERS,
    seed: int = DEFAULT_SEED,
    method: AllocationMethod | str = AllocationMethod.AUTO,
    solvers: Sequence[str] = DEFAULT_SOLVERS,
) -> AllocationResult:
    """Solve a GAP exactly (CP-SAT), or by relax-and-fix for large proportional problems.

    `AUTO` chooses CP-SAT up to `DIRECT_OPTION_LIMIT` options, and relax-and-fix above it when
    the problem is proportional (see the module docstring); otherwise CP-SAT.
    """
    started = time.perf_counter()
    method = AllocationMethod(method)
    if method is AllocationMethod.AUTO:
        method = (
            AllocationMethod.RELAX_AND_FIX
            if problem.option_count > DIRECT_OPTION_LIMIT and _job_sizes(problem) is not None
            else AllocationMethod.EXACT
        )
    if method is AllocationMethod.RELAX_AND_FIX:
        sizes = _job_sizes(problem)
        if sizes is None:
            raise ValueError(
                "relax-and-fix needs a proportional problem: each job uses the same amount on "
                "every agent and its costs are whole multiples of that amount"
            )
        return _relax_and_fix(problem, sizes, time_limit_seconds, workers, seed, solvers, started)
    solved = _solve_exact(
        problem,
        jobs=np.arange(problem.job_count, dtype=np.int64),
        capacities=problem.capacities,
        time_limit_seconds=time_limit_seconds,
        workers=workers,
        seed=seed,
        solvers=solvers,
        polish=True,
    )
    return AllocationResult(
        status=solved.status,
        assignment=solved.assignment,
        objective=solved.objective,
        bound=solved.bound,
        seconds=time.perf_counter() - started,
        method=AllocationMethod.EXACT,
        found_by=solved.found_by,
    )


@dataclass(frozen=True)
class _Solved:
    status: AllocationStatus
    assignment: tuple[int | None, ...]  # over the jobs asked for, in their order
    objective: int | None
    bound: float | None
    found_by: str = ""


@dataclass(frozen=True)
class _Model:
    """The GAP over some jobs as arrays, in minimisation form (MAX costs are negated).

    Column k is option `positions[k]` of the problem: job `local_job[k]` (an index into `jobs`)
    on `agent[k]`. When jobs may be left out, a column's coefficient is its cost minus the
    job's unassigned cost and `constant` holds the sum of those, so "no column" costs that.
    """

    jobs: IntArray
    local_job: IntArray
    agent: IntArray
    coefficient: IntArray
    use: IntArray
    constant: int
    capacities: IntArray
    must_assign: bool
    flip: int

    @property
    def column_count(self) -> int:
        return len(self.agent)


def _model_build(problem: AllocationProblem, jobs: IntArray, capacities: IntArray) -> _Model | None:
    """Columns for the given jobs within the given capacities; None when a job has no room."""
    starts = problem._job_start[jobs]
    counts = problem._job_start[jobs + 1] - starts
    local = np.repeat(np.arange(len(jobs), dtype=np.int64), counts)
    # Positions of every option of every job: each job's start plus 0..count-1.
    offsets = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    positions = np.repeat(starts, counts) + offsets
    agent = problem.option_agent[positions]
    use = problem.option_use[positions]
    fits = use <= capacities[agent]  # an option that can never fit gets no column at all
    positions, local, agent, use = positions[fits], local[fits], agent[fits], use[fits]
    flip = -1 if problem.sense is Sense.MAX else 1
    cost = problem.option_cost[positions]
    must_assign = problem.unassigned_cost is None
    if must_assign:
        if len(np.unique(local)) < len(jobs):
            return None
        constant = 0
        coefficient = flip * cost
    else:
        unassigned = problem.unassigned_cost[jobs]  # type: ignore[index]
        constant = flip * int(unassigned.sum())
        coefficient = flip * (cost - unassigned[local])
    return _Model(
        jobs=jobs,
        local_job=local,
        agent=agent,
        coefficient=coefficient,
        use=use,
        constant=constant,
        capacities=capacities,
        must_assign=must_assign,
        flip=flip,
    )


class _Incumbent:
    """The best solution either solver has found and the best bound either has proven.

    Shared between the CP-SAT thread and the HiGHS thread (values in minimisation form).
    """

    def __init__(self, on_closed: Callable[[], None]) -> None:
        self._lock = threading.Lock()
        self.value: int | None = None
        self.columns: NDArray[np.bool_] | None = None
        self.found_by = ""
        self.bound = -math.inf
        self._on_closed = on_closed
        self._proven = False
        # Each is handed every improving solution that another solver found: (name, callback).
        self.listeners: list[tuple[str, Callable[[int, NDArray[np.bool_]], None]]] = []

    def offer(self, value: int, columns: NDArray[np.bool_], by: str) -> None:
        with self._lock:
            if self.value is not None and value >= self.value:
                return
            self.value, self.columns, self.found_by = value, columns, by
        for name, listener in self.listeners:
            if name != by:
                listener(value, columns)
        self._check()

    def raise_bound(self, bound: float) -> None:
        with self._lock:
            if bound <= self.bound:
                return
            self.bound = bound
        self._check()

    def proven(self) -> None:
        """A solver proved optimality (or infeasibility) on its own: stop the other."""
        self._proven = True
        self._on_closed()

    def closed(self) -> bool:
        if self._proven and self.value is not None:
            return True
        # Objectives are integers, so a bound of 41.2 proves that 42 is optimal.
        if self.value is None or math.isinf(self.bound):
            return False
        return self.value <= math.ceil(self.bound - 1e-6)

    def _check(self) -> None:
        if self.closed():
            self._on_closed()


def _solve_exact(
    problem: AllocationProblem,
    *,
    jobs: IntArray,
    capacities: IntArray,
    time_limit_seconds: float,
    workers: int,
    seed: int,
    solvers: Sequence[str],
    hint: IntArray | None = None,
    polish: bool = False,
) -> _Solved:
    """Solve the GAP over `jobs` with CP-SAT and HiGHS side by side, sharing solutions.

    `hint` (an agent per job, negative for none) is a feasible solution to start from: it is
    the first incumbent (so the answer is never worse) and HiGHS is given it. CP-SAT is not:
    with a complete hint on a 50,000-variable model, CP-SAT 9.15 stalled in presolve here.

    CP-SAT and HiGHS's branch-and-cut are strong on different instances (on OR-Library's
    gapb/gapc, each proves some problems in seconds that the other cannot in 15), so both run
    at once: CP-SAT here with `workers − 1` search workers, HiGHS in a child process (highspy
    keeps the GIL while it solves, which would stall this process's threads). Each solver's
    improving solutions go to a shared incumbent and are handed on to the others, and all
    stop as soon as one proves optimality or the incumbent meets either's bound. With `polish`
    (`allocate`'s exact method), a solve still open after `LOCAL_SEARCH_HANDOVER_SECONDS` goes
    on with HiGHS and a tabu search instead of CP-SAT (`_LocalSearch`).
    """
    unknown_solvers = set(solvers) - set(SOLVERS)
    if unknown_solvers or not solvers:
        raise ValueError(f"solvers must be among {SOLVERS}, not {sorted(unknown_solvers)}")
    from ortools.sat.python import cp_model

    model = _model_build(problem, jobs, capacities)
    if model is None:
        return _Solved(AllocationStatus.INFEASIBLE, (), None, None)
    use_highs = "highs" in solvers and model.column_count > 0
    use_cp_sat = "cp-sat" in solvers or not use_highs
    time_limit = max(time_limit_seconds, 0.01)
    deadline = time.perf_counter() + time_limit

    cp_solver = cp_model.CpSolver()
    stopping = threading.Event()

    def stop_all() -> None:
        if not stopping.is_set():
            stopping.set()
            # Never from the caller's thread: that may be one of CP-SAT's own callbacks, and
            # stopping the search from inside it can deadlock.
            threading.Thread(target=cp_solver.stop_search, name="cp-sat-stop").start()

    incumbent = _Incumbent(stop_all)
    hint_columns = None
    if hint is not None:
        hint_columns = hint[model.local_job] == model.agent
        hint_value = int(model.coefficient[hint_columns].sum()) + model.constant
        incumbent.offer(hint_value, hint_columns, "hint")
    highs: _HighsProcess | None = None
    if use_highs:
        highs = _HighsProcess(model, incumbent, time_limit=time_limit, seed=seed)
        incumbent.listeners.append(("highs", highs.send_solution))
        if hint_columns is not None:
            highs.send_solution(incumbent.value or 0, hint_columns)
    handed_over = threading.Event()

    def hand_over() -> None:
        handed_over.set()
        threading.Thread(target=cp_solver.stop_search, name="cp-sat-stop").start()

    local_search: _LocalSearch | None = None
    if polish and _LocalSearch.fits(model):
        local_search = _LocalSearch(
            model,
            incumbent,
            deadline=deadline,
            seed=seed,
            stopping=stopping,
            on_handover=hand_over if use_highs and use_cp_sat else None,
        )
        incumbent.listeners.append(("local", local_search.send_solution))

    cp_code: Any = cp_model.UNKNOWN
    if use_cp_sat:
        cp_code, cp_bound = _cp_sat_run(
            model,
            cp_solver,
            incumbent,
            deadline,
            workers=max(workers - 1, 1) if use_highs else max(workers, 1),
            seed=seed,
            stopping=stopping,
        )
        if cp_code == cp_model.OPTIMAL:
            incumbent.raise_bound(cp_bound)
    highs_status = None
    if highs is not None:
        if not use_cp_sat:
            highs.wait(time_limit + 5.0)
        elif handed_over.is_set():
            # CP-SAT stopped early for the local search: HiGHS and it go on to the deadline.
            while highs.running() and not stopping.wait(0.02):
                if time.perf_counter() >= deadline:
                    break
        highs_status = highs.finish()
    if local_search is not None:
        local_search.finish()
    if cp_code == cp_model.INFEASIBLE or highs_status == "kInfeasible":
        return _Solved(AllocationStatus.INFEASIBLE, (), None, None)
    if incumbent.value is None or incumbent.columns is None:
        return _Solved(AllocationStatus.UNKNOWN, (), None, None)
    chosen = np.full(len(jobs), -1, dtype=np.int64)
    chosen[model.local_job[incumbent.columns]] = model.agent[incumbent.columns]
    assignment = tuple(None if agent < 0 else agent for agent in chosen.tolist())
    optimal = incumbent.closed() or cp_code == cp_model.OPTIMAL
    value = model.flip * incumbent.value
    bound: float | None = None
    if optimal:
        bound = float(value)
    elif math.isfinite(incumbent.bound):
        bound = float(model.flip * math.ceil(incumbent.bound - 1e-6))
    return _Solved(
        AllocationStatus.OPTIMAL if optimal else AllocationStatus.FEASIBLE,
        assignment,
        value,
        bound,
        incumbent.found_by,
    )


def _cp_sat_run(
    model: _Model,
    solver: cp_model.CpSolver,
    incumbent: _Incumbent,
    deadline: float,
    *,
    workers: int,
    seed: int,
    stopping: threading.Event,
) -> tuple[Any, float]:
    from ortools.sat.python import cp_model

    class Solutions(cp_model.CpSolverSolutionCallback):
        """Passes each improving CP-SAT solution to the shared incumbent."""

        def on_solution_callback(self) -> None:
            columns = np.fromiter(
                (self.boolean_value(variable) for variable in variables),
                dtype=bool,
                count=len(variables),
            )
            incumbent.offer(round(self.objective_value), columns, "cp-sat")
            if stopping.is_set():
                self.stop_search()

    cp = cp_model.CpModel()
    variables = [cp.new_bool_var(f"x{k}") for k in range(model.column_count)]
    # Columns are sorted by job: one group per job.
    job_bounds = np.searchsorted(model.local_job, np.arange(len(model.jobs) + 1))
    for local in range(len(model.jobs)):
        group = variables[job_bounds[local] : job_bounds[local + 1]]
        if model.must_assign:
            cp.add_exactly_one(group)
        elif group:
            cp.add_at_most_one(group)
    by_agent = np.argsort(model.agent, kind="stable")
    agent_bounds = np.searchsorted(model.agent[by_agent], np.arange(len(model.capacities) + 1))
    for agent in range(len(model.capacities)):
        members = by_agent[agent_bounds[agent] : agent_bounds[agent + 1]].tolist()
        uses = model.use[members].tolist()
        if members and sum(uses) > model.capacities[agent]:
            cp.add(
                cp_model.LinearExpr.weighted_sum([variables[k] for k in members], uses)
                <= int(model.capacities[agent])
            )
    cp.minimize(
        cp_model.LinearExpr.weighted_sum(variables, model.coefficient.tolist()) + model.constant
    )
    # Building the model took some of the time allowed.
    solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.01)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed

    def on_bound(bound: float) -> None:
        incumbent.raise_bound(bound)

    solver.best_bound_callback = on_bound
    if stopping.is_set():
        return cp_model.UNKNOWN, -math.inf
    code = solver.solve(cp, Solutions())
    bound = float(solver.best_objective_bound) if code == cp_model.OPTIMAL else -math.inf
    return code, bound


class _HighsProcess:
    """HiGHS solving a `_Model` in a child Python process, talking to the shared incumbent.

    A child process because highspy keeps the GIL while it solves (a thread would stall this
    process); a fresh interpreter importing only numpy and highspy (started with subprocess,
    not multiprocessing, so the caller's main module is never re-imported). It starts in the
    background while CP-SAT already searches, and is killed as soon as it is not needed.
    Nothing here ever waits on the child: messages to it go through a sender thread that
    keeps only the latest solution, so a busy child cannot hold up CP-SAT's callbacks.
    """

    def __init__(self, model: _Model, incumbent: _Incumbent, *, time_limit: float, seed: int):
        self._incumbent = incumbent
        self._column_count = model.column_count
        self.status: str | None = None
        child_in, parent_out = os.pipe()
        parent_in, child_out = os.pipe()
        code = (
            "import sys; from heyi.contention.allocation import _highs_child_main; "
            "_highs_child_main(int(sys.argv[1]), int(sys.argv[2]))"
        )
        environment = dict(os.environ)
        environment["PYTHONPATH"] = os.pathsep.join(path for path in sys.path if path)
        try:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-c", code, str(child_in), str(child_out)],
                pass_fds=(child_in, child_out),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=environment,
            )
        except OSError:
            self._process = None  # no child: CP-SAT carries on alone
        os.close(child_in)
        os.close(child_out)
        self._to_child = multiprocessing.connection.Connection(parent_out, readable=False)
        self._from_child = multiprocessing.connection.Connection(parent_in, writable=False)
        self._outbox = threading.Condition()
        self._queue: list[tuple[Any, ...]] = [
            (
                "model",
                {
                    "local_job": model.local_job,
                    "agent": model.agent,
                    "coefficient": model.coefficient,
                    "use": model.use,
                    "constant": model.constant,
                    "capacities": model.capacities,
                    "job_count": len(model.jobs),
                    "must_assign": model.must_assign,
                    # A wall-clock deadline, so the child's start-up counts against the limit.
                    "deadline": time.time() + time_limit,
                    "seed": seed,
                },
            )
        ]
        self._closing = False
        self._sender = threading.Thread(target=self._send_loop, name="highs-sender", daemon=True)
        self._sender.start()
        self._reader = threading.Thread(target=self._read, name="highs-reader", daemon=True)
        self._reader.start()

    def _send_loop(self) -> None:
        while True:
            with self._outbox:
                while not self._queue and not self._closing:
                    self._outbox.wait()
                if self._closing:
                    return
                message = self._queue.pop(0)
            try:
                self._to_child.send(message)
            except OSError:  # the child has gone: nothing more to tell it
                return

    def _read(self) -> None:
        while True:
            try:
                message = self._from_child.recv()
            except (EOFError, OSError):
                return
            kind = message[0]
            if kind == "solution":
                columns = np.unpackbits(message[2], count=self._column_count).astype(bool)
                self._incumbent.offer(message[1], columns, "highs")
            elif kind == "bound":
                self._incumbent.raise_bound(message[1])
            elif kind == "done":
                self.status = message[1]
                if self.status == "kOptimal":
                    self._incumbent.raise_bound(message[2])
                if self.status in ("kOptimal", "kInfeasible"):
                    self._incumbent.proven()
                return

    def send_solution(self, value: int, columns: NDArray[np.bool_]) -> None:
        with self._outbox:
            # Only the newest solution matters: drop one the child has not taken yet.
            self._queue = [item for item in self._queue if item[0] != "solution"]
            self._queue.append(("solution", value, np.packbits(columns)))
            self._outbox.notify()

    def wait(self, timeout: float) -> None:
        self._reader.join(timeout)

    def running(self) -> bool:
        """Whether the child may still report (it has not said it is done)."""
        return self._reader.is_alive()

    def finish(self) -> str | None:
        """End the child (if still solving) and return HiGHS's final status, if it had one."""
        with self._outbox:
            self._closing = True
            self._outbox.notify()
        if self._process is not None:
            if self._process.poll() is None and self.status is None:
                self._process.kill()
            self._process.wait()
        self._reader.join()
        self._to_child.close()  # a send blocked on the dead child now fails and ends
        self._sender.join()
        self._from_child.close()
        return self.status


def _highs_child_main(inbox_fd: int, out_fd: int) -> None:
    """Entry point of the HiGHS child process."""
    inbox = multiprocessing.connection.Connection(inbox_fd, writable=False)
    out = multiprocessing.connection.Connection(out_fd, readable=False)
    try:
        message = inbox.recv()
    except EOFError:
        return
    if message[0] == "model":
        _highs_child(message[1], out, inbox)
    out.close()


def _highs_child(
    payload: dict[str, Any],
    out: multiprocessing.connection.Connection,
    inbox: multiprocessing.connection.Connection,
) -> None:
    """Solve with HiGHS, streaming solutions and bounds out and taking CP-SAT's in."""
    local_job, agent, use = payload["local_job"], payload["agent"], payload["use"]
    coefficient, capacities = payload["coefficient"], payload["capacities"]
    job_count, columns = payload["job_count"], len(agent)
    highs = highspy.Highs()
    highs.silent()
    highs.setOptionValue("time_limit", max(float(payload["deadline"]) - time.time(), 0.01))
    highs.setOptionValue("random_seed", int(payload["seed"]))
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("mip_rel_gap", 0.0)
    # Objectives are integers: a gap below 1 proves the incumbent optimal.
    highs.setOptionValue("mip_abs_gap", 1 - 1e-6)
    lp = highspy.HighsLp()
    lp.num_col_ = columns
    lp.num_row_ = job_count + len(capacities)
    lp.col_cost_ = coefficient.astype(np.float64)
    lp.offset_ = float(payload["constant"])
    lp.col_lower_ = np.zeros(columns)
    lp.col_upper_ = np.ones(columns)
    lower = 1.0 if payload["must_assign"] else 0.0
    lp.row_lower_ = np.concatenate(
        [np.full(job_count, lower), np.full(len(capacities), -highspy.kHighsInf)]
    )
    lp.row_upper_ = np.concatenate([np.ones(job_count), capacities.astype(np.float64)])
    # Each column has two entries: its job's row, then its agent's capacity row.
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * columns + 1, 2, dtype=np.int32)
    index = np.empty(2 * columns, dtype=np.int32)
    index[0::2] = local_job
    index[1::2] = job_count + agent
    value = np.empty(2 * columns, dtype=np.float64)
    value[0::2] = 1.0
    value[1::2] = use
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.integrality_ = [highspy.HighsVarType.kInteger] * columns
    highs.passModel(lp)
    sent_bound = [-math.inf]
    stop = [False]
    offered: list[tuple[int, NDArray[np.uint8]] | None] = [None]

    def read_inbox() -> None:
        while inbox.poll():
            message = inbox.recv()
            if message[0] == "stop":
                stop[0] = True
            elif message[0] == "solution":
                offered[0] = (message[1], message[2])

    def on_improving(event: Any) -> None:
        solution = np.asarray(event.data_out.mip_solution) > 0.5
        out.send(
            ("solution", round(event.data_out.objective_function_value), np.packbits(solution))
        )

    def on_interrupt(event: Any) -> None:
        read_inbox()
        if stop[0]:
            event.interrupt()
            return
        # Objectives are integers: only a bound that passes a whole number is news.
        dual_bound = float(event.data_out.mip_dual_bound)
        if not math.isfinite(dual_bound):
            return
        bound = math.ceil(dual_bound - 1e-6)
        if bound > sent_bound[0]:
            sent_bound[0] = bound
            out.send(("bound", float(bound)))

    def on_user_solution(event: Any) -> None:
        read_inbox()
        latest, offered[0] = offered[0], None
        if latest is not None and latest[0] < event.data_out.mip_primal_bound - 0.5:
            taken = np.unpackbits(latest[1], count=columns).astype(np.float64)
            event.data_in.setSolution(taken)

    highs.cbMipImprovingSolution.subscribe(on_improving)
    highs.cbMipInterrupt.subscribe(on_interrupt)
    highs.cbMipUserSolution.subscribe(on_user_solution)
    highs.run()
    status = highs.getModelStatus()
    out.send(("done", status.name, float(highs.getInfo().mip_dual_bound)))


class _LocalSearch:
    """A tabu search beside HiGHS for solves the exact solvers have not closed in
    `LOCAL_SEARCH_HANDOVER_SECONDS` (a thread of this process).

    Until then it only waits: the exact solvers prove most problems they can prove by then
    (gap1–12 and types A–C within 15 s), and a search beside them slowed those proofs. It waits
    on while the best solution is CP-SAT's (as on D5-100, which CP-SAT proves in about 15 s).
    At the handover CP-SAT stops (`on_handover`; on types D10 and D20 its single search worker
    never once had the best solution) and the search takes its core: it starts from the
    incumbent, then from each
    new incumbent HiGHS finds, or else from the best one with a few jobs moved at random
    (iterated tabu search). After each tabu run, CP-SAT reassigns the best solution's jobs on
    a few agents at a time among them (`_subsets_solve`): the two neighbourhoods find
    different improvements. Every better solution goes to the incumbent, which hands it on to
    HiGHS (its pruning and RINS work from it). Only for models small enough to hold as dense
    job × agent matrices; a job that may be left out gets a free "agent" with no capacity limit
    and a coefficient of 0.
    """

    def __init__(
        self,
        model: _Model,
        incumbent: _Incumbent,
        *,
        deadline: float,
        seed: int,
        stopping: threading.Event,
        on_handover: Callable[[], None] | None,
    ) -> None:
        agent_count = len(model.capacities)
        columns = agent_count + (0 if model.must_assign else 1)
        self._model = model
        self._cost = np.full((len(model.jobs), columns), math.inf)
        self._use = np.zeros((len(model.jobs), columns))
        self._cost[model.local_job, model.agent] = model.coefficient
        self._use[model.local_job, model.agent] = model.use
        self._capacities = np.full(columns, math.inf)
        self._capacities[:agent_count] = model.capacities
        if not model.must_assign:
            self._cost[:, agent_count] = 0.0
        self._incumbent = incumbent
        self._deadline = deadline
        self._seed = seed
        self._stopping = stopping
        self._handover_at = time.perf_counter() + LOCAL_SEARCH_HANDOVER_SECONDS
        self._on_handover = on_handover
        self._latest: NDArray[np.bool_] | None = None
        self._closing = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="local-search", daemon=True)
        self._thread.start()

    @staticmethod
    def fits(model: _Model) -> bool:
        jobs = len(model.jobs)
        return (
            0 < jobs <= LOCAL_SEARCH_JOB_LIMIT
            and jobs * (len(model.capacities) + 1) <= LOCAL_SEARCH_CELL_LIMIT
        )

    def send_solution(self, value: int, columns: NDArray[np.bool_]) -> None:
        del value
        with self._wake:
            self._latest = columns
            self._wake.notify()

    def finish(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join()

    def _done(self) -> bool:
        return self._closing or self._stopping.is_set() or time.perf_counter() >= self._deadline

    def _loop(self) -> None:
        model = self._model
        with self._wake:
            # Until the handover the exact solvers have the cores to themselves, and CP-SAT
            # keeps its core as long as the best solution is its own (it is then near a proof).
            while not self._done() and (
                time.perf_counter() < self._handover_at
                or self._incumbent.columns is None
                or self._incumbent.found_by == "cp-sat"
            ):
                self._wake.wait(0.05)
            self._latest = None
        if self._done():
            return
        if self._on_handover is not None:
            self._on_handover()
        rng = np.random.default_rng(self._seed)
        runs = 0
        while not self._done():
            with self._wake:
                columns, self._latest = self._latest, None
            # A new incumbent from HiGHS as it is; else the best one, shaken (after the first).
            kick = columns is None and runs > 0
            columns = self._incumbent.columns if columns is None else columns
            if columns is None:
                return
            start = np.full(len(model.jobs), len(model.capacities), dtype=np.int64)
            start[model.local_job[columns]] = model.agent[columns]
            if kick:
                share = rng.uniform(*LOCAL_SEARCH_KICK)
                count = min(len(start), max(2, int(len(start) * share)))
                for job in rng.choice(len(start), count, replace=False).tolist():
                    start[job] = rng.choice(np.flatnonzero(np.isfinite(self._cost[job])))

            def better(assignment: IntArray) -> None:
                chosen = assignment[model.local_job] == model.agent
                value = int(model.coefficient[chosen].sum()) + model.constant
                self._incumbent.offer(value, chosen, "local")

            _tabu_search(
                self._cost,
                self._use,
                self._capacities,
                start,
                seed=self._seed + runs,
                should_stop=self._done,
                on_better=better,
            )
            best = self._incumbent.columns
            if best is not None and len(model.capacities) > 1:
                start = np.full(len(model.jobs), len(model.capacities), dtype=np.int64)
                start[model.local_job[best]] = model.agent[best]
                _subsets_solve(
                    self._cost,
                    self._use,
                    model.capacities,
                    start,
                    must_assign=model.must_assign,
                    rng=rng,
                    seed=self._seed,
                    should_stop=self._done,
                    on_better=better,
                )
            runs += 1


def _subsets_solve(
    cost: NDArray[np.float64],
    use: NDArray[np.float64],
    capacities: IntArray,
    start: IntArray,
    *,
    must_assign: bool,
    rng: np.random.Generator,
    seed: int,
    should_stop: Callable[[], bool],
    on_better: Callable[[IntArray], None],
    stall: int = LOCAL_SEARCH_SUBSET_STALL,
) -> IntArray:
    """Large neighbourhood search by CP-SAT: the jobs of `LOCAL_SEARCH_SUBSET_AGENTS` agents
    drawn at random, and the jobs left out, are reassigned among those agents optimally, from
    `start` (an agent per job, or len(capacities) for a job left out), until `stall` subproblems in a row bring
    nothing better. Calls `on_better` with each better solution and returns the last one.

    `cost` and `use` are dense job × agent matrices as in `_tabu_search` (a column past the
    agents, for jobs left out, is never drawn).
    """
    from ortools.sat.python import cp_model

    agent_count = len(capacities)
    x = start.copy()
    failures = 0
    while failures < stall and not should_stop():
        failures += 1
        agents = np.sort(
            rng.choice(agent_count, min(LOCAL_SEARCH_SUBSET_AGENTS, agent_count), replace=False)
        )
        # The jobs on those agents, and any left out (they may come in).
        jobs = np.flatnonzero(np.isin(x, agents) | (x == agent_count))
        if not len(jobs):
            continue
        sub_cost = cost[np.ix_(jobs, agents)]
        sub_use = use[np.ix_(jobs, agents)]
        allowed = np.isfinite(sub_cost)
        cp = cp_model.CpModel()
        cells = list(zip(*(index.tolist() for index in np.nonzero(allowed)), strict=True))
        variables = {cell: cp.new_bool_var(f"x{cell[0]}_{cell[1]}") for cell in cells}
        for row in range(len(jobs)):
            group = [variables[row, column] for column in np.flatnonzero(allowed[row]).tolist()]
            if must_assign:
                cp.add_exactly_one(group)
            else:
                cp.add_at_most_one(group)
        for column, agent in enumerate(agents.tolist()):
            rows = np.flatnonzero(allowed[:, column]).tolist()
            cp.add(
                cp_model.LinearExpr.weighted_sum(
                    [variables[row, column] for row in rows],
                    [int(sub_use[row, column]) for row in rows],
                )
                <= int(capacities[agent])
            )
        cp.minimize(
            cp_model.LinearExpr.weighted_sum(
                [variables[cell] for cell in cells], [int(sub_cost[cell]) for cell in cells]
            )
        )
        for row, column in cells:
            cp.add_hint(variables[row, column], bool(x[jobs[row]] == agents[column]))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.max_time_in_seconds = LOCAL_SEARCH_SUBSET_SECONDS
        if solver.solve(cp) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        if solver.objective_value >= float(cost[jobs, x[jobs]].sum()) - 0.5:
            continue
        x[jobs] = agent_count  # left out unless placed below
        for row, column in cells:
            if solver.boolean_value(variables[row, column]):
                x[jobs[row]] = agents[column]
        on_better(x.copy())
        failures = 0
    return x


def _tabu_search(
    cost: NDArray[np.float64],
    use: NDArray[np.float64],
    capacities: NDArray[np.float64],
    start: IntArray,
    *,
    seed: int,
    should_stop: Callable[[], bool],
    on_better: Callable[[IntArray], None],
    stall_iterations: int = LOCAL_SEARCH_STALL_ITERATIONS,
) -> IntArray | None:
    """Tabu search for the GAP (Díaz and Fernández's scheme): from `start` (an agent per job),
    take the best move each step among every shift (one job to another agent), every swap
    (two jobs on different agents trade places) and every ejection chain of two (job j moves to
    job k's agent and k to its best other agent, as in Yagiura, Ibaraki and Glover's ejection
    chains), scored by cost plus a weight × overload. The
    weight grows while the solution is overloaded and shrinks while it fits, so the search
    oscillates across the capacity border; a move undoing a recent one is tabu unless it gives
    a feasible solution better than the best. Calls `on_better` with each best feasible
    solution that improves on `start` (or on none when `start` does not fit) and returns the
    last one; stops after `stall_iterations` steps without one, or when `should_stop` says so.

    `cost[j, i]` is inf where job j cannot go to agent i; a capacity may be inf.
    """
    rng = np.random.default_rng(seed)
    jobs, agents = cost.shape
    every = np.arange(jobs)
    allowed = np.isfinite(cost)
    x = start.copy()
    load = np.bincount(x, weights=use[every, x], minlength=agents)
    current = float(cost[every, x].sum())
    best_value = current if (load <= capacities).all() else math.inf
    best: IntArray | None = None
    finite = cost[allowed]
    weight = max(float(np.abs(finite).mean()), 1.0) / max(float(use[allowed].mean()), 1.0)
    tabu_until = np.zeros((jobs, agents), dtype=np.int64)
    tenure_low, tenure_high = max(5, jobs // 20), max(10, jobs // 8)
    lower_triangle = np.tril(np.ones((jobs, jobs), dtype=bool), -1)
    step = last_better = 0
    while step - last_better < stall_iterations and not should_stop():
        step += 1
        over = np.maximum(load - capacities, 0.0)
        total_over = float(over.sum())
        cost_x, use_x, capacity_x, over_x = cost[every, x], use[every, x], capacities[x], over[x]
        # Shift job j to agent i: the change of cost and of overload.
        shift_cost = cost - cost_x[:, None]
        leave = np.maximum(load[x] - use_x - capacity_x, 0.0) - over_x
        arrive = np.maximum(load + use - capacities, 0.0) - over
        shift_over = leave[:, None] + arrive
        shift_over[~allowed] = 0.0
        shift = np.where(allowed, shift_cost + weight * shift_over, math.inf)
        shift[every, x] = math.inf
        # Swap jobs j and k: j goes to k's agent and k to j's.
        cost_to = cost[:, x]  # cost_to[j, k]: job j on job k's agent
        use_to = use[:, x]
        swap_cost = cost_to + cost_to.T - cost_x[:, None] - cost_x[None, :]
        rest = load[x] - use_x  # j's agent without j
        # into[j, k]: the change of overload of k's agent when j replaces k there.
        into = np.maximum(rest[None, :] + use_to - capacity_x[None, :], 0.0) - over_x[None, :]
        swap_over = into + into.T
        apart = x[:, None] != x[None, :]
        valid = lower_triangle & apart & np.isfinite(swap_cost)
        swap_over[~valid] = 0.0
        swap = np.where(valid, swap_cost + weight * swap_over, math.inf)
        # Tabu, unless the move gives a feasible solution better than the best.
        with np.errstate(invalid="ignore"):
            shift_aspires = (total_over + shift_over <= 0) & (current + shift_cost < best_value)
            swap_aspires = (total_over + swap_over <= 0) & (current + swap_cost < best_value)
        shift[(tabu_until > step) & ~shift_aspires] = math.inf
        back = tabu_until[:, x] > step  # back[j, k]: j to k's agent is tabu
        swap[(back | back.T) & ~swap_aspires] = math.inf
        # Ejection chain of two: j goes to k's agent, and k to its best other agent (not j's:
        # that is the swap). For each k, its best and second-best non-tabu destination.
        arrival = np.where(allowed & (tabu_until <= step), cost + weight * arrive, math.inf)
        arrival[every, x] = math.inf
        first = np.argmin(arrival, axis=1)
        first_value = arrival[every, first]
        arrival[every, first] = math.inf
        second = np.argmin(arrival, axis=1)
        second_value = arrival[every, second]
        clash = first[None, :] == x[:, None]  # k's best agent is j's own
        onward = np.where(clash, second_value[None, :], first_value[None, :])
        chain = (
            cost_to - cost_x[:, None] + weight * (leave[:, None] + into) + onward - cost_x[None, :]
        )
        chain[~apart | back | ~np.isfinite(cost_to)] = math.inf
        shift_at, swap_at = int(np.argmin(shift)), int(np.argmin(swap))
        chain_at = int(np.argmin(chain))
        shift_value, swap_value = shift.flat[shift_at], swap.flat[swap_at]
        chain_value = chain.flat[chain_at]
        if not math.isfinite(min(shift_value, swap_value, chain_value)):
            tabu_until[:] = 0
            continue
        if shift_value <= min(swap_value, chain_value):
            job, agent = divmod(shift_at, agents)
            moves = [(job, agent)]
        elif swap_value <= chain_value:
            job, other = divmod(swap_at, jobs)
            moves = [(job, int(x[other])), (other, int(x[job]))]
        else:
            job, other = divmod(chain_at, jobs)
            onward_agent = second[other] if first[other] == x[job] else first[other]
            moves = [(job, int(x[other])), (other, int(onward_agent))]
        for job, agent in moves:
            old = int(x[job])
            tabu_until[job, old] = step + int(rng.integers(tenure_low, tenure_high + 1))
            load[old] -= use[job, old]
            load[agent] += use[job, agent]
            current += cost[job, agent] - cost[job, old]
            x[job] = agent
        fits = bool((load <= capacities).all())
        if fits and current < best_value - 1e-6:
            best_value, best, last_better = current, x.copy(), step
            on_better(best)
        weight = min(max(weight * (1 / 1.1 if fits else 1.1), 1e-3), 1e9)
    return best


def _job_sizes(problem: AllocationProblem) -> IntArray | None:
    """Each job's size when the problem is proportional (see module docstring), else None."""
    if problem.option_count == 0:
        return None
    job, use, cost = problem.option_job, problem.option_use, problem.option_cost
    sizes = np.zeros(problem.job_count, dtype=np.int64)
    sizes[job] = use  # any option's use; checked equal for all options of the job below
    if (use != sizes[job]).any() or (use <= 0).any() or (cost % use != 0).any():
        return None
    has_option = np.zeros(problem.job_count, dtype=bool)
    has_option[job] = True
    if not has_option.all():
        return None
    if problem.unassigned_cost is not None and (problem.unassigned_cost % sizes != 0).any():
        return None
    return sizes


def _job_groups(problem: AllocationProblem, sizes: IntArray, keep: NDArray[np.bool_]) -> IntArray:
    """Group jobs that are interchangeable in the relaxation: same size, same kept options
    (agents and costs per unit). Returns each job's group number (groups in job order).

    Signatures are two 64-bit hashes of the options; a collision could only merge jobs with
    different options, so every job is then checked option by option against its group's
    first job, and any job that differs is given a group of its own.
    """
    n = problem.job_count
    unit = problem.option_cost // np.maximum(problem.option_use, 1)
    job, agent = problem.option_job, problem.option_agent
    count = np.bincount(job[keep], minlength=n)
    signature = [count, sizes]
    for salt in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F):
        mix = agent.astype(np.uint64) * np.uint64(salt) + unit.astype(np.uint64) * np.uint64(
            0x165667B19E3779F9 ^ salt
        )
        mix ^= mix >> np.uint64(31)
        mix *= np.uint64(0x94D049BB133111EB)
        mix[~keep] = 0
        hashed = np.zeros(n, dtype=np.uint64)
        np.add.at(hashed, job, mix)
        signature.append(hashed.view(np.int64))
    _, first, group = np.unique(
        np.stack(signature, axis=1), axis=0, return_index=True, return_inverse=True
    )
    group = group.reshape(-1).astype(np.int64)
    # Verify: the k-th kept option of each job equals the k-th kept option of its group's first.
    kept_job, kept_agent, kept_unit = job[keep], agent[keep], unit[keep]
    kept_start = np.concatenate([[0], np.cumsum(count)])
    offset = np.arange(len(kept_job)) - kept_start[kept_job]
    representative = first[group][kept_job]
    twin = kept_start[representative] + offset
    differs = (kept_agent != kept_agent[twin]) | (kept_unit != kept_unit[twin])
    if differs.any():
        odd = np.unique(kept_job[differs])
        group[odd] = group.max() + 1 + np.arange(len(odd))
        _, group = np.unique(group, return_inverse=True)
    return group.reshape(-1).astype(np.int64)


def _transport_solve(
    *,
    group_units: IntArray,
    arc_group: IntArray,
    arc_agent: IntArray,
    arc_unit: IntArray,
    leave_unit: IntArray | None,
    capacities: IntArray,
) -> tuple[int, IntArray, IntArray | None] | None:
    """The transportation problem of the relaxation, by OR-Tools' min-cost flow.

    Nodes: groups (supplying their units), agents, one sink. Returns the optimal cost, the flow
    on each group → agent arc, and the units of each group left out; None if infeasible.
    """
    from ortools.graph.python import min_cost_flow

    group_count, m = len(group_units), len(capacities)
    sink = group_count + m
    tails = [arc_group, group_count + np.arange(m, dtype=np.int64)]
    heads = [group_count + arc_agent, np.full(m, sink, dtype=np.int64)]
    arc_capacities = [group_units[arc_group], capacities]
    unit_costs = [arc_unit, np.zeros(m, dtype=np.int64)]
    if leave_unit is not None:
        tails.append(np.arange(group_count, dtype=np.int64))
        heads.append(np.full(group_count, sink, dtype=np.int64))
        arc_capacities.append(group_units)
        unit_costs.append(leave_unit)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(arc_capacities),
        np.concatenate(unit_costs),
    )
    supplies = np.concatenate([group_units, np.zeros(m, dtype=np.int64), [-int(group_units.sum())]])
    flow.set_nodes_supplies(np.arange(group_count + m + 1, dtype=np.int64), supplies)
    status = flow.solve()
    if status == flow.INFEASIBLE:
        return None
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = flow.flows(arcs)
    arc_flow = flows[: len(arc_group)]
    leave_flow = None if leave_unit is None else flows[len(arc_group) + m :]
    return int(flow.optimal_cost()), arc_flow, leave_flow


def _largest_share(
    problem: AllocationProblem,
    keep: NDArray[np.bool_],
    jobs: IntArray,
    arc_flow: IntArray,
    arc_group: IntArray,
    arc_agent: IntArray,
    group: IntArray,
) -> dict[int, int]:
    """For each job, the agent whose arc carries most of its group's leftover flow (−1: none).

    The leftover of an arc is its flow beyond the whole jobs it was given.
    """
    group_size = np.zeros(int(group.max()) + 1, dtype=np.int64)
    group_size[group[problem.option_job]] = problem.option_use
    leftover = arc_flow % group_size[arc_group]
    best: dict[int, tuple[int, int]] = {}
    for arc in np.flatnonzero(leftover > 0).tolist():
        key = int(arc_group[arc])
        amount = int(leftover[arc])
        if key not in best or amount > best[key][0]:
            best[key] = (amount, int(arc_agent[arc]))
    del keep
    return {job: best.get(int(group[job]), (0, -1))[1] for job in jobs.tolist()}


def _relax_and_fix(
    problem: AllocationProblem,
    sizes: IntArray,
    time_limit_seconds: float,
    workers: int,
    seed: int,
    solvers: Sequence[str],
    started: float,
) -> AllocationResult:
    """LP relaxation as a min-cost flow (exact bound), keep whole jobs, re-solve the rest.

    1. Options that can never fit (use above the agent's capacity) are dropped, and jobs that
       are interchangeable in the relaxation are merged into groups (on a platform day, the
       orders of one product, region and size): the relaxation is the same, and much smaller.
    2. The relaxation is a transportation problem: groups supply their units, agents take up
       to their capacity, leaving a unit out costs its unassigned cost per unit. OR-Tools'
       min-cost flow solves it exactly; its cost is the lower bound reported.
    3. Each group's flow to an agent, in whole jobs, is given to that many of its jobs. The
       jobs left over (the flow split them) are assigned by `_solve_exact` over all their
       options within the capacity the kept jobs leave.
    """
    n, m = problem.job_count, problem.agent_count
    flip = -1 if problem.sense is Sense.MAX else 1
    keep = problem.option_use <= problem.capacities[problem.option_agent]
    group = _job_groups(problem, sizes, keep)
    group_count = int(group.max()) + 1 if n else 0
    first_job = np.full(group_count, n, dtype=np.int64)
    np.minimum.at(first_job, group, np.arange(n, dtype=np.int64))
    group_size = sizes[first_job]

    # The group's arcs are its first job's kept options.
    is_first = keep & (np.arange(n)[problem.option_job] == first_job[group[problem.option_job]])
    arc_group = group[problem.option_job[is_first]]
    arc_agent = problem.option_agent[is_first]
    arc_unit = flip * (problem.option_cost[is_first] // problem.option_use[is_first])
    leave_unit = (
        None
        if problem.unassigned_cost is None
        else flip * (problem.unassigned_cost[first_job] // group_size)
    )
    detail: dict[str, float] = {"groups": float(group_count)}

    assignment = np.full(n, -1, dtype=np.int64)  # -1 free, -2 left out, else the agent
    remaining = problem.capacities.copy()
    bound: int | None = None
    jobs_by_group = np.argsort(group, kind="stable")
    for round_number in range(1, RELAX_ROUNDS + 1):
        free = assignment == -1
        free_jobs = np.bincount(group[free], minlength=group_count)
        solved_flow = _transport_solve(
            group_units=free_jobs * group_size,
            arc_group=arc_group,
            arc_agent=arc_agent,
            arc_unit=arc_unit,
            leave_unit=leave_unit,
            capacities=remaining,
        )
        if solved_flow is None:
            # Not even fractions of jobs fit: the integer problem is infeasible too.
            return AllocationResult(
                status=AllocationStatus.INFEASIBLE,
                assignment=(),
                objective=None,
                bound=None,
                seconds=time.perf_counter() - started,
                method=AllocationMethod.RELAX_AND_FIX,
                detail=detail,
            )
        cost, arc_flow, leave_flow = solved_flow
        if bound is None:
            bound = flip * cost  # the first relaxation is the one of the whole problem
            detail["relaxation_seconds"] = time.perf_counter() - started
        # Whole jobs per arc; the group's free jobs, in job order, take them arc by arc.
        whole = arc_flow // group_size[arc_group]
        labels = np.repeat(arc_agent, whole)
        label_group = np.repeat(arc_group, whole)
        if leave_flow is not None:
            left_out = leave_flow // group_size
            labels = np.concatenate([labels, np.full(int(left_out.sum()), -2, dtype=np.int64)])
            label_group = np.concatenate(
                [label_group, np.repeat(np.arange(group_count, dtype=np.int64), left_out)]
            )
        label_order = np.argsort(label_group, kind="stable")
        labels, label_group = labels[label_order], label_group[label_order]
        label_start = np.searchsorted(label_group, np.arange(group_count + 1))
        free_sorted = jobs_by_group[free[jobs_by_group]]
        free_start = np.concatenate([[0], np.cumsum(free_jobs)])
        rank = np.full(n, n, dtype=np.int64)
        rank[free_sorted] = np.arange(len(free_sorted)) - free_start[group[free_sorted]]
        labelled = free & (rank < (label_start[group + 1] - label_start[group]))
        tentative = assignment.copy()
        tentative[labelled] = labels[label_start[group[labelled]] + rank[labelled]]
        split = np.flatnonzero(tentative == -1)
        detail[f"split_jobs_round_{round_number}"] = float(len(split))
        last_round = round_number == RELAX_ROUNDS or len(split) <= RESIDUAL_JOB_LIMIT
        if last_round or time.perf_counter() - started > time_limit_seconds / 2:
            assignment = tentative
            break
        # Round the split jobs up, largest first: each goes whole to the agent that carried
        # most of it, if that agent still has room once the jobs placed before it are counted.
        # The next relaxation then re-spreads the other free jobs around them.
        share_agent = _largest_share(problem, keep, split, arc_flow, arc_group, arc_agent, group)
        for job in split[np.argsort(-sizes[split], kind="stable")].tolist():
            agent = share_agent[job]
            if agent >= 0 and sizes[job] <= remaining[agent]:
                assignment[job] = agent
                remaining[agent] -= sizes[job]
    assert bound is not None
    split_jobs = np.flatnonzero(assignment == -1)
    placed = assignment >= 0
    load = np.zeros(m, dtype=np.int64)
    np.add.at(load, assignment[placed], sizes[placed])
    remaining = problem.capacities - load
    detail["split_jobs"] = float(len(split_jobs))

    seconds_left = time_limit_seconds - (time.perf_counter() - started)
    solved = _solve_exact(
        problem,
        jobs=split_jobs,
        capacities=remaining,
        time_limit_seconds=seconds_left,
        workers=workers,
        seed=seed,
        solvers=solvers,
    )
    if solved.objective is None:
        # The split jobs found no room beside the kept ones; without slack that ends the attempt.
        return AllocationResult(
            status=AllocationStatus.UNKNOWN,
            assignment=(),
            objective=None,
            bound=float(bound),
            seconds=time.perf_counter() - started,
            method=AllocationMethod.RELAX_AND_FIX,
            detail=detail,
        )
    for job, taken in zip(split_jobs.tolist(), solved.assignment, strict=True):
        assignment[job] = -2 if taken is None else taken
    found_by = solved.found_by
    objective = _objective_fast(problem, assignment)
    repaired = _repair_left_out(
        problem,
        assignment,
        keep,
        sizes,
        objective,
        time_limit_seconds - (time.perf_counter() - started),
        workers=workers,
        seed=seed,
        solvers=solvers,
    )
    if repaired is not None:
        assignment, objective, jobs_reopened = repaired
        detail["repair_jobs"] = float(jobs_reopened)
    final: tuple[int | None, ...] = tuple(
        None if agent < 0 else agent for agent in assignment.tolist()
    )
    status = AllocationStatus.OPTIMAL if objective == bound else AllocationStatus.FEASIBLE
    return AllocationResult(
        status=status,
        assignment=final,
        objective=objective,
        bound=float(bound),
        seconds=time.perf_counter() - started,
        method=AllocationMethod.RELAX_AND_FIX,
        found_by=found_by,
        detail=detail,
    )


def _repair_left_out(
    problem: AllocationProblem,
    assignment: IntArray,
    keep: NDArray[np.bool_],
    sizes: IntArray,
    objective: int,
    seconds_left: float,
    *,
    workers: int,
    seed: int,
    solvers: Sequence[str],
) -> tuple[IntArray, int, int] | None:
    """For each job left out that could fit somewhere (largest first), re-solve exactly that
    job together with every job on the agents it could go to, which may move elsewhere among
    their own options to make room for it. A neighbourhood is kept only if it improves.

    Returns the better assignment, its objective and the number of jobs reopened in all, or
    None when there is nothing to repair, no time, or no improvement.
    """
    if problem.unassigned_cost is None:
        return None
    # Stopping a neighbourhood's solvers takes a moment: keep it inside the time limit.
    deadline = time.perf_counter() + seconds_left - REPAIR_STOP_SECONDS
    fits_somewhere = np.zeros(problem.job_count, dtype=bool)
    fits_somewhere[problem.option_job[keep]] = True
    stranded = np.flatnonzero((assignment == -2) & fits_somewhere)
    current, value, reopened_total = assignment, objective, 0
    for job in stranded[np.argsort(-sizes[stranded], kind="stable")].tolist():
        seconds = min(deadline - time.perf_counter(), REPAIR_SECONDS_PER_JOB)
        if seconds < REPAIR_MIN_SECONDS:
            break
        if current[job] != -2:
            continue  # an earlier neighbourhood placed it
        positions = problem.options_of(job)
        mine = keep[positions.start : positions.stop]
        agents = problem.option_agent[positions.start : positions.stop][mine]
        reopened = np.flatnonzero(np.isin(current, agents))
        reopened = np.union1d(reopened, [job])
        staying = np.ones(len(current), dtype=bool)
        staying[reopened] = False
        placed = staying & (current >= 0)
        load = np.zeros(problem.agent_count, dtype=np.int64)
        np.add.at(load, current[placed], sizes[placed])
        solved = _solve_exact(
            problem,
            jobs=reopened,
            capacities=problem.capacities - load,
            time_limit_seconds=seconds,
            workers=workers,
            seed=seed,
            solvers=solvers,
            hint=current[reopened],
        )
        if solved.objective is None:
            continue
        candidate = current.copy()
        for reopened_job, agent in zip(reopened.tolist(), solved.assignment, strict=True):
            candidate[reopened_job] = -2 if agent is None else agent
        candidate_value = _objective_fast(problem, candidate)
        if (candidate_value < value) if problem.sense is Sense.MIN else (candidate_value > value):
            current, value = candidate, candidate_value
            reopened_total += len(reopened)
    return (current, value, reopened_total) if reopened_total else None


def _objective_fast(problem: AllocationProblem, assignment: IntArray) -> int:
    """The objective of a job → agent array (−2 for left out), vectorised for large problems."""
    chosen = assignment[problem.option_job] == problem.option_agent
    total = int(problem.option_cost[chosen].sum())
    if problem.unassigned_cost is not None:
        total += int(problem.unassigned_cost[assignment < 0].sum())
    return total


# --- The platform's daily contention for standard orders -----------------------------------


@dataclass(frozen=True)
class Venture:
    """A venture taking part in the day's allocation, with its daily capacity in units."""

    id: str
    capacity: int


@dataclass(frozen=True)
class Order:
    """A standard order of `size` units of `product`, to be delivered in `region`."""

    id: str
    product: str
    size: int
    region: str = ""


@dataclass(frozen=True)
class StandingBid:
    """A venture's standing offer for a product: a unit price and a lead time in days.

    `regions` limits the bid to orders delivered there; None serves every region.
    """

    venture_id: str
    product: str
    unit_price: Decimal
    lead_time_days: int
    regions: frozenset[str] | None = None


@dataclass(frozen=True)
class DailyAllocation:
    """The day's allocation: order id → venture id, and the orders no venture could take."""

    assignments: Mapping[str, str]
    unallocated: tuple[str, ...]
    total_price: Decimal  # what the allocated orders cost at their ventures' bid prices
    objective: int | None  # in minor units, lead-time and unallocated penalties included
    bound: float | None
    status: AllocationStatus
    seconds: float
    method: AllocationMethod

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(abs(self.objective), 1)


@dataclass(frozen=True)
class DailyProblem:
    """A day's orders mapped to a GAP, with the tables to map the answer back."""

    problem: AllocationProblem
    orders: tuple[Order, ...]
    ventures: tuple[Venture, ...]
    option_price: IntArray  # bid price per unit in minor units, per option (no penalty)
    minor_units: int


def _to_minor(amount: Decimal, minor_units: int, what: str) -> int:
    scaled = amount * minor_units
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{what} {amount} has more decimals than the currency's minor unit")
    return int(scaled)


def daily_problem_build(
    ventures: Sequence[Venture],
    orders: Sequence[Order],
    bids: Iterable[StandingBid],
    *,
    lead_time_penalty_per_unit_day: Decimal = Decimal(0),
    unallocated_penalty_per_unit: Decimal | None = None,
    minor_units: int = 100,
) -> DailyProblem:
    """Map the day's orders to a GAP (agents: ventures; jobs: orders; use: the order's size).

    The cost of an order at a venture is (unit price + lead_time_penalty_per_unit_day × lead
    time in days) × size, in minor units. An order may be left unallocated at
    `unallocated_penalty_per_unit` × size; by default that is one minor unit more than the
    dearest effective unit cost, so an order is left out only when no eligible venture has room
    for it, or when taking it would displace more units of other orders.
    """
    venture_index = {venture.id: index for index, venture in enumerate(ventures)}
    if len(venture_index) != len(ventures):
        raise ValueError("two ventures share an id")
    for venture in ventures:
        if venture.capacity < 0:
            raise ValueError(f"venture {venture.id} has a negative capacity")
    penalty = _to_minor(lead_time_penalty_per_unit_day, minor_units, "lead-time penalty")
    # product → list of (venture index, unit price in minor units, unit cost, regions)
    by_product: dict[str, dict[int, tuple[int, int, frozenset[str] | None]]] = {}
    for bid in bids:
        if bid.venture_id not in venture_index:
            continue  # a venture not taking part today (paused, over its limit, …)
        if bid.unit_price < 0 or bid.lead_time_days < 0:
            raise ValueError(f"bid of {bid.venture_id} on {bid.product} is negative")
        price = _to_minor(bid.unit_price, minor_units, "unit price")
        offers = by_product.setdefault(bid.product, {})
        agent = venture_index[bid.venture_id]
        if agent in offers:
            raise ValueError(f"venture {bid.venture_id} has two standing bids on {bid.product}")
        offers[agent] = (price, price + penalty * bid.lead_time_days, bid.regions)

    # Orders of one product and region share their eligible ventures: build options per class.
    classes: dict[tuple[str, str], list[int]] = {}
    for index, order in enumerate(orders):
        if order.size <= 0:
            raise ValueError(f"order {order.id} has a size of {order.size}")
        classes.setdefault((order.product, order.region), []).append(index)
    sizes = np.fromiter((order.size for order in orders), dtype=np.int64, count=len(orders))
    parts_job, parts_agent, parts_unit, parts_price = [], [], [], []
    dearest = 0
    for (product, region), members in classes.items():
        eligible = [
            (agent, price, unit)
            for agent, (price, unit, regions) in sorted(by_product.get(product, {}).items())
            if regions is None or region in regions
        ]
        if not eligible:
            continue
        member_array = np.asarray(members, dtype=np.int64)
        for agent, price, unit in eligible:
            parts_job.append(member_array)
            parts_agent.append(np.full(len(members), agent, dtype=np.int64))
            parts_unit.append(np.full(len(members), unit, dtype=np.int64))
            parts_price.append(np.full(len(members), price, dtype=np.int64))
            dearest = max(dearest, unit)
    empty = np.zeros(0, dtype=np.int64)
    option_job = np.concatenate(parts_job) if parts_job else empty
    option_agent = np.concatenate(parts_agent) if parts_agent else empty
    option_unit = np.concatenate(parts_unit) if parts_unit else empty
    option_price = np.concatenate(parts_price) if parts_price else empty
    if unallocated_penalty_per_unit is None:
        unallocated_unit = dearest + 1
    else:
        unallocated_unit = _to_minor(unallocated_penalty_per_unit, minor_units, "penalty")
    option_use = sizes[option_job]
    problem = AllocationProblem(
        capacities=np.fromiter((v.capacity for v in ventures), dtype=np.int64, count=len(ventures)),
        job_count=len(orders),
        option_job=option_job,
        option_agent=option_agent,
        option_cost=option_unit * option_use,
        option_use=option_use,
        sense=Sense.MIN,
        unassigned_cost=unallocated_unit * sizes,
        name="daily orders",
    )
    # The problem sorted its options by (job, agent); sort the prices the same way.
    by_job = np.lexsort((option_agent, option_job))
    return DailyProblem(
        problem=problem,
        orders=tuple(orders),
        ventures=tuple(ventures),
        option_price=option_price[by_job],
        minor_units=minor_units,
    )


def allocate_daily_orders(
    ventures: Sequence[Venture],
    orders: Sequence[Order],
    bids: Iterable[StandingBid],
    *,
    time_limit_seconds: float = 10.0,
    lead_time_penalty_per_unit_day: Decimal = Decimal(0),
    unallocated_penalty_per_unit: Decimal | None = None,
    minor_units: int = 100,
    workers: int = DEFAULT_WORKERS,
    seed: int = DEFAULT_SEED,
) -> DailyAllocation:
    """Allocate the day's standard orders to qualified ventures at minimum total cost.

    See `daily_problem_build` for the cost model. Orders no venture can take (no eligible bid,
    or no room) are listed in `unallocated`. Returns within about `time_limit_seconds`.
    """
    started = time.perf_counter()
    daily = daily_problem_build(
        ventures,
        orders,
        bids,
        lead_time_penalty_per_unit_day=lead_time_penalty_per_unit_day,
        unallocated_penalty_per_unit=unallocated_penalty_per_unit,
        minor_units=minor_units,
    )
    # The time limit covers building the problem too.
    seconds_left = time_limit_seconds - (time.perf_counter() - started)
    result = allocate(daily.problem, time_limit_seconds=seconds_left, workers=workers, seed=seed)
    return daily_allocation_from_result(daily, result)


def daily_allocation_from_result(daily: DailyProblem, result: AllocationResult) -> DailyAllocation:
    """Map a GAP result back to order and venture ids."""
    problem = daily.problem
    assignments: dict[str, str] = {}
    unallocated: list[str] = []
    total_minor = 0
    if result.has_solution:
        agents = np.asarray([-1 if a is None else a for a in result.assignment], dtype=np.int64)
        chosen = agents[problem.option_job] == problem.option_agent
        total_minor = int((daily.option_price[chosen] * problem.option_use[chosen]).sum())
        for order, agent in zip(daily.orders, result.assignment, strict=True):
            if agent is None:
                unallocated.append(order.id)
            else:
                assignments[order.id] = daily.ventures[agent].id
    else:
        unallocated = [order.id for order in daily.orders]
    return DailyAllocation(
        assignments=assignments,
        unallocated=tuple(unallocated),
        total_price=Decimal(total_minor) / daily.minor_units,
        objective=result.objective,
        bound=result.bound,
        status=result.status,
        seconds=result.seconds,
        method=result.method,
    )


def _ceil_bound(bound: float, sense: Sense) -> float:
    """Integer objectives let a fractional bound be rounded towards the objective."""
    return float(math.ceil(bound - 1e-9) if sense is Sense.MIN else math.floor(bound + 1e-9))
