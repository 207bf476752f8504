"""Error codes of the contention domain (tenders, bids, awards)."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class ContentionErrorCode(StrEnum):
    TENDER_NOT_FOUND = "tender_not_found"
    BID_NOT_FOUND = "bid_not_found"
    VENTURE_NOT_FOUND = "venture_not_found"
    NOT_MEMBER = "not_member"
    NOT_AUTHENTICATED = "not_authenticated"
    SUBJECT_TYPE_UNKNOWN = "subject_type_unknown"
    STATUS_UNKNOWN = "status_unknown"
    CATEGORY_UNKNOWN = "category_unknown"
    VENTURE_STATUS_UNKNOWN = "venture_status_unknown"
    VENTURE_KIND_UNKNOWN = "venture_kind_unknown"
    INVALID_WINDOW = "invalid_window"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_RATING = "invalid_rating"
    INVALID_PRICE = "invalid_price"
    INVALID_LEAD_TIME = "invalid_lead_time"
    INVALID_CAPACITY = "invalid_capacity"
    INVALID_BET_TARGET = "invalid_bet_target"
    RULE_FROZEN = "rule_frozen"
    TENDER_NOT_DRAFT = "tender_not_draft"
    TENDER_NOT_PUBLISHED = "tender_not_published"
    TENDER_NOT_OPEN = "tender_not_open"
    TENDER_NOT_AWARDED = "tender_not_awarded"
    TENDER_NOT_CANCELLABLE = "tender_not_cancellable"
    NOT_YET_OPEN = "not_yet_open"
    CLOSE_NOT_DUE = "close_not_due"
    BIDDING_CLOSED = "bidding_closed"
    NOT_ELIGIBLE = "not_eligible"
    BID_EXISTS = "bid_exists"
    BID_WITHDRAWN = "bid_withdrawn"
    NUMBER_ALLOCATION_FAILED = "number_allocation_failed"
    PRODUCT_NOT_ON_SALE = "product_not_on_sale"
    STANDING_BID_NOT_FOUND = "standing_bid_not_found"
    DAILY_RUN_NOT_FOUND = "daily_run_not_found"


class ContentionDomainError(DomainError):
    """A contention rule refused the action (409 unless a status is given)."""
