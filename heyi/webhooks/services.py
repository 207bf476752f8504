"""Writes of webhooks: endpoints (create, rotate, disable, delete), deliveries and attempts.

Sending is split in three steps so that no transaction stays open during an HTTP request:
claim the delivery with one conditional UPDATE (a short lease in `sending_until`, and the
attempt number), send, then record the answer only if the attempt is still ours. Two workers,
a sweep and a replay can therefore never send one delivery at the same time, on SQLite or
PostgreSQL alike.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, NotFound
from heyi.developers.models import DeveloperApp
from heyi.notifications.services import notification_send
from heyi.webhooks import sender
from heyi.webhooks.errors import WebhooksError, WebhooksErrorCode
from heyi.webhooks.models import (
    TEST_EVENT_TYPE,
    AttemptTrigger,
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from heyi.webhooks.thresholds import ThresholdError, thresholds_parse

logger = logging.getLogger(__name__)

# The wait before each retry: attempt 1 is at once, attempt 2 five seconds later, … attempt 8
# about 28 hours after the event. After the 8th failure the delivery is failed.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Longer than the request timeout: a crashed sender's delivery is free again after this.
SEND_LEASE = timedelta(seconds=60)
# An endpoint that answered nothing but failures for this long is disabled (the owner is told).
DISABLE_AFTER = timedelta(days=5)
# After a rotation the old secret still signs for this long.
ROTATION_OVERLAP = timedelta(hours=24)
MAX_ENDPOINTS_PER_APP = 10
URL_MAX = 500


def local_targets_allowed() -> bool:
    """http:// and private addresses (localhost) are for development: DEBUG, or the
    HEYI_WEBHOOKS_ALLOW_LOCAL setting (tests set it for their local receiver)."""
    return bool(getattr(settings, "HEYI_WEBHOOKS_ALLOW_LOCAL", settings.DEBUG))


def _require_owner(app: DeveloperApp, actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or app.owner_id != actor.pk:
        raise NotFound(_("No such app."), code=WebhooksErrorCode.APP_NOT_FOUND)


def _url_clean(url: Any) -> str:
    url = str(url or "").strip()
    if not url or len(url) > URL_MAX:
        raise InvalidInput(
            _("Give the endpoint's URL (at most %(max)d characters).") % {"max": URL_MAX},
            code=WebhooksErrorCode.URL_INVALID,
        )
    problem = sender.url_problem(url, allow_local=local_targets_allowed())
    if problem == "not https":
        raise InvalidInput(_("Webhook URLs must use https."), code=WebhooksErrorCode.URL_NOT_HTTPS)
    if problem is not None:
        raise InvalidInput(
            _("This is not a URL that can receive webhooks: %(problem)s.") % {"problem": problem},
            code=WebhooksErrorCode.URL_INVALID,
        )
    return url


def _event_types_clean(event_types: Any) -> list[str]:
    if not isinstance(event_types, list | tuple) or not event_types:
        raise InvalidInput(
            _("Choose at least one event type."), code=WebhooksErrorCode.EVENT_TYPES_INVALID
        )
    unknown = sorted({str(value) for value in event_types} - set(EventType.values))
    if unknown:
        raise InvalidInput(
            _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)},
            code=WebhooksErrorCode.EVENT_TYPES_INVALID,
        )
    return [value for value in EventType.values if value in set(event_types)]


def _thresholds_clean(thresholds: Any, event_types: list[str]) -> list[dict[str, Any]]:
    try:
        parsed = thresholds_parse(thresholds or [])
    except ThresholdError as error:
        raise InvalidInput(str(error), code=WebhooksErrorCode.THRESHOLD_INVALID) from error
    if EventType.TELEMETRY_THRESHOLD in event_types and not parsed:
        raise InvalidInput(
            _("Telemetry threshold events need at least one threshold."),
            code=WebhooksErrorCode.THRESHOLD_INVALID,
        )
    return [threshold.to_dict() for threshold in parsed]


@transaction.atomic
def endpoint_create(
    *,
    app: DeveloperApp,
    actor: Any,
    url: Any,
    event_types: Any,
    thresholds: Any = None,
    description: str = "",
) -> WebhookEndpoint:
    """Subscribe a URL of the app to event types; the signing secret is made here."""
    _require_owner(app, actor)
    url = _url_clean(url)
    types = _event_types_clean(event_types)
    cleaned_thresholds = _thresholds_clean(thresholds, types)
    DeveloperApp.objects.select_for_update().filter(pk=app.pk).first()
    if WebhookEndpoint.objects.filter(app=app).count() >= MAX_ENDPOINTS_PER_APP:
        raise WebhooksError(
            WebhooksErrorCode.TOO_MANY_ENDPOINTS,
            _("An app has at most %(max)d webhook endpoints.") % {"max": MAX_ENDPOINTS_PER_APP},
        )
    endpoint = WebhookEndpoint.objects.create(
        app=app,
        url=url,
        description=str(description or "").strip()[:200],
        secret=sender.secret_generate(),
        event_types=types,
        thresholds=cleaned_thresholds,
    )
    audit_record(
        type="webhooks.endpoint.created",
        summary=f"Webhook endpoint {url} added to app {app.name}",
        actor=actor,
        subject=endpoint,
        data={"app": str(app.uid), "event_types": types},
        is_public=False,
    )
    return endpoint


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, actor: Any) -> WebhookEndpoint:
    """A new secret at once; the old one keeps signing (a second signature) for a day."""
    _require_owner(endpoint.app, actor)
    now = timezone.now()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_OVERLAP
    endpoint.secret = sender.secret_generate()
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
    )
    audit_record(
        type="webhooks.endpoint.secret_rotated",
        summary=f"Signing secret of webhook endpoint {endpoint.url} rotated",
        actor=actor,
        subject=endpoint,
        is_public=False,
    )
    return endpoint


def _pending_fail(*, endpoint: WebhookEndpoint, reason: str) -> int:
    return WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=reason[:300]
    )


@transaction.atomic
def endpoint_set_active(
    *, endpoint: WebhookEndpoint, actor: Any, is_active: bool
) -> WebhookEndpoint:
    """Disable (pending deliveries fail at once, no new ones) or enable an endpoint again."""
    _require_owner(endpoint.app, actor)
    if endpoint.is_active == is_active:
        return endpoint
    endpoint.is_active = is_active
    endpoint.disabled_reason = "" if is_active else _("Disabled by the developer.")
    endpoint.failing_since = None
    endpoint.save(update_fields=["is_active", "disabled_reason", "failing_since", "updated_at"])
    if not is_active:
        _pending_fail(endpoint=endpoint, reason="endpoint disabled")
    audit_record(
        type="webhooks.endpoint.enabled" if is_active else "webhooks.endpoint.disabled",
        summary=f"Webhook endpoint {endpoint.url} {'enabled' if is_active else 'disabled'}",
        actor=actor,
        subject=endpoint,
        is_public=False,
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: Any) -> None:
    """Remove the endpoint with its delivery log."""
    _require_owner(endpoint.app, actor)
    audit_record(
        type="webhooks.endpoint.deleted",
        summary=f"Webhook endpoint {endpoint.url} removed",
        actor=actor,
        subject=endpoint,
        data={"app": str(endpoint.app.uid)},
        is_public=False,
    )
    endpoint.delete()


# --- deliveries -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewDelivery:
    endpoint_id: int
    event_type: str
    at: datetime
    data: dict[str, Any]


def _send_on_commit(delivery_ids: list[int]) -> None:
    def enqueue() -> None:
        from heyi.webhooks.tasks import delivery_send

        for delivery_id in delivery_ids:
            try:
                delivery_send.enqueue(delivery_id)
            except Exception:  # the sweep sends what could not be enqueued
                logger.exception("could not enqueue webhook delivery %s", delivery_id)

    transaction.on_commit(enqueue)


def deliveries_create(*, new: Sequence[NewDelivery]) -> list[WebhookDelivery]:
    """Store one pending delivery per event and endpoint; the first attempt runs on commit."""
    if not new:
        return []
    now = timezone.now()
    with transaction.atomic():
        rows = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint_id=item.endpoint_id,
                    message_id=sender.message_id_generate(),
                    event_type=item.event_type,
                    payload={
                        "type": item.event_type,
                        "timestamp": item.at.isoformat(),
                        "data": item.data,
                    },
                    next_attempt_at=now,
                )
                for item in new
            ]
        )
        ids = [row.pk for row in rows if row.pk is not None]
        if len(ids) != len(rows):  # a database that does not return keys from bulk inserts
            ids = list(
                WebhookDelivery.objects.filter(
                    message_id__in=[row.message_id for row in rows]
                ).values_list("id", flat=True)
            )
        _send_on_commit(ids)
    return rows


@transaction.atomic
def delivery_test_send(*, endpoint: WebhookEndpoint, actor: Any) -> WebhookDelivery:
    """A `webhook.test` event to this endpoint, whatever it subscribed to."""
    _require_owner(endpoint.app, actor)
    if not endpoint.is_active:
        raise WebhooksError(
            WebhooksErrorCode.ENDPOINT_DISABLED, _("Enable the endpoint before sending to it.")
        )
    now = timezone.now()
    return deliveries_create(
        new=[
            NewDelivery(
                endpoint_id=endpoint.pk,
                event_type=TEST_EVENT_TYPE,
                at=now,
                data={"app": str(endpoint.app.uid), "message": "This is a test event from heyi."},
            )
        ]
    )[0]


def _signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    secrets = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at is not None
        and endpoint.previous_secret_expires_at > now
    ):
        secrets.append(endpoint.previous_secret)
    return secrets


def _claim(*, delivery_id: int, trigger: str, now: datetime) -> bool:
    free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
    candidates = WebhookDelivery.objects.filter(free, pk=delivery_id)
    if trigger == AttemptTrigger.AUTOMATIC:
        candidates = candidates.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    claimed = candidates.update(attempts=F("attempts") + 1, sending_until=now + SEND_LEASE)
    return claimed == 1


def delivery_attempt(
    *, delivery_id: int, trigger: str = AttemptTrigger.AUTOMATIC
) -> WebhookAttempt | None:
    """Send a delivery once, if it is due (automatic) or at once (replay) and nobody else is
    sending it; store the attempt and what follows (success, next retry, or failure).

    Returns None when there was nothing to send (not due, already sent, or being sent).
    """
    now = timezone.now()
    if not _claim(delivery_id=delivery_id, trigger=trigger, now=now):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:  # its endpoint was deleted meanwhile
        return None
    endpoint = delivery.endpoint
    number = delivery.attempts
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery_id, attempts=number).update(
            attempts=number - 1,
            sending_until=None,
            status=DeliveryStatus.FAILED
            if delivery.status == DeliveryStatus.PENDING
            else delivery.status,
            next_attempt_at=None,
            last_error="endpoint disabled",
        )
        return None
    body = sender.body_encode(delivery.payload)
    headers = sender.headers_sign(
        signing_secrets=_signing_secrets(endpoint, now),
        message_id=delivery.message_id,
        at=now,
        body=body,
    )
    allow_local = local_targets_allowed()
    problem = sender.address_problem(endpoint.url, allow_local=allow_local) or (
        sender.url_problem(endpoint.url, allow_local=allow_local)
    )
    if problem is not None:
        response = sender.Response(None, f"refused: {problem}"[:300], 0, "")
    else:
        response = sender.post(url=endpoint.url, body=body, headers=headers)
    return _attempt_record(
        delivery=delivery,
        number=number,
        trigger=trigger,
        at=now,
        headers=headers,
        response=response,
    )


@transaction.atomic
def _attempt_record(
    *,
    delivery: WebhookDelivery,
    number: int,
    trigger: str,
    at: datetime,
    headers: dict[str, str],
    response: sender.Response,
) -> WebhookAttempt:
    finished = timezone.now()
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        trigger=trigger,
        attempted_at=at,
        headers=headers,
        status_code=response.status_code,
        error=response.error,
        duration_ms=response.duration_ms,
        response_excerpt=response.excerpt,
    )
    changes: dict[str, Any] = {
        "sending_until": None,
        "last_status_code": response.status_code,
        "last_error": response.error,
    }
    endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if response.succeeded:
        changes.update(status=DeliveryStatus.SUCCEEDED, next_attempt_at=None)
        if delivery.delivered_at is None:
            changes["delivered_at"] = finished
        endpoints.exclude(failing_since=None).update(failing_since=None)
    else:
        if delivery.status == DeliveryStatus.PENDING:
            if number < MAX_ATTEMPTS:
                changes["next_attempt_at"] = finished + RETRY_DELAYS[number - 1]
            else:
                changes.update(status=DeliveryStatus.FAILED, next_attempt_at=None)
        endpoints.filter(failing_since=None).update(failing_since=at)
    # Only if the attempt is still ours: after a lost lease another sender owns the delivery.
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=number).update(**changes)
    return attempt


def delivery_replay(*, delivery: WebhookDelivery, actor: Any) -> WebhookAttempt:
    """Send a delivery again now, as a new attempt with the same webhook-id (the receiver's
    deduplication key: a replay is the same message, not a new event)."""
    _require_owner(delivery.endpoint.app, actor)
    if not delivery.endpoint.is_active:
        raise WebhooksError(
            WebhooksErrorCode.ENDPOINT_DISABLED, _("Enable the endpoint before replaying to it.")
        )
    attempt = delivery_attempt(delivery_id=delivery.pk, trigger=AttemptTrigger.REPLAY)
    if attempt is None:
        raise WebhooksError(
            WebhooksErrorCode.DELIVERY_BUSY,
            _("This delivery is being sent right now; look again in a moment."),
        )
    audit_record(
        type="webhooks.delivery.replayed",
        summary=f"Webhook delivery {delivery.message_id} replayed",
        actor=actor,
        subject=delivery,
        data={"status_code": attempt.status_code, "error": attempt.error},
        is_public=False,
    )
    return attempt


def deliveries_send_due(*, limit: int = 100) -> int:
    """Send the due retries (and first attempts whose task never ran); return how many."""
    from heyi.webhooks.selectors import delivery_list_due_ids

    sent = 0
    for delivery_id in delivery_list_due_ids(now=timezone.now(), limit=limit):
        try:
            if delivery_attempt(delivery_id=delivery_id) is not None:
                sent += 1
        except Exception:  # one broken delivery must not stop the sweep
            logger.exception("webhook delivery %s could not be attempted", delivery_id)
    return sent


def endpoints_disable_failing(*, now: datetime | None = None) -> int:
    """Disable endpoints that have failed every attempt for DISABLE_AFTER; tell their owners."""
    moment = now or timezone.now()
    disabled = 0
    stale = WebhookEndpoint.objects.filter(is_active=True, failing_since__lt=moment - DISABLE_AFTER)
    for endpoint_id in list(stale.values_list("id", flat=True)):
        with transaction.atomic():
            endpoint = (
                WebhookEndpoint.objects.select_for_update()
                .select_related("app")
                .filter(pk=endpoint_id, is_active=True, failing_since__lt=moment - DISABLE_AFTER)
                .first()
            )
            # One failure long ago is not enough: a delivery must have run out of retries since.
            if (
                endpoint is None
                or not WebhookDelivery.objects.filter(
                    endpoint=endpoint,
                    status=DeliveryStatus.FAILED,
                    created_at__gte=endpoint.failing_since,
                ).exists()
            ):
                continue
            endpoint.is_active = False
            endpoint.disabled_reason = _("Every delivery failed for %(days)d days.") % {
                "days": DISABLE_AFTER.days
            }
            endpoint.save(update_fields=["is_active", "disabled_reason", "updated_at"])
            _pending_fail(endpoint=endpoint, reason="endpoint disabled after repeated failures")
            audit_record(
                type="webhooks.endpoint.disabled",
                summary=f"Webhook endpoint {endpoint.url} disabled after repeated failures",
                subject=endpoint,
                is_public=False,
            )
            notification_send(
                user=endpoint.app.owner,
                kind="developers.webhook.disabled",
                title=_("A webhook endpoint of %(app)s was disabled") % {"app": endpoint.app.name},
                body=_("%(url)s failed every delivery for %(days)d days. Fix it, then enable it.")
                % {"url": endpoint.url, "days": DISABLE_AFTER.days},
                url=f"/developers/apps/{endpoint.app.uid}/webhooks/{endpoint.uid}/",
            )
            disabled += 1
    return disabled
