"""A small world with rows at known times in January and February 2026 (Asia/Shanghai).

"Jan31-late" is 2026-01-31 20:00 UTC: 1 February 04:00 in Shanghai, so it counts in February.

Demands: D1 5 Jan (closed), D2 Jan31-late (open), D3 10 Feb (co-design), D0 20 Dec 2025 (open).
Tenders: T1 published 4 Jan, awarded 20 Jan; T2 published Jan31-late, no award 3 Feb;
  T3 published 20 Feb, open, closing 27 Feb; T0 published and awarded in December 2025.
Orders (numbers 101…):
  O101 completed, placed 3 Jan, delivered 10 Jan, promised 12 Jan (on time), settled 15 Jan:
       ¥1,000 (maker, a supplier, a delivery venture, the author, a designer), members paid
       100 + 50;
  O102 completed, placed 8 Jan, delivered 20 Jan, promised 18 Jan (late), compensated ¥40 on
       21 Jan, settled Jan31-late: ¥500 (maker, the author, the platform's own delivery);
  O103 in production, placed Jan31-late, promised 20 Feb (late at 25 Feb);
  O104 delivered 10 Feb 12:00, placed 2 Feb, promised exactly then (on time);
  O105 cancelled, placed 5 Feb;
  O106 delivered 12 Feb, placed 6 Feb, no customer promise (the maker's only);
  O107 paid, placed 24 Feb, the maker's promise 24 Feb 10:00 only (late at 25 Feb);
  the devices' order, delivered, placed 1 Dec 2025.
Devices: A (bound, online) and B; readings of A on 10 Jan (twice) and Jan31-late, of B on
  10 Jan and 15 Feb, of A on 31 Dec 2025 23:00 Shanghai (before the period).
People: 8 active (operator, buyer, owner, worker, two venture founders, author, designer) and
  one deactivated.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conftest import make_user
from heyi.accounts.models import User
from heyi.contention.models import Tender, TenderStatus
from heyi.contention.tests.factories import tender_make
from heyi.demands.models import Demand, DemandStatus
from heyi.demands.tests.factories import demand_make
from heyi.devices.models import Device, DeviceStatus, Reading
from heyi.devices.services import device_register
from heyi.devices.tests.factories import delivered_order, fridge_model
from heyi.ledger.share import OrderFacts, SupplyFacts
from heyi.logistics.models import Compensation, FaultUnit
from heyi.orders.models import Order, OrderStage
from heyi.products.models import Product
from heyi.value.tests.test_statements import order_settle_by_hand, user_party, venture_party
from heyi.ventures.models import Venture, VentureKind
from heyi.ventures.services import invitation_accept, invitation_send
from heyi.ventures.tests.factories import venture_found

SHANGHAI = ZoneInfo("Asia/Shanghai")
JAN31_LATE = datetime(2026, 1, 31, 20, tzinfo=UTC)
NOW = datetime(2026, 2, 25, 12, tzinfo=SHANGHAI)


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    """A moment in the site's time zone."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@dataclass
class World:
    operator: User
    buyer: User
    owner: User
    author: User
    designer: User
    maker: Venture
    supplier: Venture
    delivery: Venture
    orders: dict[int, Order]
    devices: list[Device]
    tenders: dict[str, Tender]


_message_ids = itertools.count(1)


def reading_add(device: Device, when: datetime) -> Reading:
    return Reading.objects.create(
        device=device,
        message_id=f"m{next(_message_ids)}",
        device_ts=when,
        received_at=when,
        values={"temperature": 4.0},
    )


def order_put(
    *,
    number: int,
    product: Product,
    user: User,
    venture: Venture | None,
    stage: str,
    placed: datetime,
    total: str = "100.00",
    quantity: int = 1,
    delivered_at: datetime | None = None,
    delivery_promised_at: datetime | None = None,
    promised_by: datetime | None = None,
) -> Order:
    order = Order.objects.create(
        number=number,
        product=product,
        venture=venture,
        user=user,
        quantity=quantity,
        unit_price=Decimal(total) / quantity,
        total=Decimal(total),
        maker_unit_price=Decimal("1.00"),
        address="Room 1201, 88 Hong Kong Middle Road, Qingdao",
        latitude=Decimal("36.066300"),
        longitude=Decimal("120.382600"),
        stage=stage,
        stage_changed_at=delivered_at or placed,
        delivered_at=delivered_at,
        delivery_promised_at=delivery_promised_at,
        promised_by=promised_by,
    )
    Order.objects.filter(pk=order.pk).update(created_at=placed)
    order.refresh_from_db()
    return order


def demand_put(author: User, title: str, created: datetime, status: str) -> Demand:
    demand = demand_make(author, title=title)
    Demand.objects.filter(pk=demand.pk).update(created_at=created, status=status)
    return demand


def tender_put(
    title: str,
    *,
    published: datetime,
    status: str,
    closed: datetime | None = None,
    closes: datetime | None = None,
) -> Tender:
    tender = tender_make(title=title)
    Tender.objects.filter(pk=tender.pk).update(
        published_at=published,
        opens_at=published,
        status=status,
        closed_at=closed,
        closes_at=closes or closed or published,
    )
    tender.refresh_from_db()
    return tender


def world_make(operator: User) -> World:
    buyer = make_user("buyer@example.com", name="Buyer Bo")
    owner = make_user("owner@example.com", name="Owner Olivia")
    worker = make_user("worker@example.com", name="Worker Wu")
    supplier_owner = make_user("supplier@example.com", name="Supplier Su")
    delivery_owner = make_user("vans@example.com", name="Van Van")
    author = make_user("author@example.com", name="Author Ai")
    designer = make_user("designer@example.com", name="Designer Dai")
    gone = make_user("gone@example.com", name="Gone Gao")
    User.objects.filter(pk=gone.pk).update(is_active=False)

    maker = venture_found(founder=owner, name="Cold Chain Makers")
    invitation_accept(
        invitation=invitation_send(venture=maker, actor=owner, invitee=worker), actor=worker
    )
    supplier = venture_found(
        founder=supplier_owner, name="Compressor Supply", kind=VentureKind.SUPPLIER
    )
    delivery = venture_found(founder=delivery_owner, name="Qingdao Vans", kind=VentureKind.DELIVERY)
    Venture.objects.filter(pk=supplier.pk).update(status="accelerating")

    with time_machine.travel(at(2025, 12, 1), tick=False):
        model = fridge_model(operator)
        devices = device_register(order=delivered_order(model, buyer, quantity=2), model=model)
    Device.objects.filter(pk=devices[0].pk).update(status=DeviceStatus.BOUND, is_online=True)
    first, second = devices
    for device, when in (
        (first, at(2026, 1, 10, 9)),
        (first, at(2026, 1, 10, 18)),
        (first, JAN31_LATE),
        (second, at(2026, 1, 10, 11)),
        (second, at(2026, 2, 15)),
        (first, at(2025, 12, 31, 23)),
    ):
        reading_add(device, when)

    demand_put(author, "Fresh greens for two weeks", at(2026, 1, 5), DemandStatus.CLOSED)
    demand_put(author, "A quiet washing machine", JAN31_LATE, DemandStatus.OPEN)
    demand_put(author, "A fridge for a tiny kitchen", at(2026, 2, 10), DemandStatus.CO_DESIGN)
    demand_put(author, "A cooler for the car", at(2025, 12, 20), DemandStatus.OPEN)

    tenders = {
        "T1": tender_put(
            "T1", published=at(2026, 1, 4), status=TenderStatus.AWARDED, closed=at(2026, 1, 20)
        ),
        "T2": tender_put(
            "T2", published=JAN31_LATE, status=TenderStatus.NO_AWARD, closed=at(2026, 2, 3)
        ),
        "T3": tender_put(
            "Produce 40 tiny fridges",
            published=at(2026, 2, 20),
            status=TenderStatus.OPEN,
            closes=at(2026, 2, 27),
        ),
        "T0": tender_put(
            "T0", published=at(2025, 12, 1), status=TenderStatus.AWARDED, closed=at(2025, 12, 5)
        ),
    }

    product = Product.objects.create(
        slug="fridge", name="Fridge", description="A fridge.", list_price=Decimal("1000.00")
    )
    common: dict[str, Any] = {"product": product, "user": buyer, "venture": maker}
    orders = {
        101: order_put(
            number=101, stage=OrderStage.COMPLETED, placed=at(2026, 1, 3), total="1000.00",
            delivered_at=at(2026, 1, 10), delivery_promised_at=at(2026, 1, 12), **common,
        ),
        102: order_put(
            number=102, stage=OrderStage.COMPLETED, placed=at(2026, 1, 8), total="500.00",
            quantity=2, delivered_at=at(2026, 1, 20), delivery_promised_at=at(2026, 1, 18),
            **common,
        ),
        103: order_put(
            number=103, stage=OrderStage.IN_PRODUCTION, placed=JAN31_LATE,
            delivery_promised_at=at(2026, 2, 20), **common,
        ),
        104: order_put(
            number=104, stage=OrderStage.DELIVERED, placed=at(2026, 2, 2),
            delivered_at=at(2026, 2, 10), delivery_promised_at=at(2026, 2, 10), **common,
        ),
        105: order_put(number=105, stage=OrderStage.CANCELLED, placed=at(2026, 2, 5), **common),
        106: order_put(
            number=106, stage=OrderStage.DELIVERED, placed=at(2026, 2, 6),
            delivered_at=at(2026, 2, 12), promised_by=at(2026, 2, 11), **common,
        ),
        107: order_put(
            number=107, stage=OrderStage.PAID, placed=at(2026, 2, 24),
            promised_by=at(2026, 2, 24, 10), **common,
        ),
    }  # fmt: skip

    ventures = {str(v.uid): v for v in (maker, supplier, delivery)}
    users = {str(u.uid): u for u in (owner, worker, author, designer, buyer)}
    order_settle_by_hand(
        order=orders[101],
        facts=OrderFacts(
            total=Decimal("1000.00"),
            quantity=1,
            currency="CNY",
            maker=venture_party(maker),
            maker_unit_price=Decimal("600.00"),
            supplies=(SupplyFacts(venture_party(supplier), "C1", Decimal("2000.00"), 10),),
            delivery=venture_party(delivery),
            author=user_party(author),
            designers=(user_party(designer),),
        ),
        settled_at=at(2026, 1, 15),
        ventures=ventures,
        users=users,
        pay={owner: "100.00", worker: "50.00"},
    )
    order_settle_by_hand(
        order=orders[102],
        facts=OrderFacts(
            total=Decimal("500.00"),
            quantity=2,
            currency="CNY",
            maker=venture_party(maker),
            maker_unit_price=Decimal("150.00"),
            author=user_party(author),
        ),
        settled_at=JAN31_LATE,
        ventures=ventures,
        users=users,
    )
    Compensation.objects.create(
        order=orders[102],
        amount=Decimal("40.00"),
        promised_at=at(2026, 1, 18),
        detected_at=at(2026, 1, 21),
        fault=FaultUnit.MAKER,
        venture=maker,
        rule="10% of the order, at least ¥20.00",
        reason="Made late.",
    )
    return World(
        operator=operator,
        buyer=buyer,
        owner=owner,
        author=author,
        designer=designer,
        maker=maker,
        supplier=supplier,
        delivery=delivery,
        orders=orders,
        devices=list(devices),
        tenders=tenders,
    )


@pytest.fixture
def world(operator: User) -> World:
    return world_make(operator)
