"""Background work of logistics: compensating missed promises, improving planned waves."""

from __future__ import annotations

from django_tasks import task

from heyi.core.schedule import periodic
from heyi.logistics import route_services, shipment_services


@periodic(every_seconds=300)
@task()
def compensations_sweep() -> int:
    """Compensate the orders whose delivery promise ran out; return how many were recorded.

    Idempotent: each order is re-read under lock and compensated at most once.
    """
    return shipment_services.compensations_sweep()


@periodic(every_seconds=60)
@task()
def route_plans_improve() -> int:
    """Plan the waves planned interactively again with a longer budget; keep better routes.

    Idempotent: each plan is re-read under lock and improved once.
    """
    return route_services.route_plans_improve()
