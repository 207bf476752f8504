"""Error codes of the demands domain."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class DemandsErrorCode(StrEnum):
    DEMAND_NOT_FOUND = "demand_not_found"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    REASON_REQUIRED = "reason_required"
    NOT_AUTHOR = "not_author"


class DemandsError(DomainError):
    pass
