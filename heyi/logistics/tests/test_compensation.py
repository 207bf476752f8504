"""Missed promises: found by the sweep, compensated once by the published rule, charged to the
unit at fault, told to the user."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from heyi.core.models import AuditEvent
from heyi.core.schedule import periodic_tasks_discover
from heyi.ledger.models import Account, Posting
from heyi.logistics import tasks
from heyi.logistics.models import Compensation
from heyi.logistics.shipment_services import (
    compensation_amount,
    compensations_sweep,
    shipment_deliver,
    shipment_step,
)
from heyi.logistics.tests.shipment_fixtures import (
    CODE,
    made_to_order_shipment,
    network_make,
    route_put,
    stock_shipment,
)
from heyi.notifications.models import Notification
from heyi.orders.models import Order, OrderEvent
from heyi.orders.order_services import order_advance

pytestmark = pytest.mark.django_db

RULE = "10% of the order total, at least 20.00 CNY, at most the total"


def _charged() -> list[tuple[int, Decimal, str, str]]:
    rows = Compensation.objects.select_related("order", "venture", "station", "centre")
    return [
        (
            row.order.number,
            row.amount,
            row.fault,
            getattr(row.venture or row.station or row.centre, "name", ""),
        )
        for row in rows.order_by("order__number")
    ]


@pytest.mark.parametrize(
    ("total", "amount"),
    [
        ("1999.00", "199.90"),
        ("150.00", "20.00"),
        ("12.00", "12.00"),
        ("200.05", "20.01"),
    ],
)
def test_the_published_rule(total: str, amount: str) -> None:
    assert compensation_amount(Decimal(total)) == Decimal(amount)


def test_goods_still_at_the_station_are_charged_to_the_station(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    shipment_step(shipment=shipment, step="left_centre", actor=operator)
    shipment_step(shipment=shipment, step="at_station", actor=operator)
    promised = Order.objects.get(pk=shipment.order_id).delivery_promised_at
    assert promised is not None

    assert compensations_sweep(now=promised) == 0  # not late yet
    late = promised + timedelta(minutes=5)
    assert compensations_sweep(now=late) == 1
    assert compensations_sweep(now=late + timedelta(minutes=5)) == 0

    compensation = Compensation.objects.get()
    assert _charged() == [(101, Decimal("199.90"), "station", "Laoshan")]
    assert (
        compensation.shipment,
        compensation.currency,
        compensation.promised_at,
        compensation.detected_at,
        compensation.rule,
        compensation.reason,
    ) == (
        shipment,
        "CNY",
        promised,
        late,
        RULE,
        "The goods were at the station Laoshan and not delivered in time.",
    )
    event = OrderEvent.objects.get(order_id=shipment.order_id, kind="compensated")
    assert event.note == (
        f"Promised by {timezone.localtime(promised):%Y-%m-%d %H:%M}: 199.90 CNY is owed to you "
        f"({RULE})."
    )
    notice = Notification.objects.get(kind="logistics.compensation.recorded")
    assert (notice.user, notice.title) == (network.buyer, "Order O101: we missed our promise")
    assert AuditEvent.objects.filter(type="logistics.compensation.recorded").count() == 1
    # The platform paid the user at once, into their wallet.
    posting = Posting.objects.get(kind="compensation")
    assert (
        posting.idempotency_key,
        posting.order_uid,
        posting.subject_type,
        posting.subject_uid,
    ) == (
        f"compensation:{compensation.uid}",
        compensation.order.uid,
        "compensation",
        compensation.uid,
    )
    assert sorted((line.account.key, line.amount) for line in posting.lines.all()) == sorted(
        [
            ("platform:fees", Decimal("-199.90")),
            (f"wallet:{network.buyer.uid}", Decimal("199.90")),
        ]
    )
    wallet = Account.objects.get(key=f"wallet:{network.buyer.uid}")
    platform = Account.objects.get(key="platform:fees")
    assert (wallet.balance, platform.balance) == (Decimal("199.90"), Decimal("-199.90"))


def test_goods_that_had_not_reached_the_station_are_charged_to_the_centre(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    shipment_step(shipment=shipment, step="left_centre", actor=operator)
    promised = Order.objects.get(pk=shipment.order_id).delivery_promised_at
    assert promised is not None
    # They reach the station after the promise ran out, and the sweep runs only then.
    with time_machine.travel(promised + timedelta(hours=2), tick=False):
        shipment_step(shipment=shipment, step="at_station", actor=operator)
        assert compensations_sweep() == 1
    assert _charged() == [(101, Decimal("199.90"), "centre", "Qingdao")]


def test_goods_on_a_delivery_route_are_charged_to_its_venture(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network, total="150.00")
    crew = route_put(shipment)
    shipment_step(shipment=shipment, step="left_centre", actor=operator)
    shipment_step(shipment=shipment, step="at_station", actor=operator)
    shipment_step(shipment=shipment, step="out_for_delivery", actor=crew.driver)
    promised = Order.objects.get(pk=shipment.order_id).delivery_promised_at
    assert promised is not None
    with time_machine.travel(promised + timedelta(minutes=1), tick=False):
        # Delivered late: the sweep still finds it.
        shipment_deliver(shipment=shipment, code=CODE, actor=crew.driver)
        assert compensations_sweep() == 1
    assert _charged() == [(101, Decimal("20.00"), "delivery", "Laoshan Vans")]
    assert Compensation.objects.get().venture == crew.venture


def test_a_maker_that_had_not_shipped_by_its_due_time_is_charged(operator: Any) -> None:
    network = network_make(operator)
    made = made_to_order_shipment(network, total="150.00")
    order = made.shipment.order
    assert order.promised_by is not None and order.delivery_promised_at is not None
    # The maker ships an hour after its own due time; the goods never catch up.
    with time_machine.travel(order.promised_by + timedelta(hours=1), tick=False):
        order_advance(order=order, actor=made.maker, to_stage="shipped")
    assert compensations_sweep(now=order.delivery_promised_at + timedelta(seconds=1)) == 1
    assert _charged() == [(201, Decimal("20.00"), "maker", "Cold Works")]
    assert Compensation.objects.get().reason.startswith("Cold Works had not shipped it by its due")


def test_a_maker_that_shipped_in_time_is_not_charged(operator: Any) -> None:
    network = network_make(operator)
    made = made_to_order_shipment(network, total="150.00")
    order = made.shipment.order
    assert order.delivery_promised_at is not None
    order_advance(order=order, actor=made.maker, to_stage="shipped")
    shipment_step(shipment=made.shipment, step="left_centre", actor=operator)
    assert compensations_sweep(now=order.delivery_promised_at + timedelta(seconds=1)) == 1
    assert _charged() == [(201, Decimal("20.00"), "centre", "Qingdao")]


def test_on_time_cancelled_and_unpaid_orders_are_never_compensated(operator: Any) -> None:
    network = network_make(operator)
    on_time = stock_shipment(network, number=101)
    cancelled = stock_shipment(network, number=102)
    unpaid = stock_shipment(network, number=103)
    crew = route_put(on_time)
    for step in ("left_centre", "at_station"):
        shipment_step(shipment=on_time, step=step, actor=operator)  # type: ignore[arg-type]
    shipment_step(shipment=on_time, step="out_for_delivery", actor=crew.driver)
    shipment_deliver(shipment=on_time, code=CODE, actor=crew.driver)
    order_advance(order=cancelled.order, actor=operator, to_stage="cancelled", note="Out of stock")
    Order.objects.filter(pk=unpaid.order_id).update(stage="placed", paid_at=None)

    assert compensations_sweep(now=timezone.now() + timedelta(days=2)) == 0
    assert Compensation.objects.count() == 0
    assert OrderEvent.objects.filter(kind="compensated").count() == 0
    assert Posting.objects.filter(kind="compensation").count() == 0


def test_the_sweep_is_a_periodic_task(operator: Any) -> None:
    registry = periodic_tasks_discover()
    assert registry["heyi.logistics.tasks.compensations_sweep"].interval_seconds == 300
    network = network_make(operator)
    shipment = stock_shipment(network)
    promised = Order.objects.get(pk=shipment.order_id).delivery_promised_at
    assert promised is not None
    with time_machine.travel(promised + timedelta(hours=1), tick=False):
        assert tasks.compensations_sweep.call() == 1
        assert tasks.compensations_sweep.call() == 0
    assert _charged() == [(101, Decimal("199.90"), "centre", "Qingdao")]
