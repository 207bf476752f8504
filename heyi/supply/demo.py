"""Supply's part of the demo world: suppliers' catalogues, BOMs of chosen designs and RFQs.

Called by heyi.demo.world once the demands have lived their story, inside its transaction; it
goes through the real services only, and the same random generator gives the same result.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from heyi.contention.models import Tender
from heyi.contention.selectors import venture_eligibility
from heyi.contention.services import bid_submit, tender_close
from heyi.demands.models import Demand, DemandStatus
from heyi.designs.selectors import selection_find
from heyi.supply import selectors, services
from heyi.supply.models import BomLine, CatalogueItem, Rfq
from heyi.ventures.models import Venture, VentureKind, VentureStatus
from heyi.ventures.selectors import member_list

CENT = Decimal("0.01")
# The supplier ventures of heyi.demo.data.VENTURES and what each sells.
COMPRESSORS = "Compressor Parts Co-op"
PANELS = "Panel and Glass Supply"


@dataclass(frozen=True)
class ItemSeed:
    supplier: str
    name: str
    kind: str
    category: str
    unit_price: str
    lead_time_days: int
    capacity_per_week: int
    certification: str
    description: str


ITEMS = [
    ItemSeed(
        COMPRESSORS,
        "Inverter compressor 120 W",
        "module",
        "fridges",
        "410.00",
        14,
        300,
        "CCC, CE",
        "R600a inverter compressor, below 38 dB at 1 m.",
    ),
    ItemSeed(
        COMPRESSORS,
        "Inverter board IB-3",
        "component",
        "fridges",
        "126.00",
        10,
        500,
        "CCC",
        "Drives 80–150 W compressors; published pin-out.",
    ),
    ItemSeed(
        COMPRESSORS,
        "Compressor fitting and test",
        "service",
        "fridges",
        "90.00",
        3,
        80,
        "",
        "Fitting, vacuum, charge and a 24-hour run test at your workshop.",
    ),
    ItemSeed(
        COMPRESSORS,
        "Rotary compressor 1.5 HP",
        "module",
        "air-conditioners",
        "780.00",
        21,
        150,
        "CCC, CE, ISO 9001",
        "R32 rotary compressor for split units up to 3.5 kW.",
    ),
    ItemSeed(
        COMPRESSORS,
        "Expansion valve kit",
        "component",
        "air-conditioners",
        "58.50",
        7,
        1000,
        "CE",
        "Electronic expansion valve with coil and harness.",
    ),
    ItemSeed(
        PANELS,
        "Tempered glass door panel",
        "component",
        "fridges",
        "145.00",
        12,
        400,
        "CCC",
        "4 mm tempered glass, cut to the door's drawing, edges polished.",
    ),
    ItemSeed(
        PANELS,
        "Glass shelf 40 cm",
        "component",
        "fridges",
        "35.00",
        5,
        1500,
        "",
        "Tempered shelf with a spill rim.",
    ),
    ItemSeed(
        PANELS,
        "Bamboo front panel",
        "component",
        "kitchen",
        "188.00",
        18,
        120,
        "FSC",
        "Laminated bamboo, oiled, cut to the cabinet's drawing.",
    ),
    ItemSeed(
        PANELS,
        "Stainless steel inner tub",
        "component",
        "dishwashers",
        "320.00",
        20,
        200,
        "ISO 9001",
        "304 stainless, welded and leak-tested.",
    ),
]


def _first_member(venture: Venture) -> Any:
    membership = member_list(venture=venture).first()
    return membership.user if membership is not None else None


def _catalogues() -> list[CatalogueItem]:
    """Every trading supplier lists the seeded items of its categories."""
    items = []
    suppliers = (
        Venture.objects.filter(kind=VentureKind.SUPPLIER)
        .exclude(status=VentureStatus.DISSOLVED)
        .prefetch_related("categories")
        .order_by("name")
    )
    valid_until = timezone.localdate() + timedelta(days=540)
    for supplier in suppliers:
        member = _first_member(supplier)
        slugs = {category.slug for category in supplier.categories.all()}
        if member is None:
            continue
        for seed in ITEMS:
            if seed.supplier != supplier.name or seed.category not in slugs:
                continue
            items.append(
                services.catalogue_item_create(
                    supplier=supplier,
                    actor=member,
                    name=seed.name,
                    kind=seed.kind,
                    category=seed.category,
                    unit_price=Decimal(seed.unit_price),
                    lead_time_days=seed.lead_time_days,
                    capacity_per_week=seed.capacity_per_week,
                    description=seed.description,
                    certification=seed.certification,
                    certification_valid_until=valid_until if seed.certification else None,
                )
            )
    return items


def _boms(rng: random.Random, items: list[CatalogueItem]) -> list[BomLine]:
    """The authors of chosen designs list catalogue items of their category as their BOM."""
    lines = []
    statuses = [
        DemandStatus.PRE_ORDER,
        DemandStatus.CONTENTION,
        DemandStatus.IN_PRODUCTION,
        DemandStatus.DELIVERED,
    ]
    demands = Demand.objects.filter(status__in=statuses).select_related("category")
    for demand in demands.order_by("number"):
        candidates = [item for item in items if item.category_id == demand.category_id]
        selection = selection_find(demand=demand)
        if not candidates or selection is None:
            continue
        modules = list(selection.version.modules.all())
        for item in rng.sample(candidates, k=min(len(candidates), rng.randint(2, 3))):
            lines.append(
                services.bom_line_add(
                    version=selection.version,
                    actor=selection.proposal.author,
                    item=item,
                    quantity_per_unit=rng.choice([1, 1, 2]),
                    module=rng.choice(modules) if modules and rng.random() < 0.6 else None,
                )
            )
    return lines


def _quote(rng: random.Random, tender: Tender, item: CatalogueItem, *, split: bool) -> int:
    """Every eligible supplier bids near its catalogue price; returns how many bid.

    With `split`, no bid covers the whole quantity, so that two suppliers share the award.
    """
    suppliers = Venture.objects.filter(kind=VentureKind.SUPPLIER).prefetch_related("categories")
    count = 0
    for supplier in suppliers.order_by("name"):
        member = _first_member(supplier)
        if member is None or not venture_eligibility(tender=tender, venture=supplier).is_eligible:
            continue
        bid_submit(
            tender=tender,
            venture=supplier,
            actor=member,
            unit_price=(item.unit_price * Decimal(rng.randint(88, 108)) / 100).quantize(CENT),
            lead_time_days=max(1, item.lead_time_days + rng.randint(-3, 4)),
            capacity=rng.randint(
                max(1, (tender.quantity + 1) // 2),
                max(1, tender.quantity * 4 // 5) if split else tender.quantity * 2,
            ),
            plan="From stock and our published production line.",
        )
        count += 1
    return count


def supply_demo_add(*, rng: random.Random, operator: Any) -> dict[str, int]:
    """Catalogues, BOMs, one RFQ left open with quotations and one awarded into contracts."""
    items = _catalogues()
    lines = _boms(rng, items)
    counts = {"catalogue items": len(items), "BOM lines": len(lines), "RFQs": 0, "quotations": 0}
    opened: list[Rfq] = []
    for line in lines:
        if len(opened) == 2:
            break
        demand = line.version.proposal.demand
        tender = selectors.production_tender_find(demand=demand)
        selection = selection_find(demand=demand)
        if tender is None or selection is None or selection.version_id != line.version_id:
            continue
        award = tender.award_lines.select_related("venture").order_by("rank").first()
        member = _first_member(award.venture) if award is not None else None
        if (
            award is None
            or member is None
            or any(r.bom_line.version_id == line.version_id for r in opened)
        ):
            continue
        rfq = services.rfq_open(
            production_tender=tender,
            venture=award.venture,
            bom_line=line,
            actor=member,
            needed_by=timezone.localdate() + timedelta(days=rng.randint(21, 45)),
        )
        supply_tender = services.rfq_tender(rfq=rfq)
        counts["quotations"] += _quote(rng, supply_tender, line.item, split=not opened)
        opened.append(rfq)
    counts["RFQs"] = len(opened)
    if len(opened) == 2:
        # The first RFQ is decided early by the operator; the second stays open for quotations.
        tender = tender_close(tender=services.rfq_tender(rfq=opened[0]), actor=operator)
        # The handler runs after commit; the demo loads in one transaction, so apply it now
        # (it is idempotent).
        services.rfq_award_apply(tender=tender)
    counts["supply contracts"] = sum(rfq.contracts.count() for rfq in opened)
    return counts
