"""Error codes of the developers domain: apps, their review, and users' consent (grants)."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class DevelopersErrorCode(StrEnum):
    APP_NOT_FOUND = "app_not_found"
    APP_NOT_OWNER = "app_not_owner"
    APP_NAME_INVALID = "app_name_invalid"
    APP_DESCRIPTION_INVALID = "app_description_invalid"
    HOMEPAGE_INVALID = "app_homepage_invalid"
    REDIRECT_URI_INVALID = "redirect_uri_invalid"
    REDIRECT_URI_MISSING = "redirect_uri_missing"
    APP_STATUS_CONFLICT = "app_status_conflict"
    APP_SUSPENDED = "app_suspended"
    APP_NOT_CONFIDENTIAL = "app_not_confidential"
    REVIEW_NOTE_MISSING = "review_note_missing"
    SCOPE_UNKNOWN = "scope_unknown"
    SCOPE_MISSING = "scope_missing"
    DEVICES_MISSING = "devices_missing"
    DEVICE_NOT_GRANTABLE = "device_not_grantable"
    TEST_CLIENT_OWNER_ONLY = "test_client_owner_only"
    CLIENT_UNKNOWN = "client_unknown"
    GRANT_NOT_FOUND = "grant_not_found"


class DevelopersError(DomainError):
    """A developers rule refused the action (409 unless a status is given)."""
