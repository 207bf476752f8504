"""Test helpers for standard orders: products, makers with standing bids, paid orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from heyi.contention.daily_services import standing_bid_set
from heyi.contention.tests.factories import venture_found
from heyi.designs.tests.factories import person_make
from heyi.orders.models import Order
from heyi.orders.order_services import order_advance
from heyi.orders.standard_services import standard_order_place
from heyi.products.models import Product
from heyi.products.services import product_create
from heyi.ventures.models import Venture
from heyi.ventures.services import venture_update


def product_make(
    operator: Any, name: str = "Compact fridge 180 L", price: str = "1999.00"
) -> Product:
    return product_create(
        actor=operator, name=name, description=f"{name}, on sale.", list_price=price
    )


def maker_make(name: str, *, capacity: int) -> tuple[Venture, Any]:
    founder = person_make(f"{name.lower().replace(' ', '.')}@example.com", name=f"{name} founder")
    venture = venture_found(founder=founder, name=name)
    venture = venture_update(venture=venture, actor=founder, capacity_per_day=capacity)
    return venture, founder


def bid(venture: Venture, founder: Any, product: Product, price: str, days: int) -> None:
    standing_bid_set(
        venture=venture,
        product=product,
        actor=founder,
        unit_price=Decimal(price),
        lead_time_days=days,
    )


def paid_order(product: Product, buyer: Any, quantity: int) -> Order:
    order = standard_order_place(
        product=product,
        user=buyer,
        quantity=quantity,
        address="8 Haier Road, Qingdao",
        latitude="36.066300",
        longitude="120.382600",
    )
    return order_advance(order=order, actor=buyer, to_stage="paid")
