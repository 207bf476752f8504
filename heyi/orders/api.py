"""API of pre-orders (campaigns, placing and cancelling, configured prices) and of orders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from heyi.api_auth import OPTIONAL_AUTH
from heyi.contention import daily_selectors
from heyi.contention.models import DailyRunTrigger
from heyi.contention.schemas import DailyRunOut
from heyi.demands.selectors import demand_get
from heyi.orders import order_selectors, order_services, selectors, services, standard_services
from heyi.orders.schemas import (
    CampaignCancelIn,
    CampaignIn,
    CampaignOut,
    DeliverySlotIn,
    OrderAdvanceIn,
    OrderDetailOut,
    OrderOut,
    PreOrderCancelIn,
    PreOrderIn,
    PreOrderOut,
    PriceIn,
    PriceOut,
    RatingIn,
    RatingOut,
    SampleApprovalIn,
    StandardOrderIn,
    money,
)
from heyi.products.selectors import product_get
from heyi.ventures.selectors import venture_get

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
    """Pre-order a configuration and pay its total into the pre-order's escrow (refunded if it
    is cancelled). A declined payment is 402 `payment_declined` and nothing is written. Send an
    Idempotency-Key so that a retry places (and charges) it only once."""
    pre_order = services.preorder_place(
        demand=demand_get(number=number),
        user=request.user,
        options=payload.options,
        quantity=payload.quantity,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        payment_method=payload.payment_method,
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


# --- orders -----------------------------------------------------------------------------------


@router.post("/products/{slug}/orders", response={201: OrderOut}, tags=["orders"])
def standard_order_place(request: HttpRequest, slug: str, payload: StandardOrderIn) -> Any:
    """Order a standard product at its list price. From stock when a centre within reach of the
    delivery point has it (delivery promised within 24 hours), else made to order: the daily
    order contention picks its maker. A point no station serves is refused with 422
    `delivery_point_outside_coverage`, and nothing is written.

    Send an Idempotency-Key: a retried request returns the first order and places no second.
    """
    order = standard_services.standard_order_place(
        product=product_get(slug=slug),
        user=request.user,
        quantity=payload.quantity,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return Status(201, order)


@router.get("/me/orders", response=list[OrderOut], tags=["orders"])
def order_list_mine(request: HttpRequest) -> Any:
    """Your orders, newest first."""
    return list(order_selectors.order_list_for_user(user=request.user))


@router.get("/orders/{number}", response=OrderDetailOut, tags=["orders"])
def order_get(request: HttpRequest, number: int) -> Any:
    """One order with its timeline: for its buyer, its venture's members and operators."""
    return order_selectors.order_get_for_viewer(number=number, user=request.user)


@router.post("/orders/{number}/advance", response=OrderDetailOut, tags=["orders"])
def order_advance(request: HttpRequest, number: int, payload: OrderAdvanceIn) -> Any:
    """Move the order to another stage, if you may (409 for an illegal jump, 403 not your move).
    Moving to `paid` pays the total into the order's escrow (402 `payment_declined` leaves it
    placed); cancelling a paid order refunds it at once."""
    order = order_selectors.order_get(number=number)
    order_services.order_advance(
        order=order,
        actor=request.user,
        to_stage=payload.to_stage,
        note=payload.note,
        payment_method=payload.payment_method,
    )
    return order_selectors.order_get(number=number)


@router.post("/orders/{number}/advance-with-photo", response=OrderDetailOut, tags=["orders"])
def order_advance_with_photo(
    request: HttpRequest,
    number: int,
    to_stage: Form[str],
    photo: File[UploadedFile],
    note: Form[str] = "",
) -> Any:
    """The same move as `/advance`, as multipart/form-data with a photo (JPEG, PNG or WebP):
    required for the quality check (the sample the user approves), welcome on any move."""
    order = order_selectors.order_get(number=number)
    order_services.order_advance(
        order=order, actor=request.user, to_stage=to_stage, note=note, photo=photo
    )
    return order_selectors.order_get(number=number)


@router.post("/orders/{number}/sample-approval", response=OrderDetailOut, tags=["orders"])
def order_sample_approval(request: HttpRequest, number: int, payload: SampleApprovalIn) -> Any:
    """Approve the sample shown at quality check, or reject it with a note (the buyer)."""
    order = order_selectors.order_get(number=number)
    order_services.order_sample_decide(
        order=order, actor=request.user, approve=payload.approve, note=payload.note
    )
    return order_selectors.order_get(number=number)


@router.post("/orders/{number}/delivery-slot", response=OrderDetailOut, tags=["orders"])
def order_delivery_slot(request: HttpRequest, number: int, payload: DeliverySlotIn) -> Any:
    """Choose the delivery day and window before the order ships (the buyer)."""
    order = order_selectors.order_get(number=number)
    order_services.order_delivery_slot_choose(
        order=order, actor=request.user, delivery_date=payload.date, window=payload.window
    )
    return order_selectors.order_get(number=number)


@router.post("/orders/{number}/rating", response={201: RatingOut}, tags=["orders"])
def order_rating(request: HttpRequest, number: int, payload: RatingIn) -> Any:
    """Rate the venture 1–5 once the order is delivered; once per order (the buyer)."""
    order = order_selectors.order_get(number=number)
    rating = order_services.order_rate(
        order=order, actor=request.user, stars=payload.stars, comment=payload.comment
    )
    return Status(201, rating)


@router.get("/ventures/{slug}/orders", response=list[OrderOut], tags=["orders"])
def venture_order_list(request: HttpRequest, slug: str) -> Any:
    """The venture's orders (its members and operators)."""
    venture = venture_get(slug=slug)
    return list(order_selectors.order_list_for_venture(venture=venture, user=request.user))


@router.get("/daily-runs", response=list[DailyRunOut], auth=OPTIONAL_AUTH, tags=["daily"])
def daily_run_list(
    request: HttpRequest,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
) -> Any:
    """The runs of the daily order contention, newest first, with the solver's bound.
    (Listed here beside the operator's POST, which needs the orders it allocates.)"""
    return list(daily_selectors.daily_run_list()[offset : offset + limit])


@router.post("/daily-runs", response={201: DailyRunOut}, tags=["daily"])
def daily_run_now(request: HttpRequest) -> Any:
    """Run the daily order contention now (operators): allocate every paid standard order
    still waiting for a maker."""
    run = standard_services.daily_contention_run(
        trigger=DailyRunTrigger.OPERATOR, actor=request.user
    )
    return Status(201, run)
