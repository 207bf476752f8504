"""What devices tell the apps above them (rules, webhooks), without devices importing them.

The ingest path (gateway and HTTPS) and the sweeps publish `DeviceEvent`s; an app registers a
handler once, in its AppConfig.ready(). Handlers run after the transaction that wrote the
readings commits (never for rolled-back rows), with the whole batch at once so that a handler
can look up what it needs in one query. A failing handler is logged and does not stop the
others or the ingest: the readings are already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


class DeviceEventType(StrEnum):
    TELEMETRY = "device.telemetry"  # data: {"values": {...}, "reading_id": message id, "ts": iso}
    STATE = "device.state"  # data: {"attributes": {...}}
    ALARM_RAISED = "device.alarm.raised"  # data: {"code", "severity", "message"}
    ALARM_CLEARED = "device.alarm.cleared"  # data: {"code"}
    ONLINE = "device.online"  # data: {}
    OFFLINE = "device.offline"  # data: {"last_seen_at": iso}
    COMMAND_ANSWERED = "device.command.answered"  # data: {"command", "name", "status", "detail"}


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    type: DeviceEventType
    device_id: int
    serial: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


EventHandler = Callable[[Sequence[DeviceEvent]], Any]

_HANDLERS: list[EventHandler] = []


def register(handler: EventHandler) -> None:
    if handler not in _HANDLERS:
        _HANDLERS.append(handler)


def unregister(handler: EventHandler) -> None:
    if handler in _HANDLERS:
        _HANDLERS.remove(handler)


def dispatch_now(events: Sequence[DeviceEvent]) -> None:
    """Call every handler with `events`; used on commit, and directly by tests."""
    if not events:
        return
    for handler in list(_HANDLERS):
        try:
            handler(events)
        except Exception:  # a rule or webhook fault must never stop the ingest
            logger.exception("device event handler %r failed", handler)


def publish(events: Sequence[DeviceEvent]) -> None:
    """Hand `events` to every handler once the current transaction commits."""
    if not events:
        return
    batch = list(events)
    transaction.on_commit(lambda: dispatch_now(batch))
