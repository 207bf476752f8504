"""Supply pages: the catalogue, items, a venture's catalogue, BOMs, RFQs and contracts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from heyi.contention.models import Tender
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.supply.models import BomLine, CatalogueItem, Rfq
from heyi.supply.tests.factories import (
    Production,
    item_make,
    line_make,
    needed_by,
    production_awarded,
    rfq_award_to,
    rfq_make,
)

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "owner", "rival", "operator"]
FORM = {
    "name": "Glass shelf 40 cm",
    "kind": "component",
    "category": "kitchen",
    "unit_price": "35.00",
    "lead_time_days": "5",
    "capacity_per_week": "800",
    "certification": "",
    "certification_valid_until": "",
    "description": "Tempered, 4 mm.",
}


def _client(who: str, request: Any) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


def _writes() -> tuple[int, ...]:
    return (
        CatalogueItem.objects.count(),
        BomLine.objects.count(),
        Rfq.objects.count(),
        AuditEvent.objects.filter(type__startswith="supply.").count(),
    )


def test_the_catalogue_page_searches_and_filters(
    client: Client,
    owner: Any,
    rival: Any,
    supplier_venture: Any,
    rival_supplier: Any,
    django_assert_max_num_queries: Any,
) -> None:
    item_make(supplier_venture, owner)
    item_make(
        rival_supplier, rival, name="Installation crew", kind="service", description="Two fitters."
    )
    with django_assert_max_num_queries(6):
        page = client.get("/catalogue/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Inverter compressor 120 W" in html and "Installation crew" in html
    assert "¥410.00" in html
    only = client.get("/catalogue/", {"kind": "service"}).content.decode()
    assert "Installation crew" in only and "Inverter compressor" not in only
    assert "Installation crew" not in client.get("/catalogue/", {"q": "quiet"}).content.decode()
    by_supplier = client.get("/catalogue/", {"supplier": "rival-parts"}).content.decode()
    assert "Installation crew" in by_supplier and "Inverter compressor" not in by_supplier
    assert 'href="/catalogue/"' in client.get("/").content.decode()


@pytest.mark.parametrize("who", CALLERS)
def test_the_item_page_shows_the_edit_form_to_members_only(
    request: Any, who: str, item: Any
) -> None:
    page = _client(who, request).get(f"/catalogue/{item.number}/")
    assert page.status_code == 200
    assert "Inverter compressor 120 W" in page.content.decode()
    assert ("Retire this item" in page.content.decode()) is (who == "owner")


@pytest.mark.parametrize("who", CALLERS)
def test_who_may_edit_an_item_on_its_page(request: Any, who: str, item: Any) -> None:
    before = _writes()
    response = _client(who, request).post(
        f"/catalogue/{item.number}/edit/", {**FORM, "unit_price": "30.00"}
    )
    item.refresh_from_db()
    if who == "owner":
        assert response.status_code == 302
        assert item.unit_price == Decimal("30.00")
    else:
        assert response.status_code == {"anonymous": 302, "rival": 403, "operator": 403}[who]
        assert item.unit_price == Decimal("410.00")
        assert _writes() == before


def test_a_negative_price_on_the_page_is_refused(client: Client, owner: Any, item: Any) -> None:
    client.force_login(owner)
    before = _writes()
    response = client.post(f"/catalogue/{item.number}/edit/", {**FORM, "unit_price": "-3.00"})
    assert response.status_code == 422
    assert "The unit price must be more than zero" in response.content.decode()
    item.refresh_from_db()
    assert item.unit_price == Decimal("410.00")
    assert _writes() == before


def test_a_member_lists_and_retires_items_on_the_venture_page(
    client: Client, owner: Any, supplier_venture: Any
) -> None:
    client.force_login(owner)
    response = client.post(f"/ventures/{supplier_venture.slug}/catalogue/", FORM)
    assert response.status_code == 302
    item = CatalogueItem.objects.get()
    assert (item.name, item.unit_price, item.supplier) == (
        "Glass shelf 40 cm",
        Decimal("35.00"),
        supplier_venture,
    )
    bad = client.post(
        f"/ventures/{supplier_venture.slug}/catalogue/", {**FORM, "lead_time_days": "-1"}
    )
    assert bad.status_code == 422
    assert "Lead time must be a whole number" in bad.content.decode()
    assert CatalogueItem.objects.count() == 1
    assert client.post(f"/catalogue/{item.number}/retire/").status_code == 302
    item.refresh_from_db()
    assert item.status == "retired"
    assert "Retired" in client.get(f"/ventures/{supplier_venture.slug}/catalogue/").content.decode()


@pytest.mark.parametrize("who", CALLERS)
def test_who_sees_and_uses_a_venture_s_catalogue_page(
    request: Any, who: str, supplier_venture: Any, item: Any
) -> None:
    client = _client(who, request)
    page = client.get(f"/ventures/{supplier_venture.slug}/catalogue/")
    assert page.status_code == {"anonymous": 302, "owner": 200, "rival": 403, "operator": 200}[who]
    before = _writes()
    posted = client.post(f"/ventures/{supplier_venture.slug}/catalogue/", FORM)
    if who != "owner":
        assert _writes() == before
        assert posted.status_code in (302, 403)
        assert client.post(f"/catalogue/{item.number}/retire/").status_code in (302, 403)
        item.refresh_from_db()
        assert item.status == "active"


@pytest.fixture
def production(operator: Any, django_capture_on_commit_callbacks: Any) -> Production:
    return production_awarded(person_make("author@example.com"), operator)


def test_the_designer_edits_the_bom_page(client: Client, production: Production, item: Any) -> None:
    client.force_login(production.designer)
    url = f"/proposals/{production.version.proposal.uid}/bom/"
    assert "Add the line" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "item": item.number,
            "quantity_per_unit": "2",
            "module": "Inverter compressor",
            "note": "",
        },
    )
    assert response.status_code == 302
    line = BomLine.objects.get()
    assert (line.quantity_per_unit, line.module.name if line.module else None) == (
        2,
        "Inverter compressor",
    )
    bad = client.post(url, {"item": item.number, "quantity_per_unit": "0"})
    assert bad.status_code == 422
    assert "Quantity per unit must be a whole number" in bad.content.decode()
    assert client.post(f"/bom-lines/{line.uid}/remove/").status_code == 302
    assert BomLine.objects.count() == 0


@pytest.mark.parametrize("who", CALLERS)
def test_others_cannot_edit_the_bom_page(
    request: Any, who: str, production: Production, item: Any
) -> None:
    line = line_make(production, item)
    client = _client(who, request)
    url = f"/proposals/{production.version.proposal.uid}/bom/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Add the line" not in page.content.decode()
    before = _writes()
    added = client.post(url, {"item": item.number, "quantity_per_unit": "1"})
    removed = client.post(f"/bom-lines/{line.uid}/remove/")
    assert added.status_code == (302 if who == "anonymous" else 403)
    assert removed.status_code == (302 if who == "anonymous" else 403)
    assert _writes() == before


def test_a_winner_opens_an_rfq_from_the_demand_bom_page(
    client: Client, production: Production, item: Any
) -> None:
    line = line_make(production, item)
    demand = production.demand
    client.force_login(production.maker)
    page = client.get(f"/demands/{demand.number}/bom/")
    assert "Ask suppliers to quote" in page.content.decode()
    response = client.post(
        f"/demands/{demand.number}/rfqs/",
        {
            "venture": production.maker_venture.slug,
            "bom_line": str(line.uid),
            "needed_by": needed_by().isoformat(),
        },
    )
    rfq = Rfq.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rfqs/{rfq.number}/"
    assert rfq.quantity == 10
    detail = client.get(f"/rfqs/{rfq.number}/").content.decode()
    assert "RFQ1: 10 × Inverter compressor 120 W" in detail
    too_soon = client.post(
        f"/demands/{demand.number}/rfqs/",
        {
            "venture": production.maker_venture.slug,
            "bom_line": str(line.uid),
            "needed_by": needed_by(0).isoformat(),
        },
    )
    assert too_soon.status_code == 422
    assert "The date needed by must come after the quotations close" in too_soon.content.decode()
    assert Rfq.objects.count() == 1


@pytest.mark.parametrize("who", CALLERS)
def test_others_cannot_open_rfqs_from_the_page(
    request: Any, who: str, production: Production, item: Any
) -> None:
    line = line_make(production, item)
    demand = production.demand
    client = _client(who, request)
    assert (
        "Ask suppliers to quote"
        not in client.get(f"/demands/{demand.number}/bom/").content.decode()
    )
    before = (_writes(), Tender.objects.count())
    response = client.post(
        f"/demands/{demand.number}/rfqs/",
        {
            "venture": production.maker_venture.slug,
            "bom_line": str(line.uid),
            "needed_by": needed_by().isoformat(),
        },
    )
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert (_writes(), Tender.objects.count()) == before


@pytest.mark.parametrize("who", CALLERS)
def test_a_venture_s_rfqs_and_contracts_pages(
    request: Any,
    who: str,
    production: Production,
    item: Any,
    supplier_venture: Any,
    owner: Any,
    operator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    rfq = rfq_make(production, line_make(production, item))
    rfq_award_to(
        rfq,
        supplier=supplier_venture,
        actor=owner,
        operator=operator,
        capture=django_capture_on_commit_callbacks,
    )
    client = _client(who, request)

    rfq_page = client.get(f"/rfqs/{rfq.number}/")
    assert rfq_page.status_code == 200
    assert "SC1" in rfq_page.content.decode() and "¥999.00" in rfq_page.content.decode()
    contracts = client.get(f"/ventures/{supplier_venture.slug}/contracts/")
    assert (
        contracts.status_code
        == {"anonymous": 302, "owner": 200, "rival": 403, "operator": 200}[who]
    )
    if contracts.status_code == 200:
        assert "RFQ1" in contracts.content.decode()
    rfqs = client.get(f"/ventures/{production.maker_venture.slug}/rfqs/")
    assert rfqs.status_code == {"anonymous": 302, "owner": 403, "rival": 403, "operator": 200}[who]
    maker = Client()
    maker.force_login(production.maker)
    mine = maker.get(f"/ventures/{production.maker_venture.slug}/rfqs/").content.decode()
    assert "RFQ1" in mine and f"/demands/{production.demand.number}/bom/" in mine
