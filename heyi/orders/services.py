"""Pre-order writes: campaigns start, pre-orders are placed and cancelled, campaigns reach or expire.

A campaign is the pre-order window of a demand whose design has been chosen (the demand is in
pre-order). Each pre-order adds its units to the campaign under a row lock; the pre-order that
brings the campaign to its threshold marks it reached in the same transaction and, after commit,
the task `campaign_tender_open` opens the production tender and moves the demand to contention.

When the deadline passes first, the deadline sweep (tasks.campaign_deadline_sweep) expires the
campaign: every live pre-order is cancelled and its owner gets one e-mail. The demand stays in
pre-order rather than being declined: the design was chosen and still stands, and the author may
start a new campaign (a lower threshold, a later deadline) without going back to co-design. A
demand that should not go on can still be declined by its author or an operator; that is their
decision, not something a missed deadline should take for them.

Money (the ledger, ADR 10): a pre-order is paid when it is placed, into its own escrow
(`preorder:<uid>:pay`; the wallet first, the rest charged, a declined card writes nothing). Every
path that cancels a pre-order (its buyer, a campaign called off or expired, a tender with no
award or too little capacity) gives that escrow back (`preorder:<uid>:refund`), to the card for
what the card paid. The production tender's share rule is published as the tender opens, before
any bid.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.contention.models import SubjectType
from heyi.contention.scoring import KNOWN_CRITERIA, Criterion, ScoringRule
from heyi.contention.services import tender_create, tender_publish
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, NotFound, PermissionDenied
from heyi.core.numbering import number_next, numbered_create
from heyi.core.text import text_clean
from heyi.demands.models import Demand, DemandStatus
from heyi.demands.services import demand_status_change
from heyi.designs.selectors import configurator_get
from heyi.ledger import services as ledger
from heyi.ledger.models import Account
from heyi.notifications.services import Notice, notification_send_many
from heyi.orders import fulfilment, selectors
from heyi.orders.errors import OrdersError, OrdersErrorCode
from heyi.orders.models import (
    LIVE_CAMPAIGN_STATUSES,
    CampaignStatus,
    PreOrder,
    PreOrderCampaign,
    PreOrderStatus,
)

logger = logging.getLogger(__name__)

THRESHOLD_MAX = 1_000_000
DEADLINE_MAX_DAYS = 366
# No one person pre-orders more than this many units at once; a campaign may set a lower cap.
QUANTITY_MAX = 100
DEFAULT_MAX_QUANTITY = 10
ADDRESS_MAX = 300
REASON_MAX = 500
NUMBER_ATTEMPTS = 5
COORDINATE_PLACES = Decimal("0.000001")
# How long the production tender stays open, unless settings.HEYI_PRODUCTION_TENDER_HOURS says.
DEFAULT_TENDER_HOURS = 72
# The published default rule for production tenders: price matters most, then lead time, then
# the venture's record (on-time deliveries and ratings).
DEFAULT_RULE_WEIGHTS: dict[str, str] = {
    "unit_price": "0.5",
    "lead_time_days": "0.2",
    "on_time_rate": "0.15",
    "rating": "0.15",
}


# --- shared checks ----------------------------------------------------------------------------


def _require_signed_in(user: Any) -> None:
    if not selectors.user_is_signed_in(user):
        raise OrdersError(OrdersErrorCode.NOT_AUTHENTICATED, _("Sign in to pre-order."), status=401)


def _require_pre_order_status(demand: Demand) -> None:
    if demand.status != DemandStatus.PRE_ORDER:
        raise OrdersError(
            OrdersErrorCode.DEMAND_NOT_IN_PRE_ORDER,
            _("Demand #%(number)d is not taking pre-orders.") % {"number": demand.number},
        )


def _whole_number(value: Any, *, low: int, high: int, code: str, message: str) -> int:
    """An int within [low, high]; booleans and text are refused, not coerced."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(message, code=code)
    return value


def _coordinate(value: Any, *, limit: int, code: str, message: str) -> Decimal:
    """A latitude or longitude as a Decimal with 6 places, within ±limit."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput(message, code=code)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise InvalidInput(message, code=code) from error
    if not number.is_finite() or not -limit <= number <= limit:
        raise InvalidInput(message, code=code)
    return number.quantize(COORDINATE_PLACES)


def delivery_point_clean(
    *, address: Any, latitude: Any, longitude: Any
) -> tuple[str, Decimal, Decimal]:
    """The written address and the point on the map where an order is delivered."""
    address = text_clean(value=address, field=_("Delivery address"), max_length=ADDRESS_MAX)
    latitude = _coordinate(
        latitude,
        limit=90,
        code=OrdersErrorCode.LATITUDE_INVALID,
        message=_("The latitude must be a number from -90 to 90."),
    )
    longitude = _coordinate(
        longitude,
        limit=180,
        code=OrdersErrorCode.LONGITUDE_INVALID,
        message=_("The longitude must be a number from -180 to 180."),
    )
    return address, latitude, longitude


def quantity_clean(quantity: Any) -> int:
    return _whole_number(
        quantity,
        low=1,
        high=QUANTITY_MAX,
        code=OrdersErrorCode.QUANTITY_INVALID,
        message=_("The quantity must be a whole number from 1 to %(max)d.") % {"max": QUANTITY_MAX},
    )


def _audit(
    type: str, summary: str, *, actor: Any, subject: Any, demand: Demand, **data: Any
) -> None:
    """Record an event in the demand's trace.

    Campaign events are public. A single pre-order's events are kept for auditors and operators
    only (is_public=False): what one person bought, or cancelled, is nobody else's business,
    and the public trace already shows the campaign's units when it starts, reaches or expires.
    """
    audit_record(
        type=type,
        summary=summary,
        actor=actor,
        subject=subject,
        demand_uid=demand.uid,
        data=data,
        is_public=not type.startswith("orders.preorder."),
    )


# --- campaigns --------------------------------------------------------------------------------


def default_scoring_rule() -> ScoringRule:
    """The published default rule of production tenders (directions from scoring.KNOWN_CRITERIA)."""
    return ScoringRule(
        version=1,
        criteria=tuple(
            Criterion(name=name, weight=Decimal(weight), direction=KNOWN_CRITERIA[name])
            for name, weight in DEFAULT_RULE_WEIGHTS.items()
        ),
    )


def tender_window() -> timedelta:
    hours = int(getattr(settings, "HEYI_PRODUCTION_TENDER_HOURS", DEFAULT_TENDER_HOURS))
    return timedelta(hours=hours)


@transaction.atomic
def campaign_start(
    *,
    demand: Demand,
    user: Any,
    threshold: int,
    deadline: datetime,
    max_quantity: int = DEFAULT_MAX_QUANTITY,
) -> PreOrderCampaign:
    """Open pre-orders on a demand whose design is chosen: by its author or an operator.

    The threshold is in units; the deadline is an aware moment in the future (within a year).
    A demand has one live campaign at a time; after one expires or is cancelled a new one may
    start.
    """
    _require_signed_in(user)
    if not selectors.user_can_start_campaign(demand=demand, user=user):
        raise PermissionDenied(
            _("Only the demand's author or an operator starts its pre-orders."),
            code=OrdersErrorCode.NOT_AUTHOR_OR_OPERATOR,
        )
    threshold = _whole_number(
        threshold,
        low=1,
        high=THRESHOLD_MAX,
        code=OrdersErrorCode.THRESHOLD_INVALID,
        message=_("The threshold must be a whole number of units from 1 to %(max)d.")
        % {"max": THRESHOLD_MAX},
    )
    max_quantity = _whole_number(
        max_quantity,
        low=1,
        high=QUANTITY_MAX,
        code=OrdersErrorCode.MAX_QUANTITY_INVALID,
        message=_("The largest quantity per pre-order must be from 1 to %(max)d.")
        % {"max": QUANTITY_MAX},
    )
    now = timezone.now()
    if not isinstance(deadline, datetime) or timezone.is_naive(deadline):
        raise InvalidInput(
            _("The deadline must be a date and time with its time zone."),
            code=OrdersErrorCode.DEADLINE_INVALID,
        )
    if deadline <= now:
        raise InvalidInput(
            _("The deadline must be in the future."), code=OrdersErrorCode.DEADLINE_INVALID
        )
    if deadline > now + timedelta(days=DEADLINE_MAX_DAYS):
        raise InvalidInput(
            _("The deadline must be within %(days)d days.") % {"days": DEADLINE_MAX_DAYS},
            code=OrdersErrorCode.DEADLINE_INVALID,
        )
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    _require_pre_order_status(demand)
    configurator_get(demand=demand)  # NotFound when no design has been chosen
    if PreOrderCampaign.objects.filter(demand=demand, status__in=LIVE_CAMPAIGN_STATUSES).exists():
        raise OrdersError(
            OrdersErrorCode.CAMPAIGN_ALREADY_LIVE,
            _("Pre-orders for demand #%(number)d have already started.")
            % {"number": demand.number},
        )
    try:
        with transaction.atomic():
            campaign = PreOrderCampaign.objects.create(
                demand=demand,
                started_by=user,
                threshold=threshold,
                deadline=deadline,
                max_quantity=max_quantity,
            )
    except IntegrityError as error:
        raise OrdersError(
            OrdersErrorCode.CAMPAIGN_ALREADY_LIVE,
            _("Pre-orders for demand #%(number)d have already started.")
            % {"number": demand.number},
        ) from error
    _audit(
        "orders.campaign.started",
        f"{user.name} opened pre-orders on #{demand.number}: {threshold} units "
        f"by {deadline.isoformat()}",
        actor=user,
        subject=campaign,
        demand=demand,
        threshold=threshold,
        deadline=deadline.isoformat(),
        max_quantity=max_quantity,
    )
    return campaign


def _campaign_lock(campaign: PreOrderCampaign) -> PreOrderCampaign:
    return (
        PreOrderCampaign.objects.select_for_update(of=("self",))
        .select_related("demand")
        .get(pk=campaign.pk)
    )


def _live_campaign_lock(demand: Demand) -> PreOrderCampaign:
    campaign = (
        PreOrderCampaign.objects.select_for_update(of=("self",))
        .select_related("demand")
        .filter(demand=demand, status__in=LIVE_CAMPAIGN_STATUSES)
        .first()
    )
    if campaign is None:
        raise NotFound(
            _("Pre-orders have not started for demand #%(number)d.") % {"number": demand.number},
            code=OrdersErrorCode.CAMPAIGN_NOT_FOUND,
        )
    return campaign


def preorders_cancelled_notice(*, person: Any, demand: Demand, lines: str, reason: str) -> Notice:
    """The notice to one person whose pre-orders (`lines`, one per pre-order) were cancelled."""
    return Notice(
        user=person,
        kind="orders.preorder.cancelled",
        title=_("Your pre-order for #%(number)d was cancelled") % {"number": demand.number},
        body=_(
            "Your pre-orders for demand #%(number)d “%(title)s” were cancelled:\n%(lines)s\n\n"
            "Reason: %(reason)s\n\nNothing will be charged, and any money held for them is "
            "returned."
        )
        % {"number": demand.number, "title": demand.title, "lines": lines, "reason": reason},
        url=f"/demands/{demand.number}/",
    )


def notices_send(notices: list[Notice]) -> None:
    """Tell people on the site, with e-mail copies after commit (nobody is told of a change that
    rolled back: the notices are written in the caller's transaction)."""
    if notices:
        notification_send_many(notices=notices)


def preorder_escrow(*, pre_order: PreOrder) -> Account:
    """The escrow holding what the buyer paid for a pre-order until it becomes an order."""
    return ledger.escrow_account(
        subject_type="pre_order",
        subject_uid=pre_order.uid,
        label=f"P{pre_order.number}",
        currency=pre_order.currency,
    )


def preorder_refund(*, pre_order: PreOrder, reason: str, actor: Any = None) -> None:
    """Give a cancelled pre-order's money back: its escrow to the buyer's wallet, and from there
    back to the card for what the pre-order charged (once: the key makes a retry a no-op)."""
    ledger.refund_to_payer(
        user=pre_order.user,
        source=preorder_escrow(pre_order=pre_order),
        memo=_("Refund of pre-order P%(number)d: %(reason)s")
        % {"number": pre_order.number, "reason": reason},
        idempotency_key=f"preorder:{pre_order.uid}:refund",
        charges_of=[("pre_order", pre_order.uid)],
        actor=actor,
        subject_type="pre_order",
        subject_uid=pre_order.uid,
    )


def _campaign_close(
    *, campaign: PreOrderCampaign, status: str, reason: str, actor: Any, now: datetime
) -> list[PreOrder]:
    """Cancel every placed pre-order of a locked campaign, close it, and queue one mail per user.

    The counters keep the units the campaign had gathered when it closed, as its public record.
    """
    demand = campaign.demand
    cancelled = list(
        selectors.preorder_list_for_campaign(campaign=campaign, status=PreOrderStatus.PLACED)
        .select_for_update(of=("self",))
        .select_related("user")
        .order_by("id")
    )
    PreOrder.objects.filter(pk__in=[p.pk for p in cancelled]).update(
        status=PreOrderStatus.CANCELLED, cancelled_at=now, cancel_reason=reason, updated_at=now
    )
    for pre_order in cancelled:
        preorder_refund(pre_order=pre_order, reason=reason, actor=actor)
        _audit(
            "orders.preorder.cancelled",
            f"P{pre_order.number} on #{demand.number} was cancelled: {reason}",
            actor=actor,
            subject=pre_order,
            demand=demand,
            number=pre_order.number,
            quantity=pre_order.quantity,
            reason=reason,
        )
    campaign.status = status
    campaign.closed_at = now
    campaign.close_reason = reason
    campaign.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])

    by_user: dict[int, list[PreOrder]] = {}
    for pre_order in cancelled:
        by_user.setdefault(pre_order.user_id, []).append(pre_order)
    notices = []
    for pre_orders in by_user.values():
        person = pre_orders[0].user
        lines = "\n".join(
            _("  P%(number)d: %(quantity)d × %(price)s %(currency)s")
            % {
                "number": p.number,
                "quantity": p.quantity,
                "price": p.unit_price,
                "currency": p.currency,
            }
            for p in pre_orders
        )
        notices.append(
            preorders_cancelled_notice(person=person, demand=demand, lines=lines, reason=reason)
        )
    notices_send(notices)
    return cancelled


@transaction.atomic
def campaign_cancel(*, campaign: PreOrderCampaign, user: Any, reason: str) -> PreOrderCampaign:
    """The author or an operator calls pre-orders off while open; every pre-order is cancelled."""
    _require_signed_in(user)
    if not selectors.user_can_start_campaign(demand=campaign.demand, user=user):
        raise PermissionDenied(
            _("Only the demand's author or an operator cancels its pre-orders."),
            code=OrdersErrorCode.NOT_AUTHOR_OR_OPERATOR,
        )
    reason = text_clean(value=reason, field=_("Reason"), max_length=REASON_MAX)
    campaign = _campaign_lock(campaign)
    if campaign.status != CampaignStatus.OPEN:
        raise OrdersError(
            OrdersErrorCode.CAMPAIGN_NOT_OPEN, _("These pre-orders are no longer open.")
        )
    cancelled = _campaign_close(
        campaign=campaign,
        status=CampaignStatus.CANCELLED,
        reason=reason,
        actor=user,
        now=timezone.now(),
    )
    _audit(
        "orders.campaign.cancelled",
        f"{user.name} called off pre-orders on #{campaign.demand.number}: {reason}",
        actor=user,
        subject=campaign,
        demand=campaign.demand,
        reason=reason,
        pre_orders_cancelled=len(cancelled),
    )
    return campaign


@transaction.atomic
def campaign_expire(*, campaign_id: int, now: datetime | None = None) -> bool:
    """Expire one open campaign whose deadline has passed; False when there is nothing to do.

    Idempotent: the row is re-read under lock, so a second sweep (or two at once) skips it.
    """
    now = now or timezone.now()
    campaign = (
        PreOrderCampaign.objects.select_for_update(of=("self",))
        .select_related("demand")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None or campaign.status != CampaignStatus.OPEN or campaign.deadline > now:
        return False
    reason = _("The pre-order threshold was not reached by the deadline.")
    cancelled = _campaign_close(
        campaign=campaign, status=CampaignStatus.EXPIRED, reason=reason, actor=None, now=now
    )
    _audit(
        "orders.campaign.expired",
        f"Pre-orders on #{campaign.demand.number} expired at "
        f"{campaign.units_pre_ordered}/{campaign.threshold} units",
        actor=None,
        subject=campaign,
        demand=campaign.demand,
        units=campaign.units_pre_ordered,
        threshold=campaign.threshold,
        pre_orders_cancelled=len(cancelled),
    )
    return True


def _tender_requirements(*, campaign: PreOrderCampaign, placed: list[PreOrder]) -> str:
    """What bidders make: the chosen design and how many units of each configuration."""
    demand = campaign.demand
    configurator = configurator_get(demand=demand)
    units: dict[tuple[tuple[str, str], ...], int] = {}
    for pre_order in placed:
        key = tuple(sorted(pre_order.options.items()))
        units[key] = units.get(key, 0) + pre_order.quantity
    lines = [
        f"Demand #{demand.number}: {demand.title}",
        f"Design: {configurator.selection.proposal.title}, version {configurator.version.number}",
        "Configurations pre-ordered:",
    ]
    for key, count in sorted(units.items()):
        described = ", ".join(f"{group}: {value}" for group, value in key) or "as designed"
        lines.append(f"- {count} × {described}")
    lines.append(f"Delivery to {len(placed)} pre-order addresses.")
    return "\n".join(lines)


def _tender_open(
    *, campaign: PreOrderCampaign, placed: list[PreOrder], quantity: int, now: datetime
) -> uuid.UUID:
    """Create and publish the production tender through the contention engine; return its uid.

    It opens for bids at once (its opening time is now) under the published default rule.
    """
    demand = campaign.demand
    tender = tender_create(
        subject_type=SubjectType.DEMAND_PRODUCTION,
        subject_uid=demand.uid,
        demand_uid=demand.uid,
        title=f"Production of #{demand.number}: {demand.title}"[:200],
        requirements=_tender_requirements(campaign=campaign, placed=placed),
        quantity=quantity,
        opens_at=now,
        closes_at=now + tender_window(),
        rule=default_scoring_rule(),
        created_by=None,
        # Production goes to maker ventures of the demand's category that are still trading.
        categories=[demand.category.slug],
        venture_kinds=["maker"],
        venture_statuses=["incubating", "accelerating", "raising", "spun_off"],
    )
    # The share rule is frozen with the tender before anyone can bid: bidders know how the
    # order's money will be shared when they price their bid.
    ledger.share_rule_for_tender(tender_uid=tender.uid)
    tender = tender_publish(tender=tender)
    return tender.uid


@transaction.atomic
def campaign_tender_open(*, campaign_id: int) -> PreOrderCampaign | None:
    """Open the production tender of a reached campaign, confirm its pre-orders, and move the
    demand on to contention. Idempotent: a campaign whose tender is open is left as it is.
    """
    campaign = (
        PreOrderCampaign.objects.select_for_update(of=("self",))
        .select_related("demand")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None or campaign.status != CampaignStatus.REACHED or campaign.tender_uid:
        return campaign
    now = timezone.now()
    placed = list(
        selectors.preorder_list_for_campaign(campaign=campaign, status=PreOrderStatus.PLACED)
    )
    quantity = sum(p.quantity for p in placed)
    tender_uid = _tender_open(campaign=campaign, placed=placed, quantity=quantity, now=now)
    PreOrder.objects.filter(pk__in=[p.pk for p in placed]).update(
        status=PreOrderStatus.CONFIRMED, confirmed_at=now, updated_at=now
    )
    campaign.tender_uid = tender_uid
    campaign.tender_opened_at = now
    campaign.save(update_fields=["tender_uid", "tender_opened_at", "updated_at"])
    demand_status_change(
        demand=campaign.demand,
        to_status=DemandStatus.CONTENTION,
        actor=None,
        reason=f"{quantity} units pre-ordered: the production tender is open.",
    )
    _audit(
        "orders.campaign.tender_opened",
        f"The production tender for #{campaign.demand.number} opened for {quantity} units",
        actor=None,
        subject=campaign,
        demand=campaign.demand,
        tender_uid=str(tender_uid),
        quantity=quantity,
        pre_orders_confirmed=len(placed),
    )
    return campaign


# --- pre-orders -------------------------------------------------------------------------------


def _preorder_number_next() -> int:
    return number_next(PreOrder)


def _preorder_insert(**fields: Any) -> PreOrder:
    """Insert with the next free number; a clash with a concurrent insert reads again."""
    created = numbered_create(
        PreOrder, attempts=NUMBER_ATTEMPTS, next_number=lambda: _preorder_number_next(), **fields
    )
    if created is not None:
        return created
    raise OrdersError(
        OrdersErrorCode.NUMBER_ALLOCATION_FAILED,
        _("Many pre-orders are being placed right now; please try again."),
    )


def _campaign_reached_on_commit(campaign_id: int) -> None:
    from heyi.orders.tasks import campaign_tender_open as open_task

    open_task.enqueue(campaign_id)


@transaction.atomic
def preorder_place(
    *,
    demand: Demand,
    user: Any,
    options: Any,
    quantity: int,
    address: str,
    latitude: Any,
    longitude: Any,
    payment_method: str = "",
) -> PreOrder:
    """Pre-order a configured product: the options (group → value; groups left out take their
    default), a quantity, and where to deliver it (written address and a point on the map).

    The unit price comes from the design's configurator. The total is paid at once into the
    pre-order's escrow (from the wallet first, the rest charged to `payment_method`, the
    provider's default when empty); a declined payment raises LedgerError 402 and nothing is
    written. The campaign row is locked while the
    units are added, so of two pre-orders arriving together exactly one reaches the threshold:
    that one marks the campaign reached, and after commit the tender task runs.
    """
    _require_signed_in(user)
    address, latitude, longitude = delivery_point_clean(
        address=address, latitude=latitude, longitude=longitude
    )
    quantity = quantity_clean(quantity)
    # A point no station serves is refused (when a network exists) before anything is written.
    fulfilment.quote(quantity=quantity, latitude=latitude, longitude=longitude, lead_time_days=0)
    campaign = _live_campaign_lock(demand)
    demand = campaign.demand
    now = timezone.now()
    if campaign.status != CampaignStatus.OPEN:
        raise OrdersError(
            OrdersErrorCode.CAMPAIGN_NOT_OPEN,
            _("Pre-orders for #%(number)d have reached their threshold; the tender opens next.")
            % {"number": demand.number},
        )
    if campaign.deadline <= now:
        raise OrdersError(
            OrdersErrorCode.CAMPAIGN_DEADLINE_PASSED,
            _("The pre-order deadline for #%(number)d has passed.") % {"number": demand.number},
        )
    _require_pre_order_status(demand)
    if quantity > campaign.max_quantity:
        raise InvalidInput(
            _("At most %(max)d units per pre-order.") % {"max": campaign.max_quantity},
            code=OrdersErrorCode.QUANTITY_INVALID,
        )
    price = selectors.configured_price_get(demand=demand, chosen=options)
    pre_order = _preorder_insert(
        campaign=campaign,
        user=user,
        options=price.options,
        quantity=quantity,
        unit_price=price.unit_price,
        total=price.unit_price * quantity,
        currency=price.currency,
        address=address,
        latitude=latitude,
        longitude=longitude,
    )
    if pre_order.total > 0:
        ledger.payment_collect(
            user=user,
            amount=pre_order.total,
            currency=pre_order.currency,
            into=preorder_escrow(pre_order=pre_order),
            memo=_("Pre-order P%(number)d of #%(demand)d")
            % {"number": pre_order.number, "demand": demand.number},
            idempotency_key=f"preorder:{pre_order.uid}:pay",
            method=payment_method,
            subject_type="pre_order",
            subject_uid=pre_order.uid,
        )
    PreOrderCampaign.objects.filter(pk=campaign.pk).update(
        units_pre_ordered=F("units_pre_ordered") + quantity,
        pre_order_count=F("pre_order_count") + 1,
        updated_at=now,
    )
    campaign.refresh_from_db(fields=["units_pre_ordered", "pre_order_count"])
    _audit(
        "orders.preorder.placed",
        f"P{pre_order.number}: {quantity} units of #{demand.number} pre-ordered",
        actor=user,
        subject=pre_order,
        demand=demand,
        number=pre_order.number,
        quantity=quantity,
        units=campaign.units_pre_ordered,
        threshold=campaign.threshold,
    )
    if campaign.units_pre_ordered >= campaign.threshold:
        campaign.status = CampaignStatus.REACHED
        campaign.reached_at = now
        campaign.save(update_fields=["status", "reached_at", "updated_at"])
        _audit(
            "orders.campaign.reached",
            f"Pre-orders on #{demand.number} reached {campaign.units_pre_ordered} of "
            f"{campaign.threshold} units",
            actor=None,
            subject=campaign,
            demand=demand,
            units=campaign.units_pre_ordered,
            threshold=campaign.threshold,
        )
        campaign_id = campaign.pk
        # robust: a queue that cannot take the task must not fail a committed pre-order; the
        # deadline sweep opens tenders of reached campaigns that are still waiting.
        transaction.on_commit(lambda: _campaign_reached_on_commit(campaign_id), robust=True)
    pre_order.campaign = campaign
    return pre_order


@transaction.atomic
def preorder_cancel(*, pre_order: PreOrder, user: Any, reason: str = "") -> PreOrder:
    """The owner cancels a placed pre-order while its campaign is still open."""
    _require_signed_in(user)
    if pre_order.user_id != user.pk:
        raise PermissionDenied(
            _("Only the person who placed a pre-order may cancel it."),
            code=OrdersErrorCode.NOT_PRE_ORDER_OWNER,
        )
    reason = text_clean(value=reason, field=_("Reason"), max_length=REASON_MAX, required=False)
    # The campaign first, then the pre-order: the same order as preorder_place takes them in.
    campaign = _campaign_lock(pre_order.campaign)
    pre_order = PreOrder.objects.select_for_update().get(pk=pre_order.pk)
    if pre_order.status != PreOrderStatus.PLACED or campaign.status != CampaignStatus.OPEN:
        raise OrdersError(
            OrdersErrorCode.PRE_ORDER_NOT_CANCELLABLE,
            _("Pre-order P%(number)d can no longer be cancelled.") % {"number": pre_order.number},
        )
    now = timezone.now()
    pre_order.status = PreOrderStatus.CANCELLED
    pre_order.cancelled_at = now
    pre_order.cancel_reason = reason or _("Cancelled by the buyer.")
    pre_order.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    preorder_refund(pre_order=pre_order, reason=pre_order.cancel_reason, actor=user)
    PreOrderCampaign.objects.filter(pk=campaign.pk).update(
        units_pre_ordered=F("units_pre_ordered") - pre_order.quantity,
        pre_order_count=F("pre_order_count") - 1,
        updated_at=now,
    )
    _audit(
        "orders.preorder.cancelled",
        f"P{pre_order.number} on #{campaign.demand.number} was cancelled by its buyer",
        actor=user,
        subject=pre_order,
        demand=campaign.demand,
        number=pre_order.number,
        quantity=pre_order.quantity,
        reason=pre_order.cancel_reason,
    )
    pre_order.campaign = campaign
    campaign.refresh_from_db(fields=["units_pre_ordered", "pre_order_count"])
    return pre_order
