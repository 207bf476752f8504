"""Background sweeps of devices: commands nobody answered time out, silent devices go offline."""

from __future__ import annotations

from django_tasks import task

from heyi.core.schedule import periodic
from heyi.devices import commands


@periodic(every_seconds=30)
@task()
def device_commands_expire() -> int:
    """Time out expired commands (idempotent: a second run finds nothing left to expire)."""
    return commands.commands_expire()


@periodic(every_seconds=60)
@task()
def devices_offline_sweep() -> int:
    """Mark silent devices offline; each goes offline once, until it speaks again."""
    return commands.devices_offline_sweep()
