"""Error codes of the orders domain (pre-order campaigns, pre-orders and orders)."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class OrdersErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_AUTHOR_OR_OPERATOR = "not_author_or_operator"
    DEMAND_NOT_IN_PRE_ORDER = "demand_not_in_pre_order"
    CAMPAIGN_NOT_FOUND = "campaign_not_found"
    CAMPAIGN_ALREADY_LIVE = "campaign_already_live"
    CAMPAIGN_NOT_OPEN = "campaign_not_open"
    CAMPAIGN_DEADLINE_PASSED = "campaign_deadline_passed"
    THRESHOLD_INVALID = "threshold_invalid"
    DEADLINE_INVALID = "deadline_invalid"
    MAX_QUANTITY_INVALID = "max_quantity_invalid"
    OPTION_INVALID = "option_invalid"
    QUANTITY_INVALID = "quantity_invalid"
    LATITUDE_INVALID = "latitude_invalid"
    LONGITUDE_INVALID = "longitude_invalid"
    PRE_ORDER_NOT_FOUND = "pre_order_not_found"
    PRE_ORDER_NOT_CANCELLABLE = "pre_order_not_cancellable"
    NOT_PRE_ORDER_OWNER = "not_pre_order_owner"
    NUMBER_ALLOCATION_FAILED = "number_allocation_failed"
    ORDER_NOT_FOUND = "order_not_found"
    NOT_VENTURE_MEMBER = "not_venture_member"
    NOT_ORDER_OWNER = "not_order_owner"
    STAGE_UNKNOWN = "stage_unknown"
    STAGE_TRANSITION_ILLEGAL = "stage_transition_illegal"
    STAGE_NOT_YOUR_MOVE = "stage_not_your_move"
    STAGE_NOTE_REQUIRED = "stage_note_required"
    STAGE_PHOTO_REQUIRED = "stage_photo_required"
    SAMPLE_NOT_PENDING = "sample_not_pending"
    SAMPLE_NOT_APPROVED = "sample_not_approved"
    DELIVERY_SLOT_MISSING = "delivery_slot_missing"
    DELIVERY_SLOT_CLOSED = "delivery_slot_closed"
    DELIVERY_DATE_INVALID = "delivery_date_invalid"
    DELIVERY_WINDOW_INVALID = "delivery_window_invalid"
    NOT_PAID = "not_paid"
    RATING_NOT_YET = "rating_not_yet"
    RATING_STARS_INVALID = "rating_stars_invalid"
    ALREADY_RATED = "already_rated"
    NOT_ALLOCATED = "order_not_allocated"
    NOT_FROM_STOCK = "order_not_from_stock"
    PRODUCT_NOT_ON_SALE = "product_not_on_sale"
    ADDRESS_INVALID = "address_invalid"


class OrdersError(DomainError):
    pass
