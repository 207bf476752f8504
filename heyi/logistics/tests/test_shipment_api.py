"""The shipment API: who sees an order's journey and its code, who records steps and deliveries,
who sees compensations; a refused call writes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi.core.models import AuditEvent
from heyi.logistics.models import Shipment
from heyi.logistics.shipment_services import compensations_sweep, shipment_step
from heyi.logistics.tests.shipment_fixtures import (
    CODE,
    made_to_order_shipment,
    network_make,
    route_put,
    stock_shipment,
)
from heyi.orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db

# Signing in with the token takes 2; the compensations, with their units, 1.
QUERIES = 3


def _state() -> list[Any]:
    return [
        list(
            Shipment.objects.order_by("id").values_list(
                "left_centre_at", "at_station_at", "delivered_at", "code_attempts"
            )
        ),
        list(Order.objects.order_by("id").values_list("stage", flat=True)),
        OrderEvent.objects.count(),
        AuditEvent.objects.count(),
    ]


def test_who_sees_the_shipment_and_its_code(api_as: Any, operator: Any, rival: Any) -> None:
    network = network_make(operator)
    made = made_to_order_shipment(network)
    path = "orders/201/shipment"

    body = api_as(network.buyer).get(path).json()
    assert body == {
        "order_number": 201,
        "fulfilment": "made_to_order",
        "centre": "Qingdao",
        "station": "Laoshan",
        "station_km": 1.2,
        "promised_at": body["promised_at"],
        "left_centre_at": None,
        "at_station_at": None,
        "out_for_delivery_at": None,
        "delivered_at": None,
        "delivery_code": CODE,
        "code_locked": False,
    }
    assert api_as(made.maker).get(path).json()["delivery_code"] is None
    assert api_as(operator).get(path).json()["delivery_code"] is None
    assert api_as(rival).get(path).status_code == 404
    assert api_as(None).get(path).status_code == 401


def test_steps_and_delivery_through_the_api(api_as: Any, operator: Any, rival: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    crew = route_put(shipment)
    path = "shipments/101/steps"
    # Signing the clients writes tokens (and their audit rows): before the state is taken.
    anonymous, buyer, other = api_as(None), api_as(network.buyer), api_as(rival)
    driver = api_as(crew.driver)

    before = _state()
    for client, status in ((anonymous, 401), (buyer, 403), (other, 403), (driver, 403)):
        response = client.post(path, {"step": "left_centre"})
        assert response.status_code == status
    assert _state() == before

    response = api_as(operator).post(path, {"step": "left_centre"})
    assert response.status_code == 200
    assert response.json()["left_centre_at"] is not None
    assert response.json()["delivery_code"] is None
    assert api_as(operator).post(path, {"step": "at_station", "note": "Bay 4."}).status_code == 200
    response = driver.post(path, {"step": "out_for_delivery", "route_uid": str(crew.route.uid)})
    assert response.status_code == 200
    assert Order.objects.get(number=101).stage == "out_for_delivery"
    assert api_as(operator).post(path, {"step": "flown"}).status_code == 422

    deliver = "shipments/101/deliver"
    wrong = driver.post(deliver, {"code": "111111"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "delivery_code_wrong")
    assert Shipment.objects.get(pk=shipment.pk).code_attempts == 1
    before = _state()
    for client, status in ((anonymous, 401), (buyer, 403), (other, 403)):
        assert client.post(deliver, {"code": CODE}).status_code == status
    assert _state() == before
    response = driver.post(deliver, {"code": CODE})
    assert response.status_code == 200
    assert response.json()["delivered_at"] is not None
    assert Order.objects.get(number=101).stage == "delivered"
    # The buyer no longer sees the spent code.
    assert buyer.get("orders/101/shipment").json()["delivery_code"] is None


def test_an_order_without_a_shipment(api_as: Any, operator: Any) -> None:
    response = api_as(operator).post("shipments/999/steps", {"step": "left_centre"})
    assert (response.status_code, response.json()["code"]) == (404, "shipment_not_found")


def test_who_sees_compensations(api_as: Any, operator: Any, rival: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network)
    shipment_step(shipment=shipment, step="left_centre", actor=operator)
    promised = Order.objects.get(pk=shipment.order_id).delivery_promised_at
    assert promised is not None
    assert compensations_sweep(now=promised + timedelta(hours=1)) == 1

    body = api_as(network.buyer).get("compensations").json()
    assert [(c["order_number"], c["amount"], c["fault"], c["charged_to"]) for c in body] == [
        (101, "199.90", "centre", "Qingdao")
    ]
    assert len(api_as(operator).get("compensations").json()) == 1
    assert api_as(rival).get("compensations").json() == []
    assert api_as(None).get("compensations").status_code == 401


def test_the_compensation_list_costs_the_same_for_any_length(
    api_as: Any, operator: Any, django_assert_num_queries: Any
) -> None:
    network = network_make(operator)
    for number in (101, 102, 103):
        stock_shipment(network, number=number)
    client = api_as(operator)
    assert compensations_sweep(now=timezone.now() + timedelta(days=2)) == 3
    with django_assert_num_queries(QUERIES):
        response = client.get("compensations")
    assert [c["order_number"] for c in response.json()] == [103, 102, 101]
