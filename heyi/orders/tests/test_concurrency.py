"""Race safety with real concurrent database sessions: the threshold and the deadline sweep."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from heyi.contention.models import Tender
from heyi.core.errors import DomainError
from heyi.demands.models import DemandStatus
from heyi.orders import tasks
from heyi.orders.models import CampaignStatus, PreOrder
from heyi.orders.tests.factories import preorder_make

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions with row locks (SQLite locks the file)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is a value or the DomainError."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except DomainError as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_preorders_racing_for_the_threshold_open_one_tender(
    demand: Any, campaign: Any, buyers: Any
) -> None:
    preorder_make(demand, buyers[0], quantity=8)

    results = _at_once(
        lambda: preorder_make(demand, buyers[1], quantity=5),
        lambda: preorder_make(demand, buyers[2], quantity=5),
    )

    placed = [r for r in results if isinstance(r, PreOrder)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(placed) == 1
    assert [error.code for error in refused] == ["campaign_not_open"]
    campaign.refresh_from_db()
    assert (campaign.status, campaign.units_pre_ordered) == (CampaignStatus.REACHED, 13)
    assert Tender.objects.count() == 1
    assert Tender.objects.get().quantity == 13
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CONTENTION


def test_two_sweeps_at_once_expire_once_and_mail_once(
    demand: Any, campaign: Any, buyers: Any
) -> None:
    for buyer in buyers:
        preorder_make(demand, buyer, quantity=2)
    mail.outbox.clear()

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        results = _at_once(tasks.campaign_deadline_sweep.call, tasks.campaign_deadline_sweep.call)

    assert sorted(r["expired"] for r in results) == [0, 1]
    assert len(mail.outbox) == 3
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.EXPIRED


def test_orders_placed_at_once_get_distinct_numbers(operator: Any) -> None:
    from heyi.designs.tests.factories import person_make
    from heyi.orders.models import Order
    from heyi.orders.standard_services import standard_order_place
    from heyi.orders.tests.standard_factories import product_make

    product = product_make(operator)
    buyers = [person_make(f"racer{i}@example.com") for i in range(6)]

    def place(buyer: Any) -> Callable[[], Any]:
        return lambda: standard_order_place(
            product=product, user=buyer, quantity=1, address="x", latitude=0, longitude=0
        )

    results = _at_once(*(place(buyer) for buyer in buyers))

    assert sorted(order.number for order in results) == [1, 2, 3, 4, 5, 6]
    assert Order.objects.count() == 6


def test_two_daily_runs_at_once_allocate_each_order_once(operator: Any) -> None:
    from heyi.contention.models import DailyRunLine
    from heyi.designs.tests.factories import person_make
    from heyi.orders.models import Order
    from heyi.orders.standard_services import daily_contention_run
    from heyi.orders.tests.standard_factories import bid, maker_make, paid_order, product_make

    product = product_make(operator)
    venture, founder = maker_make("Alpha Works", capacity=50)
    bid(venture, founder, product, "1500.00", 2)
    buyer = person_make("buyer@example.com")
    for quantity in (1, 2, 3, 4):
        paid_order(product, buyer, quantity)

    runs = _at_once(daily_contention_run, daily_contention_run)

    assert sorted(run.allocated_count for run in runs) == [0, 4]
    assert Order.objects.filter(venture=venture).count() == 4
    # Each order is in exactly one run's allocated lines.
    assert DailyRunLine.objects.filter(venture__isnull=False).count() == 4
