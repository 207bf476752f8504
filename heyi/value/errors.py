"""Error codes of settlements, members' pay and share-rule pages."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class ValueErrorCode(StrEnum):
    ORDER_NOT_COMPLETED = "order_not_completed"
    SPLIT_NOT_FOUND = "value_split_not_found"
    VENTURE_NOT_FOUND = "venture_not_found"
    PAY_RULE_INVALID = "pay_rule_invalid"
    NOT_VENTURE_MEMBER = "not_venture_member"
    TENDER_NOT_FOUND = "tender_not_found"


class ValueAppError(DomainError):
    """A business rule of the value app refused the action."""
