"""Error codes of the accounts domain."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class AccountsErrorCode(StrEnum):
    TOKEN_NOT_FOUND = "token_not_found"
    ROLE_UNKNOWN = "role_unknown"
    ROLE_RESERVED = "role_reserved"
    USER_NOT_FOUND = "user_not_found"


class AccountsError(DomainError):
    pass
