"""Race safety of stock reservation with real concurrent database sessions (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from heyi.designs.tests.factories import person_make
from heyi.logistics.models import Shipment, Stock
from heyi.logistics.tests.factories import QINGDAO, network_make, stock_put
from heyi.orders.models import Order
from heyi.orders.standard_services import standard_order_place
from heyi.orders.tests.standard_factories import bid, maker_make, product_make

# The same release-together harness as the orders' own race tests.
from heyi.orders.tests.test_concurrency import _at_once

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions with row locks (SQLite locks the file)",
    ),
    pytest.mark.django_db(transaction=True),
]

RACERS = 6


def test_orders_racing_for_the_last_unit_leave_exactly_one_from_stock(operator: Any) -> None:
    network = network_make()
    product = product_make(operator)
    venture, founder = maker_make("Quick Works", capacity=10)
    bid(venture, founder, product, "1500.00", 5)
    stock_put(network, "Qingdao", product, 1, operator)
    buyers = [person_make(f"racer{i}@example.com", f"Racer {i}") for i in range(RACERS)]

    def order_for(buyer: Any) -> Callable[[], Order]:
        return lambda: standard_order_place(
            product=product,
            user=buyer,
            quantity=1,
            address="8 Haier Road",
            latitude=QINGDAO[0],
            longitude=QINGDAO[1],
        )

    results = _at_once(*(order_for(buyer) for buyer in buyers))

    assert [type(result) for result in results] == [Order] * RACERS
    fulfilments = sorted(Order.objects.values_list("fulfilment", flat=True))
    assert fulfilments == ["made_to_order"] * (RACERS - 1) + ["stock"]
    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (1, 1)
    assert Shipment.objects.filter(stock__isnull=False).count() == 1
    assert Shipment.objects.count() == RACERS
    winner = Order.objects.get(fulfilment="stock")
    assert Shipment.objects.get(stock__isnull=False).order_id == winner.pk
