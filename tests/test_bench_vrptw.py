"""The VRPTW benchmark's references and summaries (no solver run: rows are made by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.vrptw import Reference, VrptwRow, references_read, row_format, summary_format

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "vrptw"


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared/bench/vrptw")
def test_homberger_references_carry_both_conventions() -> None:
    references = references_read(SHARED / "homberger_bks.csv")

    assert len(references) == 30
    assert references["C1_2_1"] == Reference(
        distance=2698.6,
        distance_is_optimum=False,
        vehicles=20,
        hierarchical_distance=2704.5678,
        distance_routes=20,
    )
    assert references["R2_10_1"].matching_vehicles("distance") == 37
    assert references["R2_10_1"].matching_vehicles("vehicles") == 19
    assert references["C1_2_2"].distance is None
    assert references["C1_2_2"].distance_routes is None
    solomon = references_read(SHARED / "solomon_100_bks.csv")
    assert solomon["C101"] == Reference(
        distance=827.3,
        distance_is_optimum=True,
        vehicles=10,
        hierarchical_distance=828.94,
        distance_routes=10,
    )


def _row(
    name: str,
    customers: int,
    vehicles: int,
    distance: float,
    reference: Reference | None,
    objective: str = "vehicles",
) -> VrptwRow:
    return VrptwRow(
        instance=name,
        objective=objective,
        vehicles=vehicles,
        distance=distance,
        reference=reference,
        seconds=60.0,
        feasible=True,
        exact_feasible=True,
        customers=customers,
    )


def test_vehicles_summary_has_a_line_per_size() -> None:
    rows = [
        _row("C1_2_1", 200, 21, 2800.0, Reference(2698.6, False, 20, 2800.0, 20)),
        _row("R1_2_1", 200, 20, 4880.0, Reference(None, False, 20, 4800.0)),
        _row("C1_4_1", 400, 42, 7000.0, Reference(None, False, 40, 7000.0)),
    ]

    lines = summary_format(rows, "vehicles", 60.0).splitlines()

    assert lines[1] == "   at the best known vehicle count 1/3; vehicles above it in total 3"
    assert lines[2] == (
        "   size 200: 2 instances, planned 2, feasible 2; against the best known hierarchical "
        "(vehicles, then distance): vehicle gap mean 0.500 over 2, distance gap mean 0.833 % "
        "over 2"
    )
    assert lines[3].startswith("   size 400: 1 instances, planned 1, feasible 1;")
    assert lines[3].endswith("vehicle gap mean 2.000 over 1, distance gap mean 0.000 % over 1")


def test_distance_rows_show_the_reference_routes_and_count_best_known_apart() -> None:
    best_known = Reference(2698.6, False, 20, 2704.5678, 20)
    rows = [
        _row("C1_2_1", 200, 21, 2698.6, best_known, "distance"),
        _row("R1_2_1", 200, 25, 4752.9, Reference(None, False, 20, 4784.106), "distance"),
    ]

    assert row_format(rows[0]) == (
        "C1_2_1          21     20    2698.6   2698.6~   0.00   60.00 yes      yes  "
    )
    assert row_format(rows[1]).startswith("R1_2_1          25      -    4752.9         -      -")
    lines = summary_format(rows, "distance", 60.0).splitlines()
    assert "max 0.000 % (over 1 with a reference)" in lines[0]
    assert lines[1] == (
        "   at the optimum 0/2, at or below the best known 1; also feasible under exact times 2/2"
    )
    assert lines[2].endswith("vehicle gap mean 1.000 over 1, distance gap mean 0.000 % over 1")


def test_solomon_summary_keeps_its_two_lines() -> None:
    rows = [_row("C101", 100, 10, 827.3, Reference(827.3, True, 10, 828.94, 10), "distance")]

    assert summary_format(rows, "distance", 10.0).splitlines()[1] == (
        "   at the optimum 1/1; also feasible under exact times 1/1"
    )
    assert len(summary_format(rows, "distance", 10.0).splitlines()) == 2
