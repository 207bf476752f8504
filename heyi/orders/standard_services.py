"""Standard orders: a user orders a product on sale directly; once a day the order contention
allocates every paid, waiting order to a venture.

`standard_order_place` quotes the delivery promise (logistics, through `heyi.orders.fulfilment`),
writes the order at `placed` with no venture, its fulfilment and promise, and allocates it (stock
reserved at a centre in reach, else made to order) in the same transaction; a point outside
every station's reach is refused and nothing is written; the order keeps the standard share rule
in force. The user's payment (into the order's escrow) moves it to `paid` (order_advance); an order served from stock is then confirmed by the platform at once, and the
daily run never sees it. `daily_contention_run` locks the paid standard orders that have
no venture yet, hands them to contention's daily run (the exact minimum-cost allocation over
the ventures' standing bids and daily capacities), and in the same transaction gives each
allocated order its venture, the venture's unit price and lead time, and a timeline step. An
order no venture could take stays paid and waits for the next run. The scheduled sweep runs it
once a day at HEYI_DAILY_CONTENTION_HOUR; an operator may also run it at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.contention.daily_selectors import daily_run_last
from heyi.contention.daily_services import DailyOrderInput, daily_run_date, daily_run_record
from heyi.contention.models import DailyRun, DailyRunTrigger
from heyi.core.audit import audit_record
from heyi.core.errors import PermissionDenied
from heyi.core.numbering import numbered_create
from heyi.ledger.models import ShareRuleScope
from heyi.ledger.services import share_rule_current
from heyi.notifications.services import Notice
from heyi.orders import fulfilment
from heyi.orders.errors import OrdersError, OrdersErrorCode
from heyi.orders.models import Fulfilment, Order, OrderEvent, OrderEventKind, OrderStage
from heyi.orders.services import delivery_point_clean, notices_send, quantity_clean
from heyi.orders.stages import Party
from heyi.products.models import Product
from heyi.ventures.models import Venture

logger = logging.getLogger(__name__)

NUMBER_ATTEMPTS = 8


@transaction.atomic
def standard_order_place(
    *,
    product: Product,
    user: Any,
    quantity: Any,
    address: Any,
    latitude: Any,
    longitude: Any,
) -> Order:
    """Order a standard product at its list price; the daily contention chooses the maker."""
    if not getattr(user, "is_authenticated", False):
        raise OrdersError(OrdersErrorCode.NOT_AUTHENTICATED, _("Sign in to order."), status=401)
    address, latitude, longitude = delivery_point_clean(
        address=address, latitude=latitude, longitude=longitude
    )
    quantity = quantity_clean(quantity)
    if not product.is_on_sale:
        raise OrdersError(
            OrdersErrorCode.PRODUCT_NOT_ON_SALE,
            _("%(product)s is not on sale.") % {"product": product.name},
        )
    # Outside every station's reach this raises before anything is written.
    promise = fulfilment.quote(
        product=product, quantity=quantity, latitude=latitude, longitude=longitude
    )
    now = timezone.now()
    order = numbered_create(
        Order,
        attempts=NUMBER_ATTEMPTS,
        product=product,
        user=user,
        quantity=quantity,
        unit_price=product.list_price,
        total=product.list_price * quantity,
        currency=product.currency,
        share_rule=share_rule_current(
            scope=ShareRuleScope.DEFAULT_STANDARD, currency=product.currency
        ),
        address=address,
        latitude=latitude,
        longitude=longitude,
        stage=OrderStage.PLACED,
        stage_changed_at=now,
        fulfilment=promise.fulfilment if promise is not None else "",
        delivery_promised_at=promise.promised_at if promise is not None else None,
    )
    if order is None:
        raise OrdersError(
            OrdersErrorCode.NUMBER_ALLOCATION_FAILED,
            _("Could not number the order; please try again."),
        )
    OrderEvent.objects.create(
        order=order,
        kind=OrderEventKind.STAGE,
        to_stage=OrderStage.PLACED,
        actor=user,
        party=Party.USER,
        note=_("Ordered %(quantity)d × %(product)s.")
        % {"quantity": quantity, "product": product.name},
        occurred_at=now,
    )
    fulfilment.order_allocate(order=order)
    audit_record(
        type="orders.order.placed",
        summary=f"Order O{order.number}: {quantity} × {product.name}",
        actor=user,
        subject=order,
        data={
            "number": order.number,
            "product": product.slug,
            "quantity": quantity,
            "fulfilment": order.fulfilment,
        },
        is_public=False,
    )
    return order


def _allocation_notice(order: Order, *, venture: Venture, product: Product) -> Notice:
    return Notice(
        user=order.user,
        kind="orders.order.allocated",
        title=_("Order O%(number)d: %(venture)s makes it")
        % {"number": order.number, "venture": venture.name},
        body=_(
            "Today's order contention gave your order O%(number)d (%(quantity)d × %(product)s) "
            "to %(venture)s, who promise it within %(days)d days."
        )
        % {
            "number": order.number,
            "quantity": order.quantity,
            "product": product.name,
            "venture": venture.name,
            "days": order.lead_time_days or 0,
        },
        url=f"/orders/{order.number}/",
    )


@transaction.atomic
def daily_contention_run(
    *,
    trigger: str = DailyRunTrigger.SCHEDULE,
    actor: Any = None,
    now: datetime | None = None,
) -> DailyRun:
    """Allocate every paid standard order that has no venture yet; record the run."""
    if trigger == DailyRunTrigger.OPERATOR and not user_is_operator(actor):
        raise PermissionDenied(_("Only an operator may run the daily contention."))
    now = now or timezone.now()
    waiting = list(
        Order.objects.select_for_update(of=("self",))
        .filter(product__isnull=False, venture__isnull=True, stage=OrderStage.PAID)
        # Orders served from stock at a centre are not made by anyone.
        .exclude(fulfilment=Fulfilment.STOCK)
        .select_related("product", "user")
        .order_by("pk")
    )
    products = {order.pk: order.product for order in waiting if order.product is not None}
    run, awards = daily_run_record(
        orders=[
            DailyOrderInput(
                uid=order.uid, product_id=products[order.pk].pk, quantity=order.quantity
            )
            for order in waiting
        ],
        run_on=daily_run_date(now=now),
        trigger=trigger,
        actor=actor,
    )
    allocated: list[Order] = []
    events = []
    for order in waiting:
        award = awards.get(order.uid)
        if award is None:
            continue
        order.venture = award.venture
        order.maker_unit_price = award.unit_price
        order.lead_time_days = award.lead_time_days
        order.allocated_at = now
        order.promised_by = now + timedelta(days=award.lead_time_days)
        allocated.append(order)
        events.append(
            OrderEvent(
                order=order,
                kind=OrderEventKind.ALLOCATED,
                party=Party.SYSTEM,
                note=_(
                    "Daily order contention D%(run)d: allocated to %(venture)s, "
                    "%(days)d days lead time."
                )
                % {"run": run.number, "venture": award.venture.name, "days": award.lead_time_days},
                occurred_at=now,
            )
        )
    Order.objects.bulk_update(
        allocated,
        ["venture", "maker_unit_price", "lead_time_days", "allocated_at", "promised_by"],
        batch_size=2000,
    )
    OrderEvent.objects.bulk_create(events, batch_size=2000)
    notices = [
        _allocation_notice(order, venture=awards[order.uid].venture, product=products[order.pk])
        for order in allocated
    ]
    notices_send(notices)
    return run


def daily_contention_due(*, now: datetime | None = None) -> bool:
    """Whether today's scheduled run is due: past the hour, and not run yet today."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.HEYI_DAILY_CONTENTION_HOUR:
        return False
    return daily_run_last(run_on=now.date(), trigger=DailyRunTrigger.SCHEDULE) is None
