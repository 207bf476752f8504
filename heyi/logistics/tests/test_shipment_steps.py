"""Logistics steps of a shipment: the order's stage, the timeline note, the stock, who may."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.logistics.models import Shipment, Stock
from heyi.logistics.shipment_services import shipment_step
from heyi.logistics.tests.shipment_fixtures import (
    made_to_order_shipment,
    network_make,
    route_put,
    stock_shipment,
)
from heyi.orders.models import Order, OrderEvent
from heyi.orders.order_services import order_advance

pytestmark = pytest.mark.django_db


def _timeline(order: Order) -> list[tuple[str, str, str, str]]:
    return list(
        OrderEvent.objects.filter(order=order)
        .order_by("occurred_at", "id")
        .values_list("kind", "from_stage", "to_stage", "note")
    )


def _state(shipment: Shipment) -> list[Any]:
    shipment.refresh_from_db()
    return [
        shipment.left_centre_at,
        shipment.at_station_at,
        shipment.out_for_delivery_at,
        Order.objects.get(pk=shipment.order_id).stage,
        OrderEvent.objects.count(),
        AuditEvent.objects.count(),
        list(Stock.objects.values_list("on_hand", "reserved")),
    ]


def test_a_stock_order_walks_from_the_centre_to_the_door_step(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    crew = route_put(shipment)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        shipment_step(shipment=shipment, step="left_centre", actor=operator)
        clock.shift(timedelta(hours=3))
        shipment_step(shipment=shipment, step="at_station", actor=operator)
        clock.shift(timedelta(hours=9))
        shipment_step(shipment=shipment, step="out_for_delivery", actor=crew.driver)

    shipment.refresh_from_db()
    assert (
        shipment.left_centre_at,
        shipment.at_station_at,
        shipment.out_for_delivery_at,
    ) == (start, start + timedelta(hours=3), start + timedelta(hours=12))
    assert Order.objects.get(pk=shipment.order_id).stage == "out_for_delivery"
    assert _timeline(shipment.order) == [
        ("stage", "confirmed", "shipped", "Left the centre Qingdao for the station Laoshan."),
        ("stage", "shipped", "at_station", "Arrived at the station Laoshan."),
        (
            "stage",
            "at_station",
            "out_for_delivery",
            "Out for delivery from the station Laoshan on route 1 (Light van 1).",
        ),
    ]
    # The reserved unit left the centre: out of its stock and its reservations.
    assert list(Stock.objects.values_list("on_hand", "reserved")) == [(4, 0)]
    assert list(
        AuditEvent.objects.filter(type__startswith="logistics.shipment.")
        .order_by("id")
        .values_list("type", flat=True)
    ) == [
        "logistics.shipment.left_centre",
        "logistics.shipment.at_station",
        "logistics.shipment.out_for_delivery",
    ]


def test_repeating_a_step_changes_nothing(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    shipment_step(shipment=shipment, step="left_centre", actor=operator)
    before = _state(shipment)

    again = shipment_step(shipment=shipment, step="left_centre", actor=operator)

    assert again.left_centre_at == before[0]
    assert _state(shipment) == before
    assert list(Stock.objects.values_list("on_hand", "reserved")) == [(4, 0)]


def test_a_made_to_order_order_left_the_centre_is_a_timeline_event(operator: Any) -> None:
    network = network_make(operator)
    made = made_to_order_shipment(network)
    order = made.shipment.order
    # Not before its maker shipped it.
    before = _state(made.shipment)
    with pytest.raises(DomainError) as refused:
        shipment_step(shipment=made.shipment, step="left_centre", actor=operator)
    assert refused.value.code == "shipment_step_out_of_order"
    assert refused.value.message == (
        "Order O201 is Quality checked: this step does not follow from there."
    )
    assert _state(made.shipment) == before

    order_advance(order=order, actor=made.maker, to_stage="shipped")
    shipment_step(
        shipment=made.shipment, step="left_centre", actor=None, note="Consolidated overnight."
    )
    shipment_step(shipment=made.shipment, step="at_station", actor=operator)

    assert Order.objects.get(pk=order.pk).stage == "at_station"
    assert _timeline(order)[-3:] == [
        ("stage", "quality_checked", "shipped", ""),
        (
            "logistics",
            "",
            "",
            "Left the centre Qingdao for the station Laoshan. Consolidated overnight.",
        ),
        ("stage", "shipped", "at_station", "Arrived at the station Laoshan."),
    ]
    # Nothing was reserved for a made-to-order order: the centre's stock is untouched.
    assert list(Stock.objects.values_list("on_hand", "reserved")) == [(5, 0)]


def test_a_step_out_of_order_is_refused_and_writes_nothing(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    before = _state(shipment)
    for step in ("at_station", "out_for_delivery"):
        with pytest.raises(DomainError) as refused:
            shipment_step(shipment=shipment, step=step, actor=operator)  # type: ignore[arg-type]
        assert (refused.value.code, refused.value.status) == ("shipment_step_out_of_order", 409)
    with pytest.raises(DomainError) as unknown:
        shipment_step(shipment=shipment, step="delivered", actor=operator)  # type: ignore[arg-type]
    assert (unknown.value.code, unknown.value.status) == ("shipment_step_unknown", 422)
    assert _state(shipment) == before


def test_a_route_that_does_not_carry_the_shipment_is_refused(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    other = stock_shipment(network, number=102)
    crew = route_put(other)
    shipment_step(shipment=shipment, step="left_centre", actor=operator)
    shipment_step(shipment=shipment, step="at_station", actor=operator)
    before = _state(shipment)
    with pytest.raises(DomainError) as refused:
        shipment_step(shipment=shipment, step="out_for_delivery", actor=operator, route=crew.route)
    assert refused.value.code == "shipment_not_on_route"
    assert _state(shipment) == before


@pytest.mark.parametrize(
    ("who", "step", "allowed"),
    [
        ("buyer", "left_centre", False),
        ("rival", "left_centre", False),
        ("driver", "left_centre", False),
        ("operator", "left_centre", True),
        ("buyer", "out_for_delivery", False),
        ("rival", "out_for_delivery", False),
        ("member", "out_for_delivery", True),
        ("driver", "out_for_delivery", True),
        ("operator", "out_for_delivery", True),
    ],
)
def test_who_records_a_step(operator: Any, who: str, step: str, allowed: bool) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    crew = route_put(shipment)
    if step == "out_for_delivery":
        shipment_step(shipment=shipment, step="left_centre", actor=operator)
        shipment_step(shipment=shipment, step="at_station", actor=operator)
    actor = {
        "buyer": network.buyer,
        "rival": person_make("rival.vans@example.com", "Rival"),
        "member": crew.founder,
        "driver": crew.driver,
        "operator": operator,
    }[who]
    before = _state(shipment)
    if allowed:
        shipment_step(shipment=shipment, step=step, actor=actor)  # type: ignore[arg-type]
        assert _state(shipment) != before
        return
    with pytest.raises(DomainError) as refused:
        shipment_step(shipment=shipment, step=step, actor=actor)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.status) == ("not_shipment_handler", 403)
    assert _state(shipment) == before
