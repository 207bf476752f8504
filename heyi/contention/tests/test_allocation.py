"""Tests of the allocation core: exact GAP solving and the daily order mapping (no database)."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from heyi.contention import allocation
from heyi.contention.allocation import (
    AllocationMethod,
    AllocationProblem,
    AllocationStatus,
    Option,
    Order,
    Sense,
    StandingBid,
    Venture,
    allocate,
    allocate_daily_orders,
    daily_problem_build,
)
from heyi.contention.gap_format import gap_file_read

GAP1 = Path(__file__).resolve().parents[3].parent / "shared" / "bench" / "gap" / "gap1.txt"

# 2 agents × 3 jobs. Agent 0 (capacity 4) fits any two jobs; agent 1 (capacity 3) fits job 0,
# job 1, job 2 or jobs 1 and 2. The five feasible assignments cost 10, 15, 7, 11 (and one is
# over capacity): the minimum is 7 with jobs 0, 1 on agent 0 and job 2 on agent 1, and the
# maximum is 15 with jobs 0, 2 on agent 0 and job 1 on agent 1.
COST = [[4, 2, 5], [3, 6, 1]]
USE = [[2, 2, 2], [3, 1, 2]]


def tiny(sense: Sense = Sense.MIN, capacities: tuple[int, int] = (4, 3)) -> AllocationProblem:
    return AllocationProblem.dense(cost=COST, use=USE, capacities=capacities, sense=sense)


def test_allocate_finds_the_hand_computed_minimum():
    result = allocate(tiny(), time_limit_seconds=10)

    assert result.status is AllocationStatus.OPTIMAL
    assert result.assignment == (0, 0, 1)
    assert result.objective == 7
    assert result.bound == 7.0
    assert result.gap == 0.0
    assert result.method is AllocationMethod.EXACT
    assert result.unassigned == ()


def test_allocate_maximises_when_the_sense_is_max():
    result = allocate(tiny(Sense.MAX), time_limit_seconds=10)

    assert result.status is AllocationStatus.OPTIMAL
    assert result.assignment == (0, 1, 0)
    assert result.objective == 15
    assert result.bound == 15.0


@pytest.mark.parametrize("solvers", [("cp-sat",), ("highs",), ("cp-sat", "highs")])
def test_each_solver_alone_and_both_together_find_the_optimum(solvers):
    result = allocate(tiny(), time_limit_seconds=10, solvers=solvers)

    assert (result.status, result.assignment, result.objective) == (
        AllocationStatus.OPTIMAL,
        (0, 0, 1),
        7,
    )


def test_unknown_solver_is_refused():
    with pytest.raises(ValueError, match="solvers must be among"):
        allocate(tiny(), time_limit_seconds=1, solvers=("gurobi",))


def test_a_job_that_fits_no_agent_makes_the_problem_infeasible():
    result = allocate(tiny(capacities=(1, 1)), time_limit_seconds=10)

    assert result.status is AllocationStatus.INFEASIBLE
    assert result.assignment == ()
    assert result.objective is None
    assert result.gap is None


def test_capacities_too_small_for_all_jobs_are_proven_infeasible():
    # Each job fits somewhere, but agent 0 takes one job and agent 1 one job: three do not fit.
    result = allocate(tiny(capacities=(2, 2)), time_limit_seconds=10)

    assert result.status is AllocationStatus.INFEASIBLE
    assert result.objective is None


def test_sparse_eligibility_is_respected():
    # Job 0 may only go to agent 1, though agent 0 would be far cheaper for everyone.
    problem = AllocationProblem.sparse(
        capacities=[5, 5],
        job_count=3,
        options=[
            Option(job=0, agent=1, cost=10, use=1),
            Option(job=1, agent=0, cost=1, use=1),
            Option(job=1, agent=1, cost=5, use=1),
            Option(job=2, agent=0, cost=2, use=1),
            Option(job=2, agent=1, cost=1, use=1),
        ],
    )

    result = allocate(problem, time_limit_seconds=10)

    assert result.status is AllocationStatus.OPTIMAL
    assert result.assignment == (1, 0, 1)
    assert result.objective == 12


def test_a_job_without_options_is_left_out_at_its_unassigned_cost():
    problem = AllocationProblem.sparse(
        capacities=[2],
        job_count=3,
        options=[(0, 0, 3, 2), (2, 0, 4, 2)],
        unassigned_cost=[100, 50, 7],
    )

    result = allocate(problem, time_limit_seconds=10)

    # Agent 0 takes one of jobs 0 and 2: job 0 (3 + 50 + 7 = 60) beats job 2 (100 + 50 + 4).
    assert result.status is AllocationStatus.OPTIMAL
    assert result.assignment == (0, None, None)
    assert result.objective == 60
    assert result.unassigned == (1, 2)


def test_objective_of_checks_eligibility_and_capacity():
    problem = tiny()

    assert problem.objective_of([0, 0, 1]) == 7
    with pytest.raises(ValueError, match="agent 0 is loaded 6 over capacity"):
        problem.objective_of([0, 0, 0])
    with pytest.raises(ValueError, match="job 1 is unassigned"):
        problem.objective_of([0, None, 1])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([(0, 0, 1, 1), (0, 0, 2, 1)], "job 0 has two options on agent 0"),
        ([(0, 3, 1, 1)], "an option names an agent outside"),
        ([(5, 0, 1, 1)], "an option names a job outside"),
        ([(0, 0, 1, -1)], "a resource use is negative"),
    ],
)
def test_malformed_problems_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        AllocationProblem.sparse(capacities=[1, 1], job_count=1, options=options)


def test_negative_capacity_is_refused():
    with pytest.raises(ValueError, match="a capacity is negative"):
        AllocationProblem.sparse(capacities=[-1], job_count=1, options=[(0, 0, 1, 1)])


def proportional(capacities: list[int]) -> AllocationProblem:
    """Three jobs of 3 units; agent 0 costs 1 per unit, agent 1 costs 2; leaving one out 10."""
    options = [(job, agent, 3 * (agent + 1), 3) for job in range(3) for agent in range(2)]
    return AllocationProblem.sparse(
        capacities=capacities, job_count=3, options=options, unassigned_cost=[30, 30, 30]
    )


def test_relax_and_fix_is_optimal_when_the_relaxation_is_whole():
    result = allocate(proportional([6, 6]), time_limit_seconds=10, method="relax-and-fix")

    assert result.method is AllocationMethod.RELAX_AND_FIX
    assert result.status is AllocationStatus.OPTIMAL
    assert result.assignment == (0, 0, 1)
    assert result.objective == 12
    assert result.bound == 12.0


def test_relax_and_fix_reports_the_bound_of_the_relaxation_and_its_gap():
    # The relaxation sends 5 units to agent 0 and 4 to agent 1 (cost 13); whole jobs of 3
    # units fit one per agent, so one job is left out: 3 + 6 + 30 = 39, which is optimal
    # but not provably so from the relaxation's bound.
    result = allocate(proportional([5, 5]), time_limit_seconds=10, method="relax-and-fix")

    assert result.status is AllocationStatus.FEASIBLE
    assert result.assignment == (0, 1, None)
    assert result.objective == 39
    assert result.bound == 13.0
    assert result.gap == pytest.approx(26 / 39)


def test_relax_and_fix_needs_a_proportional_problem():
    with pytest.raises(ValueError, match="relax-and-fix needs a proportional problem"):
        allocate(tiny(), time_limit_seconds=1, method="relax-and-fix")


@pytest.mark.skipif(not GAP1.exists(), reason=f"OR-Library gap1.txt not found at {GAP1}")
def test_gap1_problem_1_is_solved_to_its_published_optimum():
    problem = gap_file_read(GAP1)[0]

    result = allocate(problem, time_limit_seconds=15)

    assert (problem.agent_count, problem.job_count, problem.sense) == (5, 15, Sense.MAX)
    assert result.status is AllocationStatus.OPTIMAL
    assert result.objective == 336
    assert problem.objective_of(result.assignment) == 336


def tabu_from(cost, use, capacities, start, *, stall_iterations=100):
    """Run the tabu search to its stall limit; returns its result and every solution it offered."""
    offered: list[tuple[int, ...]] = []
    best = allocation._tabu_search(
        np.asarray(cost, dtype=float),
        np.asarray(use, dtype=float),
        np.asarray(capacities, dtype=float),
        np.asarray(start, dtype=np.int64),
        seed=0,
        should_stop=lambda: False,
        on_better=lambda assignment: offered.append(tuple(assignment.tolist())),
        stall_iterations=stall_iterations,
    )
    return best, offered


def test_tabu_search_leaves_an_overloaded_start_for_the_optimum():
    # Everything on agent 0 (load 6 of 4); COST/USE are agents × jobs, the search jobs × agents.
    best, offered = tabu_from(np.transpose(COST), np.transpose(USE), [4, 3], [0, 0, 0])

    assert best is not None and tuple(best.tolist()) == (0, 0, 1)
    assert offered[-1] == (0, 0, 1)
    # Each solution offered fits and is better than the one before.
    values = [tiny().objective_of(list(assignment)) for assignment in offered]
    assert values == sorted(set(values), reverse=True)
    assert values[-1] == 7


def test_tabu_search_offers_nothing_when_the_start_is_optimal():
    best, offered = tabu_from(np.transpose(COST), np.transpose(USE), [4, 3], [0, 0, 1])

    assert best is None
    assert offered == []


def test_tabu_search_never_uses_a_forbidden_option():
    # Job 0 may only go to agent 1 (inf elsewhere), though agent 0 is far cheaper.
    cost = [[math.inf, 10], [1, 5], [2, 1]]
    best, _ = tabu_from(cost, [[0, 1], [1, 1], [1, 1]], [5, 5], [1, 1, 1])

    assert best is not None and tuple(best.tolist()) == (1, 0, 1)


@pytest.mark.skipif(not GAP1.exists(), reason=f"OR-Library gap1.txt not found at {GAP1}")
def test_tabu_search_reaches_gap1_problem_1_from_the_greedy_start():
    problem = gap_file_read(GAP1)[0]
    profit = np.full((problem.job_count, problem.agent_count), -math.inf)
    use = np.zeros((problem.job_count, problem.agent_count))
    profit[problem.option_job, problem.option_agent] = problem.option_cost
    use[problem.option_job, problem.option_agent] = problem.option_use

    best, _ = tabu_from(-profit, use, problem.capacities, np.argmax(profit, axis=1))

    assert best is not None
    assert problem.objective_of(best.tolist()) == 336


def subsets_from(cost, use, capacities, start, *, must_assign=True):
    """Run the CP-SAT subset search to its stall limit; its result and every solution offered."""
    offered: list[tuple[int, ...]] = []
    last = allocation._subsets_solve(
        np.asarray(cost, dtype=float),
        np.asarray(use, dtype=float),
        np.asarray(capacities, dtype=np.int64),
        np.asarray(start, dtype=np.int64),
        must_assign=must_assign,
        rng=np.random.default_rng(0),
        seed=0,
        should_stop=lambda: False,
        on_better=lambda assignment: offered.append(tuple(assignment.tolist())),
        stall=5,
    )
    return tuple(last.tolist()), offered


def test_subset_search_reassigns_the_jobs_of_the_agents_drawn_optimally():
    # Start (1, 0, 0) costs 10; with both agents drawn, CP-SAT reassigns all three jobs.
    last, offered = subsets_from(np.transpose(COST), np.transpose(USE), [4, 3], [1, 0, 0])

    assert last == (0, 0, 1)
    assert offered == [(0, 0, 1)]
    assert tiny().objective_of(list(last)) == 7


def test_subset_search_offers_nothing_when_the_start_is_optimal():
    last, offered = subsets_from(np.transpose(COST), np.transpose(USE), [4, 3], [0, 0, 1])

    assert last == (0, 0, 1)
    assert offered == []


def test_subset_search_may_leave_a_job_out_for_a_better_one():
    # One agent of capacity 2; column 1 is "left out" (coefficient 0). Job 1 is in, job 0 out:
    # swapping them gains 92.
    last, offered = subsets_from(
        [[-97, 0], [-5, 0]], [[2, 0], [2, 0]], [2], [1, 0], must_assign=False
    )

    assert last == (0, 1)
    assert offered == [(0, 1)]


@pytest.mark.skipif(not GAP1.exists(), reason=f"OR-Library gap1.txt not found at {GAP1}")
def test_after_the_handover_highs_and_the_tabu_search_still_prove_the_optimum(monkeypatch):
    # At once: CP-SAT stops as soon as there is an incumbent, and HiGHS must finish the proof.
    monkeypatch.setattr(allocation, "LOCAL_SEARCH_HANDOVER_SECONDS", 0.0)
    problem = gap_file_read(GAP1)[0]

    result = allocate(problem, time_limit_seconds=15)

    assert result.status is AllocationStatus.OPTIMAL
    assert result.objective == 336
    assert problem.objective_of(result.assignment) == 336


def test_after_the_handover_a_job_may_still_be_left_out(monkeypatch):
    monkeypatch.setattr(allocation, "LOCAL_SEARCH_HANDOVER_SECONDS", 0.0)
    problem = AllocationProblem.sparse(
        capacities=[2],
        job_count=3,
        options=[(0, 0, 3, 2), (2, 0, 4, 2)],
        unassigned_cost=[100, 50, 7],
    )

    result = allocate(problem, time_limit_seconds=10)

    assert (result.status, result.assignment, result.objective) == (
        AllocationStatus.OPTIMAL,
        (0, None, None),
        60,
    )


# --- the daily order contention -------------------------------------------------------------


def chair_bid(venture: str, price: str, lead_time_days: int = 1, **extra) -> StandingBid:
    return StandingBid(
        venture_id=venture,
        product="chair",
        unit_price=Decimal(price),
        lead_time_days=lead_time_days,
        **extra,
    )


def test_the_cheaper_venture_takes_orders_until_its_capacity():
    ventures = [Venture(id="cheap", capacity=10), Venture(id="dear", capacity=100)]
    orders = [
        Order(id="o1", product="chair", size=6),
        Order(id="o2", product="chair", size=4),
        Order(id="o3", product="chair", size=5),
    ]
    bids = [chair_bid("cheap", "5.00"), chair_bid("dear", "6.00")]

    allocation = allocate_daily_orders(ventures, orders, bids, time_limit_seconds=10)

    # Filling "cheap" exactly (6 + 4) and sending 5 to "dear" costs 50 + 30 = 80; the other
    # split (4 + 5 on "cheap") costs 45 + 36 = 81.
    assert allocation.status is AllocationStatus.OPTIMAL
    assert dict(allocation.assignments) == {"o1": "cheap", "o2": "cheap", "o3": "dear"}
    assert allocation.unallocated == ()
    assert allocation.total_price == Decimal("80.00")
    assert allocation.objective == 8000
    assert allocation.gap == 0.0


def test_orders_no_venture_can_take_are_reported_unallocated():
    ventures = [Venture(id="a", capacity=10)]
    orders = [
        Order(id="table", product="table", size=1),  # nobody bids on tables
        Order(id="huge", product="chair", size=50),  # more than any capacity
        Order(id="small", product="chair", size=3),
    ]

    allocation = allocate_daily_orders(
        ventures, orders, [chair_bid("a", "2.50")], time_limit_seconds=10
    )

    assert dict(allocation.assignments) == {"small": "a"}
    assert allocation.unallocated == ("table", "huge")
    assert allocation.total_price == Decimal("7.50")


def test_leftover_demand_beyond_capacity_is_unallocated():
    ventures = [Venture(id="a", capacity=5)]
    orders = [
        Order(id="first", product="chair", size=4),
        Order(id="second", product="chair", size=3),
    ]

    allocation = allocate_daily_orders(
        ventures, orders, [chair_bid("a", "1.00")], time_limit_seconds=10
    )

    # Only one fits; leaving out fewer units is cheaper (the penalty is per unit).
    assert dict(allocation.assignments) == {"first": "a"}
    assert allocation.unallocated == ("second",)


def test_the_lead_time_penalty_can_outweigh_a_lower_price():
    ventures = [Venture(id="slow", capacity=10), Venture(id="fast", capacity=10)]
    orders = [Order(id="o1", product="chair", size=2)]
    bids = [chair_bid("slow", "5.00", lead_time_days=10), chair_bid("fast", "5.50")]

    without = allocate_daily_orders(ventures, orders, bids, time_limit_seconds=10)
    with_penalty = allocate_daily_orders(
        ventures,
        orders,
        bids,
        time_limit_seconds=10,
        lead_time_penalty_per_unit_day=Decimal("0.10"),
    )

    assert dict(without.assignments) == {"o1": "slow"}
    assert without.total_price == Decimal("10.00")
    # slow: (5.00 + 10 × 0.10) × 2 = 12.00; fast: (5.50 + 1 × 0.10) × 2 = 11.20.
    assert dict(with_penalty.assignments) == {"o1": "fast"}
    assert with_penalty.total_price == Decimal("11.00")
    assert with_penalty.objective == 1120


def test_a_bid_serves_only_its_regions():
    ventures = [Venture(id="north", capacity=10), Venture(id="anywhere", capacity=10)]
    orders = [Order(id="o1", product="chair", size=1, region="south")]
    bids = [
        chair_bid("north", "1.00", regions=frozenset({"north"})),
        chair_bid("anywhere", "3.00"),
    ]

    allocation = allocate_daily_orders(ventures, orders, bids, time_limit_seconds=10)

    assert dict(allocation.assignments) == {"o1": "anywhere"}


def test_bids_of_ventures_not_taking_part_are_ignored():
    ventures = [Venture(id="a", capacity=10)]
    orders = [Order(id="o1", product="chair", size=1)]
    bids = [chair_bid("paused", "0.50"), chair_bid("a", "1.00")]

    allocation = allocate_daily_orders(ventures, orders, bids, time_limit_seconds=10)

    assert dict(allocation.assignments) == {"o1": "a"}


def test_daily_problem_maps_orders_to_jobs_and_prices_to_minor_units():
    ventures = [Venture(id="a", capacity=7), Venture(id="b", capacity=9)]
    orders = [Order(id="o1", product="chair", size=2), Order(id="o2", product="chair", size=3)]
    bids = [chair_bid("b", "1.25", lead_time_days=2), chair_bid("a", "2.00", lead_time_days=4)]

    daily = daily_problem_build(
        ventures, orders, bids, lead_time_penalty_per_unit_day=Decimal("0.05")
    )

    # Unit costs: a 2.00 + 4 × 0.05 = 220, b 1.25 + 2 × 0.05 = 135 minor units; leaving a
    # unit out costs one more than the dearest, 221.
    assert list(daily.problem.options()) == [
        (0, 0, 440, 2),
        (0, 1, 270, 2),
        (1, 0, 660, 3),
        (1, 1, 405, 3),
    ]
    assert daily.problem.capacities.tolist() == [7, 9]
    assert daily.problem.unassigned_cost is not None
    assert daily.problem.unassigned_cost.tolist() == [442, 663]
    assert daily.option_price.tolist() == [200, 125, 200, 125]


@pytest.mark.parametrize(
    ("ventures", "orders", "bids", "message"),
    [
        (
            [Venture(id="a", capacity=1)],
            [Order(id="o", product="chair", size=1)],
            [chair_bid("a", "1.001")],
            "more decimals than the currency's minor unit",
        ),
        (
            [Venture(id="a", capacity=1), Venture(id="a", capacity=2)],
            [],
            [],
            "two ventures share an id",
        ),
        (
            [Venture(id="a", capacity=1)],
            [Order(id="o", product="chair", size=0)],
            [],
            "order o has a size of 0",
        ),
        (
            [Venture(id="a", capacity=1)],
            [],
            [chair_bid("a", "-1.00")],
            "bid of a on chair is negative",
        ),
        (
            [Venture(id="a", capacity=1)],
            [],
            [chair_bid("a", "1.00"), chair_bid("a", "2.00")],
            "venture a has two standing bids on chair",
        ),
    ],
)
def test_bad_daily_input_is_refused(ventures, orders, bids, message):
    with pytest.raises(ValueError, match=message):
        daily_problem_build(ventures, orders, bids)
