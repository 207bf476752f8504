"""Order writes: orders from an awarded production tender, stage moves, and the user's parts.

From an award (`order_award_apply`, registered with contention's award handlers):

- awarded: every confirmed pre-order of the campaign becomes one Order for a winning venture.
  The user pays what they pre-ordered (the configured unit price); the venture's awarded unit
  price is kept beside it as `maker_unit_price` for the ledger. Payment is recorded as a state
  here: each order is written at `placed`, then `paid` (the pre-order's money) and `confirmed`
  (the award) are recorded by the platform, so the timeline starts with three steps and the
  order rests at `confirmed`. The demand moves contention → in_production.

  Allocation for a split award (several AwardLines): pre-orders are taken largest first (ties:
  lower pre-order number first) and each goes whole to the first award line, in rank order,
  whose remaining awarded units cover it (first-fit decreasing, which packs best). A pre-order
  no line's remaining units cover goes whole to the first line, in rank order, whose bid
  capacity still has room for it: the venture said it could make that many. A pre-order is
  never split across ventures (one pre-order, one order, one maker, one delivery); if neither
  the award nor the bid capacities cover it whole — an award short of capacity — it is
  cancelled, and its owner told, as part of the published shortfall.

- no award (nobody bid): the campaign is closed (status cancelled, with the reason), its
  confirmed pre-orders are cancelled and each owner gets one e-mail, and the demand goes back
  contention → pre_order: the design still stands, and its author may start new pre-orders.

Both are idempotent and run in their own transaction (the handler runs after the award's commit):
a second call finds the campaign's pre-orders already turned into orders or cancelled.

Money (the ledger, ADR 10): each pre-order's escrow moves whole into its order's escrow
(`order:<uid>:from-preorder`); a cancelled pre-order's escrow goes back to its buyer. An order
keeps the share rule its money will be shared by: the tender's, published when it opened, or
for a standard order the default standard rule in force when it was placed. A standard order
is paid into its escrow when it moves to `paid`; a paid order that is cancelled is refunded at
once (cancelled → refunded, the escrow back to the buyer).

Stage moves (`order_advance`) follow heyi.orders.stages; each writes an OrderEvent and an audit
event `orders.order.stage_advanced`, under a row lock on the order so two moves cannot race.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heyi.contention.models import AwardLine, Tender, TenderStatus
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, PermissionDenied
from heyi.core.numbering import number_block
from heyi.core.pictures import picture_validate
from heyi.core.text import text_clean
from heyi.demands.models import DemandStatus
from heyi.demands.services import demand_status_change
from heyi.ledger import services as ledger
from heyi.ledger.models import Account, PostingKind
from heyi.notifications.services import Notice
from heyi.orders import fulfilment, order_selectors, stage_hooks
from heyi.orders.errors import OrdersError, OrdersErrorCode
from heyi.orders.models import (
    CampaignStatus,
    DeliveryWindow,
    Fulfilment,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderRating,
    OrderStage,
    PreOrder,
    PreOrderCampaign,
    PreOrderStatus,
    SampleStatus,
)
from heyi.orders.services import (
    notices_send,
    preorder_escrow,
    preorder_refund,
    preorders_cancelled_notice,
)
from heyi.orders.stages import (
    RATING_STAGES,
    SLOT_STAGES,
    Party,
    Stage,
    StageError,
    transition_check,
)
from heyi.ventures.selectors import member_list

logger = logging.getLogger(__name__)

NOTE_MAX = 2000
COMMENT_MAX = 1000
NUMBER_ATTEMPTS = 5
# A delivery slot is chosen at least a day ahead and at most 60 days ahead.
SLOT_DAYS_MAX = 60


def demand_uid_of(order: Order) -> Any:
    """The demand an order's trace rows belong to; standard orders have none."""
    return order.demand.uid if order.demand is not None else None


def _maker(order: Order) -> str:
    return order.venture.name if order.venture is not None else _("the daily contention")


def _maker_slug(order: Order) -> str:
    return order.venture.slug if order.venture is not None else ""


def _audit_stage(*, order: Order, actor: Any, party: str, from_stage: str, to_stage: str) -> None:
    """The public trace shows the venture and the stage, never who bought."""
    audit_record(
        type="orders.order.stage_advanced",
        summary=f"Order O{order.number} by {_maker(order)} moved from {from_stage} to {to_stage}",
        actor=actor,
        subject=order,
        demand_uid=demand_uid_of(order),
        data={
            "number": order.number,
            "venture": _maker_slug(order),
            "from_stage": from_stage,
            "to_stage": to_stage,
            "party": party,
        },
    )


# The stages the buyer is told about by e-mail (when someone else made the move), and why.
USER_NOTICES: dict[str, Any] = {
    Stage.QUALITY_CHECKED: gettext_lazy("The sample of your order is ready: please approve it."),
    Stage.SHIPPED: gettext_lazy("Your order has shipped."),
    Stage.OUT_FOR_DELIVERY: gettext_lazy("Your order is out for delivery today."),
    Stage.EXCEPTION: gettext_lazy("Your order has a problem the venture is handling."),
    Stage.CANCELLED: gettext_lazy("Your order was cancelled."),
    Stage.REFUNDED: gettext_lazy("Your order was refunded."),
}


def _user_notice(order: Order, to_stage: str, note: str) -> Notice:
    title = _("Order O%(number)d: %(stage)s") % {
        "number": order.number,
        "stage": OrderStage(to_stage).label,
    }
    body = str(USER_NOTICES[to_stage]) + (f"\n\n{note}" if note else "")
    return Notice(
        user=order.user,
        kind=f"orders.order.{to_stage}",
        title=title,
        body=body,
        url=f"/orders/{order.number}/",
    )


# --- from the award ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    """Which award line makes each pre-order; the pre-orders no capacity covers whole."""

    lines: dict[int, AwardLine]  # pre-order id → award line
    unserved: list[PreOrder]


def allocation_plan(*, pre_orders: Iterable[PreOrder], lines: list[AwardLine]) -> Allocation:
    """Allocate whole pre-orders to award lines (see the module docstring for the rule)."""
    ranked = sorted(lines, key=lambda line: line.rank)
    remaining = {line.pk: line.quantity for line in ranked}
    room = {line.pk: line.bid.capacity for line in ranked}
    chosen: dict[int, AwardLine] = {}
    unserved: list[PreOrder] = []
    for pre_order in sorted(pre_orders, key=lambda p: (-p.quantity, p.number)):
        line = next((x for x in ranked if remaining[x.pk] >= pre_order.quantity), None)
        if line is None:
            line = next((x for x in ranked if room[x.pk] >= pre_order.quantity), None)
        if line is None:
            unserved.append(pre_order)
            continue
        chosen[pre_order.pk] = line
        remaining[line.pk] = max(0, remaining[line.pk] - pre_order.quantity)
        room[line.pk] -= pre_order.quantity
    return Allocation(lines=chosen, unserved=unserved)


def _campaign_for_tender(tender: Tender) -> PreOrderCampaign | None:
    return (
        PreOrderCampaign.objects.select_for_update(of=("self",))
        .select_related("demand")
        .filter(tender_uid=tender.uid)
        .first()
    )


def _pre_orders_cancel(
    *, campaign: PreOrderCampaign, pre_orders: list[PreOrder], reason: str, now: datetime
) -> None:
    """Cancel confirmed pre-orders the platform cannot serve, refund them, and tell each owner
    once."""
    if not pre_orders:
        return
    PreOrder.objects.filter(pk__in=[p.pk for p in pre_orders]).update(
        status=PreOrderStatus.CANCELLED, cancelled_at=now, cancel_reason=reason, updated_at=now
    )
    demand = campaign.demand
    by_user: dict[int, list[PreOrder]] = {}
    for pre_order in sorted(pre_orders, key=lambda p: p.pk):
        preorder_refund(pre_order=pre_order, reason=reason)
        by_user.setdefault(pre_order.user_id, []).append(pre_order)
        audit_record(
            type="orders.preorder.cancelled",
            summary=f"P{pre_order.number} on #{demand.number} was cancelled: {reason}",
            subject=pre_order,
            demand_uid=demand.uid,
            data={"number": pre_order.number, "quantity": pre_order.quantity, "reason": reason},
            is_public=False,
        )
    notices = []
    for owned in by_user.values():
        person = owned[0].user
        lines = "\n".join(
            f"  P{p.number}: {p.quantity} × {p.unit_price} {p.currency}" for p in owned
        )
        notices.append(
            preorders_cancelled_notice(person=person, demand=demand, lines=lines, reason=reason)
        )
    notices_send(notices)


def _orders_insert(
    *, campaign: PreOrderCampaign, tender: Tender, allocation: Allocation, now: datetime
) -> list[Order]:
    """Write the orders and their first three timeline steps (placed, paid, confirmed)."""
    pre_orders = sorted(allocation.lines, key=lambda pk: pk)
    numbers = number_block(Order, count=len(pre_orders))
    share_rule = ledger.share_rule_for_tender(tender_uid=tender.uid)
    by_pk = {p.pk: p for p in PreOrder.objects.select_related("user").filter(pk__in=pre_orders)}
    orders = []
    for offset, pk in enumerate(pre_orders):
        pre_order, line = by_pk[pk], allocation.lines[pk]
        orders.append(
            Order(
                number=numbers[offset],
                pre_order=pre_order,
                demand=campaign.demand,
                venture=line.venture,
                user=pre_order.user,
                tender_uid=tender.uid,
                share_rule=share_rule,
                options=pre_order.options,
                quantity=pre_order.quantity,
                unit_price=pre_order.unit_price,
                total=pre_order.total,
                currency=pre_order.currency,
                maker_unit_price=line.unit_price,
                lead_time_days=line.bid.lead_time_days,
                promised_by=now + timedelta(days=line.bid.lead_time_days),
                address=pre_order.address,
                latitude=pre_order.latitude,
                longitude=pre_order.longitude,
                stage=OrderStage.CONFIRMED,
                stage_changed_at=now,
                paid_at=pre_order.confirmed_at or now,
            )
        )
    Order.objects.bulk_create(orders)
    steps = (
        ("", OrderStage.PLACED, _("Ordered through pre-order P%(pre_order)d.")),
        (OrderStage.PLACED, OrderStage.PAID, _("Payment recorded with the pre-order.")),
        (OrderStage.PAID, OrderStage.CONFIRMED, _("Awarded to %(venture)s.")),
    )
    events = []
    for order in orders:
        pre_order_number = by_pk[order.pre_order_id].number if order.pre_order_id else 0
        values = {"pre_order": pre_order_number, "venture": _maker(order)}
        for from_stage, to_stage, note in steps:
            events.append(
                OrderEvent(
                    order=order,
                    kind=OrderEventKind.STAGE,
                    from_stage=from_stage,
                    to_stage=to_stage,
                    party=Party.SYSTEM,
                    note=note % values,
                    occurred_at=now,
                )
            )
    OrderEvent.objects.bulk_create(events)
    for order in orders:
        if order.pre_order is not None:
            _escrow_from_pre_order(order=order, pre_order=order.pre_order)
    return orders


def order_escrow(*, order: Order) -> Account:
    """The escrow holding what the buyer paid for an order until it is settled or refunded."""
    return ledger.escrow_account(
        subject_type="order",
        subject_uid=order.uid,
        label=f"O{order.number}",
        currency=order.currency,
    )


def _escrow_from_pre_order(*, order: Order, pre_order: PreOrder) -> None:
    """Move what the pre-order's escrow holds into the order's (nothing when it holds nothing)."""
    source = preorder_escrow(pre_order=pre_order)
    if source.balance <= 0:
        return
    ledger.posting_record(
        idempotency_key=f"order:{order.uid}:from-preorder",
        kind=PostingKind.ESCROW_TRANSFER,
        memo=_("Pre-order P%(pre_order)d became order O%(number)d")
        % {"pre_order": pre_order.number, "number": order.number},
        entries=[
            ledger.Entry(source, -source.balance),
            ledger.Entry(order_escrow(order=order), source.balance),
        ],
        order_uid=order.uid,
        subject_type="order",
        subject_uid=order.uid,
    )


def _order_pay(*, order: Order, payment_method: str) -> None:
    """Collect a standard order's total from its buyer into its escrow (402 when declined)."""
    if order.total <= 0:
        return
    ledger.payment_collect(
        user=order.user,
        amount=order.total,
        currency=order.currency,
        into=order_escrow(order=order),
        memo=_("Order O%(number)d") % {"number": order.number},
        idempotency_key=f"order:{order.uid}:pay",
        method=payment_method,
        order_uid=order.uid,
        subject_type="order",
        subject_uid=order.uid,
    )


def _order_refund(*, order: Order, actor: Any) -> None:
    """Empty a refunded order's escrow back to its buyer: the wallet, then the card for what the
    order (or the pre-order it came from) charged. Idempotent by its key."""
    charges_of = [("order", order.uid)]
    if order.pre_order is not None:
        charges_of.append(("pre_order", order.pre_order.uid))
    ledger.refund_to_payer(
        user=order.user,
        source=order_escrow(order=order),
        memo=_("Refund of order O%(number)d") % {"number": order.number},
        idempotency_key=f"order:{order.uid}:refund",
        charges_of=charges_of,
        actor=actor,
        order_uid=order.uid,
        subject_type="order",
        subject_uid=order.uid,
    )


@transaction.atomic
def order_create_from_award(*, tender: Tender) -> list[Order]:
    """Turn the confirmed pre-orders of an awarded production tender's campaign into orders.

    Returns the orders created by this call (none when they already exist).
    """
    campaign = _campaign_for_tender(tender)
    tender = Tender.objects.get(pk=tender.pk)
    if campaign is None or tender.status != TenderStatus.AWARDED:
        return []
    pending = list(
        PreOrder.objects.filter(
            campaign=campaign, status=PreOrderStatus.CONFIRMED, order__isnull=True
        ).select_related("user")
    )
    now = timezone.now()
    orders: list[Order] = []
    if pending:
        lines = list(
            AwardLine.objects.filter(tender=tender)
            .select_related("bid", "venture")
            .order_by("rank")
        )
        allocation = allocation_plan(pre_orders=pending, lines=lines)
        orders = _orders_insert(campaign=campaign, tender=tender, allocation=allocation, now=now)
        fulfilment.orders_allocate_awarded(orders=orders)
        _pre_orders_cancel(
            campaign=campaign,
            pre_orders=allocation.unserved,
            reason=_("The winning ventures cannot make this many units."),
            now=now,
        )
        notices_send(
            [
                Notice(
                    user=order.user,
                    kind="orders.order.confirmed",
                    title=_("Order O%(number)d is confirmed") % {"number": order.number},
                    body=_(
                        "Your pre-order P%(pre_order)d for #%(demand)d won its tender: it is now "
                        "order O%(number)d, made by %(venture)s."
                    )
                    % {
                        "pre_order": order.pre_order.number if order.pre_order else 0,
                        "demand": campaign.demand.number,
                        "number": order.number,
                        "venture": _maker(order),
                    },
                    url=f"/orders/{order.number}/",
                )
                for order in orders
            ]
        )
        per_venture: dict[str, int] = {}
        for order in orders:
            per_venture[_maker_slug(order)] = per_venture.get(_maker_slug(order), 0) + (
                order.quantity
            )
        audit_record(
            type="orders.order.created_from_award",
            summary=f"{len(orders)} orders for #{campaign.demand.number} from tender "
            f"#{tender.number}",
            subject=tender,
            demand_uid=campaign.demand.uid,
            data={
                "tender": tender.number,
                "orders": len(orders),
                "units_per_venture": per_venture,
                "pre_orders_unserved": [p.number for p in allocation.unserved],
            },
        )
    if campaign.demand.status == DemandStatus.CONTENTION:
        demand_status_change(
            demand=campaign.demand,
            to_status=DemandStatus.IN_PRODUCTION,
            actor=None,
            reason=f"Tender #{tender.number} awarded: production has started.",
        )
    return orders


@transaction.atomic
def campaign_fail_for_no_award(*, tender: Tender) -> PreOrderCampaign | None:
    """Nobody bid: close the campaign, cancel its pre-orders with a notice, and send the demand
    back to pre-order. Idempotent: a campaign already closed is left as it is."""
    campaign = _campaign_for_tender(tender)
    tender = Tender.objects.get(pk=tender.pk)
    if (
        campaign is None
        or tender.status != TenderStatus.NO_AWARD
        or campaign.status != CampaignStatus.REACHED
    ):
        return campaign
    now = timezone.now()
    reason = _("No venture bid to make demand #%(number)d.") % {"number": campaign.demand.number}
    confirmed = list(
        PreOrder.objects.filter(
            campaign=campaign, status__in=[PreOrderStatus.CONFIRMED, PreOrderStatus.PLACED]
        ).select_related("user")
    )
    _pre_orders_cancel(campaign=campaign, pre_orders=confirmed, reason=reason, now=now)
    campaign.status = CampaignStatus.CANCELLED
    campaign.closed_at = now
    campaign.close_reason = reason
    campaign.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
    audit_record(
        type="orders.campaign.failed",
        summary=f"Pre-orders on #{campaign.demand.number} closed: tender #{tender.number} "
        "had no bids",
        subject=campaign,
        demand_uid=campaign.demand.uid,
        data={"tender": tender.number, "pre_orders_cancelled": len(confirmed)},
    )
    if campaign.demand.status == DemandStatus.CONTENTION:
        demand_status_change(
            demand=campaign.demand,
            to_status=DemandStatus.PRE_ORDER,
            actor=None,
            reason=reason,
        )
    return campaign


def order_award_apply(*, tender: Tender) -> None:
    """The award handler for production tenders (registered in OrdersConfig.ready).

    Order numbers are taken as highest + 1; two awards committing at the same moment may
    collide on the unique number, so the whole (idempotent) transaction is retried.
    """
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            if tender.status == TenderStatus.NO_AWARD:
                campaign_fail_for_no_award(tender=tender)
            else:
                order_create_from_award(tender=tender)
            return
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise


# --- stage moves ------------------------------------------------------------------------------


def _lock(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("demand", "venture", "user", "pre_order")
        .get(pk=order.pk)
    )


def _domain(error: StageError) -> OrdersError:
    status = {
        "stage_unknown": 422,
        "stage_not_your_move": 403,
        "stage_note_required": 422,
        "stage_photo_required": 422,
    }.get(error.code, 409)
    messages = {
        "stage_unknown": _("Unknown stage."),
        "stage_transition_illegal": _("This order cannot move to that stage from where it is."),
        "stage_not_your_move": _("You may not move this order to that stage."),
        "stage_note_required": _("This move needs a note saying why."),
        "stage_photo_required": _("This move needs a photo."),
    }
    return OrdersError(error.code.value, messages[error.code], status=status)


def _require_signed_in(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise OrdersError(
            OrdersErrorCode.NOT_AUTHENTICATED, _("Sign in to act on orders."), status=401
        )


def _event(
    *,
    order: Order,
    kind: str,
    actor: Any,
    party: str,
    note: str = "",
    from_stage: str = "",
    to_stage: str = "",
    photo: UploadedFile | None = None,
) -> OrderEvent:
    event = OrderEvent(
        order=order,
        kind=kind,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        party=party,
        note=note,
        occurred_at=timezone.now(),
    )
    if photo is not None:
        event.photo.save(photo.name or "photo", photo, save=False)
    event.save()
    return event


@transaction.atomic
def order_event_add(
    *, order: Order, kind: str, note: str, actor: Any = None, party: str = Party.SYSTEM
) -> OrderEvent:
    """Append a step that is not a stage move to an order's timeline (for the apps above
    orders: logistics steps, compensations). The caller writes its own audit record."""
    if kind not in OrderEventKind.values:
        raise InvalidInput(_("Unknown kind of timeline step."), code=OrdersErrorCode.STAGE_UNKNOWN)
    return _event(order=order, kind=kind, actor=actor, party=party, note=note[:NOTE_MAX])


@transaction.atomic
def order_advance(
    *,
    order: Order,
    actor: Any,
    to_stage: str,
    note: str = "",
    photo: UploadedFile | None = None,
    as_system: bool = False,
    payment_method: str = "",
) -> Order:
    """Move an order to its next stage, if the table allows the actor that move.

    `as_system` is for the platform's own code (logistics, sweeps), never for a request.
    Moving to `paid` collects the total into the order's escrow (`payment_method`: the
    provider's default when empty; a declined payment raises 402 and the order stays placed).
    A paid order that is cancelled moves on to `refunded` at once, and `refunded` gives the
    escrow back to the buyer.
    """
    if not as_system:
        _require_signed_in(actor)
    note = text_clean(value=note or "", field=_("Note"), max_length=NOTE_MAX, required=False)
    if photo is not None:
        picture_validate(picture=photo)
    locked = _lock(order)
    parties = (
        frozenset({Party.SYSTEM})
        if as_system
        else order_selectors.order_parties(order=locked, user=actor)
    )
    if not parties:
        # Not a party at all: the order does not exist for them.
        raise OrdersError(
            OrdersErrorCode.ORDER_NOT_FOUND,
            _("Order O%(number)d does not exist.") % {"number": locked.number},
            status=404,
        )
    from_stage = locked.stage
    try:
        party = transition_check(
            from_stage,
            to_stage,
            parties=parties,
            has_note=bool(note),
            has_photo=photo is not None,
            resumed_from=locked.stage_before_exception or None,
        )
    except StageError as error:
        raise _domain(error) from error
    _preconditions(order=locked, to_stage=to_stage)
    if to_stage == Stage.PAID:
        _order_pay(order=locked, payment_method=payment_method)
    now = timezone.now()
    locked.stage = to_stage
    locked.stage_changed_at = now
    fields = ["stage", "stage_changed_at", "updated_at"]
    if to_stage == Stage.EXCEPTION:
        locked.stage_before_exception = from_stage
        fields.append("stage_before_exception")
    elif from_stage == Stage.EXCEPTION:
        locked.stage_before_exception = ""
        fields.append("stage_before_exception")
    if to_stage == Stage.PAID:
        locked.paid_at = now
        fields.append("paid_at")
    if to_stage == Stage.DELIVERED:
        locked.delivered_at = now
        fields.append("delivered_at")
    if to_stage == Stage.QUALITY_CHECKED:
        # The photo is the sample the user now approves or rejects.
        locked.sample_status = SampleStatus.PENDING
        fields.append("sample_status")
    locked.save(update_fields=fields)
    _event(
        order=locked,
        kind=OrderEventKind.STAGE,
        actor=actor,
        party=party,
        note=note,
        from_stage=from_stage,
        to_stage=to_stage,
        photo=photo,
    )
    _audit_stage(order=locked, actor=actor, party=party, from_stage=from_stage, to_stage=to_stage)
    if to_stage == Stage.REFUNDED:
        _order_refund(order=locked, actor=actor)
    stage_hooks.dispatch(order=locked, stage=to_stage)
    if to_stage in USER_NOTICES and party != Party.USER:
        # The buyer hears of what others did to their order; not of their own moves.
        notices_send([_user_notice(locked, to_stage, note)])
    if to_stage == Stage.CANCELLED:
        fulfilment.release(order=locked)
        if locked.paid_at is not None:
            # Money held for an order that will not be made goes back at once.
            return order_advance(
                order=locked,
                actor=None,
                to_stage=Stage.REFUNDED,
                note=_("The payment is returned to the buyer."),
                as_system=True,
            )
    if to_stage == Stage.PAID and locked.fulfilment == Fulfilment.STOCK:
        # Served from stock, nobody makes it: the platform confirms it at once.
        return order_advance(
            order=locked,
            actor=None,
            to_stage=Stage.CONFIRMED,
            note=fulfilment.confirmation_note(order=locked),
            as_system=True,
        )
    return locked


def _preconditions(*, order: Order, to_stage: str) -> None:
    """What the table cannot say: the user's parts done before shipping, payment before refund."""
    # An order served from stock has no maker: it leaves a centre, so it needs no allocation.
    from_stock = order.fulfilment == Fulfilment.STOCK
    if (
        order.venture_id is None
        and not from_stock
        and to_stage not in order_selectors.UNALLOCATED_MOVES
    ):
        raise OrdersError(
            OrdersErrorCode.NOT_ALLOCATED,
            _("No venture makes this order yet: the daily order contention allocates it."),
        )
    if to_stage == Stage.SHIPPED and order.stage == Stage.CONFIRMED and not from_stock:
        raise OrdersError(
            OrdersErrorCode.NOT_FROM_STOCK,
            _("Only an order served from stock ships straight after confirmation."),
        )
    if to_stage == Stage.SHIPPED and not from_stock:
        if order.sample_status != SampleStatus.APPROVED:
            raise OrdersError(
                OrdersErrorCode.SAMPLE_NOT_APPROVED,
                _("The user has not approved the sample yet."),
            )
        if order.delivery_date is None:
            raise OrdersError(
                OrdersErrorCode.DELIVERY_SLOT_MISSING,
                _("The user has not chosen a delivery slot yet."),
            )
    if to_stage == Stage.REFUNDED and order.paid_at is None:
        raise OrdersError(OrdersErrorCode.NOT_PAID, _("Nothing was paid, so nothing to refund."))


def _require_buyer(order: Order, actor: Any) -> None:
    _require_signed_in(actor)
    if order.user_id != actor.pk:
        if order_selectors.order_parties(order=order, user=actor):
            raise PermissionDenied(
                _("Only the person who ordered does this."), code=OrdersErrorCode.NOT_ORDER_OWNER
            )
        raise OrdersError(
            OrdersErrorCode.ORDER_NOT_FOUND,
            _("Order O%(number)d does not exist.") % {"number": order.number},
            status=404,
        )


@transaction.atomic
def order_sample_decide(*, order: Order, actor: Any, approve: bool, note: str = "") -> Order:
    """The user approves the sample shown at quality check, or rejects it saying why."""
    _require_buyer(order, actor)
    note = text_clean(value=note or "", field=_("Note"), max_length=NOTE_MAX, required=False)
    locked = _lock(order)
    if locked.stage != Stage.QUALITY_CHECKED or locked.sample_status != SampleStatus.PENDING:
        raise OrdersError(
            OrdersErrorCode.SAMPLE_NOT_PENDING, _("There is no sample waiting for your decision.")
        )
    if not approve and not note:
        raise InvalidInput(
            _("Say what is wrong with the sample."), code=OrdersErrorCode.STAGE_NOTE_REQUIRED
        )
    locked.sample_status = SampleStatus.APPROVED if approve else SampleStatus.REJECTED
    locked.save(update_fields=["sample_status", "updated_at"])
    kind = OrderEventKind.SAMPLE_APPROVED if approve else OrderEventKind.SAMPLE_REJECTED
    _event(order=locked, kind=kind, actor=actor, party=Party.USER, note=note)
    audit_record(
        type=f"orders.order.{kind}",
        summary=f"The sample of order O{locked.number} was {'approved' if approve else 'rejected'}",
        actor=actor,
        subject=locked,
        demand_uid=demand_uid_of(locked),
        data={"number": locked.number, "approved": approve},
    )
    return locked


@transaction.atomic
def order_delivery_slot_choose(
    *, order: Order, actor: Any, delivery_date: date, window: str, today: date | None = None
) -> Order:
    """The user picks a delivery day (tomorrow at the earliest) and a time window before shipping."""
    _require_buyer(order, actor)
    today = today or timezone.localdate()
    if not isinstance(delivery_date, date) or not (
        today + timedelta(days=1) <= delivery_date <= today + timedelta(days=SLOT_DAYS_MAX)
    ):
        raise InvalidInput(
            _("Choose a delivery day between tomorrow and %(days)d days from now.")
            % {"days": SLOT_DAYS_MAX},
            code=OrdersErrorCode.DELIVERY_DATE_INVALID,
        )
    if window not in DeliveryWindow.values:
        raise InvalidInput(
            _("Choose one of the delivery windows."), code=OrdersErrorCode.DELIVERY_WINDOW_INVALID
        )
    locked = _lock(order)
    if locked.stage not in SLOT_STAGES:
        raise OrdersError(
            OrdersErrorCode.DELIVERY_SLOT_CLOSED,
            _("The delivery slot can be chosen only before the order ships."),
        )
    locked.delivery_date = delivery_date
    locked.delivery_window = window
    fields = ["delivery_date", "delivery_window", "updated_at"]
    note = f"{delivery_date.isoformat()} {DeliveryWindow(window).label}"
    # A slot the user chooses after the promise moves the promise to the slot's end: delivering
    # when the user asked is not late.
    slot_end = timezone.make_aware(datetime.combine(delivery_date, time(int(window[-2:]))))
    if locked.delivery_promised_at is not None and slot_end > locked.delivery_promised_at:
        locked.delivery_promised_at = slot_end
        fields.append("delivery_promised_at")
        note = _("%(slot)s; the delivery promise moves to the end of this slot.") % {"slot": note}
    locked.save(update_fields=fields)
    _event(
        order=locked,
        kind=OrderEventKind.DELIVERY_SLOT,
        actor=actor,
        party=Party.USER,
        note=note,
    )
    audit_record(
        type="orders.order.delivery_slot_chosen",
        summary=f"A delivery slot was chosen for order O{locked.number}",
        actor=actor,
        subject=locked,
        demand_uid=demand_uid_of(locked),
        data={"number": locked.number},
        is_public=False,
    )
    return locked


@transaction.atomic
def order_rate(*, order: Order, actor: Any, stars: int, comment: str = "") -> OrderRating:
    """The user rates the venture once for a delivered order, 1 to 5 stars with a comment."""
    _require_buyer(order, actor)
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        raise InvalidInput(_("Give 1 to 5 stars."), code=OrdersErrorCode.RATING_STARS_INVALID)
    comment = text_clean(
        value=comment or "", field=_("Comment"), max_length=COMMENT_MAX, required=False
    )
    locked = _lock(order)
    if locked.stage not in RATING_STAGES or locked.venture is None:
        raise OrdersError(
            OrdersErrorCode.RATING_NOT_YET, _("You can rate the order once it is delivered.")
        )
    try:
        with transaction.atomic():
            rating = OrderRating.objects.create(
                order=locked, venture=locked.venture, user=actor, stars=stars, comment=comment
            )
    except IntegrityError as error:
        raise OrdersError(
            OrdersErrorCode.ALREADY_RATED, _("You have already rated this order.")
        ) from error
    _event(
        order=locked,
        kind=OrderEventKind.RATED,
        actor=actor,
        party=Party.USER,
        note=f"{stars}/5" + (f": {comment}" if comment else ""),
    )
    audit_record(
        type="orders.order.rated",
        summary=f"Order O{locked.number}: {_maker(locked)} rated {stars}/5",
        actor=actor,
        subject=locked,
        demand_uid=demand_uid_of(locked),
        data={
            "number": locked.number,
            "venture": _maker_slug(locked),
            "stars": stars,
        },
    )
    return rating


# --- delays -------------------------------------------------------------------------------------


@transaction.atomic
def order_delay_notice(*, order_id: int, now: datetime | None = None) -> bool:
    """Tell the user, once, that their order is late; put it in the timeline and the trace.

    Idempotent: the row is re-read under lock, and an order already told, delivered or
    cancelled meanwhile is left alone.
    """
    now = now or timezone.now()
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("demand", "product", "venture", "user")
        .filter(pk=order_id)
        .first()
    )
    if (
        order is None
        or order.delay_noticed_at is not None
        or order.delivered_at is not None
        or order.promised_by is None
        or order.promised_by >= now
        or order.stage not in order_selectors.UNDELIVERED_STAGES
    ):
        return False
    order.delay_noticed_at = now
    order.save(update_fields=["delay_noticed_at", "updated_at"])
    promised = timezone.localtime(order.promised_by).strftime("%Y-%m-%d %H:%M")
    note = _("Late: %(venture)s promised it by %(promised)s.") % {
        "venture": _maker(order),
        "promised": promised,
    }
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.DELAYED, party=Party.SYSTEM, note=note, occurred_at=now
    )
    audit_record(
        type="orders.order.delayed",
        summary=f"Order O{order.number} by {_maker(order)} is late against its promise",
        subject=order,
        demand_uid=demand_uid_of(order),
        data={"number": order.number, "venture": _maker_slug(order), "promised_by": promised},
    )
    body = _(
        "We are sorry: your order O%(number)d was promised by %(promised)s and has not reached "
        "you yet. %(venture)s has been told and will give you a new date."
    ) % {"number": order.number, "promised": promised, "venture": _maker(order)}
    notices = [
        Notice(
            user=order.user,
            kind="orders.order.delayed",
            title=_("Order O%(number)d is late") % {"number": order.number},
            body=body,
            url=f"/orders/{order.number}/",
        )
    ]
    if order.venture is not None:
        notices += [
            Notice(
                user=member,
                kind="orders.order.delayed",
                title=_("Order O%(number)d is late") % {"number": order.number},
                body=_("It was promised by %(promised)s. Tell the user a new date in its timeline.")
                % {"promised": promised},
                url=f"/orders/{order.number}/",
            )
            for member in (m.user for m in member_list(venture=order.venture))
        ]
    notices_send(notices)
    return True
