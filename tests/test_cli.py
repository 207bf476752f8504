"""The `heyi` command line: `heyi plan` hands its options to the `plan_routes` command."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import management

from heyi import cli
from heyi.logistics.models import RoutePlan, RoutePlanStatus
from heyi.logistics.tests.route_fixtures import world_make


@pytest.fixture
def calls(monkeypatch: Any) -> list[tuple[str, ...]]:
    seen: list[tuple[str, ...]] = []

    def call_command(name: str, *words: str) -> None:
        seen.append((name, *words))

    monkeypatch.setattr(management, "call_command", call_command)
    return seen


@pytest.mark.parametrize(
    "words",
    [
        "--station Hangzhou --date 2026-12-01 --wave morning --seconds 2.5",
        "--station 12 --date 2026-12-01",  # the wave and seconds left to the command
    ],
)
def test_plan_forwards_the_options_given(words: str, calls: list[tuple[str, ...]]) -> None:
    code = cli.main(["plan", *words.split()])

    assert code == 0
    assert calls == [("plan_routes", *words.split())]


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--date", "2026-12-01"],  # no station
        ["plan", "--station", "12"],  # no date
        ["plan", "--station", "12", "--date", "2026-12-01", "--wave", "night"],
        ["plan", "--station", "12", "--date", "2026-12-01", "--seconds", "soon"],
    ],
)
def test_plan_refuses_bad_arguments(argv: list[str], calls: list[Any], capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)

    assert exit_info.value.code == 2
    assert calls == []
    assert "usage: heyi plan" in capsys.readouterr().err


@pytest.mark.django_db
def test_plan_plans_the_station_wave_for_real(operator: Any, capsys: Any) -> None:
    world = world_make(operator)

    code = cli.main(
        [
            "plan",
            "--station",
            "qingdao",
            "--date",
            world.day.isoformat(),
            "--wave",
            "morning",
            "--seconds",
            "1",
        ]
    )

    assert code == 0
    plan = RoutePlan.objects.get()
    assert (plan.station, plan.date, plan.wave) == (world.station, world.day, "morning")
    assert plan.status == RoutePlanStatus.PLANNED
    assert plan.stops == 8
    out = capsys.readouterr().out
    assert out.startswith(f"Qingdao {world.day.isoformat()} morning: 8 stops, ")
    assert out.count("    ") >= 8  # a line per stop


@pytest.mark.django_db
def test_plan_of_an_unknown_station_fails_cleanly_and_writes_nothing(capsys: Any) -> None:
    code = cli.main(["plan", "--station", "Atlantis", "--date", "2026-12-01"])

    assert code == 1
    assert capsys.readouterr().err == (
        "heyi plan: station_not_found: No station called Atlantis.\n"
    )
    assert RoutePlan.objects.count() == 0


@pytest.mark.django_db
def test_plan_with_a_malformed_date_is_refused(operator: Any, capsys: Any) -> None:
    world_make(operator)

    code = cli.main(["plan", "--station", "Qingdao", "--date", "1 December"])

    assert code == 1
    assert "--date must be YYYY-MM-DD" in capsys.readouterr().err
    assert RoutePlan.objects.count() == 0
