"""Proof of delivery: the buyer's one-time code, counted wrong codes, the lock, who sees the code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.logistics.models import Route, RoutePlanStatus, RouteStatus, RouteStop, Shipment
from heyi.logistics.shipment_services import shipment_deliver, shipment_step
from heyi.logistics.tests.shipment_fixtures import (
    CODE,
    Crew,
    Network,
    made_to_order_shipment,
    network_make,
    route_put,
    stock_shipment,
)
from heyi.orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db


def _out(operator: Any) -> tuple[Network, Shipment, Crew]:
    network = network_make(operator)
    shipment = stock_shipment(network)
    crew = route_put(shipment)
    shipment_step(shipment=shipment, step="left_centre", actor=operator)
    shipment_step(shipment=shipment, step="at_station", actor=operator)
    shipment_step(shipment=shipment, step="out_for_delivery", actor=crew.driver)
    return network, shipment, crew


def _state(shipment: Shipment) -> list[Any]:
    shipment.refresh_from_db()
    order = Order.objects.get(pk=shipment.order_id)
    return [
        shipment.delivered_at,
        shipment.code_used_at,
        shipment.code_attempts,
        order.stage,
        order.delivered_at,
        list(RouteStop.objects.values_list("delivered_at", flat=True)),
        OrderEvent.objects.count(),
        AuditEvent.objects.count(),
    ]


def _refused(shipment: Shipment, code: str, actor: Any, note: str = "") -> DomainError:
    with pytest.raises(DomainError) as refused:
        shipment_deliver(shipment=shipment, code=code, actor=actor, note=note)
    return refused.value


def test_the_right_code_delivers_the_order(operator: Any) -> None:
    _network, shipment, crew = _out(operator)
    moment = timezone.now() + timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        shipment_deliver(shipment=shipment, code=f" {CODE} ", actor=crew.driver)

    assert _state(shipment)[:6] == [
        moment,
        moment,
        0,
        "delivered",
        moment,
        [moment],
    ]
    last = OrderEvent.objects.filter(order_id=shipment.order_id).order_by("-id").first()
    assert last is not None
    assert (last.kind, last.from_stage, last.to_stage, last.note, last.actor) == (
        "stage",
        "out_for_delivery",
        "delivered",
        "Delivered: the driver entered the code the user gave.",
        crew.driver,
    )
    assert AuditEvent.objects.filter(type="logistics.shipment.delivered").count() == 1
    # One time only.
    before = _state(shipment)
    again = _refused(shipment, CODE, crew.driver)
    assert (again.code, again.status) == ("delivery_code_used", 409)
    assert _state(shipment) == before


def test_a_wrong_code_is_counted_and_five_lock_it_for_an_operator(operator: Any) -> None:
    _network, shipment, crew = _out(operator)
    messages = []
    for _attempt in range(5):
        error = _refused(shipment, "000000", crew.founder)
        assert (error.code, error.status) == ("delivery_code_wrong", 422)
        messages.append(error.message)
    assert messages[0] == "Wrong delivery code: 4 tries left before an operator must confirm."
    assert messages[4] == "Wrong delivery code: the code is now locked; an operator must confirm."
    shipment.refresh_from_db()
    assert shipment.code_attempts == 5
    assert AuditEvent.objects.filter(type="logistics.shipment.delivery_code_wrong").count() == 5

    # Locked: even the right code from the driver no longer counts.
    before = _state(shipment)
    locked = _refused(shipment, CODE, crew.driver)
    assert (locked.code, locked.status) == ("delivery_code_locked", 409)
    without_note = _refused(shipment, "", operator)
    assert (without_note.code, without_note.status) == ("delivery_note_required", 422)
    assert _state(shipment) == before

    shipment_deliver(shipment=shipment, code="", actor=operator, note="The buyer called us.")
    state = _state(shipment)
    assert (state[3], state[2]) == ("delivered", 5)
    assert OrderEvent.objects.filter(order_id=shipment.order_id).order_by("-id")[0].note == (
        "Delivered, confirmed by an operator without the code. The buyer called us."
    )


@pytest.mark.django_db(transaction=True)
def test_a_wrong_code_stays_counted_although_the_call_is_refused(operator: Any) -> None:
    _network, shipment, crew = _out(operator)
    with pytest.raises(DomainError):
        shipment_deliver(shipment=shipment, code="999999", actor=crew.driver)
    assert Shipment.objects.get(pk=shipment.pk).code_attempts == 1


def test_an_operator_delivers_with_the_code_too(operator: Any) -> None:
    _network, shipment, _crew = _out(operator)
    shipment_deliver(shipment=shipment, code=CODE, actor=operator)
    assert _state(shipment)[3] == "delivered"


def test_delivery_waits_until_the_order_is_out(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    before = _state(shipment)
    error = _refused(shipment, CODE, operator)
    assert (error.code, error.message) == (
        "shipment_step_out_of_order",
        "Order O101 is Confirmed, not out for delivery.",
    )
    assert _state(shipment) == before


@pytest.mark.parametrize("who", ["buyer", "rival", "maker", "other_driver"])
def test_only_the_route_crew_or_an_operator_delivers(operator: Any, who: str) -> None:
    _network, shipment, _crew = _out(operator)
    other = route_put(
        stock_shipment(_network, number=102),
        email="other.vans@example.com",
        name="Other Vans",
        wave="afternoon",
    )
    actor = {
        "buyer": _network.buyer,
        "rival": person_make("rival.person@example.com", "Rival"),
        "maker": made_to_order_shipment(_network).maker,
        "other_driver": other.driver,
    }[who]
    before = _state(shipment)
    error = _refused(shipment, CODE, actor)
    assert (error.code, error.status) == ("not_shipment_handler", 403)
    assert _state(shipment) == before


def _page(user: Any, number: int) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/orders/{number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_only_the_buyer_sees_the_code_until_it_is_spent(operator: Any) -> None:
    network = network_make(operator)
    made = made_to_order_shipment(network)
    number = made.shipment.order.number
    buyer_page = _page(network.buyer, number)
    assert CODE in buyer_page
    assert "Give this code to the driver when your order arrives" in buyer_page
    assert CODE not in _page(made.maker, number)
    assert CODE not in _page(operator, number)


def test_the_order_page_shows_the_steps_and_hides_the_spent_code(operator: Any) -> None:
    network, shipment, crew = _out(operator)
    shipment_deliver(shipment=shipment, code=CODE, actor=crew.driver)
    page = _page(network.buyer, shipment.order.number)
    assert "Left the centre Qingdao for the station Laoshan." in page
    assert "Out for delivery from the station Laoshan on route 1 (Light van 1)." in page
    assert CODE not in page


def test_the_last_stop_delivered_closes_its_route_and_wave(operator: Any) -> None:
    _network, shipment, crew = _out(operator)
    route = Route.objects.get(stops__shipment=shipment)
    Route.objects.filter(pk=route.pk).update(status=RouteStatus.OUT)

    shipment_deliver(shipment=shipment, code=CODE, actor=crew.driver)

    route.refresh_from_db()
    assert (route.status, route.plan.status) == (RouteStatus.DONE, RoutePlanStatus.DONE)
