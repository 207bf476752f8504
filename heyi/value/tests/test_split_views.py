"""The value split page and API: what they show, who may see them, the preview before
completion, and the query budget."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from heyi.contention.tests.factories import venture_found
from heyi.ledger.models import Account, Posting, ShareRule
from heyi.value.models import PayLine, Settlement
from heyi.value.services import pay_rule_publish
from heyi.value.tests.conftest import ValueWorld, order_complete

CALLERS = ["buyer", "author", "designer", "supplier", "delivery", "maker", "operator"]


def _caller(world: ValueWorld, who: str, rival: Any, operator: Any) -> Any:
    assert world.crew is not None
    if who == "rival":
        venture_found(founder=rival, name="Rival Works", categories=["kitchen"])
        return rival
    return {
        "buyer": world.buyer,
        "author": world.author,
        "designer": world.designer,
        "supplier": world.supplier_founder,
        "delivery": world.crew.founder,
        "driver": world.crew.driver,
        "maker": world.member,
        "operator": operator,
    }[who]


@pytest.fixture
def paid_world(value_world: ValueWorld) -> ValueWorld:
    """Completed with a compensation-free settlement and the maker's pay rule (10 %, steps)."""
    pay_rule_publish(
        venture=value_world.venture, actor=value_world.maker, pool_percent="10", basis="steps"
    )
    order_complete(value_world)
    return value_world


def _written() -> tuple[int, int, int, int]:
    return (
        Posting.objects.count(),
        Settlement.objects.count(),
        ShareRule.objects.count(),
        Account.objects.count(),
    )


@pytest.mark.parametrize("who", [*CALLERS, "rival", "driver"])
def test_split_page_over_every_caller(
    paid_world: ValueWorld, rival: Any, operator: Any, who: str
) -> None:
    client = Client()
    client.force_login(_caller(paid_world, who, rival, operator))
    before = _written()
    response = client.get(f"/orders/{paid_world.order.number}/value/")
    assert _written() == before
    if who in ("rival", "driver"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "Settled" in page and "Not settled" not in page
    for text in (
        "Maker&#x27;s awarded price",
        "6000.00",
        "Designers&#x27; royalty",
        "239.94",
        "Supplier&#x27;s cost",
        "399.60",
        "Laoshan Vans",
        "Owner Olivia",
        "7998.00",
        f"order:{paid_world.order.uid}:settle",
        'id="pay-lines"',
        "414.97",
        "207.48",
        "<svg",
    ):
        assert text in page, text
    assert f'href="/ventures/{paid_world.venture.slug}/"' in page
    assert f'href="/people/{paid_world.designer.uid}/"' in page


def test_split_page_sends_strangers_to_sign_in(paid_world: ValueWorld) -> None:
    response = Client().get(f"/orders/{paid_world.order.number}/value/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_order_is_not_found(paid_world: ValueWorld) -> None:
    client = Client()
    client.force_login(paid_world.buyer)
    assert client.get("/orders/999/value/").status_code == 404


def test_before_completion_the_page_shows_a_preview_and_writes_nothing(
    value_world: ValueWorld,
) -> None:
    client = Client()
    client.force_login(value_world.buyer)
    before = _written()
    response = client.get(f"/orders/{value_world.order.number}/value/")
    assert _written() == before
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not settled: a preview" in page
    assert "Nothing is posted before the order is completed." in page
    assert "6000.00" in page and "624.09" in page
    assert PayLine.objects.count() == 0


@pytest.mark.parametrize("who", [*CALLERS, "rival", "driver", "anonymous"])
def test_split_api_over_every_caller(
    paid_world: ValueWorld, api_as: Any, rival: Any, operator: Any, who: str
) -> None:
    caller = None if who == "anonymous" else _caller(paid_world, who, rival, operator)
    before = _written()
    response = api_as(caller).get(f"orders/{paid_world.order.number}/value-split")
    assert _written() == before
    if who == "anonymous":
        assert response.status_code == 401
        return
    if who in ("rival", "driver"):
        assert (response.status_code, response.json()["code"]) == (404, "order_not_found")
        return
    assert response.status_code == 200
    body = response.json()
    assert (body["order"], body["settled"], body["total"], body["currency"]) == (
        paid_world.order.number,
        True,
        "7998.00",
        "CNY",
    )
    assert [(line["term"], line["party"]["name"], line["amount"]) for line in body["lines"]] == [
        ("platform_fee", "The platform (heyi)", "399.90"),
        ("author_royalty", "Owner Olivia", "79.98"),
        ("designer_royalty", "Designer Dai", "239.94"),
        ("delivery_fee", "Laoshan Vans", "30.00"),
        ("supplier_cost", "Cool Parts", "399.60"),
        ("maker_price", "Maker Works 1", "6000.00"),
        ("maker_supplies", "Maker Works 1", "-399.60"),
        ("maker_surplus", "Maker Works 1", "624.09"),
        ("platform_margin", "The platform (heyi)", "624.09"),
    ]
    assert body["posting"]["idempotency_key"] == f"order:{paid_world.order.uid}:settle"
    assert sorted(line["amount"] for line in body["posting"]["lines"]) == sorted(
        ["-7998.00", "1023.99", "79.98", "239.94", "30.00", "399.60", "6224.49"]
    )
    assert [(line["name"], line["steps"], line["amount"]) for line in body["members_pay"]] == [
        ("Maker 1", 4, "414.97"),
        ("Member Mei", 2, "207.48"),
    ]
    assert body["share_rule"]["scope"] == "tender"
    assert body["share_rule"]["terms"]["platform_fee_percent"] == "5"


def test_split_api_preview_before_completion(value_world: ValueWorld, api_as: Any) -> None:
    body = api_as(value_world.buyer).get(f"orders/{value_world.order.number}/value-split").json()
    assert (body["settled"], body["posting"], body["members_pay"]) == (False, None, [])
    assert sum(Decimal(line["amount"]) for line in body["lines"]) == Decimal("7998.00")


def test_split_page_query_budget(
    paid_world: ValueWorld, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(paid_world.designer)
    client.get(f"/orders/{paid_world.order.number}/value/")
    with django_assert_max_num_queries(8):
        response = client.get(f"/orders/{paid_world.order.number}/value/")
    assert response.status_code == 200
