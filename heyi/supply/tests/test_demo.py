"""Supply's part of the demo world, on a small world: a catalogue, a BOM and an open RFQ."""

from __future__ import annotations

import random
from typing import Any

import pytest

from heyi.contention.models import Tender
from heyi.designs.tests.factories import person_make
from heyi.supply.demo import PANELS, supply_demo_add
from heyi.supply.models import BomLine, CatalogueItem, Rfq
from heyi.supply.tests.factories import production_awarded, supplier_found

pytestmark = pytest.mark.django_db


def test_the_demo_adds_a_catalogue_a_bom_and_an_rfq(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    supplier = supplier_found(founder=owner, name=PANELS, categories=("kitchen", "fridges"))

    counts = supply_demo_add(rng=random.Random(7), operator=operator)

    assert counts == {
        "catalogue items": 3,
        "BOM lines": 1,
        "RFQs": 1,
        "quotations": 1,
        "supply contracts": 0,
    }
    assert sorted(CatalogueItem.objects.values_list("name", flat=True)) == [
        "Bamboo front panel",
        "Glass shelf 40 cm",
        "Tempered glass door panel",
    ]
    line = BomLine.objects.get()
    assert (line.version, line.item.name) == (production.version, "Bamboo front panel")
    rfq = Rfq.objects.get()
    assert (rfq.venture, rfq.status, rfq.quantity) == (
        production.maker_venture,
        "open",
        5 * line.quantity_per_unit,
    )
    tender = Tender.objects.get(uid=rfq.tender_uid)
    assert (tender.status, tender.bid_count) == ("open", 1)
    assert {b.venture_id for b in tender.bids.all()} == {supplier.pk}
