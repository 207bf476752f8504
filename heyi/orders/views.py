"""Pre-order pages (configurator, campaign, my pre-orders) and order pages (order, mine, board)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.core.errors import DomainError
from heyi.demands.models import Demand, DemandStatus
from heyi.demands.selectors import demand_get
from heyi.designs.selectors import Configurator, configurator_get
from heyi.ledger.services import escrow_balances
from heyi.orders import order_selectors, order_services, selectors, services
from heyi.orders.forms import (
    CampaignForm,
    CancelForm,
    ConfiguratorForm,
    DeliverySlotForm,
    OrderAdvanceForm,
    PreOrderForm,
    RatingForm,
    SampleDecisionForm,
)
from heyi.orders.models import CampaignStatus, Order
from heyi.orders.stages import RATING_STAGES, SLOT_STAGES, Party, Stage
from heyi.ventures.selectors import venture_get


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _is_partial(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _quantity(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _price_context(
    demand: Demand, configurator: Configurator, chosen: dict[str, str], quantity: int
) -> dict[str, Any]:
    """The price panel: unit price and total of a choice, or the reason it has no price."""
    try:
        price = selectors.configured_price_get(
            demand=demand, chosen=chosen, configurator=configurator
        )
    except DomainError as error:
        return {"price": None, "price_error": error.message, "quantity": quantity}
    return {
        "price": price,
        "price_error": "",
        "quantity": quantity,
        "total": price.unit_price * quantity,
    }


def _page(
    request: HttpRequest,
    demand: Demand,
    configurator: Configurator,
    *,
    form: PreOrderForm | None = None,
    chosen: dict[str, str] | None = None,
    quantity: int = 1,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    campaign = selectors.campaign_find(demand=demand)
    if form is None:
        form = PreOrderForm(configurator=configurator)
    start_allowed = (
        demand.status == DemandStatus.PRE_ORDER
        and selectors.user_can_start_campaign(demand=demand, user=user)
        and (
            campaign is None
            or campaign.status in (CampaignStatus.EXPIRED, CampaignStatus.CANCELLED)
        )
    )
    context = {
        "demand": demand,
        "configurator": configurator,
        "campaign": campaign,
        "taking_pre_orders": campaign is not None
        and campaign.status == CampaignStatus.OPEN
        and demand.status == DemandStatus.PRE_ORDER,
        "form": form,
        "start_allowed": start_allowed,
        "cancel_allowed": campaign is not None
        and campaign.status == CampaignStatus.OPEN
        and selectors.user_can_start_campaign(demand=demand, user=user),
        "my_units": selectors.preorder_units_for_user(campaign=campaign, user=user)
        if campaign is not None
        else 0,
        **_price_context(demand, configurator, chosen or {}, quantity),
    }
    return render(request, "orders/preorder.html", context, status=status)


def _demand_and_configurator(
    request: HttpRequest, number: int
) -> tuple[Demand, Configurator] | HttpResponse:
    try:
        demand = demand_get(number=number)
        return demand, configurator_get(demand=demand)
    except DomainError as error:
        return _error_page(request, error)


def preorder_page(request: HttpRequest, number: int) -> HttpResponse:
    """GET: the configurator and campaign. POST: place the pre-order (signed in)."""
    found = _demand_and_configurator(request, number)
    if isinstance(found, HttpResponse):
        return found
    demand, configurator = found
    if request.method != "POST":
        return _page(request, demand, configurator)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = PreOrderForm(request.POST, configurator=configurator)
    chosen = form.chosen_loose()
    quantity = _quantity(request.POST.get("quantity"))
    if form.is_valid():
        try:
            pre_order = services.preorder_place(
                demand=demand,
                user=request.user,
                options=form.chosen(),
                quantity=form.cleaned_data["quantity"],
                address=form.cleaned_data["address"],
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
                payment_method=form.cleaned_data["payment_method"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Pre-order P%(number)d is placed: %(quantity)d × %(price)s %(currency)s, "
                    "paid and held in escrow until it becomes an order."
                )
                % {
                    "number": pre_order.number,
                    "quantity": pre_order.quantity,
                    "price": pre_order.unit_price,
                    "currency": pre_order.currency,
                },
            )
            return redirect("orders:mine")
    return _page(
        request, demand, configurator, form=form, chosen=chosen, quantity=quantity, status=422
    )


@require_POST
def configurator_price(request: HttpRequest, number: int) -> HttpResponse:
    """The price of the submitted options: the price panel for the script, else the whole page."""
    found = _demand_and_configurator(request, number)
    if isinstance(found, HttpResponse):
        return found
    demand, configurator = found
    chosen = ConfiguratorForm(request.POST, configurator=configurator).chosen_loose()
    quantity = _quantity(request.POST.get("quantity"))
    if _is_partial(request):
        context = _price_context(demand, configurator, chosen, quantity)
        status = 422 if context["price_error"] else 200
        return render(
            request,
            "orders/preorder.html#price-panel",
            {"demand": demand, **context},
            status=status,
        )
    # Without the script: the same page again, the choice kept and the price shown.
    initial = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    form = PreOrderForm(initial=initial, configurator=configurator)
    return _page(request, demand, configurator, form=form, chosen=chosen, quantity=quantity)


@login_required
def campaign_start(request: HttpRequest, number: int) -> HttpResponse:
    """The author (or an operator) sets the threshold and deadline and opens pre-orders."""
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    if not selectors.user_can_start_campaign(demand=demand, user=request.user):
        return render(
            request,
            "error.html",
            {"message": _("Only the demand's author or an operator starts its pre-orders.")},
            status=403,
        )
    form = CampaignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.campaign_start(
                    demand=demand,
                    user=request.user,
                    threshold=form.cleaned_data["threshold"],
                    deadline=form.cleaned_data["deadline"],
                    max_quantity=form.cleaned_data["max_quantity"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Pre-orders are open."))
                return redirect("orders:preorder", demand.number)
        status = 422
    return render(
        request, "orders/campaign_form.html", {"demand": demand, "form": form}, status=status
    )


@login_required
@require_POST
def campaign_cancel(request: HttpRequest, number: int) -> HttpResponse:
    try:
        demand = demand_get(number=number)
        campaign = selectors.campaign_get_for_demand(demand=demand)
        services.campaign_cancel(
            campaign=campaign, user=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pre-orders are called off; every buyer has been told."))
    return redirect("orders:preorder", number)


@login_required
def preorder_list_mine(request: HttpRequest) -> HttpResponse:
    pre_orders = list(selectors.preorder_list_for_user(user=request.user))
    held = escrow_balances(subject_type="pre_order", subject_uids=[p.uid for p in pre_orders])
    rows = [(pre_order, held[pre_order.uid]) for pre_order in pre_orders]
    return render(request, "orders/mine.html", {"pre_orders": pre_orders, "rows": rows})


@login_required
@require_POST
def preorder_cancel(request: HttpRequest, number: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        pre_order = selectors.preorder_get_for_user(number=number, user=request.user)
        services.preorder_cancel(pre_order=pre_order, user=request.user, reason=reason)
    except DomainError as error:
        if error.status == 404:
            return _error_page(request, error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pre-order P%(number)d is cancelled.") % {"number": number})
    return redirect("orders:mine")


# --- orders -----------------------------------------------------------------------------------


def _order_context(request: HttpRequest, order: Order) -> dict[str, Any]:
    """The order page: its timeline and the forms of the moves the viewer may make."""
    parties = order_selectors.order_parties(order=order, user=request.user)
    is_buyer = Party.USER in parties
    has_rating = hasattr(order, "rating")
    # Logistics' shipment, through the reverse relation (orders do not import logistics). Its
    # one-time delivery code is for the buyer's eyes only, until it is spent.
    shipment = getattr(order, "shipment", None)
    return {
        "delivery_code": shipment.delivery_code
        if is_buyer and shipment is not None and shipment.code_used_at is None
        else "",
        "order": order,
        "events": order_selectors.order_event_list(order=order),
        "moves": order_selectors.order_moves(order=order, parties=parties),
        "advance_form": OrderAdvanceForm(),
        "sample_form": SampleDecisionForm()
        if is_buyer and order.stage == Stage.QUALITY_CHECKED and order.sample_status == "pending"
        else None,
        "slot_form": DeliverySlotForm() if is_buyer and order.stage in SLOT_STAGES else None,
        # An order served from stock has no maker to rate.
        "rating_form": RatingForm()
        if is_buyer and order.stage in RATING_STAGES and not has_rating and order.venture_id
        else None,
        "is_buyer": is_buyer,
        "daily_hour": settings.HEYI_DAILY_CONTENTION_HOUR,
        "held_in_escrow": escrow_balances(subject_type="order", subject_uids=[order.uid])[
            order.uid
        ],
    }


@login_required
def order_detail(request: HttpRequest, number: int) -> HttpResponse:
    try:
        order = order_selectors.order_get_for_viewer(number=number, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(request, "orders/order_detail.html", _order_context(request, order))


@login_required
def order_timeline(request: HttpRequest, number: int) -> HttpResponse:
    """The timeline alone, which the order page fetches every few seconds."""
    try:
        order = order_selectors.order_get_for_viewer(number=number, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "orders/order_timeline.html",
        {"order": order, "events": order_selectors.order_event_list(order=order)},
    )


def _back(request: HttpRequest, order: Order) -> HttpResponse:
    if request.POST.get("next") == "board" and order.venture is not None:
        return redirect("orders:venture_orders", order.venture.slug)
    return redirect("orders:order_detail", order.number)


def _order_action(request: HttpRequest, number: int, action: Any, done: str) -> HttpResponse:
    """Run one action on an order the viewer may see; show its refusal as a message."""
    try:
        order = order_selectors.order_get_for_viewer(number=number, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    try:
        action(order)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _back(request, order)


@login_required
@require_POST
def order_advance(request: HttpRequest, number: int) -> HttpResponse:
    form = OrderAdvanceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the next stage."))
        return redirect("orders:order_detail", number)
    data = form.cleaned_data
    return _order_action(
        request,
        number,
        lambda order: order_services.order_advance(
            order=order,
            actor=request.user,
            to_stage=data["to_stage"],
            note=data["note"],
            photo=data["photo"],
            payment_method=data.get("payment_method") or "",
        ),
        _("The order moved on."),
    )


@login_required
@require_POST
def order_sample(request: HttpRequest, number: int) -> HttpResponse:
    form = SampleDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Approve or reject the sample."))
        return redirect("orders:order_detail", number)
    data = form.cleaned_data
    return _order_action(
        request,
        number,
        lambda order: order_services.order_sample_decide(
            order=order,
            actor=request.user,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
        _("Thank you: the venture has your decision."),
    )


@login_required
@require_POST
def order_delivery_slot(request: HttpRequest, number: int) -> HttpResponse:
    form = DeliverySlotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a delivery day and a time window."))
        return redirect("orders:order_detail", number)
    data = form.cleaned_data
    return _order_action(
        request,
        number,
        lambda order: order_services.order_delivery_slot_choose(
            order=order,
            actor=request.user,
            delivery_date=data["delivery_date"],
            window=data["window"],
        ),
        _("Your delivery slot is saved."),
    )


@login_required
@require_POST
def order_rate(request: HttpRequest, number: int) -> HttpResponse:
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give 1 to 5 stars."))
        return redirect("orders:order_detail", number)
    data = form.cleaned_data
    return _order_action(
        request,
        number,
        lambda order: order_services.order_rate(
            order=order, actor=request.user, stars=data["stars"], comment=data["comment"]
        ),
        _("Thank you for rating."),
    )


@login_required
def order_list_mine(request: HttpRequest) -> HttpResponse:
    orders = order_selectors.order_list_for_user(user=request.user)
    return render(request, "orders/order_list_mine.html", {"orders": orders})


@login_required
def venture_orders(request: HttpRequest, slug: str) -> HttpResponse:
    """The venture's order board: each order with the moves its members may make."""
    try:
        venture = venture_get(slug=slug)
        orders = list(order_selectors.order_list_for_venture(venture=venture, user=request.user))
    except DomainError as error:
        return _error_page(request, error)
    parties = frozenset({Party.VENTURE})
    rows = [
        {"order": order, "moves": order_selectors.order_moves(order=order, parties=parties)}
        for order in orders
    ]
    return render(
        request,
        "orders/order_board.html",
        {"venture": venture, "rows": rows, "advance_form": OrderAdvanceForm()},
    )
