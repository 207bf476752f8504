"""The promise and stock through the API and the pages: who may read, who may set, what is shown."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.logistics.models import Shipment, Stock
from heyi.logistics.tests.factories import QINGDAO, URUMQI, TinyNetwork, network_make, stock_put
from heyi.orders.models import Order
from heyi.orders.tests.standard_factories import bid, maker_make, product_make

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def network(db: Any) -> TinyNetwork:
    return network_make()


@pytest.fixture
def product(operator: Any) -> Any:
    fridge = product_make(operator)
    venture, founder = maker_make("Quick Works", capacity=10)
    bid(venture, founder, fridge, "1500.00", 5)
    return fridge


def _promise_url(product: Any, point: tuple[str, str] = QINGDAO, quantity: int = 1) -> str:
    return (
        f"products/{product.slug}/promise?latitude={point[0]}&longitude={point[1]}"
        f"&quantity={quantity}"
    )


@time_machine.travel(MORNING, tick=False)
def test_the_promise_for_a_point(
    network: TinyNetwork, product: Any, operator: Any, api_as: Any
) -> None:
    stock_put(network, "Qingdao", product, 1, operator)

    anybody = api_as(None).get(_promise_url(product))

    assert anybody.status_code == 200
    body = anybody.json()
    assert (body["fulfilment"], body["hours"], body["centre"], body["station"]) == (
        "stock",
        24,
        "Qingdao",
        "Qingdao",
    )
    assert datetime.fromisoformat(body["promised_at"]) == MORNING + timedelta(hours=24)
    two = api_as(None).get(_promise_url(product, quantity=2)).json()
    # 5 days to make + 1 to the next daily run + 1 day of transport.
    assert (two["fulfilment"], two["hours"], two["lead_time_days"]) == ("made_to_order", 168, 6)


def test_the_promise_refuses_a_point_outside_coverage_and_bad_input(
    network: TinyNetwork, product: Any, api_as: Any
) -> None:
    outside = api_as(None).get(_promise_url(product, URUMQI))
    assert (outside.status_code, outside.json()["code"]) == (422, "delivery_point_outside_coverage")
    assert api_as(None).get(_promise_url(product, ("91", "0"))).status_code == 422
    assert api_as(None).get(_promise_url(product, quantity=0)).status_code == 422
    missing = api_as(None).get("products/nothing/promise?latitude=36&longitude=120")
    assert (missing.status_code, missing.json()["code"]) == (404, "product_not_found")


@time_machine.travel(MORNING, tick=False)
def test_an_order_placed_through_the_api_carries_its_promise(
    network: TinyNetwork, product: Any, operator: Any, owner: Any, api_as: Any
) -> None:
    stock_put(network, "Qingdao", product, 1, operator)
    client = api_as(owner)
    placed = client.post(
        f"products/{product.slug}/orders",
        {"quantity": 1, "address": "8 Haier Road", "latitude": QINGDAO[0], "longitude": QINGDAO[1]},
    )
    assert placed.status_code == 201
    assert placed.json()["fulfilment"] == "stock"
    assert datetime.fromisoformat(placed.json()["delivery_promised_at"]) == MORNING + timedelta(
        hours=24
    )
    before = [Order.objects.count(), Shipment.objects.count(), AuditEvent.objects.count()]
    outside = client.post(
        f"products/{product.slug}/orders",
        {"quantity": 1, "address": "Far", "latitude": URUMQI[0], "longitude": URUMQI[1]},
    )
    assert (outside.status_code, outside.json()["code"]) == (422, "delivery_point_outside_coverage")
    assert [Order.objects.count(), Shipment.objects.count(), AuditEvent.objects.count()] == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("owner", 403, "not_operator"),
        ("operator", 200, None),
    ],
)
def test_stock_set_and_list_are_for_operators(
    network: TinyNetwork,
    product: Any,
    api_as: Any,
    owner: Any,
    operator: Any,
    who: str,
    status: int,
    code: str | None,
) -> None:
    user = {"anonymous": None, "owner": owner, "operator": operator}[who]
    centre = network.centres["Weifang"]
    client = api_as(user)
    before = AuditEvent.objects.count()

    response = client.put(f"stock/{centre.uid}/{product.slug}", {"on_hand": 7})
    listing = client.get("stock")

    assert (response.status_code, listing.status_code) == (status, status)
    if code is not None:
        assert (response.json()["code"], listing.json()["code"]) == (code, code)
        assert (Stock.objects.count(), AuditEvent.objects.count()) == (0, before)
        return
    assert response.json() == {
        "centre": "Weifang",
        "centre_uid": str(centre.uid),
        "product": product.slug,
        "product_name": product.name,
        "on_hand": 7,
        "reserved": 0,
        "free": 7,
        "updated_at": response.json()["updated_at"],
    }
    assert [(s["centre"], s["on_hand"]) for s in listing.json()] == [("Weifang", 7)]
    assert client.get(f"stock?centre={network.centres['Qingdao'].uid}").json() == []


def test_bad_stock_input_is_a_clear_error(
    network: TinyNetwork, product: Any, api_as: Any, operator: Any
) -> None:
    centre = network.centres["Weifang"]
    negative = api_as(operator).put(f"stock/{centre.uid}/{product.slug}", {"on_hand": -3})
    assert (negative.status_code, negative.json()["code"]) == (422, "stock_quantity_invalid")
    unknown = api_as(operator).put(
        f"stock/00000000-0000-0000-0000-000000000000/{product.slug}", {"on_hand": 1}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "centre_not_found")
    assert Stock.objects.count() == 0


# --- pages ------------------------------------------------------------------------------------


@time_machine.travel(MORNING, tick=False)
def test_the_product_page_checks_delivery_then_orders(
    network: TinyNetwork, product: Any, operator: Any, client: Client
) -> None:
    stock_put(network, "Qingdao", product, 1, operator)
    entered = {
        "quantity": 1,
        "address": "8 Haier Road",
        "latitude": QINGDAO[0],
        "longitude": QINGDAO[1],
    }

    checked = client.post(f"/products/{product.slug}/", {**entered, "action": "check"})

    assert checked.status_code == 200
    page = checked.content.decode()
    assert "Delivery promised by 2026-03-03 10:00" in page
    assert "from stock at the Qingdao centre" in page
    assert "8 Haier Road</textarea>" in page
    assert Order.objects.count() == 0

    outside = client.post(
        f"/products/{product.slug}/",
        {**entered, "latitude": URUMQI[0], "longitude": URUMQI[1], "action": "check"},
    )
    assert outside.status_code == 422
    assert "We do not deliver there yet" in outside.content.decode()

    buyer = person_make("buyer@example.com", "Buyer Bo")
    client.force_login(buyer)
    placed = client.post(f"/products/{product.slug}/", {**entered, "action": "order"})
    order = Order.objects.get()
    assert placed["Location"] == f"/orders/{order.number}/"
    detail = client.get(placed["Location"]).content.decode()
    assert "2026-03-03 10:00 · from stock at the Qingdao centre · via the Qingdao station" in detail
    assert "Allocated from stock at the Qingdao centre" in detail


def test_the_product_page_without_a_network_says_so(product: Any, client: Client) -> None:
    checked = client.post(
        f"/products/{product.slug}/",
        {"quantity": 1, "address": "x", "latitude": "0", "longitude": "0", "action": "check"},
    )
    assert checked.status_code == 200
    assert "The delivery network is not built yet" in checked.content.decode()


def test_operators_count_stock_in_the_admin(
    network: TinyNetwork, product: Any, admin_client: Client
) -> None:
    centre = network.centres["Qingdao"]
    added = admin_client.post(
        "/admin/logistics/stock/add/",
        {"centre": centre.pk, "product": product.pk, "on_hand": 4},
    )
    assert added.status_code == 302
    stock = Stock.objects.get()
    assert (stock.on_hand, stock.reserved) == (4, 0)
    assert AuditEvent.objects.filter(type="logistics.stock.set").count() == 1
    Stock.objects.filter(pk=stock.pk).update(reserved=3)
    below = admin_client.post(
        f"/admin/logistics/stock/{stock.pk}/change/",
        {"centre": centre.pk, "product": product.pk, "on_hand": 2},
    )
    assert below.status_code == 200
    assert "3 units are reserved for orders" in below.content.decode()
    assert Stock.objects.get().on_hand == 4
    assert admin_client.get("/admin/logistics/stock/").status_code == 200
