"""Test helpers for supply: supplier ventures, catalogue items, and a production award with a BOM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from heyi.contention.models import SubjectType, Tender
from heyi.contention.services import bid_submit, tender_close
from heyi.contention.tests.factories import tender_make, venture_found
from heyi.core.services import category_ensure
from heyi.demands.models import Demand
from heyi.designs.models import ProposalVersion
from heyi.designs.selectors import selection_get
from heyi.designs.services import selection_make
from heyi.designs.tests.factories import claimed_demand, person_make, proposal_make
from heyi.supply import services
from heyi.supply.models import BomLine, CatalogueItem, Rfq
from heyi.ventures.models import Venture, VentureKind
from heyi.ventures.services import venture_create

ITEM_DEFAULTS: dict[str, Any] = {
    "name": "Inverter compressor 120 W",
    "kind": "module",
    "category": "kitchen",
    "unit_price": Decimal("410.00"),
    "lead_time_days": 14,
    "capacity_per_week": 200,
    "description": "R600a, 120 W, quiet below 38 dB.",
    "certification": "CCC, CE",
    "certification_valid_until": date(2027, 6, 30),
}


def supplier_found(
    *, founder: Any, name: str, categories: tuple[str, ...] = ("kitchen",)
) -> Venture:
    for slug in categories:
        category_ensure(slug=slug, name=slug.title())
    return venture_create(
        actor=founder,
        name=name,
        kind=VentureKind.SUPPLIER,
        mission="Compressors and drawers at published prices.",
        city="Suzhou",
        categories=list(categories),
    )


def item_make(supplier: Venture, actor: Any, **fields: Any) -> CatalogueItem:
    category_ensure(slug="kitchen", name="Kitchen")
    return services.catalogue_item_create(
        supplier=supplier, actor=actor, **{**ITEM_DEFAULTS, **fields}
    )


@dataclass
class Production:
    """A demand whose production tender was awarded, and its chosen design's version."""

    demand: Demand
    tender: Tender
    version: ProposalVersion
    designer: Any
    maker: Any
    maker_venture: Venture


def production_awarded(author: Any, operator: Any) -> Production:
    """A demand with a chosen design whose production tender for 5 units one maker venture won
    at ¥3,000.00 (the tender made and closed on the engine directly, as orders would)."""
    designer = person_make("designer@example.com", "Designer Dai")
    demand = claimed_demand(author, designer)
    selection_make(demand=demand, user=author, proposal=proposal_make(demand, designer))
    maker = person_make("maker1@example.com", "Maker 1")
    maker_venture = venture_found(founder=maker, name="Maker Works 1", categories=["kitchen"])
    tender = tender_make(
        quantity=5,
        subject_type=SubjectType.DEMAND_PRODUCTION,
        subject_uid=demand.uid,
        demand_uid=demand.uid,
        categories=["kitchen"],
    )
    bid_submit(
        tender=tender,
        venture=maker_venture,
        actor=maker,
        unit_price=Decimal("3000.00"),
        lead_time_days=20,
        capacity=10,
    )
    tender = tender_close(tender=tender, actor=operator)
    selection = selection_get(demand=demand)
    return Production(
        demand=demand,
        tender=tender,
        version=selection.version,
        designer=designer,
        maker=maker,
        maker_venture=maker_venture,
    )


def line_make(production: Production, item: CatalogueItem, quantity_per_unit: int = 2) -> BomLine:
    return services.bom_line_add(
        version=production.version,
        actor=production.designer,
        item=item,
        quantity_per_unit=quantity_per_unit,
        module=production.version.modules.get(name="Inverter compressor"),
    )


def needed_by(days: int = 30) -> date:
    return timezone.localdate() + timedelta(days=days)


def rfq_make(production: Production, line: BomLine) -> Rfq:
    return services.rfq_open(
        production_tender=production.tender,
        venture=production.maker_venture,
        bom_line=line,
        actor=production.maker,
        needed_by=needed_by(),
    )


def rfq_award_to(rfq: Rfq, *, supplier: Venture, actor: Any, operator: Any, capture: Any) -> None:
    """One supplier quotes ¥99.90 a unit, 12 days, capacity 50; the operator closes the RFQ's
    tender and the award handler turns it into a contract."""
    tender = Tender.objects.get(uid=rfq.tender_uid)
    bid_submit(
        tender=tender,
        venture=supplier,
        actor=actor,
        unit_price=Decimal("99.90"),
        lead_time_days=12,
        capacity=50,
    )
    with capture(execute=True):
        tender_close(tender=tender, actor=operator)
