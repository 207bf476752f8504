"""Domain errors: business rules raise these; the API and pages map them to one shape."""

from __future__ import annotations

from enum import StrEnum


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    INVALID = "invalid"
    CONFLICT = "conflict"
    NOT_AUTHENTICATED = "not_authenticated"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    SCOPE_MISSING = "scope_missing"
    APP_NOT_ALLOWED = "app_not_allowed"


class DomainError(Exception):
    """A business rule refused the action. `status` is the HTTP status the API answers with."""

    status: int = 409

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str, code: str = CoreErrorCode.NOT_FOUND) -> None:
        super().__init__(code, message)


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str, code: str = CoreErrorCode.PERMISSION_DENIED) -> None:
        super().__init__(code, message)


class InvalidInput(DomainError):
    status = 422

    def __init__(self, message: str, code: str = CoreErrorCode.INVALID) -> None:
        super().__init__(code, message)
