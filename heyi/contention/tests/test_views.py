"""Page tests: tender list and detail (sealed and awarded), bidding, close, verification."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from heyi.contention.models import Bid, Tender
from heyi.contention.services import bid_submit, tender_close
from heyi.contention.tests.conftest import CALLERS
from heyi.contention.tests.factories import tender_make

pytestmark = pytest.mark.django_db

SECRET = "Secret plan of Cold Chain"


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _people(owner: Any, rival: Any, operator: Any) -> dict[str, Any]:
    return {"anonymous": None, "bidder": owner, "rival": rival, "operator": operator}


def _bid(tender: Tender, venture: Any, user: Any, price: str, lead: int, capacity: int) -> Bid:
    return bid_submit(
        tender=tender,
        venture=venture,
        actor=user,
        unit_price=Decimal(price),
        lead_time_days=lead,
        capacity=capacity,
        plan=SECRET if price == "100.00" else "Frost plan",
    )


def test_list_page_shows_tenders_and_empty_state(django_assert_num_queries: Any) -> None:
    client = _client()
    empty = client.get(reverse("contention:tender_list"))
    assert "No tenders yet." in empty.content.decode()
    for _ in range(2):
        tender_make()
    with django_assert_num_queries(3):
        first = client.get(reverse("contention:tender_list"))
    for _ in range(4):
        tender_make()
    with django_assert_num_queries(3):
        client.get(reverse("contention:tender_list"))
    assert "Produce 100 compact fridges" in first.content.decode()
    filtered = client.get(reverse("contention:tender_list"), {"status": "awarded"})
    assert "No tenders match these filters." in filtered.content.decode()


@pytest.mark.parametrize("caller", CALLERS)
def test_detail_page_keeps_bids_sealed(
    owner: Any,
    rival: Any,
    operator: Any,
    owner_venture: Any,
    rival_venture: Any,
    caller: str,
) -> None:
    tender = tender_make()
    _bid(tender, owner_venture, owner, "100.00", 10, 100)
    _bid(tender, rival_venture, rival, "120.00", 5, 100)
    page = _client(_people(owner, rival, operator)[caller]).get(
        reverse("contention:tender_detail", args=[tender.number])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 sealed bids so far." in html
    assert "unit_price" in html  # the published rule
    assert "Normalisation (min–max)" in html
    assert (SECRET in html) is (caller == "bidder")
    assert ("100.00 per unit" in html) is (caller == "bidder")
    assert ("Submit bid" in html) is (caller in ("bidder", "rival"))


def test_award_notice_shows_the_table_and_each_rank(
    owner: Any, rival: Any, operator: Any, owner_venture: Any, rival_venture: Any
) -> None:
    tender = tender_make(quantity=150)
    _bid(tender, owner_venture, owner, "100.00", 10, 100)
    _bid(tender, rival_venture, rival, "120.00", 5, 80)
    tender_close(tender=tender, actor=operator)
    url = reverse("contention:tender_detail", args=[tender.number])
    public = _client().get(url).content.decode()
    assert "Award notice" in public
    assert "0.700000" in public and "0.300000" in public
    assert "Cold Chain Makers" in public and "Frost Works" in public
    rival_page = _client(rival).get(url).content.decode()
    assert "Your rank: 2 (score 0.300000)" in rival_page
    verify = _client().get(reverse("contention:tender_verify", args=[tender.number]))
    assert "The recomputation matches the published award." in verify.content.decode()


def test_bid_form_submits_and_shows_errors(owner: Any, owner_venture: Any) -> None:
    tender = tender_make()
    client = _client(owner)
    url = reverse("contention:bid_submit", args=[tender.number])
    bad = client.post(
        url,
        {
            "action": "submit",
            "venture": owner_venture.slug,
            "unit_price": "-3",
            "lead_time_days": "5",
            "capacity": "10",
        },
    )
    assert bad.status_code == 422
    assert "Unit price must be more than zero." in bad.content.decode()
    assert Bid.objects.count() == 0
    good = client.post(
        url,
        {
            "action": "submit",
            "venture": owner_venture.slug,
            "unit_price": "88.00",
            "lead_time_days": "5",
            "capacity": "10",
            "plan": "Night shift",
        },
    )
    assert good.status_code == 302
    revised = client.post(
        url,
        {
            "action": "revise",
            "venture": owner_venture.slug,
            "unit_price": "87.00",
            "lead_time_days": "5",
            "capacity": "10",
        },
    )
    assert revised.status_code == 302
    assert list(Bid.objects.order_by("revision").values_list("unit_price", "is_current")) == [
        (Decimal("88.00"), False),
        (Decimal("87.00"), True),
    ]
    client.post(
        reverse("contention:bid_withdraw", args=[tender.number]), {"venture": owner_venture.slug}
    )
    assert Bid.objects.get(is_current=True).status == "withdrawn"


def test_rival_cannot_bid_for_another_venture(rival: Any, owner_venture: Any) -> None:
    tender = tender_make()
    response = _client(rival).post(
        reverse("contention:bid_submit", args=[tender.number]),
        {
            "action": "submit",
            "venture": owner_venture.slug,
            "unit_price": "88.00",
            "lead_time_days": "5",
            "capacity": "10",
        },
    )
    assert response.status_code == 422
    assert Bid.objects.count() == 0


@pytest.mark.parametrize("caller", ["bidder", "operator"])
def test_close_page_is_for_operators(
    owner: Any, rival: Any, operator: Any, owner_venture: Any, caller: str
) -> None:
    tender = tender_make()
    _client(_people(owner, rival, operator)[caller]).post(
        reverse("contention:tender_close", args=[tender.number])
    )
    tender.refresh_from_db()
    assert tender.status == ("no_award" if caller == "operator" else "open")


def test_verify_page_of_an_open_tender_explains(owner: Any) -> None:
    tender = tender_make()
    response = _client().get(reverse("contention:tender_verify", args=[tender.number]))
    assert response.status_code == 409
    assert "This tender has not been decided yet." in response.content.decode()


def test_unknown_tender_page_is_404() -> None:
    response = _client().get(reverse("contention:tender_detail", args=[999]))
    assert response.status_code == 404
