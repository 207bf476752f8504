"""Error codes of the supply domain (catalogue, bills of materials, RFQs and contracts)."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class SupplyErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_VENTURE_MEMBER = "not_venture_member"
    NOT_SUPPLIER = "not_supplier"
    NOT_PROPOSAL_AUTHOR = "not_proposal_author"
    ITEM_NOT_FOUND = "item_not_found"
    ITEM_RETIRED = "item_retired"
    KIND_INVALID = "kind_invalid"
    CATEGORY_UNKNOWN = "category_unknown"
    PRICE_INVALID = "price_invalid"
    LEAD_TIME_INVALID = "lead_time_invalid"
    CAPACITY_INVALID = "capacity_invalid"
    CERTIFICATION_DATE_INVALID = "certification_date_invalid"
    BOM_LINE_NOT_FOUND = "bom_line_not_found"
    BOM_LINE_EXISTS = "bom_line_exists"
    BOM_LINE_IN_USE = "bom_line_in_use"
    MODULE_NOT_IN_VERSION = "module_not_in_version"
    QUANTITY_INVALID = "quantity_invalid"
    RFQ_NOT_FOUND = "rfq_not_found"
    RFQ_EXISTS = "rfq_exists"
    NOT_PRODUCTION_TENDER = "not_production_tender"
    TENDER_NOT_AWARDED = "tender_not_awarded"
    NOT_AWARDED_VENTURE = "not_awarded_venture"
    LINE_NOT_IN_SELECTED_DESIGN = "line_not_in_selected_design"
    NEEDED_BY_INVALID = "needed_by_invalid"
    CONTRACT_NOT_FOUND = "contract_not_found"
    NUMBER_ALLOCATION_FAILED = "number_allocation_failed"


class SupplyError(DomainError):
    pass
