"""The JSON API of webhooks: an app's endpoints, their delivery logs, and replays.

The router keeps the API's default authentication (a personal token or a session): an app's
OAuth2 token is refused here, whatever its scopes; webhooks are the developer's own business.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Status

from heyi.webhooks import selectors, services
from heyi.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from heyi.webhooks.schemas import (
    AttemptOut,
    DeliveryOut,
    EndpointCreatedOut,
    EndpointIn,
    EndpointOut,
)

router = Router(tags=["webhooks"])


def _endpoint_out(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "uid": endpoint.uid,
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "thresholds": endpoint.thresholds,
        "is_active": endpoint.is_active,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }
    if with_secret:
        out["secret"] = endpoint.secret
    return out


def _delivery_out(delivery: WebhookDelivery, endpoint_uid: UUID) -> dict[str, Any]:
    return {
        "uid": delivery.uid,
        "endpoint": endpoint_uid,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "delivered_at": delivery.delivered_at,
        "created_at": delivery.created_at,
        "payload": delivery.payload,
    }


def _attempt_out(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "trigger": attempt.trigger,
        "attempted_at": attempt.attempted_at,
        "status_code": attempt.status_code,
        "error": attempt.error,
        "duration_ms": attempt.duration_ms,
        "response_excerpt": attempt.response_excerpt,
    }


@router.get("/apps/{app_uid}/webhooks", response=list[EndpointOut])
def endpoint_list(request: HttpRequest, app_uid: UUID) -> Any:
    """The app's webhook endpoints (its owner; operators may look). Secrets are not listed."""
    app = selectors.app_get_for_user(app_uid=app_uid, user=request.user)
    return [_endpoint_out(endpoint) for endpoint in selectors.endpoint_list_for_app(app=app)]


@router.post("/apps/{app_uid}/webhooks", response={201: EndpointCreatedOut})
def endpoint_create(request: HttpRequest, app_uid: UUID, payload: EndpointIn) -> Any:
    """Subscribe a URL to event types. The answer carries the signing secret."""
    app = selectors.app_get_for_user(app_uid=app_uid, user=request.user, manage=True)
    endpoint = services.endpoint_create(
        app=app,
        actor=request.user,
        url=payload.url,
        event_types=list(payload.event_types),
        thresholds=[threshold.model_dump() for threshold in payload.thresholds],
        description=payload.description,
    )
    return Status(201, _endpoint_out(endpoint, with_secret=True))


@router.delete("/apps/{app_uid}/webhooks/{endpoint_uid}", response={204: None})
def endpoint_delete(request: HttpRequest, app_uid: UUID, endpoint_uid: UUID) -> Any:
    """Remove an endpoint and its delivery log; nothing more is sent to it."""
    app = selectors.app_get_for_user(app_uid=app_uid, user=request.user, manage=True)
    endpoint = selectors.endpoint_get(app=app, endpoint_uid=endpoint_uid)
    services.endpoint_delete(endpoint=endpoint, actor=request.user)
    return Status(204, None)


@router.get("/apps/{app_uid}/webhooks/{endpoint_uid}/deliveries", response=list[DeliveryOut])
def delivery_list(
    request: HttpRequest,
    app_uid: UUID,
    endpoint_uid: UUID,
    status: Literal["pending", "succeeded", "failed"] | None = None,
    limit: int = Query(50, ge=1, le=100),
) -> Any:
    """The endpoint's deliveries, newest first (`status` narrows them)."""
    app = selectors.app_get_for_user(app_uid=app_uid, user=request.user)
    endpoint = selectors.endpoint_get(app=app, endpoint_uid=endpoint_uid)
    deliveries = selectors.delivery_list_for_endpoint(
        endpoint=endpoint, status=status or "", limit=limit
    )
    return [_delivery_out(delivery, endpoint.uid) for delivery in deliveries]


@router.post("/webhook-deliveries/{uid}/replay", response=AttemptOut)
def delivery_replay(request: HttpRequest, uid: UUID) -> Any:
    """Send the delivery again now (same webhook-id); the answer is the new attempt."""
    delivery = selectors.delivery_get_for_user(delivery_uid=uid, user=request.user, manage=True)
    return _attempt_out(services.delivery_replay(delivery=delivery, actor=request.user))
