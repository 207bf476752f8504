"""Error codes of the ledger and of payments."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class LedgerErrorCode(StrEnum):
    IDEMPOTENCY_CONFLICT = "posting_idempotency_conflict"
    ACCOUNT_KIND_MISMATCH = "account_kind_mismatch"
    PAYMENT_DECLINED = "payment_declined"
    PAYMENT_FAILED = "payment_failed"
    PAYMENT_METHOD_UNKNOWN = "payment_method_unknown"
    NOTHING_TO_REFUND = "nothing_to_refund"
    NOT_FOUND = "not_found"
    PERIOD_INVALID = "period_invalid"
    SHARE_RULE_INVALID = "share_rule_invalid"


class LedgerError(DomainError):
    pass
