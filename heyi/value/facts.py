"""The facts of one order that its share rule is applied to, read from the record.

`order_facts_build` turns an order and what is recorded around it into `heyi.ledger.share`'s
`OrderFacts` (pure dataclasses), and keeps which person or venture each `Party` stands for, so
that the settlement can post to their accounts and the pages can link to them:

- maker: the order's venture at its awarded `maker_unit_price` (none for an order served from
  stock, or a standard order not allocated yet);
- supplies: the supply contracts of the requests for quotation the maker opened for the order's
  production tender; a contract covers the maker's awarded units (its RFQ asked for awarded
  units × quantity per unit), so those units are its production quantity (the tender's whole
  quantity when one maker won it all);
- delivery: the venture driving the route the order's shipment was last planned on (none: the
  platform's own vans);
- author: the demand's author; designers: the chosen proposal's venture, else its author;
- compensation: the order's logistics compensation, charged to the maker or delivery venture at
  fault; a station or a centre at fault means the platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from heyi.designs.selectors import selection_find
from heyi.ledger.share import (
    PLATFORM,
    CompensationFacts,
    OrderFacts,
    Party,
    PartyKind,
    SupplyFacts,
)
from heyi.logistics.models import Compensation, FaultUnit
from heyi.logistics.shipment_selectors import shipment_for_order, shipment_route
from heyi.orders.models import Fulfilment, Order
from heyi.supply.models import SupplyContract
from heyi.ventures.models import Venture


@dataclass
class OrderRecord:
    """The facts, and the person or venture behind each party (keyed by the party's ref)."""

    facts: OrderFacts
    users: dict[str, Any] = field(default_factory=dict)
    ventures: dict[str, Venture] = field(default_factory=dict)

    def user_party(self, user: Any) -> Party:
        self.users[str(user.uid)] = user
        return Party(PartyKind.USER, str(user.uid), user.name)

    def venture_party(self, venture: Venture) -> Party:
        self.ventures[str(venture.uid)] = venture
        return Party(PartyKind.VENTURE, str(venture.uid), venture.name)


def _supplies(order: Order) -> list[SupplyContract]:
    if order.tender_uid is None or order.venture_id is None:
        return []
    return list(
        SupplyContract.objects.filter(
            rfq__production_tender_uid=order.tender_uid, rfq__venture_id=order.venture_id
        )
        .select_related("supplier", "rfq__bom_line")
        .order_by("number")
    )


def order_facts_build(*, order: Order) -> OrderRecord:
    """The order's facts for `split_compute`, read from the record (a constant number of
    queries)."""
    record = OrderRecord(
        facts=OrderFacts(total=order.total, quantity=order.quantity, currency=order.currency)
    )
    maker = None
    if (
        order.venture is not None
        and order.maker_unit_price is not None
        and order.fulfilment != Fulfilment.STOCK
    ):
        maker = record.venture_party(order.venture)
    supplies: list[SupplyFacts] = []
    author = None
    designers: list[Party] = []
    if order.demand_id is not None and order.demand is not None:
        author = record.user_party(order.demand.author)
        selection = selection_find(demand=order.demand)
        if selection is not None:
            proposal = selection.proposal
            designers.append(
                record.venture_party(proposal.venture)
                if proposal.venture is not None
                else record.user_party(proposal.author)
            )
        if maker is not None:
            for contract in _supplies(order):
                rfq = contract.rfq
                per_unit = rfq.bom_line.quantity_per_unit
                supplies.append(
                    SupplyFacts(
                        supplier=record.venture_party(contract.supplier),
                        contract=f"SC{contract.number}",
                        contract_total=contract.total,
                        production_quantity=max(1, rfq.quantity // per_unit),
                    )
                )
    delivery = None
    shipment = shipment_for_order(order=order)
    if shipment is not None:
        route = shipment_route(shipment=shipment)
        if route is not None and route.venture is not None:
            delivery = record.venture_party(route.venture)
    compensation = None
    found = Compensation.objects.select_related("venture").filter(order=order).first()
    if found is not None:
        at_fault = PLATFORM
        if found.fault in (FaultUnit.MAKER, FaultUnit.DELIVERY) and found.venture is not None:
            at_fault = record.venture_party(found.venture)
        compensation = CompensationFacts(amount=found.amount, at_fault=at_fault)
    record.facts = OrderFacts(
        total=order.total,
        quantity=order.quantity,
        currency=order.currency,
        maker=maker,
        maker_unit_price=order.maker_unit_price if maker is not None else None,
        supplies=tuple(supplies),
        delivery=delivery,
        author=author,
        designers=tuple(designers),
        compensation=compensation,
    )
    return record
