"""API tests: tenders, sealed bids over every kind of caller, award, verification, bad input."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from heyi.contention.models import AwardLine, Bid, Tender
from heyi.contention.services import bid_submit, tender_close
from heyi.contention.tests.conftest import CALLERS
from heyi.contention.tests.factories import tender_make
from heyi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _written() -> dict[str, int]:
    return {
        "tenders": Tender.objects.count(),
        "bids": Bid.objects.count(),
        "lines": AwardLine.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def _caller(name: str, owner: Any, rival: Any, operator: Any) -> Any:
    # The owner founded the bidding venture; the rival founded a competing one.
    return {"anonymous": None, "bidder": owner, "rival": rival, "operator": operator}[name]


def _tender_with_bids(owner: Any, rival: Any, owner_venture: Any, rival_venture: Any) -> Tender:
    tender = tender_make(quantity=150)
    bid_submit(
        tender=tender,
        venture=owner_venture,
        actor=owner,
        unit_price=Decimal("100.00"),
        lead_time_days=10,
        capacity=100,
        plan="Secret plan of Cold Chain",
    )
    bid_submit(
        tender=tender,
        venture=rival_venture,
        actor=rival,
        unit_price=Decimal("120.00"),
        lead_time_days=5,
        capacity=80,
        plan="Secret plan of Frost",
    )
    return tender


RULE_JSON = {
    "criteria": [
        {"name": "unit_price", "weight": "0.7", "direction": "lower_is_better"},
        {"name": "lead_time_days", "weight": "0.3", "direction": "lower_is_better"},
    ]
}


def _tender_payload(**changes: Any) -> dict[str, Any]:
    now = timezone.now()
    payload = {
        "subject_type": "demand_production",
        "subject_uid": str(uuid.uuid4()),
        "title": "Produce 50 chest freezers",
        "requirements": "200 litres, R600a",
        "quantity": 50,
        "opens_at": (now - timedelta(minutes=1)).isoformat(),
        "closes_at": (now + timedelta(days=1)).isoformat(),
        "rule": RULE_JSON,
        "publish": True,
    }
    payload.update(changes)
    return payload


def test_operator_creates_and_publishes_a_tender(api_as: Any, operator: Any) -> None:
    response = api_as(operator).post("tenders", _tender_payload())
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["status"], body["bid_count"], body["is_sealed"]) == (
        1,
        "open",
        0,
        True,
    )
    assert body["rule"]["criteria"] == [
        {"name": "lead_time_days", "weight": "0.3", "direction": "lower_is_better"},
        {"name": "unit_price", "weight": "0.7", "direction": "lower_is_better"},
    ]


@pytest.mark.parametrize("caller", ["anonymous", "bidder"])
def test_only_an_operator_creates_tenders(
    api_as: Any, owner: Any, rival: Any, operator: Any, caller: str
) -> None:
    client = api_as(_caller(caller, owner, rival, operator))
    before = _written()
    response = client.post("tenders", _tender_payload())
    assert response.status_code == (401 if caller == "anonymous" else 403)
    assert _written() == before


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"quantity": 0}, "invalid"),
        (
            {
                "rule": {
                    "criteria": [
                        {"name": "unit_price", "weight": "0.5", "direction": "lower_is_better"}
                    ]
                }
            },
            "invalid_rule",
        ),
        (
            {
                "rule": {
                    "criteria": [
                        {"name": "unit_price", "weight": "1", "direction": "higher_is_better"}
                    ]
                }
            },
            "invalid_rule",
        ),
        ({"title": "x" * 201}, "invalid"),
    ],
)
def test_bad_tender_input(api_as: Any, operator: Any, changes: dict[str, Any], code: str) -> None:
    client = api_as(operator)
    before = _written()
    response = client.post("tenders", _tender_payload(**changes))
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert _written() == before


def test_malformed_json_is_refused(api_as: Any, owner: Any, owner_venture: Any) -> None:
    tender = tender_make()
    client = api_as(owner)
    before = _written()
    response = client.post(f"tenders/{tender.number}/bids", "{not json")
    assert response.status_code in (400, 422)
    assert _written() == before


@pytest.mark.parametrize("caller", CALLERS)
def test_sealed_bid_is_readable_only_by_its_venture(
    api_as: Any,
    owner: Any,
    rival: Any,
    operator: Any,
    owner_venture: Any,
    rival_venture: Any,
    caller: str,
) -> None:
    tender = _tender_with_bids(owner, rival, owner_venture, rival_venture)
    client = api_as(_caller(caller, owner, rival, operator))
    path = f"tenders/{tender.number}/bids/{owner_venture.slug}"
    before = _written()

    one = client.get(path)
    revisions = client.get(f"{path}/revisions")
    listing = client.get(f"tenders/{tender.number}/bids")
    detail = client.get(f"tenders/{tender.number}")
    award = client.get(f"tenders/{tender.number}/award")

    assert detail.json()["bid_count"] == 2
    assert award.status_code == 409
    assert "Secret plan of Cold Chain" not in detail.content.decode()
    if caller == "bidder":
        assert one.status_code == 200
        assert (one.json()["unit_price"], one.json()["plan"]) == (
            "100.00",
            "Secret plan of Cold Chain",
        )
        assert revisions.json()["count"] == 1
        assert [b["venture"] for b in listing.json()["items"]] == [owner_venture.slug]
    else:
        # Exactly the answer for a venture that never bid: the refusal reveals nothing.
        never = client.get(f"tenders/{tender.number}/bids/nobody-at-all")
        assert (one.status_code, one.json()) == (never.status_code, never.json())
        assert one.json() == {"code": "bid_not_found", "detail": "No bid to show."}
        assert revisions.status_code == 404
        expected = [rival_venture.slug] if caller == "rival" else []
        assert [b["venture"] for b in listing.json()["items"]] == expected
        assert "Secret plan of Cold Chain" not in listing.content.decode()
    assert _written() == before


@pytest.mark.parametrize("caller", CALLERS)
def test_after_award_the_full_table_is_public(
    api_as: Any,
    owner: Any,
    rival: Any,
    operator: Any,
    owner_venture: Any,
    rival_venture: Any,
    caller: str,
) -> None:
    tender = _tender_with_bids(owner, rival, owner_venture, rival_venture)
    tender_close(tender=tender, actor=operator)
    client = api_as(_caller(caller, owner, rival, operator))

    award = client.get(f"tenders/{tender.number}/award").json()
    assert [(r["rank"], r["score"]) for r in award["award"]["table"]] == [
        (1, "0.700000"),
        (2, "0.300000"),
    ]
    assert [line["quantity"] for line in award["award"]["lines"]] == [100, 50]
    assert award["ventures"] == {
        str(owner_venture.uid): owner_venture.slug,
        str(rival_venture.uid): rival_venture.slug,
    }
    rival_bid = client.get(f"tenders/{tender.number}/bids/{rival_venture.slug}").json()
    assert (rival_bid["rank"], rival_bid["score"]) == (2, "0.300000")
    verify = client.get(f"tenders/{tender.number}/verify").json()
    assert (verify["matches"], verify["differences"]) == (True, [])


def test_bid_submit_revise_withdraw_and_mine(api_as: Any, owner: Any, owner_venture: Any) -> None:
    tender = tender_make()
    client = api_as(owner)
    created = client.post(
        f"tenders/{tender.number}/bids",
        {
            "venture": owner_venture.slug,
            "unit_price": "99.90",
            "lead_time_days": 12,
            "capacity": 60,
            "plan": "One line",
        },
    )
    assert created.status_code == 201
    assert (created.json()["unit_price"], created.json()["revision"]) == ("99.90", 1)
    again = client.post(
        f"tenders/{tender.number}/bids",
        {"venture": owner_venture.slug, "unit_price": "98", "lead_time_days": 12, "capacity": 60},
    )
    assert (again.status_code, again.json()["code"]) == (409, "bid_exists")
    revised = client.put(
        f"tenders/{tender.number}/bids/{owner_venture.slug}",
        {"unit_price": "97.00", "lead_time_days": 10, "capacity": 70},
    )
    assert (revised.status_code, revised.json()["revision"]) == (200, 2)
    mine = client.get("bids").json()
    assert [(b["tender"], b["unit_price"]) for b in mine["items"]] == [(tender.number, "97.00")]
    withdrawn = client.delete(f"tenders/{tender.number}/bids/{owner_venture.slug}")
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    assert client.get(f"tenders/{tender.number}").json()["bid_count"] == 0


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"unit_price": "-5"}, 422, "invalid_price"),
        ({"capacity": 0}, 422, "invalid_capacity"),
        ({"lead_time_days": "soon"}, 422, "invalid"),
        ({"venture": "no-such-venture"}, 404, "venture_not_found"),
    ],
)
def test_bad_bid_input(
    api_as: Any, owner: Any, owner_venture: Any, fields: dict[str, Any], status: int, code: str
) -> None:
    tender = tender_make()
    payload = {
        "venture": owner_venture.slug,
        "unit_price": "10",
        "lead_time_days": 1,
        "capacity": 5,
    }
    payload.update(fields)
    client = api_as(owner)
    before = _written()
    response = client.post(f"tenders/{tender.number}/bids", payload)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert _written() == before


@pytest.mark.parametrize("caller", ["bidder", "rival"])
def test_only_an_operator_closes(
    api_as: Any, owner: Any, rival: Any, operator: Any, owner_venture: Any, caller: str
) -> None:
    tender = tender_make()
    client = api_as(_caller(caller, owner, rival, operator))
    before = _written()
    response = client.post(f"tenders/{tender.number}/close")
    assert (response.status_code, response.json()["code"]) == (403, "not_operator")
    assert _written() == before


def test_bid_after_close_is_refused(
    api_as: Any, owner: Any, operator: Any, owner_venture: Any
) -> None:
    tender = tender_make()
    closed = api_as(operator).post(f"tenders/{tender.number}/close")
    assert closed.json()["status"] == "no_award"
    client = api_as(owner)
    before = _written()
    response = client.post(
        f"tenders/{tender.number}/bids",
        {"venture": owner_venture.slug, "unit_price": "10", "lead_time_days": 1, "capacity": 5},
    )
    assert (response.status_code, response.json()["code"]) == (409, "bidding_closed")
    assert _written() == before


def test_list_filters_and_query_budget(api_as: Any, django_assert_num_queries: Any) -> None:
    client = api_as(None)
    for _ in range(3):
        tender_make()
    tender_make(subject_type="supply_rfq")
    with django_assert_num_queries(3):
        first = client.get("tenders", {"status": "open"})
    for _ in range(5):
        tender_make()
    with django_assert_num_queries(3):
        second = client.get("tenders", {"status": "open"})
    assert (first.json()["count"], second.json()["count"]) == (4, 9)
    rfq = client.get("tenders", {"subject_type": "supply_rfq"}).json()
    assert rfq["count"] == 1
    assert client.get("tenders", {"status": "nonsense"}).status_code == 422


def test_unknown_tender_is_not_found(api_as: Any) -> None:
    response = api_as(None).get("tenders/999")
    assert (response.status_code, response.json()["code"]) == (404, "tender_not_found")
