"""Writes of a shipment's journey: its logistics steps, proof of delivery, missed-promise pay.

Steps (`shipment_step`) are order stages where the order machine has one, and timeline events
otherwise (ADR 0008):

- `left_centre`: an order served from stock moves confirmed → shipped (its units leave the
  centre's stock); a made-to-order order was already moved to shipped by its maker, so the step
  is a timeline event only;
- `at_station`: shipped → at_station; `out_for_delivery`: at_station → out_for_delivery.

Each step stamps its time on the shipment once: repeating a step changes nothing. Operators
record every step; the crew of the route the shipment is on (its driver or a current member of
its delivery venture) also records `out_for_delivery`. Platform code passes `actor=None`.

Delivery (`shipment_deliver`) needs the buyer's one-time code, entered by the crew of the route
or an operator. A wrong code is counted (the count is committed although the call is refused);
after `DELIVERY_CODE_ATTEMPTS` wrong codes only an operator may confirm the delivery, saying why.

Missed promises (`compensations_sweep`): an order past `delivery_promised_at` and not delivered
by then is compensated once, by the published rule in settings, charged to the unit at fault
(see `fault_find`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.audit import audit_record
from heyi.core.errors import DomainError, InvalidInput, PermissionDenied
from heyi.core.text import text_clean
from heyi.ledger import services as ledger
from heyi.ledger.models import PostingKind
from heyi.logistics import shipment_selectors
from heyi.logistics.errors import LogisticsDomainError, LogisticsErrorCode
from heyi.logistics.models import (
    Compensation,
    FaultUnit,
    Route,
    RouteStop,
    Shipment,
    Stock,
)
from heyi.logistics.route_selectors import route_user_drives
from heyi.logistics.route_services import route_complete
from heyi.notifications.services import Notice, notification_send_many
from heyi.orders.models import Fulfilment, Order, OrderEventKind, OrderStage
from heyi.orders.order_services import order_advance, order_event_add

Step = Literal["left_centre", "at_station", "out_for_delivery"]

# The shipment field each step stamps.
STEP_FIELDS: dict[str, str] = {
    "left_centre": "left_centre_at",
    "at_station": "at_station_at",
    "out_for_delivery": "out_for_delivery_at",
}
DELIVERY_CODE_ATTEMPTS = 5
NOTE_MAX = 500
CENT = Decimal("0.01")


def _lock(shipment: Shipment) -> Shipment:
    return (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("order", "order__user", "centre", "station")
        .get(pk=shipment.pk)
    )


def _refresh(shipment: Shipment) -> Shipment:
    """The caller's instance, brought up to date (callers keep using what they passed)."""
    shipment.refresh_from_db()
    return shipment


def _route_for_step(shipment: Shipment, route: Route | None) -> Route | None:
    """The route named, which must carry the shipment; else the last route it was planned on."""
    if route is None:
        return shipment_selectors.shipment_route(shipment=shipment)
    if not RouteStop.objects.filter(route=route, shipment=shipment).exists():
        raise LogisticsDomainError(
            LogisticsErrorCode.SHIPMENT_NOT_ON_ROUTE,
            _("Order O%(number)d is not on route %(route)d.")
            % {"number": shipment.order.number, "route": route.number},
        )
    return route


def _step_allowed(*, step: str, actor: Any, route: Route | None) -> bool:
    if actor is None or user_is_operator(actor):
        return True
    return (
        step == "out_for_delivery"
        and route is not None
        and route_user_drives(route=route, user=actor)
    )


def _out_of_order(order: Order, message: str) -> LogisticsDomainError:
    return LogisticsDomainError(
        LogisticsErrorCode.SHIPMENT_STEP_OUT_OF_ORDER,
        message % {"number": order.number, "stage": OrderStage(order.stage).label},
    )


def _step_stages(*, step: str, order: Order) -> tuple[str, str | None]:
    """The stage the order must be at for the step, and the one it moves to (None: no move)."""
    if step == "left_centre":
        if order.fulfilment == Fulfilment.STOCK:
            return OrderStage.CONFIRMED, OrderStage.SHIPPED
        # Made to order: the maker moved it to shipped when the goods left the workshop.
        return OrderStage.SHIPPED, None
    if step == "at_station":
        return OrderStage.SHIPPED, OrderStage.AT_STATION
    return OrderStage.AT_STATION, OrderStage.OUT_FOR_DELIVERY


def _step_note(*, step: str, shipment: Shipment, route: Route | None, note: str) -> str:
    station = shipment.station.name
    if step == "left_centre":
        if shipment.centre is None:
            text = _("On its way to the station %(station)s.") % {"station": station}
        else:
            text = _("Left the centre %(centre)s for the station %(station)s.") % {
                "centre": shipment.centre.name,
                "station": station,
            }
    elif step == "at_station":
        text = _("Arrived at the station %(station)s.") % {"station": station}
    elif route is not None:
        text = _(
            "Out for delivery from the station %(station)s on route %(route)d (%(vehicle)s)."
        ) % {
            "station": station,
            "route": route.number,
            "vehicle": route.vehicle,
        }
    else:
        text = _("Out for delivery from the station %(station)s.") % {"station": station}
    return f"{text} {note}" if note else text


@transaction.atomic
def shipment_step(
    *,
    shipment: Shipment,
    step: Step,
    actor: Any,
    route: Route | None = None,
    note: str = "",
) -> Shipment:
    """Record a logistics step: its time on the shipment, the order's stage, the timeline."""
    if step not in STEP_FIELDS:
        raise InvalidInput(
            _("Unknown logistics step %(step)s.") % {"step": step},
            code=LogisticsErrorCode.SHIPMENT_STEP_UNKNOWN,
        )
    note = text_clean(value=note or "", field=_("Note"), max_length=NOTE_MAX, required=False)
    locked = _lock(shipment)
    route = _route_for_step(locked, route)
    if not _step_allowed(step=step, actor=actor, route=route):
        raise PermissionDenied(
            _("Only an operator, or the crew of the route for going out, records this step."),
            code=LogisticsErrorCode.NOT_SHIPMENT_HANDLER,
        )
    field = STEP_FIELDS[step]
    if getattr(locked, field) is not None:
        return _refresh(shipment)
    order = locked.order
    source, target = _step_stages(step=step, order=order)
    if order.stage != source:
        raise _out_of_order(
            order,
            _("Order O%(number)d is %(stage)s: this step does not follow from there."),
        )
    text = _step_note(step=step, shipment=locked, route=route, note=note)
    now = timezone.now()
    setattr(locked, field, now)
    locked.save(update_fields=[field, "updated_at"])
    if step == "left_centre" and locked.stock_id is not None:
        # The reserved units leave the centre: out of its stock and its reservations together.
        Stock.objects.filter(pk=locked.stock_id).update(
            on_hand=F("on_hand") - locked.reserved_quantity,
            reserved=F("reserved") - locked.reserved_quantity,
            updated_at=now,
        )
    if target is None:
        order_event_add(order=order, kind=OrderEventKind.LOGISTICS, note=text, actor=actor)
    else:
        order_advance(order=order, actor=actor, to_stage=target, note=text, as_system=True)
    audit_record(
        type=f"logistics.shipment.{step}",
        summary=f"Order O{order.number}: {step.replace('_', ' ')}",
        actor=actor,
        subject=locked,
        data={
            "order": order.number,
            "station": locked.station.name,
            "centre": locked.centre.name if locked.centre is not None else "",
            "route": route.number if route is not None else None,
        },
        is_public=False,
    )
    return _refresh(shipment)


# --- proof of delivery ------------------------------------------------------------------------


def _require_signed_in(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise DomainError("not_authenticated", _("Sign in to deliver."), status=401)


def _delivery_check(*, locked: Shipment, actor: Any, route: Route | None) -> bool:
    """Refuse what no code can fix; return whether the actor is an operator."""
    is_operator = user_is_operator(actor)
    if not (is_operator or (route is not None and route_user_drives(route=route, user=actor))):
        raise PermissionDenied(
            _("Only the driver of the order's route or an operator confirms its delivery."),
            code=LogisticsErrorCode.NOT_SHIPMENT_HANDLER,
        )
    if locked.code_used_at is not None or locked.delivered_at is not None:
        raise LogisticsDomainError(
            LogisticsErrorCode.DELIVERY_CODE_USED,
            _("Order O%(number)d is already delivered: its code is spent.")
            % {"number": locked.order.number},
        )
    if locked.order.stage != OrderStage.OUT_FOR_DELIVERY:
        raise _out_of_order(
            locked.order, _("Order O%(number)d is %(stage)s, not out for delivery.")
        )
    return is_operator


def shipment_deliver(*, shipment: Shipment, code: str, actor: Any, note: str = "") -> Shipment:
    """Confirm delivery with the buyer's one-time code (see the module docstring)."""
    _require_signed_in(actor)
    code = (code or "").strip()
    note = text_clean(value=note or "", field=_("Note"), max_length=NOTE_MAX, required=False)
    with transaction.atomic():
        locked = _lock(shipment)
        route = shipment_selectors.shipment_route(shipment=locked)
        is_operator = _delivery_check(locked=locked, actor=actor, route=route)
        is_locked = locked.code_attempts >= DELIVERY_CODE_ATTEMPTS
        if is_locked and not is_operator:
            raise LogisticsDomainError(
                LogisticsErrorCode.DELIVERY_CODE_LOCKED,
                _("Too many wrong codes: an operator must confirm this delivery."),
            )
        if is_locked and not note:
            raise InvalidInput(
                _("The code is locked: say how the delivery was confirmed."),
                code=LogisticsErrorCode.DELIVERY_NOTE_REQUIRED,
            )
        if is_locked or constant_time_compare(code, locked.delivery_code):
            _delivered(locked=locked, actor=actor, route=route, note=note, by_code=not is_locked)
            return _refresh(shipment)
        # A wrong code is counted and kept: the refusal is raised once this block has committed.
        refusal = _code_wrong(locked=locked, actor=actor)
    raise refusal


def _code_wrong(*, locked: Shipment, actor: Any) -> LogisticsDomainError:
    Shipment.objects.filter(pk=locked.pk).update(
        code_attempts=F("code_attempts") + 1, updated_at=timezone.now()
    )
    attempts = locked.code_attempts + 1
    audit_record(
        type="logistics.shipment.delivery_code_wrong",
        summary=f"Order O{locked.order.number}: wrong delivery code ({attempts})",
        actor=actor,
        subject=locked,
        data={"order": locked.order.number, "attempts": attempts},
        is_public=False,
    )
    left = DELIVERY_CODE_ATTEMPTS - attempts
    return LogisticsDomainError(
        LogisticsErrorCode.DELIVERY_CODE_WRONG,
        _("Wrong delivery code: %(left)d tries left before an operator must confirm.")
        % {"left": left}
        if left
        else _("Wrong delivery code: the code is now locked; an operator must confirm."),
        status=422,
    )


def _delivered(
    *, locked: Shipment, actor: Any, route: Route | None, note: str, by_code: bool
) -> None:
    now = timezone.now()
    locked.delivered_at = now
    locked.code_used_at = now
    locked.save(update_fields=["delivered_at", "code_used_at", "updated_at"])
    if route is not None:
        RouteStop.objects.filter(route=route, shipment=locked, delivered_at__isnull=True).update(
            delivered_at=now, updated_at=now
        )
    text = (
        _("Delivered: the driver entered the code the user gave.")
        if by_code
        else _("Delivered, confirmed by an operator without the code.")
    )
    text = f"{text} {note}" if note else text
    order_advance(
        order=locked.order, actor=actor, to_stage=OrderStage.DELIVERED, note=text, as_system=True
    )
    if route is not None:
        # The last stop delivered closes the route (and its wave), whichever skin delivered it.
        route_complete(route=route)
    audit_record(
        type="logistics.shipment.delivered",
        summary=f"Order O{locked.order.number} delivered",
        actor=actor,
        subject=locked,
        data={
            "order": locked.order.number,
            "by_code": by_code,
            "route": route.number if route is not None else None,
        },
        is_public=False,
    )


# --- missed promises --------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """The unit a missed promise is charged to, and why."""

    unit: str  # FaultUnit
    reason: str
    venture: Any = None
    station: Any = None
    centre: Any = None


def compensation_amount(total: Decimal) -> Decimal:
    """The published rule: a percentage of the total, at least the minimum, at most the total."""
    share = total * settings.HEYI_LATE_COMPENSATION_PERCENT / Decimal(100)
    amount = max(share, settings.HEYI_LATE_COMPENSATION_MINIMUM)
    return min(amount, total).quantize(CENT, rounding=ROUND_HALF_UP)


def compensation_rule(currency: str) -> str:
    return _(
        "%(percent)s%% of the order total, at least %(minimum)s %(currency)s, at most the total"
    ) % {
        "percent": f"{settings.HEYI_LATE_COMPENSATION_PERCENT.normalize():f}",
        "minimum": settings.HEYI_LATE_COMPENSATION_MINIMUM,
        "currency": currency,
    }


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def fault_find(*, order: Order, shipment: Shipment | None) -> Fault:
    """Who held the goods when the promise ran out.

    - the maker venture, when a made-to-order order had not shipped by the maker's own due time
      (`promised_by`, else the promise itself);
    - the centre, when the goods had not reached the station by the promise (the station when
      there is no centre: goods sent from the maker straight to it);
    - the delivery venture, when they had and the shipment is on a route a venture drives;
    - the station otherwise.
    """
    promised = order.delivery_promised_at
    assert promised is not None
    if order.fulfilment != Fulfilment.STOCK and order.venture is not None:
        due = order.promised_by or promised
        shipped = shipment_selectors.order_shipped_at(order=order)
        if shipped is None or shipped > due:
            return Fault(
                FaultUnit.MAKER,
                _("%(venture)s had not shipped it by its due time %(due)s.")
                % {"venture": order.venture.name, "due": _when(due)},
                venture=order.venture,
            )
    if shipment is None:
        return Fault(FaultUnit.CENTRE, _("The order had no shipment through the network."))
    if shipment.at_station_at is None or shipment.at_station_at > promised:
        if shipment.centre is None:
            return Fault(
                FaultUnit.STATION,
                _("The goods had not reached the station %(station)s in time.")
                % {"station": shipment.station.name},
                station=shipment.station,
            )
        return Fault(
            FaultUnit.CENTRE,
            _("The goods from the centre %(centre)s had not reached the station %(station)s.")
            % {"centre": shipment.centre.name, "station": shipment.station.name},
            centre=shipment.centre,
        )
    route = shipment_selectors.shipment_route(shipment=shipment)
    if route is not None and route.venture is not None:
        return Fault(
            FaultUnit.DELIVERY,
            _("The goods were on route %(route)d of %(venture)s.")
            % {"route": route.number, "venture": route.venture.name},
            venture=route.venture,
        )
    return Fault(
        FaultUnit.STATION,
        _("The goods were at the station %(station)s and not delivered in time.")
        % {"station": shipment.station.name},
        station=shipment.station,
    )


@transaction.atomic
def compensation_record(*, order_id: int, now: datetime | None = None) -> Compensation | None:
    """Compensate one order for its missed promise, once (None when nothing is owed now).

    The order is re-read under lock, so two sweeps at once record one compensation.
    """
    now = now or timezone.now()
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("user", "venture")
        .filter(pk=order_id)
        .first()
    )
    if (
        order is None
        or order.delivery_promised_at is None
        or order.delivery_promised_at >= now
        or order.paid_at is None
        or order.stage in shipment_selectors.NOT_COMPENSATED_STAGES
        or (order.delivered_at is not None and order.delivered_at <= order.delivery_promised_at)
        or Compensation.objects.filter(order=order).exists()
    ):
        return None
    shipment = shipment_selectors.shipment_for_order(order=order)
    fault = fault_find(order=order, shipment=shipment)
    amount = compensation_amount(order.total)
    try:
        with transaction.atomic():
            compensation = Compensation.objects.create(
                order=order,
                shipment=shipment,
                amount=amount,
                currency=order.currency,
                promised_at=order.delivery_promised_at,
                detected_at=now,
                fault=fault.unit,
                venture=fault.venture,
                station=fault.station,
                centre=fault.centre,
                rule=compensation_rule(order.currency)[:300],
                reason=fault.reason[:500],
            )
    except IntegrityError:
        return None
    if amount > 0:
        # The platform pays the user at once; the share rule recovers it at settlement from
        # the unit at fault.
        ledger.posting_record(
            idempotency_key=f"compensation:{compensation.uid}",
            kind=PostingKind.COMPENSATION,
            memo=_("Compensation for order O%(number)d: the promise was missed")
            % {"number": order.number},
            entries=[
                ledger.Entry(ledger.platform_account(currency=order.currency), -amount),
                ledger.Entry(
                    ledger.wallet_account(user=order.user, currency=order.currency), amount
                ),
            ],
            order_uid=order.uid,
            subject_type="compensation",
            subject_uid=compensation.uid,
        )
    promised = _when(order.delivery_promised_at)
    order_event_add(
        order=order,
        kind=OrderEventKind.COMPENSATED,
        note=_("Promised by %(promised)s: %(amount)s %(currency)s is owed to you (%(rule)s).")
        % {
            "promised": promised,
            "amount": amount,
            "currency": order.currency,
            "rule": compensation.rule,
        },
    )
    audit_record(
        type="logistics.compensation.recorded",
        summary=f"Order O{order.number}: {amount} {order.currency} charged to {fault.unit}",
        subject=compensation,
        data={
            "order": order.number,
            "amount": str(amount),
            "currency": order.currency,
            "fault": fault.unit,
            "venture": fault.venture.slug if fault.venture is not None else "",
            "station": fault.station.name if fault.station is not None else "",
            "centre": fault.centre.name if fault.centre is not None else "",
        },
        is_public=False,
    )
    notification_send_many(
        notices=[
            Notice(
                user=order.user,
                kind="logistics.compensation.recorded",
                title=_("Order O%(number)d: we missed our promise") % {"number": order.number},
                body=_(
                    "We promised order O%(number)d by %(promised)s and did not keep it. You are "
                    "owed %(amount)s %(currency)s, by our published rule: %(rule)s."
                )
                % {
                    "number": order.number,
                    "promised": promised,
                    "amount": amount,
                    "currency": order.currency,
                    "rule": compensation.rule,
                },
                url=f"/orders/{order.number}/",
            )
        ]
    )
    return compensation


def compensations_sweep(*, now: datetime | None = None) -> int:
    """Compensate every order whose promise passed undelivered; return how many were recorded.

    Each order is handled in its own transaction, so running the sweep twice records nothing
    the second time.
    """
    now = now or timezone.now()
    recorded = 0
    for order_id in shipment_selectors.order_list_missed_promise_ids(now=now):
        if compensation_record(order_id=order_id, now=now) is not None:
            recorded += 1
    return recorded
