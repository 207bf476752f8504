"""Periodic work: tasks registered with an interval, enqueued by one scheduler loop.

Deadlines (pre-order deadlines, tender closes, missed promises) are enforced by idempotent
"sweep" tasks that look for what is due and handle it. The scheduler only enqueues them; the
task backend runs them: in process on the embedded default, by `heyi worker` processes in
production. Enqueuing a sweep twice is harmless, because every sweep re-reads the rows under lock.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import close_old_connections

logger = logging.getLogger(__name__)


@dataclass
class PeriodicTask:
    name: str
    interval_seconds: int
    task: Any
    last_enqueued: float = 0.0


_REGISTRY: dict[str, PeriodicTask] = {}


def periodic(*, every_seconds: int) -> Any:
    """Register a Django task (from `django_tasks.task`) to be enqueued every `every_seconds`."""

    def register(task: Any) -> Any:
        name = f"{task.func.__module__}.{task.func.__name__}"
        _REGISTRY[name] = PeriodicTask(name=name, interval_seconds=every_seconds, task=task)
        return task

    return register


def periodic_tasks_discover() -> dict[str, PeriodicTask]:
    """Import every heyi app's `tasks` module so that its periodic tasks register."""
    for config in apps.get_app_configs():
        if config.name.startswith("heyi."):
            try:
                importlib.import_module(f"{config.name}.tasks")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.tasks":
                    raise
    return dict(_REGISTRY)


def scheduler_tick(*, now: float | None = None) -> list[str]:
    """Enqueue every periodic task whose interval has passed; return their names."""
    moment = time.monotonic() if now is None else now
    enqueued = []
    for entry in periodic_tasks_discover().values():
        if entry.last_enqueued and moment - entry.last_enqueued < entry.interval_seconds:
            continue
        entry.last_enqueued = moment
        try:
            entry.task.enqueue()
        except Exception:
            logger.exception("periodic task %s failed to run or enqueue", entry.name)
        enqueued.append(entry.name)
    return enqueued


def scheduler_run(*, stop: threading.Event, tick_seconds: float = 5.0) -> None:
    """The scheduler loop: tick until `stop` is set."""
    logger.info("scheduler started with %s", sorted(periodic_tasks_discover()))
    while not stop.is_set():
        close_old_connections()
        scheduler_tick()
        close_old_connections()
        stop.wait(tick_seconds)


def scheduler_start_in_thread() -> threading.Event:
    """Run the scheduler in a daemon thread of this process (the embedded default)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=scheduler_run, kwargs={"stop": stop}, daemon=True, name="heyi-scheduler"
    )
    thread.start()
    return stop
