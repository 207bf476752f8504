"""Error codes of webhooks: endpoints, thresholds and deliveries."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class WebhooksErrorCode(StrEnum):
    APP_NOT_FOUND = "app_not_found"
    ENDPOINT_NOT_FOUND = "webhook_endpoint_not_found"
    DELIVERY_NOT_FOUND = "webhook_delivery_not_found"
    URL_INVALID = "webhook_url_invalid"
    URL_NOT_HTTPS = "webhook_url_not_https"
    EVENT_TYPES_INVALID = "webhook_event_types_invalid"
    THRESHOLD_INVALID = "webhook_threshold_invalid"
    TOO_MANY_ENDPOINTS = "webhook_too_many_endpoints"
    DELIVERY_BUSY = "webhook_delivery_busy"
    ENDPOINT_DISABLED = "webhook_endpoint_disabled"


class WebhooksError(DomainError):
    """A webhooks rule refused the action (409 unless a status is given)."""
