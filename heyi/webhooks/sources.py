"""Where webhook events come from: device events (via heyi.devices.events) and order stages
(via heyi.orders.stage_hooks). Both registries are filled in WebhooksConfig.ready().

Telemetry arrives by the thousand per second, so the device handler asks the database one
question per batch (which active endpoints may hear of these devices) and stops there when the
answer is empty, which it is whenever no app subscribed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from heyi.devices.events import DeviceEvent, DeviceEventType
from heyi.webhooks import selectors
from heyi.webhooks.models import EventType, ThresholdState
from heyi.webhooks.services import NewDelivery, deliveries_create
from heyi.webhooks.thresholds import Threshold, thresholds_load

logger = logging.getLogger(__name__)

# Device events that become webhook events of the same name; telemetry is handled apart.
DIRECT_TYPES: dict[str, str] = {
    DeviceEventType.ALARM_RAISED: EventType.ALARM_RAISED,
    DeviceEventType.ALARM_CLEARED: EventType.ALARM_CLEARED,
    DeviceEventType.ONLINE: EventType.ONLINE,
    DeviceEventType.OFFLINE: EventType.OFFLINE,
    DeviceEventType.COMMAND_ANSWERED: EventType.COMMAND_ANSWERED,
}


def _thresholds_cross(
    *,
    events: Sequence[DeviceEvent],
    subscriptions: Sequence[selectors.Subscription],
) -> list[NewDelivery]:
    """Threshold events for readings that turn a threshold from "not met" (or never seen) to
    "met". The last state per endpoint, device and threshold is kept in ThresholdState and
    written only when it changes; a reading without the field leaves the state as it was."""
    watching: dict[int, list[tuple[selectors.Subscription, list[Threshold]]]] = {}
    for subscription in subscriptions:
        if EventType.TELEMETRY_THRESHOLD not in subscription.event_types:
            continue
        thresholds = thresholds_load(subscription.thresholds)
        if thresholds and subscription.device_id is not None:
            watching.setdefault(subscription.device_id, []).append((subscription, thresholds))
    telemetry = [
        event
        for event in events
        if event.type == DeviceEventType.TELEMETRY and event.device_id in watching
    ]
    if not telemetry:
        return []
    endpoint_ids = {sub.endpoint_id for subs in watching.values() for sub, _t in subs}
    states: dict[tuple[int, int, str], bool] = {
        (endpoint_id, device_id, key): is_met
        for endpoint_id, device_id, key, is_met in ThresholdState.objects.filter(
            endpoint_id__in=endpoint_ids, device_id__in=list(watching)
        ).values_list("endpoint_id", "device_id", "key", "is_met")
    }
    changed: dict[tuple[int, int, str], bool] = {}
    new: list[NewDelivery] = []
    for event in sorted(telemetry, key=lambda item: item.at):
        values = event.data.get("values")
        if not isinstance(values, dict):
            continue
        for subscription, thresholds in watching[event.device_id]:
            for threshold in thresholds:
                met = threshold.met(values)
                if met is None:
                    continue
                state_key = (subscription.endpoint_id, event.device_id, threshold.key)
                was_met = changed.get(state_key, states.get(state_key))
                if was_met == met:
                    continue
                changed[state_key] = met
                if met:
                    new.append(
                        NewDelivery(
                            endpoint_id=subscription.endpoint_id,
                            event_type=EventType.TELEMETRY_THRESHOLD,
                            at=event.at,
                            data={
                                "device": event.serial,
                                "user": subscription.user_uid,
                                "field": threshold.field,
                                "op": threshold.op,
                                "threshold": threshold.value,
                                "value": values[threshold.field],
                                "values": values,
                                "reading_id": event.data.get("reading_id"),
                                "ts": event.data.get("ts"),
                            },
                        )
                    )
    if changed:
        now = timezone.now()
        ThresholdState.objects.bulk_create(
            [
                ThresholdState(
                    endpoint_id=endpoint_id,
                    device_id=device_id,
                    key=key,
                    is_met=met,
                    changed_at=now,
                )
                for (endpoint_id, device_id, key), met in changed.items()
            ],
            update_conflicts=True,
            unique_fields=["endpoint", "device", "key"],
            update_fields=["is_met", "changed_at"],
        )
    return new


def device_events_deliver(events: Sequence[DeviceEvent]) -> int:
    """The heyi.devices.events handler: turn a batch of device events into deliveries for the
    apps their owners granted `events:receive` on those devices. Returns how many were made."""
    device_ids = {
        event.device_id
        for event in events
        if event.type in DIRECT_TYPES or event.type == DeviceEventType.TELEMETRY
    }
    if not device_ids:
        return 0
    subscriptions = selectors.subscription_list_for_devices(device_ids=device_ids)
    if not subscriptions:
        return 0
    by_device: dict[int, list[selectors.Subscription]] = {}
    for subscription in subscriptions:
        if subscription.device_id is not None:
            by_device.setdefault(subscription.device_id, []).append(subscription)
    with transaction.atomic():
        new: list[NewDelivery] = []
        for event in events:
            event_type = DIRECT_TYPES.get(event.type)
            if event_type is None:
                continue
            for subscription in by_device.get(event.device_id, []):
                if event_type in subscription.event_types:
                    new.append(
                        NewDelivery(
                            endpoint_id=subscription.endpoint_id,
                            event_type=event_type,
                            at=event.at,
                            data={
                                "device": event.serial,
                                "user": subscription.user_uid,
                                **event.data,
                            },
                        )
                    )
        new.extend(_thresholds_cross(events=events, subscriptions=subscriptions))
        deliveries_create(new=new)
    return len(new)


def order_stage_deliver(*, order: Any) -> int:
    """The heyi.orders.stage_hooks handler (every stage): `order.stage` to the apps the order's
    user granted `events:receive`. Runs inside order_advance's transaction, in a savepoint, so a
    fault here is logged and never stops the order's move."""
    try:
        with transaction.atomic():
            subscriptions = [
                subscription
                for subscription in selectors.subscription_list_for_user(user_id=order.user_id)
                if EventType.ORDER_STAGE in subscription.event_types
            ]
            if not subscriptions:
                return 0
            at = order.stage_changed_at or timezone.now()
            data = {
                "order": {
                    "number": order.number,
                    "uid": str(order.uid),
                    "stage": order.stage,
                    "stage_changed_at": at.isoformat(),
                    "title": order.title,
                    "quantity": order.quantity,
                },
            }
            deliveries_create(
                new=[
                    NewDelivery(
                        endpoint_id=subscription.endpoint_id,
                        event_type=EventType.ORDER_STAGE,
                        at=at,
                        data={**data, "user": subscription.user_uid},
                    )
                    for subscription in subscriptions
                ]
            )
            return len(subscriptions)
    except Exception:  # a webhook fault must never undo or block the order's stage
        logger.exception("order.stage webhooks for order %s failed", getattr(order, "pk", None))
        return 0
