"""The JSON API of supply: the catalogue, bills of materials, RFQs and supply contracts."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from heyi.api_auth import OPTIONAL_AUTH
from heyi.contention.selectors import tender_get
from heyi.demands.selectors import demand_get
from heyi.designs.selectors import proposal_get, version_get
from heyi.supply import selectors, services
from heyi.supply.schemas import (
    BomLineIn,
    BomLineOut,
    BomLineUpdateIn,
    CatalogueItemIn,
    CatalogueItemOut,
    ContractOut,
    RfqDetailOut,
    RfqIn,
    RfqOut,
)
from heyi.ventures.selectors import venture_get

router = Router(tags=["supply"])


class CatalogueFilters(Schema):
    q: str = ""
    kind: str = ""
    category: str = ""
    supplier: str = ""


@router.get("/catalogue", response=list[CatalogueItemOut], auth=OPTIONAL_AUTH)
def catalogue_list(request: HttpRequest, filters: Query[CatalogueFilters]) -> Any:
    """Active catalogue items; search words match name, description and certification."""
    return list(
        selectors.catalogue_item_list(
            search=filters.q,
            kind=filters.kind,
            category=filters.category,
            supplier=filters.supplier,
        )
    )


@router.get("/catalogue/{number}", response=CatalogueItemOut, auth=OPTIONAL_AUTH)
def catalogue_item_get(request: HttpRequest, number: int) -> Any:
    return selectors.catalogue_item_get(number=number)


@router.get("/ventures/{slug}/catalogue", response=list[CatalogueItemOut])
def catalogue_list_for_venture(request: HttpRequest, slug: str) -> Any:
    """Every item of a supplier venture, retired ones too (its members and operators)."""
    venture = venture_get(slug=slug)
    return list(selectors.catalogue_item_list_for_venture(venture=venture, user=request.user))


@router.post("/ventures/{slug}/catalogue", response={201: CatalogueItemOut})
def catalogue_item_create(request: HttpRequest, slug: str, payload: CatalogueItemIn) -> Any:
    """List an item in a supplier venture's catalogue (its members)."""
    item = services.catalogue_item_create(
        supplier=venture_get(slug=slug), actor=request.user, **payload.model_dump()
    )
    return Status(201, item)


@router.put("/catalogue/{number}", response=CatalogueItemOut)
def catalogue_item_update(request: HttpRequest, number: int, payload: CatalogueItemIn) -> Any:
    """Replace an active item's details (the supplier's members)."""
    return services.catalogue_item_update(
        item=selectors.catalogue_item_get(number=number),
        actor=request.user,
        **payload.model_dump(),
    )


@router.post("/catalogue/{number}/retire", response=CatalogueItemOut)
def catalogue_item_retire(request: HttpRequest, number: int) -> Any:
    """Take an item out of the catalogue (the supplier's members)."""
    return services.catalogue_item_retire(
        item=selectors.catalogue_item_get(number=number), actor=request.user
    )


@router.get("/proposals/{uid}/bom", response=list[BomLineOut], auth=OPTIONAL_AUTH)
def bom_list(request: HttpRequest, uid: uuid.UUID, version: int | None = None) -> Any:
    """A design version's bill of materials (its latest version by default)."""
    proposal = proposal_get(uid=uid)
    return list(selectors.bom_line_list(version=version_get(proposal=proposal, number=version)))


@router.post("/proposals/{uid}/bom", response={201: BomLineOut})
def bom_line_add(request: HttpRequest, uid: uuid.UUID, payload: BomLineIn) -> Any:
    """Add a catalogue item to a design's bill of materials (its author or venture members)."""
    proposal = proposal_get(uid=uid)
    version = version_get(proposal=proposal, number=payload.version)
    line = services.bom_line_add(
        version=version,
        actor=request.user,
        item=selectors.catalogue_item_get(number=payload.item),
        quantity_per_unit=payload.quantity_per_unit,
        module=selectors.module_find(version=version, name=payload.module),
        note=payload.note,
    )
    return Status(201, selectors.bom_line_get(uid=line.uid))


@router.put("/bom-lines/{uid}", response=BomLineOut)
def bom_line_update(request: HttpRequest, uid: uuid.UUID, payload: BomLineUpdateIn) -> Any:
    line = services.bom_line_update(
        line=selectors.bom_line_get(uid=uid),
        actor=request.user,
        quantity_per_unit=payload.quantity_per_unit,
        note=payload.note,
    )
    return line


@router.delete("/bom-lines/{uid}", response={204: None})
def bom_line_remove(request: HttpRequest, uid: uuid.UUID) -> Any:
    services.bom_line_remove(line=selectors.bom_line_get(uid=uid), actor=request.user)
    return Status(204, None)


@router.get("/demands/{number}/bom", response=list[BomLineOut], auth=OPTIONAL_AUTH)
def bom_list_for_demand(request: HttpRequest, number: int) -> Any:
    """The bill of materials of the demand's chosen design (empty until one is chosen)."""
    return selectors.bom_for_demand(demand=demand_get(number=number)).lines


@router.post("/rfqs", response={201: RfqDetailOut})
def rfq_open(request: HttpRequest, payload: RfqIn) -> Any:
    """Ask suppliers to quote for a BOM line: a venture that won part of the production tender.

    Opens a supply tender at once; suppliers bid on it through /api/v1/tenders/{number}/bids.
    """
    rfq = services.rfq_open(
        production_tender=tender_get(number=payload.tender),
        venture=venture_get(slug=payload.venture),
        bom_line=selectors.bom_line_get(uid=payload.bom_line),
        actor=request.user,
        needed_by=payload.needed_by,
    )
    return Status(201, selectors.rfq_get(number=rfq.number))


@router.get("/rfqs/{number}", response=RfqDetailOut, auth=OPTIONAL_AUTH)
def rfq_get(request: HttpRequest, number: int) -> Any:
    """One RFQ and, once awarded, its supply contracts (public, like its tender's award)."""
    return selectors.rfq_get(number=number)


@router.get("/ventures/{slug}/rfqs", response=list[RfqOut])
def rfq_list_for_venture(request: HttpRequest, slug: str) -> Any:
    """The RFQs a venture opened as buyer (its members and operators)."""
    return list(selectors.rfq_list_for_venture(venture=venture_get(slug=slug), user=request.user))


@router.get("/ventures/{slug}/contracts", response=list[ContractOut])
def contract_list_for_venture(request: HttpRequest, slug: str) -> Any:
    """The supply contracts a supplier venture won (its members and operators)."""
    return list(
        selectors.contract_list_for_venture(venture=venture_get(slug=slug), user=request.user)
    )


@router.get("/contracts/{number}", response=ContractOut, auth=OPTIONAL_AUTH)
def contract_get(request: HttpRequest, number: int) -> Any:
    return selectors.contract_get(number=number)
