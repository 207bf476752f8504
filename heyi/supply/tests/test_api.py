"""The supply API: catalogue, bills of materials, RFQs and contracts, with who may do what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from heyi.contention.models import Tender
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.supply.models import BomLine, CatalogueItem, Rfq, SupplyContract
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
ITEM_BODY = {
    "name": "Humidity drawer 12 L",
    "kind": "component",
    "category": "kitchen",
    "unit_price": "86.50",
    "lead_time_days": 7,
    "capacity_per_week": 500,
    "description": "Sealed drawer with a slide vent.",
    "certification": "ISO 9001",
    "certification_valid_until": "2027-01-31",
}


def _user(who: str, request: Any) -> Any:
    return None if who == "anonymous" else request.getfixturevalue(who)


def _writes() -> tuple[int, ...]:
    return (
        CatalogueItem.objects.count(),
        BomLine.objects.count(),
        Rfq.objects.count(),
        Tender.objects.count(),
        AuditEvent.objects.filter(type__startswith="supply.").count(),
    )


# --- catalogue --------------------------------------------------------------------------------


def test_a_member_lists_an_item(api_as: Any, owner: Any, supplier_venture: Any) -> None:
    response = api_as(owner).post(f"ventures/{supplier_venture.slug}/catalogue", ITEM_BODY)

    assert response.status_code == 201
    data = response.json()
    assert data["number"] == 1
    assert (data["supplier"], data["supplier_name"]) == (
        "suzhou-compressor-co-op",
        "Suzhou Compressor Co-op",
    )
    assert (data["name"], data["kind"], data["category"]) == (
        "Humidity drawer 12 L",
        "component",
        "kitchen",
    )
    assert (data["unit_price"], data["currency"]) == ("86.50", "CNY")
    assert (data["lead_time_days"], data["capacity_per_week"]) == (7, 500)
    assert (data["certification"], data["certification_valid_until"]) == ("ISO 9001", "2027-01-31")
    assert data["status"] == "active"


@pytest.mark.parametrize("who", CALLERS)
def test_who_may_list_an_item(
    api_as: Any, request: Any, who: str, supplier_venture: Any, item: Any
) -> None:
    before = _writes()
    response = api_as(_user(who, request)).post(
        f"ventures/{supplier_venture.slug}/catalogue", ITEM_BODY
    )
    expected = {"anonymous": 401, "owner": 201, "rival": 403, "operator": 403}[who]
    assert response.status_code == expected
    if expected != 201:
        assert _writes() == before
        assert response.json()["code"] in ("not_authenticated", "not_venture_member")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("unit_price", "-5.00", "price_invalid"),
        ("unit_price", "0.00", "price_invalid"),
        ("lead_time_days", -3, "lead_time_invalid"),
        ("capacity_per_week", 0, "capacity_invalid"),
        ("kind", "gadget", "kind_invalid"),
        ("category", "nowhere", "category_unknown"),
        ("certification_valid_until", "next year", "invalid"),
        ("lead_time_days", "soon", "invalid"),
    ],
)
def test_bad_item_input_gets_a_clear_error_and_writes_nothing(
    api_as: Any, owner: Any, supplier_venture: Any, field: str, value: Any, code: str
) -> None:
    before = _writes()
    response = api_as(owner).post(
        f"ventures/{supplier_venture.slug}/catalogue", {**ITEM_BODY, field: value}
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert _writes() == before


@pytest.mark.parametrize("who", CALLERS)
def test_who_may_update_and_retire_an_item(api_as: Any, request: Any, who: str, item: Any) -> None:
    client = api_as(_user(who, request))
    before = _writes()
    updated = client.put(f"catalogue/{item.number}", {**ITEM_BODY, "unit_price": "80.00"})
    retired = client.post(f"catalogue/{item.number}/retire")
    expected = {"anonymous": 401, "owner": 200, "rival": 403, "operator": 403}[who]
    assert (updated.status_code, retired.status_code) == (expected, expected)
    item.refresh_from_db()
    if expected == 200:
        assert (item.unit_price, item.status) == (Decimal("80.00"), "retired")
        assert retired.json()["status"] == "retired"
    else:
        assert (item.unit_price, item.status) == (Decimal("410.00"), "active")
        assert _writes() == before


def test_the_public_catalogue_filters(
    api_as: Any, owner: Any, rival: Any, supplier_venture: Any, rival_supplier: Any
) -> None:
    item_make(supplier_venture, owner)
    item_make(
        supplier_venture,
        owner,
        name="Glass shelf",
        kind="component",
        certification="",
        certification_valid_until=None,
    )
    item_make(rival_supplier, rival, name="Installation crew", kind="service")
    retired = item_make(supplier_venture, owner, name="Old compressor")
    from heyi.supply.services import catalogue_item_retire

    catalogue_item_retire(item=retired, actor=owner)
    client = api_as(None)

    def names(**query: str) -> list[str]:
        response = client.get("catalogue", query)
        assert response.status_code == 200
        return [row["name"] for row in response.json()]

    assert names() == ["Glass shelf", "Installation crew", "Inverter compressor 120 W"]
    assert names(kind="service") == ["Installation crew"]
    assert names(supplier="rival-parts") == ["Installation crew"]
    assert names(q="compressor quiet") == ["Inverter compressor 120 W"]
    assert names(q="CCC") == ["Installation crew", "Inverter compressor 120 W"]
    assert names(category="kitchen", kind="component") == ["Glass shelf"]
    assert names(category="none") == []
    assert client.get(f"catalogue/{retired.number}").json()["status"] == "retired"
    assert client.get("catalogue/999").json()["code"] == "item_not_found"


def test_the_catalogue_query_count_does_not_grow(
    api_as: Any, owner: Any, supplier_venture: Any, django_assert_num_queries: Any
) -> None:
    for index in range(6):
        item_make(supplier_venture, owner, name=f"Part {index}")
    client = api_as(None)
    with django_assert_num_queries(1):
        response = client.get("catalogue")
    assert len(response.json()) == 6


@pytest.mark.parametrize("who", CALLERS)
def test_who_sees_a_venture_s_whole_catalogue(
    api_as: Any, request: Any, who: str, supplier_venture: Any, item: Any
) -> None:
    response = api_as(_user(who, request)).get(f"ventures/{supplier_venture.slug}/catalogue")
    expected = {"anonymous": 401, "owner": 200, "rival": 403, "operator": 200}[who]
    assert response.status_code == expected
    if expected == 200:
        assert [row["number"] for row in response.json()] == [item.number]


# --- bills of materials and RFQs --------------------------------------------------------------


@pytest.fixture
def production(operator: Any, django_capture_on_commit_callbacks: Any) -> Production:
    return production_awarded(person_make("author@example.com"), operator)


def test_the_designer_edits_the_bom_through_the_api(
    api_as: Any, production: Production, item: Any
) -> None:
    proposal = production.version.proposal
    client = api_as(production.designer)
    added = client.post(
        f"proposals/{proposal.uid}/bom",
        {"item": item.number, "quantity_per_unit": 2, "module": "Inverter compressor"},
    )
    assert added.status_code == 201
    line = added.json()
    assert (line["version"], line["module"], line["quantity_per_unit"]) == (
        1,
        "Inverter compressor",
        2,
    )
    assert line["item"]["number"] == item.number

    listed = api_as(None).get(f"proposals/{proposal.uid}/bom").json()
    assert [row["uid"] for row in listed] == [line["uid"]]
    by_demand = api_as(None).get(f"demands/{production.demand.number}/bom").json()
    assert [row["uid"] for row in by_demand] == [line["uid"]]

    changed = client.put(f"bom-lines/{line['uid']}", {"quantity_per_unit": 4, "note": "spare"})
    assert (changed.status_code, changed.json()["quantity_per_unit"]) == (200, 4)
    assert client.delete(f"bom-lines/{line['uid']}").status_code == 204
    assert BomLine.objects.count() == 0


def test_bom_input_errors(api_as: Any, production: Production, item: Any) -> None:
    proposal = production.version.proposal
    client = api_as(production.designer)
    before = _writes()
    cases = [
        ({"item": item.number, "quantity_per_unit": -1}, 422, "quantity_invalid"),
        (
            {"item": item.number, "quantity_per_unit": 1, "module": "Hat"},
            404,
            "module_not_in_version",
        ),
        ({"item": 999, "quantity_per_unit": 1}, 404, "item_not_found"),
        ({"item": item.number, "quantity_per_unit": 1, "version": 9}, 404, "version_not_found"),
    ]
    for body, status, code in cases:
        response = client.post(f"proposals/{proposal.uid}/bom", body)
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert _writes() == before


@pytest.mark.parametrize("who", CALLERS)
def test_only_the_design_s_author_edits_its_bom(
    api_as: Any, request: Any, who: str, production: Production, item: Any
) -> None:
    line = line_make(production, item)
    client = api_as(_user(who, request))
    before = _writes()
    added = client.post(
        f"proposals/{production.version.proposal.uid}/bom",
        {"item": item.number, "quantity_per_unit": 1},
    )
    changed = client.put(f"bom-lines/{line.uid}", {"quantity_per_unit": 9})
    removed = client.delete(f"bom-lines/{line.uid}")
    expected = 401 if who == "anonymous" else 403
    assert (added.status_code, changed.status_code, removed.status_code) == (expected,) * 3
    assert _writes() == before
    line.refresh_from_db()
    assert line.quantity_per_unit == 2


def _rfq_body(production: Production, line: Any) -> dict[str, Any]:
    return {
        "tender": production.tender.number,
        "venture": production.maker_venture.slug,
        "bom_line": str(line.uid),
        "needed_by": needed_by().isoformat(),
    }


def test_a_winner_opens_an_rfq_through_the_api(
    api_as: Any, production: Production, item: Any
) -> None:
    line = line_make(production, item)
    response = api_as(production.maker).post("rfqs", _rfq_body(production, line))

    assert response.status_code == 201
    data = response.json()
    assert data["number"] == 1
    assert (data["quantity"], data["status"], data["item"]) == (10, "open", item.number)
    assert data["venture"] == production.maker_venture.slug
    assert data["demand_number"] == production.demand.number
    assert data["production_tender_uid"] == str(production.tender.uid)
    assert data["contracts"] == []
    tender = Tender.objects.get(uid=data["tender_uid"])
    assert tender.status == "open"


@pytest.mark.parametrize("who", CALLERS)
def test_who_may_open_an_rfq(
    api_as: Any, request: Any, who: str, production: Production, item: Any
) -> None:
    line = line_make(production, item)
    before = _writes()
    response = api_as(_user(who, request)).post("rfqs", _rfq_body(production, line))
    assert response.status_code == (401 if who == "anonymous" else 403)
    assert _writes() == before


def test_bad_rfq_input(api_as: Any, production: Production, item: Any) -> None:
    line = line_make(production, item)
    client = api_as(production.maker)
    before = _writes()
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"needed_by": date.today().isoformat()}, 422, "needed_by_invalid"),
        ({"needed_by": "soon"}, 422, "invalid"),
        ({"tender": 999}, 404, "tender_not_found"),
        ({"bom_line": "00000000-0000-0000-0000-000000000000"}, 404, "bom_line_not_found"),
        ({"venture": "nobody"}, 404, "venture_not_found"),
    ]
    for change, status, code in cases:
        response = client.post("rfqs", {**_rfq_body(production, line), **change})
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert _writes() == before


@pytest.mark.parametrize("who", CALLERS)
def test_rfqs_and_contracts_are_seen_by_whom(
    api_as: Any,
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
    contract = SupplyContract.objects.get()
    client = api_as(_user(who, request))

    detail = client.get(f"rfqs/{rfq.number}")
    assert detail.status_code == 200
    assert detail.json()["status"] == "awarded"
    assert [
        (c["number"], c["supplier"], c["quantity"], c["unit_price"], c["total"])
        for c in detail.json()["contracts"]
    ] == [(contract.number, supplier_venture.slug, 10, "99.90", "999.00")]
    assert client.get(f"contracts/{contract.number}").json()["buyer"] == (
        production.maker_venture.slug
    )

    contracts = client.get(f"ventures/{supplier_venture.slug}/contracts")
    expected = {"anonymous": 401, "owner": 200, "rival": 403, "operator": 200}[who]
    assert contracts.status_code == expected
    if expected == 200:
        assert [c["number"] for c in contracts.json()] == [contract.number]
    rfqs = client.get(f"ventures/{production.maker_venture.slug}/rfqs")
    assert rfqs.status_code == {"anonymous": 401, "owner": 403, "rival": 403, "operator": 200}[who]
    assert (
        api_as(production.maker)
        .get(f"ventures/{production.maker_venture.slug}/rfqs")
        .json()[0]["number"]
        == rfq.number
    )
