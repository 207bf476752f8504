"""Background sweeps of investment: rounds close at their time, bets settle when their period ends."""

from __future__ import annotations

from django_tasks import task

from heyi.core.schedule import periodic
from heyi.investment import services


@periodic(every_seconds=60)
@task()
def funding_rounds_sweep() -> dict[str, list[str]]:
    """Close the rounds whose closing time came (and cancel rounds of dissolved ventures)."""
    return services.rounds_sweep()


@periodic(every_seconds=300)
@task()
def bet_contracts_sweep() -> dict[str, list[str]]:
    """Settle the active bets whose period ended (idempotent: each is claimed once)."""
    return services.bets_sweep()
