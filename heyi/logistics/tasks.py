"""Background work of logistics: the sweep that compensates missed delivery promises."""

from __future__ import annotations

from django_tasks import task

from heyi.core.schedule import periodic
from heyi.logistics import shipment_services


@periodic(every_seconds=300)
@task()
def compensations_sweep() -> int:
    """Compensate the orders whose delivery promise ran out; return how many were recorded.

    Idempotent: each order is re-read under lock and compensated at most once.
    """
    return shipment_services.compensations_sweep()
