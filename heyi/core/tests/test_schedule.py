"""The scheduler enqueues each periodic task once per interval and survives a failing task."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks import task

from heyi.core import schedule

RUNS: list[str] = []


@task()
def sample_sweep() -> None:
    RUNS.append("sweep")


@task()
def broken_sweep() -> None:
    raise RuntimeError("boom")


@pytest.fixture
def registry(monkeypatch: Any) -> dict[str, schedule.PeriodicTask]:
    fresh: dict[str, schedule.PeriodicTask] = {}
    monkeypatch.setattr(schedule, "_REGISTRY", fresh)
    monkeypatch.setattr(schedule, "periodic_tasks_discover", lambda: dict(fresh))
    RUNS.clear()
    return fresh


def test_tick_runs_each_task_once_per_interval(registry: dict[str, Any]) -> None:
    schedule.periodic(every_seconds=60)(sample_sweep)
    assert schedule.scheduler_tick(now=1000.0) == ["heyi.core.tests.test_schedule.sample_sweep"]
    assert schedule.scheduler_tick(now=1030.0) == []
    assert schedule.scheduler_tick(now=1060.0) == ["heyi.core.tests.test_schedule.sample_sweep"]
    assert RUNS == ["sweep", "sweep"]


def test_a_failing_task_does_not_stop_the_others(registry: dict[str, Any]) -> None:
    schedule.periodic(every_seconds=10)(broken_sweep)
    schedule.periodic(every_seconds=10)(sample_sweep)
    assert sorted(schedule.scheduler_tick(now=5.0)) == [
        "heyi.core.tests.test_schedule.broken_sweep",
        "heyi.core.tests.test_schedule.sample_sweep",
    ]
    assert RUNS == ["sweep"]
