"""Order pages: the order page with its live timeline and forms, my orders, the venture board."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from heyi.contention.tests.factories import venture_found
from heyi.orders.models import Order, OrderEvent
from heyi.orders.tests.order_factories import Awarded, advance_as_maker, awarded, png


@pytest.fixture
def world(owner: Any, operator: Any, django_capture_on_commit_callbacks: Any) -> Awarded:
    return awarded(owner, operator, [2, 1], [("3000.00", 10)], django_capture_on_commit_callbacks)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _clone(order: Order, count: int) -> None:
    for offset in range(count):
        clone = Order.objects.get(pk=order.pk)
        clone.pk = None
        clone.uid = uuid.uuid4()
        clone.pre_order = None
        clone.number = order.number + 100 + offset
        clone.save()


def test_order_page_shows_timeline_and_refreshes(world: Awarded) -> None:
    buyer = world.buyers[0]
    order = Order.objects.get(user=buyer)
    page = _client(buyer).get(reverse("orders:order_detail", args=[order.number]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Order O{order.number}" in html
    assert 'id="order-timeline"' in html
    assert reverse("orders:order_timeline", args=[order.number]) in html
    assert "setInterval" in html
    assert "Choose a delivery slot" in html
    partial = _client(buyer).get(reverse("orders:order_timeline", args=[order.number]))
    assert partial.status_code == 200
    assert partial.content.decode().count("list-group-item") == 3
    assert "<html" not in partial.content.decode()


def test_order_page_is_404_for_strangers(world: Awarded, rival: Any) -> None:
    order = Order.objects.get(user=world.buyers[0])
    assert (
        _client(rival).get(reverse("orders:order_detail", args=[order.number])).status_code == 404
    )
    assert (
        _client(world.buyers[1])
        .get(reverse("orders:order_timeline", args=[order.number]))
        .status_code
        == 404
    )
    anonymous = Client().get(reverse("orders:order_detail", args=[order.number]))
    assert anonymous.status_code == 302


def test_forms_move_the_order_and_show_refusals(world: Awarded) -> None:
    buyer, maker = world.buyers[0], world.makers[0]
    order = Order.objects.get(user=buyer)
    board_url = reverse("orders:venture_orders", args=[world.ventures[0].slug])
    response = _client(maker).post(
        reverse("orders:order_advance", args=[order.number]),
        {"to_stage": "in_production", "note": "", "next": "board"},
    )
    assert (response.status_code, response["Location"]) == (302, board_url)
    response = _client(maker).post(
        reverse("orders:order_advance", args=[order.number]),
        {"to_stage": "quality_checked", "photo": png()},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.stage, order.sample_status) == ("quality_checked", "pending")

    # A refused move writes nothing and says why on the page.
    before = OrderEvent.objects.count()
    response = _client(buyer).post(
        reverse("orders:order_advance", args=[order.number]), {"to_stage": "shipped"}, follow=True
    )
    assert "You may not move this order to that stage." in response.content.decode()
    assert OrderEvent.objects.count() == before

    page = _client(buyer).get(reverse("orders:order_detail", args=[order.number])).content.decode()
    assert "Approve the sample" in page
    _client(buyer).post(
        reverse("orders:order_sample", args=[order.number]), {"decision": "approve"}
    )
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    _client(buyer).post(
        reverse("orders:order_delivery_slot", args=[order.number]),
        {"delivery_date": day, "window": "09-12"},
    )
    order.refresh_from_db()
    assert (order.sample_status, order.delivery_date.isoformat(), order.delivery_window) == (  # type: ignore[union-attr]
        "approved",
        day,
        "09-12",
    )
    order = advance_as_maker(order, maker, "shipped", "at_station", "out_for_delivery")
    _client(buyer).post(
        reverse("orders:order_advance", args=[order.number]), {"to_stage": "delivered"}
    )
    page = _client(buyer).get(reverse("orders:order_detail", args=[order.number])).content.decode()
    assert "Rate Maker Works 1" in page
    _client(buyer).post(
        reverse("orders:order_rate", args=[order.number]), {"stars": "5", "comment": "Fine"}
    )
    order.refresh_from_db()
    assert (order.stage, order.rating.stars) == ("delivered", 5)


def test_my_orders_page_and_empty_state(world: Awarded, rival: Any) -> None:
    buyer = world.buyers[0]
    order = Order.objects.get(user=buyer)
    page = _client(buyer).get(reverse("orders:order_list_mine")).content.decode()
    assert f"O{order.number}" in page
    assert (
        "No orders yet." in _client(rival).get(reverse("orders:order_list_mine")).content.decode()
    )


def test_my_orders_query_budget(world: Awarded, django_assert_num_queries: Any) -> None:
    buyer = world.buyers[0]
    client = _client(buyer)
    url = reverse("orders:order_list_mine")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    _clone(Order.objects.get(user=buyer), 3)
    with django_assert_num_queries(len(first.captured_queries)):
        assert client.get(url).content.decode().count('<th scope="row">') == 4


def test_venture_board_for_members_and_its_query_budget(
    world: Awarded, rival: Any, django_assert_num_queries: Any
) -> None:
    maker = world.makers[0]
    url = reverse("orders:venture_orders", args=[world.ventures[0].slug])
    assert _client(rival).get(url).status_code == 403
    assert _client(world.buyers[0]).get(url).status_code == 403
    client = _client(maker)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    assert page.content.decode().count('name="to_stage"') == 2
    _clone(Order.objects.filter(venture=world.ventures[0]).first(), 3)  # type: ignore[arg-type]
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count('name="to_stage"') == 5


def test_empty_board(owner: Any) -> None:
    venture = venture_found(founder=owner, name="Quiet Works", categories=["kitchen"])
    page = _client(owner).get(reverse("orders:venture_orders", args=[venture.slug]))
    assert page.status_code == 200
    assert "No orders yet." in page.content.decode()
