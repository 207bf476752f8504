"""API shapes of supply: catalogue items, bill-of-materials lines, RFQs and supply contracts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


def money(amount: Decimal) -> str:
    """Money on the API is a decimal string with two places."""
    return f"{amount:.2f}"


class CatalogueItemIn(Schema):
    name: str = Field(max_length=1000)
    kind: str = Field(description="module, component or service.")
    category: str = Field(description="A category slug (see /api/v1/categories).")
    unit_price: str = Field(description="CNY, more than zero, at most 2 decimal places.")
    lead_time_days: int = Field(description="Days from order to delivery, 0–3650.")
    capacity_per_week: int = Field(description="Units the supplier can deliver per week.")
    description: str = Field("", max_length=10000)
    certification: str = Field("", max_length=1000, description='Free text: "CCC, CE".')
    certification_valid_until: date | None = None


class CatalogueItemOut(Schema):
    uid: uuid.UUID
    number: int
    supplier: str
    supplier_name: str
    name: str
    kind: str
    category: str
    description: str
    unit_price: str
    currency: str
    lead_time_days: int
    capacity_per_week: int
    certification: str
    certification_valid_until: date | None
    status: str
    created_at: datetime

    @staticmethod
    def resolve_supplier(obj: Any) -> str:
        return str(obj.supplier.slug)

    @staticmethod
    def resolve_supplier_name(obj: Any) -> str:
        return str(obj.supplier.name)

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return str(obj.category.slug)

    @staticmethod
    def resolve_unit_price(obj: Any) -> str:
        return money(obj.unit_price)


class BomLineIn(Schema):
    item: int = Field(description="The catalogue item's number.")
    quantity_per_unit: int = Field(description="How many go into one unit of the product, ≥ 1.")
    version: int | None = Field(None, description="The design version; its latest by default.")
    module: str | None = Field(None, description="The name of one of the version's modules.")
    note: str = Field("", max_length=1000)


class BomLineUpdateIn(Schema):
    quantity_per_unit: int
    note: str = Field("", max_length=1000)


class BomLineOut(Schema):
    uid: uuid.UUID
    proposal: uuid.UUID
    version: int
    module: str | None
    item: CatalogueItemOut
    quantity_per_unit: int
    note: str

    @staticmethod
    def resolve_proposal(obj: Any) -> uuid.UUID:
        return obj.version.proposal.uid  # type: ignore[no-any-return]

    @staticmethod
    def resolve_version(obj: Any) -> int:
        return int(obj.version.number)

    @staticmethod
    def resolve_module(obj: Any) -> str | None:
        return str(obj.module.name) if obj.module is not None else None


class RfqIn(Schema):
    tender: int = Field(description="The number of the awarded production tender.")
    venture: str = Field(description="The slug of your venture that won part of it.")
    bom_line: uuid.UUID = Field(description="A line of the demand's chosen design.")
    needed_by: date = Field(description="After the quotations close, within two years.")


class RfqOut(Schema):
    uid: uuid.UUID
    number: int
    demand_number: int
    production_tender_uid: uuid.UUID
    tender_uid: uuid.UUID
    venture: str
    bom_line: uuid.UUID
    item: int
    item_name: str
    quantity: int
    needed_by: date
    status: str
    decided_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_demand_number(obj: Any) -> int:
        return int(obj.demand.number)

    @staticmethod
    def resolve_venture(obj: Any) -> str:
        return str(obj.venture.slug)

    @staticmethod
    def resolve_bom_line(obj: Any) -> uuid.UUID:
        return obj.bom_line.uid  # type: ignore[no-any-return]

    @staticmethod
    def resolve_item(obj: Any) -> int:
        return int(obj.bom_line.item.number)

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.bom_line.item.name)


class ContractOut(Schema):
    uid: uuid.UUID
    number: int
    rfq: int
    buyer: str
    supplier: str
    item: int
    item_name: str
    quantity: int
    unit_price: str
    total: str
    currency: str
    lead_time_days: int
    due_date: date
    created_at: datetime

    @staticmethod
    def resolve_rfq(obj: Any) -> int:
        return int(obj.rfq.number)

    @staticmethod
    def resolve_buyer(obj: Any) -> str:
        return str(obj.rfq.venture.slug)

    @staticmethod
    def resolve_supplier(obj: Any) -> str:
        return str(obj.supplier.slug)

    @staticmethod
    def resolve_item(obj: Any) -> int:
        return int(obj.rfq.bom_line.item.number)

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.rfq.bom_line.item.name)

    @staticmethod
    def resolve_unit_price(obj: Any) -> str:
        return money(obj.unit_price)

    @staticmethod
    def resolve_total(obj: Any) -> str:
        return money(obj.total)


class RfqDetailOut(RfqOut):
    contracts: list[ContractOut]

    @staticmethod
    def resolve_contracts(obj: Any) -> list[Any]:
        return list(
            obj.contracts.select_related(
                "supplier", "rfq", "rfq__venture", "rfq__bom_line__item"
            ).order_by("number")
        )
