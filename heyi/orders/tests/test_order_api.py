"""The orders API: reading orders, moving them on, the user's parts, the venture's board."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi.contention.tests.factories import venture_found
from heyi.orders.models import Order, OrderEvent, OrderRating
from heyi.orders.tests.order_factories import Awarded, advance_as_maker, awarded


@pytest.fixture
def world(owner: Any, operator: Any, django_capture_on_commit_callbacks: Any) -> Awarded:
    return awarded(owner, operator, [2, 1], [("3000.00", 10)], django_capture_on_commit_callbacks)


def test_my_orders_and_one_order(world: Awarded, api_as: Any) -> None:
    buyer = world.buyers[0]
    mine = api_as(buyer).get("me/orders")
    assert mine.status_code == 200
    order = Order.objects.get(user=buyer)
    assert [
        (o["number"], o["quantity"], o["stage"], o["unit_price"], o["total"]) for o in mine.json()
    ] == [(order.number, 2, "confirmed", "3999.00", "7998.00")]
    assert mine.json()[0]["maker_unit_price"] == "3000.00"
    assert mine.json()[0]["venture"] == world.ventures[0].slug
    detail = api_as(buyer).get(f"orders/{order.number}")
    assert detail.status_code == 200
    assert [e["to_stage"] for e in detail.json()["events"]] == ["placed", "paid", "confirmed"]
    assert api_as(world.makers[0]).get(f"orders/{order.number}").status_code == 200
    stranger = api_as(world.buyers[1]).get(f"orders/{order.number}")
    assert (stranger.status_code, stranger.json()["code"]) == (404, "order_not_found")
    assert api_as(None).get(f"orders/{order.number}").status_code == 401
    assert api_as(None).get("me/orders").status_code == 401


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, None),
        ("user", 403, "stage_not_your_move"),
        ("member", 200, None),
        ("rival_member", 404, "order_not_found"),
        ("operator", 200, None),
    ],
)
def test_advance_by_party(
    who: str,
    status: int,
    code: str | None,
    world: Awarded,
    api_as: Any,
    rival: Any,
    operator: Any,
) -> None:
    actor = {
        "anonymous": None,
        "user": world.buyers[0],
        "member": world.makers[0],
        "rival_member": rival,
        "operator": operator,
    }[who]
    if who == "rival_member":
        venture_found(founder=rival, name="Rival Works", categories=["kitchen"])
    order = Order.objects.get(user=world.buyers[0])
    before = OrderEvent.objects.count()
    response = api_as(actor).post(
        f"orders/{order.number}/advance", {"to_stage": "sourcing", "note": "Ordering panels"}
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["stage"] == "sourcing"
        assert response.json()["events"][-1]["note"] == "Ordering panels"
        assert OrderEvent.objects.count() == before + 1
    else:
        if code:
            assert response.json()["code"] == code
        assert OrderEvent.objects.count() == before


def test_illegal_jump_is_409(world: Awarded, api_as: Any) -> None:
    order = Order.objects.get(user=world.buyers[0])
    before = OrderEvent.objects.count()
    response = api_as(world.makers[0]).post(
        f"orders/{order.number}/advance", {"to_stage": "at_station"}
    )
    assert (response.status_code, response.json()["code"]) == (409, "stage_transition_illegal")
    malformed = api_as(world.makers[0]).post(f"orders/{order.number}/advance", "{not json")
    assert malformed.status_code in (400, 422)
    assert OrderEvent.objects.count() == before


def test_user_parts_through_the_api(world: Awarded, api_as: Any) -> None:
    buyer, maker = world.buyers[0], world.makers[0]
    order = Order.objects.get(user=buyer)
    advance_as_maker(order, maker, "in_production", "quality_checked")
    client = api_as(buyer)
    approved = client.post(f"orders/{order.number}/sample-approval", {"approve": True})
    assert (approved.status_code, approved.json()["sample_status"]) == (200, "approved")
    day = (timezone.localdate() + timedelta(days=3)).isoformat()
    slot = client.post(f"orders/{order.number}/delivery-slot", {"date": day, "window": "18-21"})
    assert (slot.status_code, slot.json()["delivery_date"], slot.json()["delivery_window"]) == (
        200,
        day,
        "18-21",
    )
    early = client.post(f"orders/{order.number}/rating", {"stars": 5})
    assert (early.status_code, early.json()["code"]) == (409, "rating_not_yet")
    advance_as_maker(
        Order.objects.get(pk=order.pk), maker, "shipped", "at_station", "out_for_delivery"
    )
    delivered = client.post(f"orders/{order.number}/advance", {"to_stage": "delivered"})
    assert delivered.status_code == 200
    rated = client.post(f"orders/{order.number}/rating", {"stars": 5, "comment": "Great"})
    assert (rated.status_code, rated.json()["stars"], rated.json()["comment"]) == (201, 5, "Great")
    again = client.post(f"orders/{order.number}/rating", {"stars": 1})
    assert (again.status_code, again.json()["code"]) == (409, "already_rated")
    assert OrderRating.objects.count() == 1


def test_venture_orders_for_members_only(
    world: Awarded, api_as: Any, rival: Any, operator: Any
) -> None:
    slug = world.ventures[0].slug
    board = api_as(world.makers[0]).get(f"ventures/{slug}/orders")
    assert board.status_code == 200
    assert sorted(o["quantity"] for o in board.json()) == [1, 2]
    assert api_as(operator).get(f"ventures/{slug}/orders").status_code == 200
    denied = api_as(rival).get(f"ventures/{slug}/orders")
    assert (denied.status_code, denied.json()["code"]) == (403, "not_venture_member")
    assert api_as(world.buyers[0]).get(f"ventures/{slug}/orders").status_code == 403


def test_my_orders_query_budget(
    owner: Any,
    operator: Any,
    api_as: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    world = awarded(owner, operator, [1], [("3000.00", 10)], django_capture_on_commit_callbacks)
    buyer = world.buyers[0]
    client = api_as(buyer)
    client.get("me/orders")  # warm up (token lookups, content types)
    with django_assert_num_queries(2) as first:
        client.get("me/orders")
    order = Order.objects.get(user=buyer)
    for number in range(2):
        clone = Order.objects.get(pk=order.pk)
        clone.pk = None
        clone.uid = uuid.uuid4()
        clone.pre_order = None
        clone.number = order.number + 100 + number
        clone.save()
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(client.get("me/orders").json()) == 3
