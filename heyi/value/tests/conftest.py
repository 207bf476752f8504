"""A world with a made-to-order order to settle: pre-orders through a real production tender,
a supplier contract from a real RFQ, a second member of the maker venture, a shipment on a
delivery venture's route, and helpers to pay the order's escrow and complete it.

The order: 2 units of the designs factory's fridge at ¥3,999.00 (total ¥7,998.00), made by
Maker Works 1 at its awarded ¥3,000.00 a unit; the supplier won the RFQ for 4 compressors (2 per
unit) at ¥99.90 (contract SC1, ¥399.60); Laoshan Vans drive its route.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from heyi.designs.selectors import selection_get
from heyi.designs.tests.factories import person_make
from heyi.ledger.models import Account
from heyi.ledger.services import escrow_account, payment_collect
from heyi.logistics.models import Compensation, FaultUnit, Shipment
from heyi.logistics.tests.route_fixtures import station_make
from heyi.logistics.tests.shipment_fixtures import Crew, route_put
from heyi.orders.models import Order
from heyi.orders.order_services import (
    order_advance,
    order_delivery_slot_choose,
    order_sample_decide,
)
from heyi.orders.tests.order_factories import Awarded, advance_as_maker, awarded
from heyi.supply import services as supply_services
from heyi.supply.models import Rfq, RfqStatus, SupplyContract
from heyi.supply.tests.factories import item_make, needed_by, supplier_found
from heyi.ventures.models import Membership, Venture
from heyi.ventures.services import invitation_accept, invitation_send


@dataclass
class ValueWorld:
    awarded: Awarded
    order: Order
    author: Any
    designer: Any
    buyer: Any
    maker: Any  # the maker venture's founder
    member: Any  # a second member of the maker venture
    venture: Venture
    supplier: Venture
    supplier_founder: Any
    contract: SupplyContract | None
    crew: Crew | None


def member_join(venture: Venture, founder: Any, email: str, name: str) -> Any:
    person = person_make(email, name)
    invitation = invitation_send(venture=venture, actor=founder, invitee=person)
    invitation_accept(invitation=invitation, actor=person)
    assert Membership.objects.filter(venture=venture, user=person, left_at__isnull=True).exists()
    return person


def order_escrow(order: Order) -> Account:
    return escrow_account(
        subject_type="order", subject_uid=order.uid, label=f"O{order.number}", currency="CNY"
    )


def order_pay(order: Order) -> None:
    """Fill the order's escrow with its total (by card), unless the order flow already did."""
    escrow = order_escrow(order)
    missing = order.total - escrow.balance
    if missing > 0:
        payment_collect(
            user=order.user,
            amount=missing,
            currency=order.currency,
            into=escrow,
            memo=f"O{order.number}",
            idempotency_key=f"order:{order.uid}:pay",
            order_uid=order.uid,
            subject_type="order",
            subject_uid=order.uid,
        )


def order_deliver(world: ValueWorld) -> Order:
    """Walk the order from confirmed to delivered: the founder makes and ships it, the second
    member takes it to the station and out for delivery, the buyer approves, picks a slot and
    confirms delivery."""
    order = advance_as_maker(world.order, world.maker, "sourcing", "in_production")
    order = advance_as_maker(order, world.maker, "quality_checked")
    order = order_sample_decide(order=order, actor=world.buyer, approve=True)
    order = order_delivery_slot_choose(
        order=order,
        actor=world.buyer,
        delivery_date=timezone.localdate() + timedelta(days=2),
        window="15-18",
    )
    order = advance_as_maker(order, world.maker, "shipped")
    order = advance_as_maker(order, world.member, "at_station", "out_for_delivery")
    return order_advance(order=order, actor=world.buyer, to_stage="delivered")


def order_complete(world: ValueWorld) -> Order:
    order = order_deliver(world)
    order = order_advance(order=order, actor=world.buyer, to_stage="completed")
    world.order = order
    return order


def world_make(owner: Any, operator: Any, capture: Any, *, supply: bool = True) -> ValueWorld:
    result = awarded(owner, operator, [2], [("3000.00", 10)], capture)
    order = Order.objects.get()
    venture, maker = result.ventures[0], result.makers[0]
    member = member_join(venture, maker, "member@example.com", "Member Mei")
    supplier_founder = person_make("supplier@example.com", "Supplier Su")
    supplier = supplier_found(founder=supplier_founder, name="Cool Parts")
    contract = None
    if supply:
        selection = selection_get(demand=result.demand)
        item = item_make(supplier, supplier_founder)
        line = supply_services.bom_line_add(
            version=selection.version,
            actor=selection.proposal.author,
            item=item,
            quantity_per_unit=2,
            module=selection.version.modules.get(name="Inverter compressor"),
        )
        # The RFQ and its contract as the supply award writes them (the maker asked for its
        # 2 awarded units × 2 compressors; the supplier won all 4 at ¥99.90).
        rfq = Rfq.objects.create(
            number=1,
            demand=result.demand,
            production_tender_uid=result.tender.uid,
            bom_line=line,
            venture=venture,
            quantity=4,
            needed_by=needed_by(),
            status=RfqStatus.AWARDED,
            tender_uid=uuid.uuid4(),
            opened_by=maker,
            decided_at=timezone.now(),
        )
        contract = SupplyContract.objects.create(
            number=1,
            rfq=rfq,
            supplier=supplier,
            award_line_uid=uuid.uuid4(),
            quantity=4,
            unit_price=Decimal("99.90"),
            total=Decimal("399.60"),
            lead_time_days=12,
            due_date=needed_by(),
        )
    return ValueWorld(
        awarded=result,
        order=order,
        author=owner,
        designer=selection_get(demand=result.demand).proposal.author,
        buyer=order.user,
        maker=maker,
        member=member,
        venture=venture,
        supplier=supplier,
        supplier_founder=supplier_founder,
        contract=contract,
        crew=None,
    )


def delivery_add(world: ValueWorld) -> Crew:
    """A shipment of the order through a station, on route 1 of Laoshan Vans."""
    shipment = Shipment.objects.create(
        order=world.order,
        station=station_make(name="Laoshan", latitude=36.1072, longitude=120.4689),
        station_km=1.2,
        volume_litres=400,
        weight_kg=80,
        delivery_code="482915",
    )
    world.crew = route_put(shipment)
    return world.crew


def compensation_add(
    world: ValueWorld, *, amount: str, fault: str, venture: Venture | None
) -> None:
    """The logistics sweep's record of a missed promise (the platform paid the user then)."""
    now = timezone.now()
    Compensation.objects.create(
        order=world.order,
        amount=Decimal(amount),
        promised_at=now,
        detected_at=now,
        fault=fault,
        venture=venture,
        rule="10% of the order, at least ¥20.00",
        reason="The goods were on the delivery route.",
    )


@pytest.fixture
def value_world(owner: Any, operator: Any, django_capture_on_commit_callbacks: Any) -> ValueWorld:
    """The made-to-order order at confirmed, its escrow paid, a supplier contract, the route."""
    world = world_make(owner, operator, django_capture_on_commit_callbacks)
    delivery_add(world)
    order_pay(world.order)
    return world


@pytest.fixture
def completed_world(value_world: ValueWorld) -> ValueWorld:
    """The same order completed (and so settled), with a compensation of ¥12.50 charged to
    the delivery venture recorded before completion."""
    assert value_world.crew is not None
    compensation_add(
        value_world, amount="12.50", fault=FaultUnit.DELIVERY, venture=value_world.crew.venture
    )
    order_complete(value_world)
    return value_world
