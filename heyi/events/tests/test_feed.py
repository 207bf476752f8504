"""The live feed: platform news from the public trace, its page, its partial and its Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from heyi.core.audit import audit_record
from heyi.core.models import AuditEvent
from heyi.events.selectors import feed_list
from heyi.ventures.services import venture_create

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def world() -> Any:
    founder = make_user("founder@example.com", name="Founder Fang")
    venture = venture_create(
        actor=founder, name="Cold Chain Crew", mission="Fridges that listen.", kind="maker"
    )
    # A delivery in the public trace (what order_services writes) and a private one.
    audit_record(
        type="orders.order.stage_advanced",
        summary="Order O7 by Cold Chain Crew moved from out_for_delivery to delivered",
        data={"number": 7, "venture": venture.slug, "to_stage": "delivered"},
    )
    audit_record(
        type="orders.order.stage_advanced",
        summary="Order O8 moved to paid",
        data={"number": 8, "venture": venture.slug, "to_stage": "paid"},
    )
    audit_record(
        type="ventures.venture.created",
        summary="Secret Sam founded Hidden Works",
        data={"slug": venture.slug},
        is_public=False,
    )
    return venture


def test_feed_lists_public_news_newest_first() -> None:
    venture = world()
    items = feed_list()
    assert [(i.type, i.text, i.url) for i in items] == [
        (
            "orders.order.stage_advanced",
            "Cold Chain Crew delivered an order",
            f"/ventures/{venture.slug}/",
        ),
        ("ventures.venture.created", "New venture: Cold Chain Crew", f"/ventures/{venture.slug}/"),
    ]


def test_private_trace_rows_never_appear() -> None:
    world()
    private = AuditEvent.objects.get(is_public=False, type="ventures.venture.created")
    body = Client().get("/feed/").content.decode()
    atom = Client().get("/feed.atom").content.decode()
    api = Client().get("/api/v1/feed").json()
    for text in (body, atom, str(api)):
        assert str(private.uid) not in text
        assert "Secret Sam" not in text
        assert "Founder Fang" not in text
    assert len(api) == 2


def test_feed_query_count_does_not_grow(django_assert_num_queries: Any) -> None:
    world()
    with django_assert_num_queries(2):
        feed_list()
    for index in range(5):
        audit_record(
            type="ventures.venture.created",
            summary="x",
            data={"slug": f"none-{index}"},
        )
    with django_assert_num_queries(2):
        assert len(feed_list()) == 2


def test_atom_feed_parses() -> None:
    venture = world()
    response = Client().get("/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == "heyi: platform news"  # type: ignore[union-attr]
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [  # type: ignore[union-attr]
        "Cold Chain Crew delivered an order",
        "New venture: Cold Chain Crew",
    ]
    assert entries[1].find(f"{ATOM}link").get("href") == (  # type: ignore[union-attr]
        f"http://example.com/ventures/{venture.slug}/"
    )
    assert all(e.find(f"{ATOM}id").text.startswith("urn:uuid:") for e in entries)  # type: ignore[union-attr]
    assert all(e.find(f"{ATOM}updated") is not None for e in entries)


def test_partial_refreshes_itself() -> None:
    world()
    body = Client().get("/feed/partial/").content.decode()
    assert 'data-refresh-url="/feed/partial/"' in body
    assert 'data-refresh-seconds="15"' in body
    assert "Cold Chain Crew delivered an order" in body


def test_demands_and_awards_in_four_queries(django_assert_num_queries: Any) -> None:
    from heyi.contention.tests.factories import tender_make
    from heyi.demands.tests.factories import demand_make

    venture = world()
    author = make_user("author@example.com", name="Author Ai")
    demand = demand_make(author)
    tender = tender_make()
    audit_record(
        type="contention.tender.awarded",
        summary="Tender awarded",
        subject=tender,
        data={"lines": [{"venture": venture.slug, "quantity": 100}]},
    )
    audit_record(
        type="orders.order.stage_advanced",
        summary="Order O9 moved to delivered",
        demand_uid=demand.uid,
        data={"number": 9, "venture": venture.slug, "to_stage": "delivered"},
    )
    audit_record(
        type="orders.order.stage_advanced",
        summary="Order O10 moved to delivered",
        data={"number": 10, "venture": "", "to_stage": "delivered"},
    )
    with django_assert_num_queries(4):
        items = feed_list(limit=5)
    assert [(i.text, i.url) for i in items] == [
        ("An order was delivered from stock", "/products/"),
        (
            f"Cold Chain Crew delivered an order of #{demand.number}: "
            "A fridge that keeps vegetables fresh for two weeks",
            f"/demands/{demand.number}/",
        ),
        (
            f"Tender #{tender.number} (Produce 100 compact fridges) awarded to Cold Chain Crew",
            f"/tenders/{tender.number}/",
        ),
        (
            f"New demand #{demand.number}: A fridge that keeps vegetables fresh for two weeks",
            f"/demands/{demand.number}/",
        ),
        ("Cold Chain Crew delivered an order", f"/ventures/{venture.slug}/"),
    ]
    assert "Author Ai" not in str(items)
