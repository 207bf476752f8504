"""Pre-order pages: the configurator with its live price, placing, starting, my pre-orders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from heyi.core.models import AuditEvent
from heyi.orders.models import CampaignStatus, PreOrder, PreOrderCampaign
from heyi.orders.tests.factories import preorder_make


def _client(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _rows() -> tuple[int, int, int]:
    return (PreOrderCampaign.objects.count(), PreOrder.objects.count(), AuditEvent.objects.count())


FORM = {
    "option_0": "Red",  # Colour
    "option_1": "350 L",  # Capacity
    "quantity": "2",
    "address": "88 Hong Kong Middle Road, Qingdao",
    "latitude": "36.0663",
    "longitude": "120.3826",
}


def test_preorder_page_shows_configurator_and_progress(
    demand: Any, campaign: Any, buyer: Any
) -> None:
    preorder_make(demand, buyer, quantity=4)
    response = _client(buyer).get(reverse("orders:preorder", args=[demand.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 of 10 units pre-ordered." in html
    assert 'aria-valuenow="4"' in html
    assert "width: 40%" in html
    assert "¥3,999.00" in html  # the default configuration's price
    assert '<option value="Red">Red (+¥120.00)</option>' in html
    assert "You have pre-ordered 4 units." in html
    assert 'name="latitude"' in html


def test_preorder_page_before_campaign(client: Client, demand: Any, owner: Any) -> None:
    response = client.get(reverse("orders:preorder", args=[demand.number]))
    html = response.content.decode()
    assert "Pre-orders have not started yet." in html
    assert "This demand is not taking pre-orders right now." in html
    assert "Start pre-orders" not in html
    owner_html = _client(owner).get(reverse("orders:preorder", args=[demand.number])).content
    assert "Start pre-orders" in owner_html.decode()


def test_preorder_page_without_a_chosen_design(client: Client, owner: Any) -> None:
    from heyi.designs.tests.factories import demand_make

    demand = demand_make(owner)
    response = client.get(reverse("orders:preorder", args=[demand.number]))
    assert response.status_code == 404


def test_price_partial_for_the_script(client: Client, demand: Any) -> None:
    response = client.post(
        reverse("orders:price", args=[demand.number]),
        FORM,
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<div id="price-panel"')
    assert "¥3,819.00" in html
    assert "2 units: ¥7,638.00" in html
    assert "<html" not in html


def test_price_partial_unknown_value(client: Client, demand: Any) -> None:
    response = client.post(
        reverse("orders:price", args=[demand.number]),
        {**FORM, "option_0": "Purple"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 422
    assert "“Colour” has no value “Purple”." in response.content.decode()


def test_price_without_script_renders_the_page(client: Client, demand: Any) -> None:
    response = client.post(reverse("orders:price", args=[demand.number]), FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "¥3,819.00" in html
    assert '<option value="Red" selected>' in html


def test_place_from_the_page(demand: Any, campaign: Any, buyer: Any) -> None:
    response = _client(buyer).post(reverse("orders:preorder", args=[demand.number]), FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:mine")
    pre_order = PreOrder.objects.get()
    assert pre_order.options == {"Colour": "Red", "Capacity": "350 L"}
    assert str(pre_order.total) == "7638.00"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"latitude": "91"}, "The latitude must be a number from -90 to 90."),
        ({"quantity": "11"}, "At most 10 units per pre-order."),
        ({"quantity": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"option_0": "Purple"}, "Select a valid choice."),
    ],
)
def test_bad_page_input_writes_nothing(
    demand: Any, campaign: Any, buyer: Any, changes: Any, message: str
) -> None:
    client = _client(buyer)
    before = _rows()
    response = client.post(reverse("orders:preorder", args=[demand.number]), {**FORM, **changes})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _rows() == before


def test_anonymous_post_goes_to_sign_in(client: Client, demand: Any, campaign: Any) -> None:
    before = _rows()
    response = client.post(reverse("orders:preorder", args=[demand.number]), FORM)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _rows() == before


@pytest.mark.parametrize(("who", "status"), [("owner", 302), ("rival", 403), ("operator", 302)])
def test_start_a_campaign_from_the_page(demand: Any, who: str, status: int, request: Any) -> None:
    client = _client(request.getfixturevalue(who))
    before = _rows()
    deadline = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("orders:campaign_start", args=[demand.number]),
        {"threshold": "30", "deadline": deadline, "max_quantity": "5"},
    )
    assert response.status_code == status
    if status == 302:
        campaign = PreOrderCampaign.objects.get()
        assert (campaign.threshold, campaign.max_quantity) == (30, 5)
        assert campaign.status == CampaignStatus.OPEN
    else:
        assert _rows() == before


def test_campaign_form_shows_a_past_deadline_error(demand: Any, owner: Any) -> None:
    client = _client(owner)
    assert client.get(reverse("orders:campaign_start", args=[demand.number])).status_code == 200
    deadline = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    before = _rows()
    response = client.post(
        reverse("orders:campaign_start", args=[demand.number]),
        {"threshold": "30", "deadline": deadline, "max_quantity": "5"},
    )
    assert response.status_code == 422
    assert "The deadline must be in the future." in response.content.decode()
    assert _rows() == before


def test_my_preorders_page(demand: Any, campaign: Any, buyer: Any, rival: Any) -> None:
    preorder_make(demand, buyer, quantity=2, options={"Colour": "Red"})
    preorder_make(demand, rival, quantity=1)
    html = _client(buyer).get(reverse("orders:mine")).content.decode()
    # Matched as the row heading: a bare "P2" can turn up in the page's random CSRF token.
    assert '<th scope="row">P1</th>' in html
    assert "Cancel P1" in html
    assert '<th scope="row">P2</th>' not in html
    assert "Cancel P2" not in html
    assert "¥8,238.00" in html


def test_my_preorders_empty(buyer: Any) -> None:
    html = _client(buyer).get(reverse("orders:mine")).content.decode()
    assert "No pre-orders yet." in html


def test_my_preorders_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("orders:mine"))
    assert response.status_code == 302


def test_my_preorders_query_budget(
    demand: Any, campaign: Any, buyer: Any, django_assert_num_queries: Any
) -> None:
    client = _client(buyer)
    preorder_make(demand, buyer)
    client.get(reverse("orders:mine"))
    # session, user, pre-orders, their escrows, unread badge
    with django_assert_num_queries(5) as first:
        client.get(reverse("orders:mine"))
    for _ in range(5):
        preorder_make(demand, buyer)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("orders:mine"))
    assert response.content.decode().count("Cancel P") == 6
    # The total and what escrow holds, in each of the six rows.
    assert response.content.decode().count('<td class="text-end">¥3,999.00</td>') == 12


def test_cancel_from_the_page(demand: Any, campaign: Any, buyer: Any) -> None:
    pre_order = preorder_make(demand, buyer, quantity=3)
    response = _client(buyer).post(
        reverse("orders:preorder_cancel", args=[pre_order.number]), {"reason": "Moving house"}
    )
    assert response.status_code == 302
    pre_order.refresh_from_db()
    assert (pre_order.status, pre_order.cancel_reason) == ("cancelled", "Moving house")


def test_cannot_cancel_anothers_from_the_page(
    demand: Any, campaign: Any, buyer: Any, rival: Any
) -> None:
    pre_order = preorder_make(demand, buyer, quantity=3)
    client = _client(rival)
    before = _rows()
    response = client.post(reverse("orders:preorder_cancel", args=[pre_order.number]))
    assert response.status_code == 404
    assert _rows() == before
    pre_order.refresh_from_db()
    assert pre_order.status == "placed"


def test_author_calls_pre_orders_off_from_the_page(
    demand: Any, campaign: Any, owner: Any, buyer: Any
) -> None:
    preorder_make(demand, buyer)
    response = _client(owner).post(
        reverse("orders:campaign_cancel", args=[demand.number]), {"reason": "Supplier gone"}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
