"""The pre-order API: campaigns, pre-orders (idempotent), my list, cancelling, prices."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi.core.models import AuditEvent
from heyi.orders.models import PreOrder, PreOrderCampaign
from heyi.orders.tests.factories import campaign_make, pre_order_demand, preorder_make

BODY = {
    "options": {"Colour": "Red"},
    "quantity": 2,
    "address": "88 Hong Kong Middle Road, Qingdao",
    "latitude": "36.0663",
    "longitude": "120.3826",
}


def _rows() -> tuple[int, int, int]:
    return (PreOrderCampaign.objects.count(), PreOrder.objects.count(), AuditEvent.objects.count())


def _user(who: str, request: Any) -> Any:
    return None if who == "anonymous" else request.getfixturevalue(who)


def test_place_a_preorder(api_as: Any, demand: Any, campaign: Any, buyer: Any) -> None:
    response = api_as(buyer).post(f"demands/{demand.number}/preorders", BODY)

    assert response.status_code == 201
    data = response.json()
    assert data["number"] == 1
    assert data["demand_number"] == demand.number
    assert data["campaign"] == str(campaign.uid)
    assert data["options"] == {"Colour": "Red", "Capacity": "450 L"}
    assert (data["unit_price"], data["total"], data["currency"]) == ("4119.00", "8238.00", "CNY")
    assert (data["latitude"], data["longitude"]) == ("36.066300", "120.382600")
    assert data["status"] == "placed"


def test_a_retried_preorder_is_placed_once(
    api_as: Any, demand: Any, campaign: Any, buyer: Any
) -> None:
    client = api_as(buyer)
    first = client.post(f"demands/{demand.number}/preorders", BODY, **{"Idempotency-Key": "k-1"})
    second = client.post(f"demands/{demand.number}/preorders", BODY, **{"Idempotency-Key": "k-1"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert PreOrder.objects.count() == 1
    campaign.refresh_from_db()
    assert campaign.units_pre_ordered == 2


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"options": {"Colour": "Purple"}}, 422, "option_invalid"),
        ({"options": {"Finish": "Matte"}}, 422, "option_invalid"),
        ({"latitude": "91"}, 422, "latitude_invalid"),
        ({"longitude": "-181"}, 422, "longitude_invalid"),
        ({"quantity": 0}, 422, "quantity_invalid"),
        ({"quantity": 11}, 422, "quantity_invalid"),
        ({"latitude": "north"}, 422, "invalid"),
        ({"address": ""}, 422, "blank"),
    ],
)
def test_bad_preorders_write_nothing(
    api_as: Any, demand: Any, campaign: Any, buyer: Any, changes: Any, status: int, code: str
) -> None:
    client = api_as(buyer)
    before = _rows()
    response = client.post(f"demands/{demand.number}/preorders", {**BODY, **changes})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert _rows() == before


def test_malformed_json_writes_nothing(api_as: Any, demand: Any, campaign: Any, buyer: Any) -> None:
    client = api_as(buyer)
    before = _rows()
    response = client.post(f"demands/{demand.number}/preorders", "{not json")
    assert response.status_code in {400, 422}
    assert _rows() == before


def test_anonymous_cannot_preorder(api_as: Any, demand: Any, campaign: Any) -> None:
    before = _rows()
    response = api_as(None).post(f"demands/{demand.number}/preorders", BODY)
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert _rows() == before


def test_preorder_on_unknown_demand(api_as: Any, buyer: Any) -> None:
    client = api_as(buyer)
    before = _rows()
    response = client.post("demands/9999/preorders", BODY)
    assert (response.status_code, response.json()["code"]) == (404, "demand_not_found")
    assert _rows() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("owner", 201), ("rival", 403), ("operator", 201)],
)
def test_campaign_start_permissions(
    api_as: Any, demand: Any, who: str, status: int, request: Any
) -> None:
    client = api_as(_user(who, request))
    before = _rows()
    deadline = (timezone.now() + timedelta(days=10)).isoformat()
    response = client.post(
        f"demands/{demand.number}/campaign", {"threshold": 50, "deadline": deadline}
    )
    assert response.status_code == status
    if status == 201:
        data = response.json()
        assert (data["threshold"], data["status"], data["max_quantity"]) == (50, "open", 10)
        assert (data["units_pre_ordered"], data["progress_percent"]) == (0, 0)
        assert PreOrderCampaign.objects.count() == 1
    else:
        assert _rows() == before


def test_campaign_deadline_in_the_past_writes_nothing(api_as: Any, demand: Any, owner: Any) -> None:
    client = api_as(owner)
    before = _rows()
    deadline = (timezone.now() - timedelta(hours=1)).isoformat()
    response = client.post(
        f"demands/{demand.number}/campaign", {"threshold": 5, "deadline": deadline}
    )
    assert (response.status_code, response.json()["code"]) == (422, "deadline_invalid")
    assert _rows() == before


def test_campaign_on_demand_not_in_pre_order(api_as: Any, owner: Any) -> None:
    from heyi.designs.tests.factories import claimed_demand, person_make

    demand = claimed_demand(owner, person_make("designer@example.com"))
    client = api_as(owner)
    before = _rows()
    deadline = (timezone.now() + timedelta(days=3)).isoformat()
    response = client.post(
        f"demands/{demand.number}/campaign", {"threshold": 5, "deadline": deadline}
    )
    assert (response.status_code, response.json()["code"]) == (409, "demand_not_in_pre_order")
    assert _rows() == before


def test_campaign_get(api_as: Any, demand: Any, campaign: Any, buyer: Any) -> None:
    preorder_make(demand, buyer, quantity=3)
    response = api_as(None).get(f"demands/{demand.number}/campaign")
    assert response.status_code == 200
    data = response.json()
    assert data["uid"] == str(campaign.uid)
    assert (data["units_pre_ordered"], data["pre_order_count"], data["progress_percent"]) == (
        3,
        1,
        30,
    )
    assert data["started_by"] == "Owner Olivia"


def test_campaign_get_before_any(api_as: Any, demand: Any) -> None:
    response = api_as(None).get(f"demands/{demand.number}/campaign")
    assert (response.status_code, response.json()["code"]) == (404, "campaign_not_found")


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("owner", 200), ("rival", 403), ("operator", 200)],
)
def test_campaign_cancel_permissions(
    api_as: Any, demand: Any, campaign: Any, buyer: Any, who: str, status: int, request: Any
) -> None:
    preorder_make(demand, buyer)
    client = api_as(_user(who, request))
    before = _rows()
    response = client.post(
        f"demands/{demand.number}/campaign/cancel", {"reason": "The factory closed."}
    )
    assert response.status_code == status
    campaign.refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "cancelled"
        assert PreOrder.objects.get().status == "cancelled"
    else:
        assert _rows() == before
        assert campaign.status == "open"


def test_my_preorders_show_only_mine(
    api_as: Any, demand: Any, campaign: Any, buyer: Any, rival: Any
) -> None:
    preorder_make(demand, buyer, quantity=1)
    preorder_make(demand, rival, quantity=2)
    preorder_make(demand, buyer, quantity=3)

    response = api_as(buyer).get("me/preorders")
    assert response.status_code == 200
    assert [(p["number"], p["quantity"]) for p in response.json()] == [(3, 3), (1, 1)]
    assert api_as(None).get("me/preorders").status_code == 401


def test_my_preorders_query_budget(
    api_as: Any, demand: Any, campaign: Any, buyer: Any, django_assert_num_queries: Any
) -> None:
    client = api_as(buyer)
    preorder_make(demand, buyer)
    client.get("me/preorders")  # the first call of a token also records when it was used
    # The token's user, then the pre-orders with their campaigns and demands.
    with django_assert_num_queries(2):
        assert len(client.get("me/preorders").json()) == 1
    for _ in range(4):
        preorder_make(demand, buyer)
    with django_assert_num_queries(2):
        assert len(client.get("me/preorders").json()) == 5


@pytest.mark.parametrize(("who", "status"), [("buyer", 200), ("rival", 404), ("operator", 404)])
def test_preorder_get_is_private(
    api_as: Any, demand: Any, campaign: Any, buyer: Any, who: str, status: int, request: Any
) -> None:
    pre_order = preorder_make(demand, buyer)
    response = api_as(request.getfixturevalue(who)).get(f"preorders/{pre_order.number}")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("buyer", 200), ("rival", 404), ("operator", 404)],
)
def test_preorder_cancel_permissions(
    api_as: Any, demand: Any, campaign: Any, buyer: Any, who: str, status: int, request: Any
) -> None:
    pre_order = preorder_make(demand, buyer, quantity=4)
    client = api_as(_user(who, request))
    before = _rows()
    response = client.post(f"preorders/{pre_order.number}/cancel", {"reason": "Too dear"})
    assert response.status_code == status
    pre_order.refresh_from_db()
    campaign.refresh_from_db()
    if status == 200:
        assert response.json()["status"] == "cancelled"
        assert response.json()["cancel_reason"] == "Too dear"
        assert campaign.units_pre_ordered == 0
    else:
        assert _rows() == before
        assert pre_order.status == "placed"
        assert campaign.units_pre_ordered == 4


@pytest.mark.parametrize(
    ("options", "quantity", "unit_price", "total"),
    [
        ({}, 1, "3999.00", "3999.00"),
        ({"Colour": "Red"}, 2, "4119.00", "8238.00"),
        ({"Colour": "Red", "Capacity": "350 L"}, 3, "3819.00", "11457.00"),
    ],
)
def test_configurator_price(
    api_as: Any, demand: Any, options: Any, quantity: int, unit_price: str, total: str
) -> None:
    before = _rows()
    response = api_as(None).post(
        f"demands/{demand.number}/configurator/price", {"options": options, "quantity": quantity}
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["unit_price"], data["total"], data["currency"]) == (unit_price, total, "CNY")
    assert set(data["options"]) == {"Colour", "Capacity"}
    assert _rows() == before


def test_configurator_price_unknown_value(api_as: Any, demand: Any) -> None:
    response = api_as(None).post(
        f"demands/{demand.number}/configurator/price", {"options": {"Colour": "Purple"}}
    )
    assert (response.status_code, response.json()["code"]) == (422, "option_invalid")
    assert response.json()["detail"] == "“Colour” has no value “Purple”."


def test_configurator_price_before_a_design_is_chosen(api_as: Any, owner: Any) -> None:
    from heyi.designs.tests.factories import demand_make

    demand = demand_make(owner)
    response = api_as(None).post(f"demands/{demand.number}/configurator/price", {"options": {}})
    assert (response.status_code, response.json()["code"]) == (404, "selection_not_found")


def test_pre_order_demand_factory_in_api(owner: Any) -> None:
    assert pre_order_demand(owner).status == "pre_order"
    assert campaign_make(pre_order_demand(owner, owner), owner).status == "open"
