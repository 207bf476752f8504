"""The stage moves logistics makes: a stock order ships straight after confirmation, the platform
confirms a delivery proven by the user's code."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.core.errors import DomainError
from heyi.designs.tests.factories import person_make
from heyi.orders.models import Order, OrderEvent
from heyi.orders.order_selectors import order_moves
from heyi.orders.order_services import order_advance
from heyi.orders.stages import Party, StageError, StageErrorCode, transition_check
from heyi.orders.tests.standard_factories import maker_make, paid_order, product_make

OPS, SYS, VEN, USR = Party.OPERATOR, Party.SYSTEM, Party.VENTURE, Party.USER


@pytest.mark.parametrize(
    ("from_stage", "to_stage", "parties", "made_as"),
    [
        ("confirmed", "shipped", {OPS}, OPS),
        ("confirmed", "shipped", {SYS}, SYS),
        ("confirmed", "shipped", {VEN}, None),
        ("confirmed", "shipped", {USR}, None),
        ("out_for_delivery", "delivered", {SYS}, SYS),
        ("out_for_delivery", "delivered", {USR}, USR),
        ("out_for_delivery", "delivered", {VEN}, None),
    ],
)
def test_the_logistics_moves(
    from_stage: str, to_stage: str, parties: set[Party], made_as: Party | None
) -> None:
    def check() -> Party:
        return transition_check(
            from_stage, to_stage, parties=parties, has_note=False, has_photo=False
        )

    if made_as is not None:
        assert check() == made_as
        return
    with pytest.raises(StageError) as refused:
        check()
    assert refused.value.code == StageErrorCode.NOT_YOUR_MOVE


def _order(operator: Any, *, fulfilment: str) -> Order:
    order = paid_order(product_make(operator), person_make("buyer@example.com", "Buyer Bo"), 1)
    Order.objects.filter(pk=order.pk).update(fulfilment=fulfilment)
    order.refresh_from_db()
    return order


@pytest.mark.django_db
def test_a_stock_order_needs_no_maker_to_ship(operator: Any) -> None:
    order = _order(operator, fulfilment="stock")
    order = order_advance(order=order, actor=None, to_stage="confirmed", as_system=True)
    order = order_advance(order=order, actor=operator, to_stage="shipped")
    assert (order.stage, order.venture_id) == ("shipped", None)
    assert list(
        OrderEvent.objects.filter(order=order).values_list("from_stage", "to_stage", "party")
    )[-2:] == [("paid", "confirmed", "system"), ("confirmed", "shipped", "operator")]


@pytest.mark.django_db
@pytest.mark.parametrize("fulfilment", ["made_to_order", ""])
def test_an_order_not_from_stock_is_refused(operator: Any, fulfilment: str) -> None:
    order = _order(operator, fulfilment=fulfilment)
    events = OrderEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        order_advance(order=order, actor=None, to_stage="confirmed", as_system=True)
    assert refused.value.code == "order_not_allocated"
    # Even once a maker has it and it is confirmed, only a stock order ships straight away.
    venture, _founder = maker_make("Alpha Works", capacity=5)
    Order.objects.filter(pk=order.pk).update(stage="confirmed", venture=venture)
    with pytest.raises(DomainError) as refused:
        order_advance(order=order, actor=operator, to_stage="shipped")
    assert refused.value.code == "order_not_from_stock"
    assert Order.objects.get(pk=order.pk).stage == "confirmed"
    assert OrderEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize(("fulfilment", "offered"), [("stock", True), ("made_to_order", False)])
def test_the_order_page_offers_shipping_from_confirmed_only_for_stock(
    operator: Any, fulfilment: str, offered: bool
) -> None:
    order = _order(operator, fulfilment=fulfilment)
    venture = None if fulfilment == "stock" else maker_make("Alpha Works", capacity=5)[0]
    Order.objects.filter(pk=order.pk).update(stage="confirmed", venture=venture)
    order.refresh_from_db()
    moves = order_moves(order=order, parties=frozenset({OPS}))
    assert ("shipped" in [stage for stage, _rule in moves]) is offered
