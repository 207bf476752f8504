"""Pre-order reads: resolving a choice of options, campaigns of a demand, my pre-orders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.designs.selectors import configurator_get
from heyi.orders import selectors, tasks
from heyi.orders.tests.factories import campaign_make, preorder_make


def test_options_resolve_fills_defaults(demand: Any) -> None:
    configurator = configurator_get(demand=demand)
    assert selectors.options_resolve(configurator=configurator, chosen={"Colour": "Red"}) == {
        "Colour": "Red",
        "Capacity": "450 L",
    }
    assert selectors.options_resolve(configurator=configurator, chosen=None) == {
        "Colour": "Graphite",
        "Capacity": "450 L",
    }


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ({"Finish": "Matte"}, "This design has no option group “Finish”."),
        ({"Colour": "Purple"}, "“Colour” has no value “Purple”."),
        ("Red", "Options must map each option group to the chosen value."),
    ],
)
def test_options_resolve_refuses(demand: Any, chosen: Any, message: str) -> None:
    with pytest.raises(DomainError) as caught:
        selectors.options_resolve(configurator=configurator_get(demand=demand), chosen=chosen)
    assert (caught.value.code, caught.value.message) == ("option_invalid", message)


def test_configured_price(demand: Any) -> None:
    price = selectors.configured_price_get(demand=demand, chosen={"Capacity": "350 L"})
    assert price.unit_price == Decimal("3699.00")
    assert price.currency == "CNY"


def test_campaign_find_prefers_the_live_one(demand: Any, owner: Any, buyer: Any) -> None:
    assert selectors.campaign_find(demand=demand) is None
    first = campaign_make(demand, owner, days=1)
    preorder_make(demand, buyer)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        tasks.campaign_deadline_sweep.call()
        assert selectors.campaign_find(demand=demand) == first
        second = campaign_make(demand, owner, days=5)
    assert selectors.campaign_find(demand=demand) == second


def test_preorder_lists(demand: Any, campaign: Any, buyer: Any, rival: Any) -> None:
    mine = [preorder_make(demand, buyer, quantity=q) for q in (1, 2)]
    preorder_make(demand, rival, quantity=5)
    assert list(selectors.preorder_list_for_user(user=buyer)) == mine[::-1]
    assert list(selectors.preorder_list_for_user(user=AnonymousUser())) == []
    assert selectors.preorder_units_for_user(campaign=campaign, user=buyer) == 3
    with pytest.raises(DomainError) as caught:
        selectors.preorder_get_for_user(number=mine[0].number, user=rival)
    assert caught.value.code == "pre_order_not_found"
