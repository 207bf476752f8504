"""Error codes of the logistics domain (the network of centres and stations)."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class LogisticsErrorCode(StrEnum):
    STATION_NOT_FOUND = "station_not_found"
    CENTRE_NOT_FOUND = "centre_not_found"
    INVALID_NAME = "invalid_name"
    INVALID_COORDINATES = "invalid_coordinates"
    INVALID_PARAMETERS = "invalid_parameters"
    DELIVERY_POINT_OUTSIDE_COVERAGE = "delivery_point_outside_coverage"
    STOCK_QUANTITY_INVALID = "stock_quantity_invalid"
    STOCK_BELOW_RESERVED = "stock_below_reserved"
    # Route planning (route_services).
    WAVE_UNKNOWN = "wave_unknown"
    WAVE_DATE_IN_PAST = "wave_date_in_past"
    WAVE_PLAN_LOCKED = "wave_plan_locked"
    ROUTE_NOT_FOUND = "route_not_found"
    ROUTE_STATUS_CONFLICT = "route_status_conflict"
    VENTURE_NOT_DELIVERY = "venture_not_delivery"
    DRIVER_NOT_MEMBER = "driver_not_member"
    NOT_ROUTE_MEMBER = "not_route_member"
    # Shipment steps and proof of delivery (shipment_services).
    SHIPMENT_NOT_FOUND = "shipment_not_found"
    SHIPMENT_STEP_UNKNOWN = "shipment_step_unknown"
    SHIPMENT_STEP_OUT_OF_ORDER = "shipment_step_out_of_order"
    SHIPMENT_NOT_ON_ROUTE = "shipment_not_on_route"
    NOT_SHIPMENT_HANDLER = "not_shipment_handler"
    DELIVERY_CODE_WRONG = "delivery_code_wrong"
    DELIVERY_CODE_LOCKED = "delivery_code_locked"
    DELIVERY_CODE_USED = "delivery_code_used"
    DELIVERY_NOTE_REQUIRED = "delivery_note_required"


class LogisticsDomainError(DomainError):
    """A logistics rule refused the action (409 unless a status is given)."""
