"""API shapes of webhooks: endpoints, thresholds, deliveries and attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

EventTypeValue = Literal[
    "device.telemetry.threshold",
    "device.alarm.raised",
    "device.alarm.cleared",
    "device.online",
    "device.offline",
    "device.command.answered",
    "order.stage",
]


class ThresholdIn(Schema):
    field: str = Field(max_length=60, description="A telemetry name, e.g. `temperature`.")
    op: Literal[">", ">=", "<", "<=", "==", "!="]
    value: float | int | bool | str = Field(
        description="A number for > >= < <=; a number, true/false or text for == and !=."
    )


class ThresholdOut(Schema):
    field: str
    op: str
    value: Any


class EndpointIn(Schema):
    url: str = Field(max_length=500, description="https only in production.")
    event_types: list[EventTypeValue] = Field(min_length=1)
    thresholds: list[ThresholdIn] = Field(
        default_factory=list,
        max_length=20,
        description="Needed for device.telemetry.threshold: an event fires when a reading "
        "starts meeting one (not again while it keeps meeting it).",
    )
    description: str = Field("", max_length=200)


class EndpointOut(Schema):
    uid: UUID
    url: str
    description: str
    event_types: list[str]
    thresholds: list[ThresholdOut]
    is_active: bool
    disabled_reason: str
    created_at: datetime
    updated_at: datetime


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(description="The signing secret (`whsec_…`), for Standard Webhooks.")


class DeliveryOut(Schema):
    uid: UUID
    endpoint: UUID
    message_id: str = Field(description="The webhook-id header: the same on every attempt.")
    event_type: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime
    payload: dict[str, Any]


class AttemptOut(Schema):
    number: int
    trigger: str
    attempted_at: datetime
    status_code: int | None
    error: str
    duration_ms: int
    response_excerpt: str
