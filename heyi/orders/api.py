"""API of pre-orders: a demand's campaign, placing and cancelling pre-orders, configured prices."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from heyi.api_auth import OPTIONAL_AUTH
from heyi.demands.selectors import demand_get
from heyi.orders import selectors, services
from heyi.orders.schemas import (
    CampaignCancelIn,
    CampaignIn,
    CampaignOut,
    PreOrderCancelIn,
    PreOrderIn,
    PreOrderOut,
    PriceIn,
    PriceOut,
    money,
)

router = Router(tags=["pre-orders"])


@router.get("/demands/{number}/campaign", response=CampaignOut, auth=OPTIONAL_AUTH)
def campaign_get(request: HttpRequest, number: int) -> Any:
    """The demand's pre-order campaign: the live one, else the latest (404 if none ever ran)."""
    return selectors.campaign_get_for_demand(demand=demand_get(number=number))


@router.post("/demands/{number}/campaign", response={201: CampaignOut})
def campaign_start(request: HttpRequest, number: int, payload: CampaignIn) -> Any:
    """Open pre-orders on a demand in pre-order (its author or an operator)."""
    campaign = services.campaign_start(
        demand=demand_get(number=number),
        user=request.user,
        threshold=payload.threshold,
        deadline=payload.deadline,
        max_quantity=payload.max_quantity,
    )
    return Status(201, campaign)


@router.post("/demands/{number}/campaign/cancel", response=CampaignOut)
def campaign_cancel(request: HttpRequest, number: int, payload: CampaignCancelIn) -> Any:
    """Call off an open campaign (its author or an operator); every pre-order is cancelled."""
    campaign = selectors.campaign_get_for_demand(demand=demand_get(number=number))
    return services.campaign_cancel(campaign=campaign, user=request.user, reason=payload.reason)


@router.post("/demands/{number}/preorders", response={201: PreOrderOut})
def preorder_place(request: HttpRequest, number: int, payload: PreOrderIn) -> Any:
    """Pre-order a configuration. Send an Idempotency-Key so that a retry places it only once."""
    pre_order = services.preorder_place(
        demand=demand_get(number=number),
        user=request.user,
        options=payload.options,
        quantity=payload.quantity,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return Status(201, pre_order)


@router.get("/me/preorders", response=list[PreOrderOut])
def preorder_list_mine(request: HttpRequest) -> Any:
    """Your pre-orders, newest first."""
    return list(selectors.preorder_list_for_user(user=request.user))


@router.get("/preorders/{number}", response=PreOrderOut)
def preorder_get(request: HttpRequest, number: int) -> Any:
    """One of your pre-orders (anybody else's is 404)."""
    return selectors.preorder_get_for_user(number=number, user=request.user)


@router.post("/preorders/{number}/cancel", response=PreOrderOut)
def preorder_cancel(
    request: HttpRequest, number: int, payload: PreOrderCancelIn | None = None
) -> Any:
    """Cancel one of your pre-orders while its campaign is open."""
    pre_order = selectors.preorder_get_for_user(number=number, user=request.user)
    return services.preorder_cancel(
        pre_order=pre_order, user=request.user, reason=payload.reason if payload else ""
    )


@router.post("/demands/{number}/configurator/price", response=PriceOut, auth=OPTIONAL_AUTH)
def configurator_price(request: HttpRequest, number: int, payload: PriceIn) -> Any:
    """The price of a choice of options (groups left out take their default); writes nothing."""
    demand = demand_get(number=number)
    price = selectors.configured_price_get(demand=demand, chosen=payload.options)
    return PriceOut(
        demand_number=demand.number,
        options=price.options,
        unit_price=money(price.unit_price),
        quantity=payload.quantity,
        total=money(price.unit_price * payload.quantity),
        currency=price.currency,
    )
