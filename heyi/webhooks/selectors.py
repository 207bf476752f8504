"""Reads of webhooks: who may see an app's endpoints, delivery logs, and who gets an event."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.access import Scope
from heyi.core.errors import NotFound
from heyi.developers.models import AppGrant, AppStatus, DeveloperApp, Environment
from heyi.webhooks.errors import WebhooksErrorCode
from heyi.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

# Device ids per subscription query: well under every database's parameter limit.
DEVICE_CHUNK = 500


def _app_not_found() -> NotFound:
    return NotFound(_("No such app."), code=WebhooksErrorCode.APP_NOT_FOUND)


def app_can_manage(*, app: DeveloperApp, user: Any) -> bool:
    """Only the app's owner changes its webhooks (operators look, they do not touch)."""
    return bool(getattr(user, "is_authenticated", False)) and app.owner_id == user.pk


def app_get_for_user(*, app_uid: uuid.UUID, user: Any, manage: bool = False) -> DeveloperApp:
    """The app if `user` may see its webhooks (owner; operators read). Others: not found, so
    that nobody learns which apps exist."""
    try:
        app = DeveloperApp.objects.get(uid=app_uid)
    except DeveloperApp.DoesNotExist as error:
        raise _app_not_found() from error
    if app_can_manage(app=app, user=user):
        return app
    if not manage and user_is_operator(user):
        return app
    raise _app_not_found()


def endpoint_list_for_app(*, app: DeveloperApp) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(app=app).order_by("created_at", "id")


def endpoint_get(*, app: DeveloperApp, endpoint_uid: uuid.UUID) -> WebhookEndpoint:
    try:
        return WebhookEndpoint.objects.select_related("app").get(app=app, uid=endpoint_uid)
    except WebhookEndpoint.DoesNotExist as error:
        raise NotFound(
            _("No such webhook endpoint."), code=WebhooksErrorCode.ENDPOINT_NOT_FOUND
        ) from error


def delivery_list_for_endpoint(
    *, endpoint: WebhookEndpoint, status: str = "", limit: int = 50
) -> QuerySet[WebhookDelivery]:
    """The endpoint's delivery log, newest first."""
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")[:limit]


def delivery_get_for_user(
    *, delivery_uid: uuid.UUID, user: Any, manage: bool = False
) -> WebhookDelivery:
    """A delivery of an app `user` owns (operators read); anyone else: not found."""
    try:
        delivery = WebhookDelivery.objects.select_related("endpoint__app").get(uid=delivery_uid)
    except WebhookDelivery.DoesNotExist as error:
        raise NotFound(_("No such delivery."), code=WebhooksErrorCode.DELIVERY_NOT_FOUND) from error
    app = delivery.endpoint.app
    if app_can_manage(app=app, user=user) or (not manage and user_is_operator(user)):
        return delivery
    raise NotFound(_("No such delivery."), code=WebhooksErrorCode.DELIVERY_NOT_FOUND)


def attempt_list(*, delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("-attempted_at", "-id")


def delivery_list_due_ids(*, now: datetime, limit: int = 100) -> list[int]:
    """Pending deliveries whose next attempt is due and that nobody is sending."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
        )
        .filter(Q(sending_until__isnull=True) | Q(sending_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


@dataclass(frozen=True, slots=True)
class Subscription:
    """One active endpoint that may receive events of one device (or one user's orders)."""

    endpoint_id: int
    event_types: frozenset[str]
    thresholds: Any
    device_id: int | None
    user_uid: str


def _grant_reaches(
    *, scopes: Any, environment: str, app_status: str, app_owner_id: int, subject_owner_id: int
) -> bool:
    """A live grant carries events when it has events:receive and its environment allows it:
    production grants of approved apps, test grants for the developer's own things only."""
    if not isinstance(scopes, list) or Scope.EVENTS_RECEIVE.value not in scopes:
        return False
    if app_status == AppStatus.SUSPENDED:
        return False
    if environment == Environment.PRODUCTION:
        return app_status == AppStatus.PRODUCTION
    return environment == Environment.TEST and subject_owner_id == app_owner_id


def subscription_list_for_devices(*, device_ids: Iterable[int]) -> list[Subscription]:
    """Endpoints that may hear of these devices: one query per 500 devices, and none is found
    (the common case, cheaply) when no app has an active endpoint.

    The device must still belong to the user who granted it: a device that changed hands stops
    reporting to the former owner's apps even before the grant is edited.
    """
    ids = sorted(set(device_ids))
    through = AppGrant.devices.through
    found: dict[tuple[int, int], Subscription] = {}
    for start in range(0, len(ids), DEVICE_CHUNK):
        rows = (
            through.objects.filter(
                device_id__any=ids[start : start + DEVICE_CHUNK],
                appgrant__revoked_at__isnull=True,
                appgrant__app__webhook_endpoints__is_active=True,
            )
            .values_list(
                "device_id",
                "device__owner_id",
                "appgrant__user_id",
                "appgrant__user__uid",
                "appgrant__environment",
                "appgrant__scopes",
                "appgrant__app__status",
                "appgrant__app__owner_id",
                "appgrant__app__webhook_endpoints__id",
                "appgrant__app__webhook_endpoints__event_types",
                "appgrant__app__webhook_endpoints__thresholds",
            )
            .order_by()
        )
        for (
            device_id,
            device_owner_id,
            user_id,
            user_uid,
            environment,
            scopes,
            app_status,
            app_owner_id,
            endpoint_id,
            event_types,
            thresholds,
        ) in rows:
            if device_owner_id != user_id:
                continue
            if not _grant_reaches(
                scopes=scopes,
                environment=environment,
                app_status=app_status,
                app_owner_id=app_owner_id,
                subject_owner_id=device_owner_id,
            ):
                continue
            found[(endpoint_id, device_id)] = Subscription(
                endpoint_id=endpoint_id,
                event_types=frozenset(event_types if isinstance(event_types, list) else []),
                thresholds=thresholds,
                device_id=device_id,
                user_uid=str(user_uid),
            )
    return list(found.values())


def subscription_list_for_user(*, user_id: int) -> list[Subscription]:
    """Endpoints of the apps `user_id` let receive events (for their orders' stages)."""
    rows = (
        AppGrant.objects.filter(
            user_id=user_id,
            revoked_at__isnull=True,
            app__webhook_endpoints__is_active=True,
        )
        .values_list(
            "user__uid",
            "environment",
            "scopes",
            "app__status",
            "app__owner_id",
            "app__webhook_endpoints__id",
            "app__webhook_endpoints__event_types",
        )
        .order_by()
    )
    found: dict[int, Subscription] = {}
    for user_uid, environment, scopes, app_status, app_owner_id, endpoint_id, event_types in rows:
        if _grant_reaches(
            scopes=scopes,
            environment=environment,
            app_status=app_status,
            app_owner_id=app_owner_id,
            subject_owner_id=user_id,
        ):
            found[endpoint_id] = Subscription(
                endpoint_id=endpoint_id,
                event_types=frozenset(event_types if isinstance(event_types, list) else []),
                thresholds=[],
                device_id=None,
                user_uid=str(user_uid),
            )
    return list(found.values())
