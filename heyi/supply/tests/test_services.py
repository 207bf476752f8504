"""Supply services: the catalogue, bill-of-materials lines and RFQs, with their rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from heyi.contention.models import SubjectType, Tender, TenderStatus
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.supply import services
from heyi.supply.models import BomLine, CatalogueItem, ItemStatus, Rfq
from heyi.supply.tests.factories import (
    ITEM_DEFAULTS,
    item_make,
    line_make,
    needed_by,
    production_awarded,
    rfq_make,
    supplier_found,
)

pytestmark = pytest.mark.django_db


def _writes() -> tuple[int, int, int, int]:
    return (
        CatalogueItem.objects.count(),
        BomLine.objects.count(),
        Rfq.objects.count(),
        AuditEvent.objects.filter(type__startswith="supply.").count(),
    )


# --- catalogue --------------------------------------------------------------------------------


def test_a_member_lists_an_item(supplier_venture: Any, owner: Any) -> None:
    item = item_make(supplier_venture, owner)

    assert item.number == 1
    assert item.supplier == supplier_venture
    assert (item.name, item.kind, item.category.slug) == (
        "Inverter compressor 120 W",
        "module",
        "kitchen",
    )
    assert item.unit_price == Decimal("410.00")
    assert (item.lead_time_days, item.capacity_per_week) == (14, 200)
    assert (item.certification, item.certification_valid_until) == ("CCC, CE", date(2027, 6, 30))
    assert item.status == ItemStatus.ACTIVE
    event = AuditEvent.objects.get(type="supply.item.created")
    assert event.actor == owner
    assert event.data["unit_price"] == "410.00"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("unit_price", "-1.00", "price_invalid"),
        ("unit_price", "0", "price_invalid"),
        ("unit_price", "1.005", "price_invalid"),
        ("unit_price", "NaN", "price_invalid"),
        ("unit_price", "ten", "price_invalid"),
        ("lead_time_days", -1, "lead_time_invalid"),
        ("lead_time_days", "3", "lead_time_invalid"),
        ("capacity_per_week", 0, "capacity_invalid"),
        ("kind", "gadget", "kind_invalid"),
        ("category", "no-such-thing", "category_unknown"),
        ("name", "   ", "blank"),
    ],
)
def test_bad_item_input_is_refused_and_writes_nothing(
    supplier_venture: Any, owner: Any, field: str, value: Any, code: str
) -> None:
    before = _writes()
    with pytest.raises(DomainError) as error:
        item_make(supplier_venture, owner, **{field: value})
    assert (error.value.code, error.value.status) == (code, 422)
    assert _writes() == before


def test_a_certification_date_needs_a_certification(supplier_venture: Any, owner: Any) -> None:
    with pytest.raises(DomainError) as error:
        item_make(supplier_venture, owner, certification="")
    assert error.value.code == "certification_date_invalid"


def test_only_members_of_a_supplier_venture_list_items(
    supplier_venture: Any, rival: Any, operator: Any, owner: Any
) -> None:
    for actor, code in [(rival, "not_venture_member"), (operator, "not_venture_member")]:
        with pytest.raises(DomainError) as error:
            item_make(supplier_venture, actor)
        assert (error.value.code, error.value.status) == (code, 403)
    maker_venture = supplier_found(founder=owner, name="Not A Supplier")
    maker_venture.kind = "maker"
    maker_venture.save()
    with pytest.raises(DomainError) as error:
        item_make(maker_venture, owner)
    assert error.value.code == "not_supplier"
    assert CatalogueItem.objects.count() == 0


def test_a_member_updates_and_retires_an_item(item: Any, owner: Any) -> None:
    updated = services.catalogue_item_update(
        item=item, actor=owner, **{**ITEM_DEFAULTS, "unit_price": "395.50", "lead_time_days": 10}
    )
    assert (updated.unit_price, updated.lead_time_days) == (Decimal("395.50"), 10)
    event = AuditEvent.objects.get(type="supply.item.updated")
    assert event.data == {
        "unit_price": {"from": "410.00", "to": "395.50"},
        "lead_time_days": {"from": 14, "to": 10},
    }

    retired = services.catalogue_item_retire(item=item, actor=owner)
    assert retired.status == ItemStatus.RETIRED
    assert retired.retired_at is not None
    with pytest.raises(DomainError) as error:
        services.catalogue_item_retire(item=item, actor=owner)
    assert error.value.code == "item_retired"
    with pytest.raises(DomainError) as error:
        services.catalogue_item_update(item=item, actor=owner, **ITEM_DEFAULTS)
    assert error.value.code == "item_retired"


def test_a_rival_neither_updates_nor_retires(item: Any, rival: Any) -> None:
    before = _writes()
    with pytest.raises(DomainError) as error:
        services.catalogue_item_update(
            item=item, actor=rival, **{**ITEM_DEFAULTS, "unit_price": "1.00"}
        )
    assert error.value.status == 403
    with pytest.raises(DomainError):
        services.catalogue_item_retire(item=item, actor=rival)
    item.refresh_from_db()
    assert (item.unit_price, item.status) == (Decimal("410.00"), "active")
    assert _writes() == before


# --- bills of materials -----------------------------------------------------------------------


def test_the_designer_adds_updates_and_removes_a_line(
    owner: Any, operator: Any, item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    line = line_make(production, item)

    assert (line.version, line.item, line.quantity_per_unit) == (production.version, item, 2)
    assert line.module is not None and line.module.name == "Inverter compressor"
    added = AuditEvent.objects.get(type="supply.bom_line.added")
    assert added.demand_uid == production.demand.uid

    services.bom_line_update(line=line, actor=production.designer, quantity_per_unit=3, note="x")
    line.refresh_from_db()
    assert (line.quantity_per_unit, line.note) == (3, "x")

    with pytest.raises(DomainError) as error:
        line_make(production, item)
    assert error.value.code == "bom_line_exists"

    services.bom_line_remove(line=line, actor=production.designer)
    assert BomLine.objects.count() == 0
    assert [e.type for e in AuditEvent.objects.filter(type__startswith="supply.bom_line")] == [
        "supply.bom_line.added",
        "supply.bom_line.updated",
        "supply.bom_line.removed",
    ]


def test_bom_lines_are_refused_to_others_and_for_bad_input(
    owner: Any, rival: Any, operator: Any, item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    before = _writes()
    for actor in (owner, rival, operator, production.maker):
        with pytest.raises(DomainError) as error:
            services.bom_line_add(
                version=production.version, actor=actor, item=item, quantity_per_unit=1
            )
        assert (error.value.code, error.value.status) == ("not_proposal_author", 403)
    bad_quantities: list[Any] = [0, -2, "2", True]
    for quantity in bad_quantities:
        with pytest.raises(DomainError) as error:
            services.bom_line_add(
                version=production.version,
                actor=production.designer,
                item=item,
                quantity_per_unit=quantity,
            )
        assert (error.value.code, error.value.status) == ("quantity_invalid", 422)
    services.catalogue_item_retire(item=item, actor=owner)
    with pytest.raises(DomainError) as error:
        line_make(production, item)
    assert error.value.code == "item_retired"
    assert _writes()[:3] == before[:3]


# --- requests for quotation -------------------------------------------------------------------


def test_a_production_winner_opens_an_rfq_on_the_engine(
    owner: Any, operator: Any, item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    line = line_make(production, item, quantity_per_unit=2)

    rfq = rfq_make(production, line)

    assert rfq.number == 1
    assert rfq.quantity == 10  # 5 awarded units × 2 per unit
    assert (rfq.venture, rfq.demand, rfq.status) == (
        production.maker_venture,
        production.demand,
        "open",
    )
    tender = Tender.objects.get(uid=rfq.tender_uid)
    assert (tender.subject_type, tender.subject_uid) == (SubjectType.SUPPLY_RFQ, rfq.uid)
    assert (tender.status, tender.quantity, tender.created_by) == (TenderStatus.OPEN, 10, None)
    assert tender.venture_kinds == ["supplier"]
    assert [c.slug for c in tender.categories.all()] == ["kitchen"]
    assert tender.rule["criteria"] == [
        {"name": "lead_time_days", "weight": "0.3", "direction": "lower_is_better"},
        {"name": "on_time_rate", "weight": "0.1", "direction": "higher_is_better"},
        {"name": "unit_price", "weight": "0.6", "direction": "lower_is_better"},
    ]
    assert tender.title == f"Supply of 10 × Inverter compressor 120 W for #{rfq.demand.number}"
    opened = AuditEvent.objects.get(type="supply.rfq.opened")
    assert (opened.demand_uid, opened.actor) == (production.demand.uid, production.maker)

    with pytest.raises(DomainError) as error:
        rfq_make(production, line)
    assert error.value.code == "rfq_exists"
    with pytest.raises(DomainError) as error:
        services.bom_line_remove(line=line, actor=production.designer)
    assert error.value.code == "bom_line_in_use"


def test_only_members_of_an_awarded_venture_open_rfqs(
    owner: Any, rival: Any, operator: Any, item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    line = line_make(production, item)
    rival_maker = supplier_found(founder=rival, name="Rival Makers")
    tenders_before = Tender.objects.count()
    before = _writes()
    cases = [
        (production.maker_venture, rival, "not_venture_member", 403),
        (production.maker_venture, operator, "not_venture_member", 403),
        (rival_maker, rival, "not_awarded_venture", 403),
    ]
    for venture, actor, code, status in cases:
        with pytest.raises(DomainError) as error:
            services.rfq_open(
                production_tender=production.tender,
                venture=venture,
                bom_line=line,
                actor=actor,
                needed_by=needed_by(),
            )
        assert (error.value.code, error.value.status) == (code, status)
    assert (_writes(), Tender.objects.count()) == (before, tenders_before)


def test_rfq_input_is_checked(
    owner: Any, operator: Any, item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    line = line_make(production, item)
    tenders_before = Tender.objects.count()
    for days in (0, 1, 2, 731):
        with pytest.raises(DomainError) as error:
            services.rfq_open(
                production_tender=production.tender,
                venture=production.maker_venture,
                bom_line=line,
                actor=production.maker,
                needed_by=needed_by(days),
            )
        assert (error.value.code, error.value.status) == ("needed_by_invalid", 422)
    rfq_tender = rfq_make(production, line)
    supply_tender = Tender.objects.get(uid=rfq_tender.tender_uid)
    with pytest.raises(DomainError) as error:
        services.rfq_open(
            production_tender=supply_tender,
            venture=production.maker_venture,
            bom_line=line,
            actor=production.maker,
            needed_by=needed_by(),
        )
    assert error.value.code == "not_production_tender"
    assert Tender.objects.count() == tenders_before + 1
