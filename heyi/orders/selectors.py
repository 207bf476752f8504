"""Pre-order reads: campaigns of a demand, a person's pre-orders, and configured prices."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import InvalidInput, NotFound
from heyi.demands.models import Demand
from heyi.designs.pricing import PricingError
from heyi.designs.selectors import Configurator, configurator_get
from heyi.orders.errors import OrdersErrorCode
from heyi.orders.models import (
    LIVE_CAMPAIGN_STATUSES,
    CampaignStatus,
    PreOrder,
    PreOrderCampaign,
    PreOrderStatus,
)


def user_is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def user_can_start_campaign(*, demand: Demand, user: Any) -> bool:
    """The demand's author or an operator starts (and cancels) its pre-order campaign."""
    if not user_is_signed_in(user):
        return False
    return demand.author_id == user.pk or user_is_operator(user)


# --- campaigns --------------------------------------------------------------------------------


def campaign_get(*, uid: uuid.UUID) -> PreOrderCampaign:
    try:
        return PreOrderCampaign.objects.select_related("demand", "started_by").get(uid=uid)
    except PreOrderCampaign.DoesNotExist as error:
        raise NotFound(
            _("No such pre-order campaign."), code=OrdersErrorCode.CAMPAIGN_NOT_FOUND
        ) from error


def campaign_find(*, demand: Demand) -> PreOrderCampaign | None:
    """The demand's live campaign (open or reached), else its latest one, else None."""
    campaigns = PreOrderCampaign.objects.filter(demand=demand).select_related(
        "demand", "started_by"
    )
    live = campaigns.filter(status__in=LIVE_CAMPAIGN_STATUSES).first()
    return live if live is not None else campaigns.order_by("-created_at", "-id").first()


def campaign_get_for_demand(*, demand: Demand) -> PreOrderCampaign:
    """Like campaign_find, but NotFound when the demand never had a campaign."""
    campaign = campaign_find(demand=demand)
    if campaign is None:
        raise NotFound(
            _("Pre-orders have not started for demand #%(number)s.") % {"number": demand.number},
            code=OrdersErrorCode.CAMPAIGN_NOT_FOUND,
        )
    return campaign


def campaign_list_due(*, now: Any) -> QuerySet[PreOrderCampaign]:
    """Open campaigns whose deadline has passed: what the deadline sweep expires."""
    return PreOrderCampaign.objects.filter(status=CampaignStatus.OPEN, deadline__lte=now).order_by(
        "deadline", "id"
    )


def campaign_list_awaiting_tender() -> QuerySet[PreOrderCampaign]:
    """Reached campaigns whose tender is not open yet (its task failed or has not run)."""
    return PreOrderCampaign.objects.filter(
        status=CampaignStatus.REACHED, tender_uid__isnull=True
    ).order_by("reached_at", "id")


# --- pre-orders -------------------------------------------------------------------------------


def _preorder_queryset() -> QuerySet[PreOrder]:
    return PreOrder.objects.select_related("campaign", "campaign__demand", "user")


def preorder_get_for_user(*, number: int, user: Any) -> PreOrder:
    """One of the person's own pre-orders; anybody else's is NotFound, as if it did not exist."""
    if not user_is_signed_in(user):
        raise NotFound(_("No such pre-order."), code=OrdersErrorCode.PRE_ORDER_NOT_FOUND)
    try:
        return _preorder_queryset().get(number=number, user=user)
    except PreOrder.DoesNotExist as error:
        raise NotFound(_("No such pre-order."), code=OrdersErrorCode.PRE_ORDER_NOT_FOUND) from error


def preorder_list_for_user(*, user: Any) -> QuerySet[PreOrder]:
    """The person's pre-orders, newest first, with campaign and demand loaded."""
    if not user_is_signed_in(user):
        return PreOrder.objects.none()
    return _preorder_queryset().filter(user=user).order_by("-created_at", "-id")


def preorder_list_for_campaign(
    *, campaign: PreOrderCampaign, status: str | None = None
) -> QuerySet[PreOrder]:
    """A campaign's pre-orders, oldest first (for the services and the tender's quantity)."""
    pre_orders = _preorder_queryset().filter(campaign=campaign)
    if status is not None:
        pre_orders = pre_orders.filter(status=status)
    return pre_orders.order_by("created_at", "id")


def preorder_units_for_user(*, campaign: PreOrderCampaign, user: Any) -> int:
    """How many units the person has pre-ordered (and not cancelled) in the campaign."""
    if not user_is_signed_in(user):
        return 0
    return sum(
        PreOrder.objects.filter(campaign=campaign, user=user)
        .exclude(status=PreOrderStatus.CANCELLED)
        .values_list("quantity", flat=True)
    )


# --- configured prices ------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfiguredPrice:
    """A full choice (every group, defaults filled in) and its unit price."""

    options: dict[str, str]
    unit_price: Decimal
    currency: str


def options_resolve(*, configurator: Configurator, chosen: Any) -> dict[str, str]:
    """Check a choice against the configurator and fill in the defaults of groups left out.

    Raises InvalidInput(option_invalid) for anything not a mapping of text to text, an unknown
    group or value, or a group left out that has no default.
    """
    if chosen is None:
        chosen = {}
    if not isinstance(chosen, dict) or not all(
        isinstance(group, str) and isinstance(value, str) for group, value in chosen.items()
    ):
        raise InvalidInput(
            _("Options must map each option group to the chosen value."),
            code=OrdersErrorCode.OPTION_INVALID,
        )
    groups = {group.name: group for group in configurator.groups}
    resolved: dict[str, str] = {}
    for group, value in chosen.items():
        if group not in groups:
            raise InvalidInput(
                _("This design has no option group “%(group)s”.") % {"group": group},
                code=OrdersErrorCode.OPTION_INVALID,
            )
        if not any(option.value == value for option in groups[group].options):
            raise InvalidInput(
                _("“%(group)s” has no value “%(value)s”.") % {"group": group, "value": value},
                code=OrdersErrorCode.OPTION_INVALID,
            )
    for name, group in groups.items():
        if name in chosen:
            resolved[name] = chosen[name]
        elif group.default is not None:
            resolved[name] = group.default.value
        else:
            raise InvalidInput(
                _("Choose a value for “%(group)s”.") % {"group": name},
                code=OrdersErrorCode.OPTION_INVALID,
            )
    return resolved


def configured_price_get(
    *, demand: Demand, chosen: Any, configurator: Configurator | None = None
) -> ConfiguredPrice:
    """The unit price of a choice of the demand's chosen design, computed by the configurator."""
    if configurator is None:
        configurator = configurator_get(demand=demand)
    options = options_resolve(configurator=configurator, chosen=chosen)
    try:
        unit_price = configurator.price(options)
    except PricingError as error:
        raise InvalidInput(error.message, code=OrdersErrorCode.OPTION_INVALID) from error
    return ConfiguredPrice(options=options, unit_price=unit_price, currency=configurator.currency)
