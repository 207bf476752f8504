"""A venture's record (on-time rate, rating, fans) from its orders, and late-order notices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from heyi.contention.selectors import venture_record_values
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.notifications.models import Notification
from heyi.orders import tasks
from heyi.orders.models import Order, OrderEvent
from heyi.orders.order_services import (
    order_advance,
    order_delivery_slot_choose,
    order_rate,
    order_sample_decide,
)
from heyi.orders.standard_services import daily_contention_run
from heyi.orders.tests.order_factories import advance_as_maker
from heyi.orders.tests.standard_factories import bid, maker_make, paid_order, product_make

pytestmark = pytest.mark.django_db


def _deliver(order: Order, maker: Any, buyer: Any) -> Order:
    order = advance_as_maker(order, maker, "confirmed", "in_production", "quality_checked")
    order_sample_decide(order=order, actor=buyer, approve=True)
    order_delivery_slot_choose(
        order=order,
        actor=buyer,
        delivery_date=timezone.localdate() + timedelta(days=1),
        window="09-12",
    )
    order = advance_as_maker(order, maker, "shipped", "at_station", "out_for_delivery")
    return order_advance(order=order, actor=buyer, to_stage="delivered")


def test_the_record_counts_on_time_deliveries_ratings_and_fans(operator: Any) -> None:
    product = product_make(operator)
    venture, maker = maker_make("Alpha Works", capacity=10)
    other, _ = maker_make("Beta Works", capacity=10)
    bid(venture, maker, product, "1500.00", 3)
    first, second = person_make("first@example.com"), person_make("second@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        on_time = paid_order(product, first, 1)
        late = paid_order(product, second, 1)
        daily_contention_run()
        clock.shift(timedelta(days=2))
        _deliver(Order.objects.get(pk=on_time.pk), maker, first)
        clock.shift(timedelta(days=2))  # four days: one past the three-day promise
        _deliver(Order.objects.get(pk=late.pk), maker, second)
        order_rate(order=Order.objects.get(pk=on_time.pk), actor=first, stars=5)
        order_rate(order=Order.objects.get(pk=late.pk), actor=second, stars=3)

    record = venture_record_values(ventures=[venture, other])

    assert record == {
        venture.pk: {
            "on_time_rate": Decimal("0.5000"),
            "rating": Decimal("4.00"),
            "fans": Decimal("1"),
        },
        other.pk: {"on_time_rate": Decimal("0"), "rating": Decimal("0"), "fans": Decimal("0")},
    }


def test_a_late_order_is_noticed_once(
    operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    product = product_make(operator)
    venture, maker = maker_make("Alpha Works", capacity=10)
    bid(venture, maker, product, "1500.00", 3)
    buyer = person_make("buyer@example.com")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        order = paid_order(product, buyer, 1)
        daily_contention_run()
        clock.shift(timedelta(days=2, hours=23))
        assert tasks.order_delay_sweep.call() == 0
        clock.shift(timedelta(hours=2))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.order_delay_sweep.call() == 1
        assert tasks.order_delay_sweep.call() == 0

    order.refresh_from_db()
    assert order.delay_noticed_at == start + timedelta(days=3, hours=1)
    event = OrderEvent.objects.get(order=order, kind="delayed")
    assert event.note.startswith("Late: Alpha Works promised it by ")
    # The buyer and the maker's members hear of it, on the site and by e-mail.
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("alpha.works@example.com", f"Order O{order.number} is late"),
        ("buyer@example.com", f"Order O{order.number} is late"),
    ]
    assert sorted(
        Notification.objects.filter(kind="orders.order.delayed").values_list(
            "user__email", flat=True
        )
    ) == ["alpha.works@example.com", "buyer@example.com"]
    assert AuditEvent.objects.filter(type="orders.order.delayed").count() == 1
