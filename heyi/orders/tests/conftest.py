"""Fixtures for pre-order tests: a demand in pre-order with an open campaign, and buyers."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.designs.tests.factories import person_make
from heyi.orders.tests.factories import campaign_make, pre_order_demand


@pytest.fixture
def demand(owner: Any) -> Any:
    """The owner's demand, in pre-order (design chosen), without a campaign yet."""
    return pre_order_demand(owner)


@pytest.fixture
def campaign(demand: Any, owner: Any) -> Any:
    """An open campaign on the owner's demand: 10 units within 14 days, at most 10 per pre-order."""
    return campaign_make(demand, owner)


@pytest.fixture
def buyer(db: Any) -> Any:
    return person_make("buyer@example.com", "Buyer Bo")


@pytest.fixture
def buyers(db: Any) -> list[Any]:
    return [person_make(f"buyer{i}@example.com", f"Buyer {i}") for i in range(1, 4)]
