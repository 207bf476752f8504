"""Error codes of the devices domain (models, binding, sharing, credentials, shadows)."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class DevicesErrorCode(StrEnum):
    NOT_OWNER = "device_not_owner"
    NOT_ALLOWED = "device_not_allowed"
    DEVICE_NOT_FOUND = "device_not_found"
    MODEL_NOT_SMART = "device_model_not_smart"
    MODEL_NAME_INVALID = "device_model_name_invalid"
    ORDER_NOT_DELIVERED = "order_not_delivered"
    BINDING_CODE_WRONG = "binding_code_wrong"
    BINDING_CODE_USED = "binding_code_used"
    BINDING_CODE_EXPIRED = "binding_code_expired"
    DEVICE_ALREADY_BOUND = "device_already_bound"
    DEVICE_NOT_BOUND = "device_not_bound"
    SHARE_ROLE_UNKNOWN = "share_role_unknown"
    SHARE_WITH_OWNER = "share_with_owner"
    SHARE_NOT_FOUND = "share_not_found"
    CREDENTIAL_NOT_FOUND = "credential_not_found"


class DevicesDomainError(DomainError):
    """A devices rule refused the action (409 unless a status is given)."""
