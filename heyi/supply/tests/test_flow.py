"""The whole supply chain step: production award → BOM → RFQ → two suppliers bid → contracts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from heyi.contention.models import Tender, TenderStatus
from heyi.contention.services import bid_submit, tender_close
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.supply import services
from heyi.supply.models import Rfq, RfqStatus, SupplyContract
from heyi.supply.tests.factories import (
    item_make,
    line_make,
    production_awarded,
    rfq_make,
    supplier_found,
)

pytestmark = pytest.mark.django_db


def test_an_rfq_is_awarded_to_two_suppliers_as_contracts(
    owner: Any, rival: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    first = supplier_found(founder=owner, name="Suzhou Compressor Co-op")
    second = supplier_found(founder=rival, name="Rival Parts")
    item = item_make(first, owner)
    line = line_make(production, item, quantity_per_unit=2)
    rfq = rfq_make(production, line)
    tender = Tender.objects.get(uid=rfq.tender_uid)
    # Neither covers the 10 units alone, so they are split in rank order: the cheaper supplier
    # scores 0.6 + 0 + 0.1 = 0.7 and takes its capacity of 6; the faster one scores
    # 0 + 0.3 + 0.1 = 0.4 and gets the remaining 4.
    bid_submit(
        tender=tender,
        venture=first,
        actor=owner,
        unit_price=Decimal("100.00"),
        lead_time_days=10,
        capacity=6,
    )
    bid_submit(
        tender=tender,
        venture=second,
        actor=rival,
        unit_price=Decimal("120.00"),
        lead_time_days=5,
        capacity=8,
    )

    with django_capture_on_commit_callbacks(execute=True):
        tender = tender_close(tender=tender, actor=operator)

    assert tender.status == TenderStatus.AWARDED
    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.AWARDED
    closed_on = timezone.localdate(tender.closed_at)
    assert [
        (
            c.number,
            c.supplier_id,
            c.quantity,
            c.unit_price,
            c.total,
            c.lead_time_days,
            c.due_date,
        )
        for c in SupplyContract.objects.order_by("number")
    ] == [
        (1, first.pk, 6, Decimal("100.00"), Decimal("600.00"), 10, closed_on + timedelta(days=10)),
        (2, second.pk, 4, Decimal("120.00"), Decimal("480.00"), 5, closed_on + timedelta(days=5)),
    ]
    assert [
        e.type
        for e in AuditEvent.objects.filter(demand_uid=rfq.demand.uid, type__startswith="supply.")
    ] == [
        "supply.bom_line.added",
        "supply.rfq.opened",
        "supply.contract.created",
        "supply.contract.created",
        "supply.rfq.awarded",
    ]

    # The handler runs again (a retried dispatch): nothing changes.
    services.rfq_award_apply(tender=tender)
    assert SupplyContract.objects.count() == 2


def test_an_rfq_nobody_quoted_for_fails(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    item = item_make(supplier_found(founder=owner, name="Suzhou Compressor Co-op"), owner)
    rfq = rfq_make(production, line_make(production, item))
    tender = Tender.objects.get(uid=rfq.tender_uid)

    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=tender, actor=operator)

    rfq = Rfq.objects.get(pk=rfq.pk)
    assert rfq.status == RfqStatus.FAILED
    assert SupplyContract.objects.count() == 0
    assert AuditEvent.objects.filter(type="supply.rfq.failed").count() == 1
    # Once failed, the venture may ask again.
    again = rfq_make(production, rfq.bom_line)
    assert (again.number, again.status) == (2, "open")
