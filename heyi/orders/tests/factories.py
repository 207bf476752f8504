"""Test helpers for pre-orders: a demand brought to pre-order and campaigns, all through services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from heyi.demands.models import Demand
from heyi.designs.services import selection_make
from heyi.designs.tests.factories import claimed_demand, person_make, proposal_make
from heyi.orders import services
from heyi.orders.models import PreOrder, PreOrderCampaign

# The design made by designs' proposal_make: base ¥3,999.00; Colour Graphite (default, +0) or
# Red (+120); Capacity 450 L (default, +0) or 350 L (−300).
BASE_PRICE = Decimal("3999.00")
ADDRESS = "Room 1201, 88 Hong Kong Middle Road, Shinan District, Qingdao"
LATITUDE = "36.066300"
LONGITUDE = "120.382600"


def pre_order_demand(author: Any, designer: Any | None = None) -> Demand:
    """A demand whose design the author has chosen: it is in pre-order."""
    designer = designer or person_make("designer@example.com", "Designer Dai")
    demand = claimed_demand(author, designer)
    proposal = proposal_make(demand, designer)
    selection_make(demand=demand, user=author, proposal=proposal)
    demand.refresh_from_db()
    return demand


def campaign_make(
    demand: Demand,
    user: Any,
    *,
    threshold: int = 10,
    days: int = 14,
    max_quantity: int = 10,
) -> PreOrderCampaign:
    return services.campaign_start(
        demand=demand,
        user=user,
        threshold=threshold,
        deadline=timezone.now() + timedelta(days=days),
        max_quantity=max_quantity,
    )


def preorder_make(
    demand: Demand,
    user: Any,
    *,
    quantity: int = 1,
    options: dict[str, str] | None = None,
) -> PreOrder:
    return services.preorder_place(
        demand=demand,
        user=user,
        options=options or {},
        quantity=quantity,
        address=ADDRESS,
        latitude=LATITUDE,
        longitude=LONGITUDE,
    )
