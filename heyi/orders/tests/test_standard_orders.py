"""Standard orders and the daily order contention: placing, paying, allocating at least cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from heyi.contention.models import DailyRun, DailyRunLine, StandingBid
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.orders.models import Order, OrderEvent
from heyi.orders.order_services import order_advance
from heyi.orders.standard_services import daily_contention_run, standard_order_place
from heyi.orders.tests.standard_factories import bid, maker_make, paid_order, product_make
from heyi.products.services import product_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(operator: Any) -> dict[str, Any]:
    """One product; maker A (5 a day, ¥1500, 3 days) and maker B (10 a day, ¥1550, 1 day)."""
    product = product_make(operator)
    a, a_founder = maker_make("Alpha Works", capacity=5)
    b, b_founder = maker_make("Beta Works", capacity=10)
    bid(a, a_founder, product, "1500.00", 3)
    bid(b, b_founder, product, "1550.00", 1)
    return {"product": product, "a": a, "b": b, "a_founder": a_founder, "b_founder": b_founder}


def test_placing_writes_an_order_without_a_maker(market: dict[str, Any], owner: Any) -> None:
    order = standard_order_place(
        product=market["product"],
        user=owner,
        quantity=2,
        address="8 Haier Road, Qingdao",
        latitude="36.0663",
        longitude="120.3826",
    )
    assert (order.number, order.stage, order.venture_id, order.maker_unit_price) == (
        1,
        "placed",
        None,
        None,
    )
    assert (order.unit_price, order.total) == (Decimal("1999.00"), Decimal("3998.00"))
    assert list(OrderEvent.objects.values_list("to_stage", "party")) == [("placed", "user")]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("quantity", 0, "quantity_invalid"),
        ("quantity", 101, "quantity_invalid"),
        ("latitude", "91", "latitude_invalid"),
        ("longitude", "-181", "longitude_invalid"),
        ("address", "   ", "blank"),
    ],
)
def test_bad_input_writes_nothing(
    market: dict[str, Any], owner: Any, field: str, value: Any, code: str
) -> None:
    fields: dict[str, Any] = {
        "quantity": 1,
        "address": "8 Haier Road",
        "latitude": "36",
        "longitude": "120",
    }
    fields[field] = value
    with pytest.raises(DomainError) as refused:
        standard_order_place(product=market["product"], user=owner, **fields)
    assert refused.value.code == code
    assert Order.objects.count() == 0


def test_a_retired_product_cannot_be_ordered(
    market: dict[str, Any], owner: Any, operator: Any
) -> None:
    product = product_update(product=market["product"], actor=operator, on_sale=False)
    with pytest.raises(DomainError) as refused:
        paid_order(product, owner, 1)
    assert refused.value.code == "product_not_on_sale"
    assert Order.objects.count() == 0


def test_the_run_allocates_at_least_cost_not_greedily(
    market: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    buyers = [person_make(f"buyer{i}@example.com") for i in range(5)]
    o1 = paid_order(market["product"], buyers[0], 3)
    o2 = paid_order(market["product"], buyers[1], 2)
    o3 = paid_order(market["product"], buyers[2], 4)
    o4 = paid_order(market["product"], buyers[3], 6)
    # Too big for either maker's day: it waits. And an unpaid order is not in the run.
    o5 = paid_order(market["product"], buyers[4], 11)
    unpaid = standard_order_place(
        product=market["product"], user=buyers[0], quantity=1, address="x", latitude=0, longitude=0
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run = daily_contention_run()

    # Largest-first greedy would give A only 4 units (¥23,073 with the lead-time charge); the
    # optimum fills A's 5 with orders of 3 and 2.
    venture_of = dict(Order.objects.values_list("number", "venture__slug"))
    assert venture_of == {
        o1.number: "alpha-works",
        o2.number: "alpha-works",
        o3.number: "beta-works",
        o4.number: "beta-works",
        o5.number: None,
        unpaid.number: None,
    }
    assert (run.number, run.order_count, run.unit_count, run.allocated_count) == (1, 5, 26, 4)
    assert (run.unallocated_count, run.venture_count, run.total_price) == (
        1,
        2,
        Decimal("23000.00"),
    )
    # (5 × (1500 + 3) + 10 × (1550 + 1)) yuan in fen, plus the waiting order's penalty:
    # one fen over the dearest effective unit cost (¥1551) for each of its 11 units.
    assert run.objective == 2_302_500 + 11 * 155_101
    assert run.solver_status == "optimal"
    assert run.bound == pytest.approx(run.objective)
    a_order = Order.objects.get(number=o1.number)
    assert (a_order.maker_unit_price, a_order.lead_time_days, a_order.stage) == (
        Decimal("1500.00"),
        3,
        "paid",
    )
    assert OrderEvent.objects.filter(order=a_order, kind="allocated").get().note == (
        "Daily order contention D1: allocated to Alpha Works, 3 days lead time."
    )
    assert sorted(m.to[0] for m in mail.outbox) == [f"buyer{i}@example.com" for i in range(4)]
    assert DailyRunLine.objects.filter(run=run).count() == 5
    assert AuditEvent.objects.get(type="contention.daily_run.completed").data["per_venture"] == {
        "alpha-works": 2,
        "beta-works": 2,
    }


def test_a_second_run_the_same_day_counts_what_the_first_gave(market: dict[str, Any]) -> None:
    buyer = person_make("buyer@example.com")
    paid_order(market["product"], buyer, 5)
    paid_order(market["product"], buyer, 10)
    daily_contention_run()
    late = paid_order(market["product"], buyer, 1)

    second = daily_contention_run()

    assert (second.order_count, second.allocated_count) == (1, 0)
    assert Order.objects.get(pk=late.pk).venture_id is None
    # A new day gives the makers their capacity back.
    assert DailyRun.objects.count() == 2


def test_paused_bids_and_the_wrong_kind_take_no_part(market: dict[str, Any], owner: Any) -> None:
    from heyi.contention.daily_services import standing_bid_pause

    standing_bid_pause(venture=market["a"], product=market["product"], actor=market["a_founder"])
    order = paid_order(market["product"], owner, 2)
    daily_contention_run()
    assert Order.objects.get(pk=order.pk).venture_id == market["b"].pk


def test_an_unallocated_order_goes_no_further_than_paid(
    market: dict[str, Any], owner: Any, operator: Any
) -> None:
    order = paid_order(market["product"], owner, 1)
    with pytest.raises(DomainError) as refused:
        order_advance(order=order, actor=operator, to_stage="confirmed")
    assert refused.value.code == "order_not_allocated"
    daily_contention_run()
    order.refresh_from_db()
    confirmed = order_advance(order=order, actor=market["a_founder"], to_stage="confirmed")
    assert (confirmed.stage, confirmed.venture_id) == ("confirmed", market["a"].pk)


def test_standing_bid_rules(market: dict[str, Any], rival: Any) -> None:
    with pytest.raises(DomainError) as refused:
        bid(market["a"], rival, market["product"], "1.00", 1)
    assert (refused.value.code, refused.value.status) == ("not_member", 403)
    with pytest.raises(DomainError) as refused:
        bid(market["a"], market["a_founder"], market["product"], "-1.00", 1)
    assert refused.value.code == "invalid_price"
    assert StandingBid.objects.get(venture=market["a"]).unit_price == Decimal("1500.00")
    bid(market["a"], market["a_founder"], market["product"], "1490.00", 2)
    assert StandingBid.objects.get(venture=market["a"]).revision == 2


# --- API -------------------------------------------------------------------------------------


def _order_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "quantity": 2,
        "address": "8 Haier Road",
        "latitude": "36.0663",
        "longitude": "120.3826",
    }
    body.update(overrides)
    return body


def test_api_retry_with_the_same_key_places_one_order(
    market: dict[str, Any], api_as: Any, owner: Any
) -> None:
    client = api_as(owner)
    slug = market["product"].slug
    first = client.post(f"products/{slug}/orders", _order_body(), **{"Idempotency-Key": "k-1"})
    again = client.post(f"products/{slug}/orders", _order_body(), **{"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert first.json()["kind"] == "standard"
    assert (first.json()["venture"], first.json()["product"]) == (None, slug)
    assert Order.objects.count() == 1
    other = client.post(
        f"products/{slug}/orders", _order_body(quantity=3), **{"Idempotency-Key": "k-1"}
    )
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert Order.objects.count() == 1


def test_api_refusals_write_nothing(market: dict[str, Any], api_as: Any, owner: Any) -> None:
    slug = market["product"].slug
    assert api_as(None).post(f"products/{slug}/orders", _order_body()).status_code == 401
    bad = api_as(owner).post(f"products/{slug}/orders", _order_body(quantity=0))
    assert (bad.status_code, bad.json()["code"]) == (422, "quantity_invalid")
    missing = api_as(owner).post("products/nothing/orders", _order_body())
    assert (missing.status_code, missing.json()["code"]) == (404, "product_not_found")
    assert Order.objects.count() == 0


def test_api_standing_bids_and_runs(
    market: dict[str, Any], api_as: Any, operator: Any, rival: Any, owner: Any
) -> None:
    slug, product = market["a"].slug, market["product"].slug
    mine = api_as(market["a_founder"]).get(f"ventures/{slug}/standing-bids")
    assert [(b["product"], b["unit_price"], b["lead_time_days"]) for b in mine.json()] == [
        (product, "1500.00", 3)
    ]
    assert api_as(rival).get(f"ventures/{slug}/standing-bids").status_code == 403
    assert api_as(None).get(f"ventures/{slug}/standing-bids").status_code == 401
    put = api_as(rival).put(
        f"ventures/{slug}/standing-bids/{product}", {"unit_price": "1", "lead_time_days": 1}
    )
    assert put.status_code == 403
    revised = api_as(market["a_founder"]).put(
        f"ventures/{slug}/standing-bids/{product}", {"unit_price": "1480.00", "lead_time_days": 2}
    )
    assert (revised.json()["unit_price"], revised.json()["revision"]) == ("1480.00", 2)

    paid_order(market["product"], owner, 4)
    assert api_as(owner).post("daily-runs").status_code == 403
    assert DailyRun.objects.count() == 0
    run = api_as(operator).post("daily-runs")
    assert run.status_code == 201
    assert (run.json()["allocated_count"], run.json()["trigger"]) == (1, "operator")
    detail = api_as(None).get(f"daily-runs/{run.json()['number']}").json()
    assert [(r["venture"], r["orders"], r["units"], r["unit_price"]) for r in detail["table"]] == [
        ("alpha-works", 1, 4, "1480.00")
    ]
    assert [r["number"] for r in api_as(None).get("daily-runs").json()] == [1]


# --- pages -----------------------------------------------------------------------------------


def test_pages(market: dict[str, Any], client: Any, owner: Any, rival: Any) -> None:
    product = market["product"]
    listing = client.get("/products/")
    assert "Compact fridge 180 L" in listing.content.decode()
    assert "2 makers stand ready" in listing.content.decode()
    client.force_login(owner)
    bad = client.post(
        f"/products/{product.slug}/",
        {"quantity": 1, "address": "x", "latitude": "99", "longitude": "1"},
    )
    assert bad.status_code == 422
    assert Order.objects.count() == 0
    placed = client.post(
        f"/products/{product.slug}/",
        {"quantity": 2, "address": "8 Haier Road", "latitude": "36.0663", "longitude": "120.3826"},
    )
    order = Order.objects.get()
    assert placed["Location"] == f"/orders/{order.number}/"
    page = client.get(placed["Location"]).content.decode()
    assert "pay to enter the daily order contention" in page
    client.force_login(rival)
    assert client.get(f"/ventures/{market['a'].slug}/standing-bids/").status_code == 403
    client.force_login(market["a_founder"])
    bids_page = client.get(f"/ventures/{market['a'].slug}/standing-bids/").content.decode()
    assert "Compact fridge 180 L" in bids_page
    saved = client.post(
        f"/ventures/{market['a'].slug}/standing-bids/{product.slug}/",
        {
            f"{product.slug}-unit_price": "1490.00",
            f"{product.slug}-lead_time_days": "2",
            "action": "save",
        },
    )
    assert saved.status_code == 302
    assert StandingBid.objects.get(venture=market["a"]).unit_price == Decimal("1490.00")
    assert client.get("/daily-contention/").status_code == 200


def test_api_stage_move_with_a_photo(market: dict[str, Any], api_as: Any, owner: Any) -> None:
    from heyi.orders.tests.order_factories import png

    order = paid_order(market["product"], owner, 1)
    daily_contention_run()
    maker = api_as(market["a_founder"])
    maker.post(f"orders/{order.number}/advance", {"to_stage": "confirmed"})
    maker.post(f"orders/{order.number}/advance", {"to_stage": "in_production"})
    # Without a photo the quality check is refused; a non-image is refused; both write nothing.
    no_photo = maker.post(f"orders/{order.number}/advance", {"to_stage": "quality_checked"})
    assert (no_photo.status_code, no_photo.json()["code"]) == (422, "stage_photo_required")
    from django.core.files.uploadedfile import SimpleUploadedFile

    not_image = maker.client.post(
        f"/api/v1/orders/{order.number}/advance-with-photo",
        {"to_stage": "quality_checked", "photo": SimpleUploadedFile("x.png", b"not a picture")},
        headers=maker.headers,
    )
    assert not_image.status_code == 422
    assert Order.objects.get(pk=order.pk).stage == "in_production"
    moved = maker.client.post(
        f"/api/v1/orders/{order.number}/advance-with-photo",
        {"to_stage": "quality_checked", "note": "Sample ready", "photo": png()},
        headers=maker.headers,
    )
    assert moved.status_code == 200
    body = moved.json()
    assert (body["stage"], body["sample_status"]) == ("quality_checked", "pending")
    last = body["events"][-1]
    assert (last["to_stage"], last["note"], last["photo_url"].startswith("/media/orders/")) == (
        "quality_checked",
        "Sample ready",
        True,
    )
    buyer_move = api_as(owner).client.post(
        f"/api/v1/orders/{order.number}/advance-with-photo",
        {"to_stage": "shipped", "photo": png()},
        headers=api_as(owner).headers,
    )
    assert buyer_move.status_code == 403
