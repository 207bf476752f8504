"""API shapes of devices: a device with its shadow, binding, desired state and sharing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field


class ShadowOut(Schema):
    reported: dict[str, Any]
    desired: dict[str, Any]
    reported_version: int
    desired_version: int
    updated_at: datetime


class DeviceOut(Schema):
    serial: str
    model: str
    status: str
    is_owner: bool
    can_control: bool
    is_online: bool
    last_seen_at: datetime | None
    shadow: ShadowOut


class BindIn(Schema):
    code: str = Field(min_length=8, max_length=12)


class DesiredIn(Schema):
    values: dict[str, Any]


class ShareIn(Schema):
    email: str = Field(max_length=254)
    role: Literal["view", "control"]


class ShareOut(Schema):
    email: str
    role: str


class ReadingOut(Schema):
    id: str = Field(description="The reading's identity: the message id (`<id>:<n>` in a batch).")
    measured_at: datetime
    received_at: datetime
    values: dict[str, Any]


class AlarmOut(Schema):
    id: str = Field(description="The alarm's public id.")
    code: str
    severity: str
    message: str
    raised_at: datetime
    cleared_at: datetime | None
    is_active: bool


class CommandIn(Schema):
    name: str = Field(min_length=1, max_length=64)
    args: dict[str, Any] = Field(default_factory=dict)
    ttl_seconds: int = Field(
        default=600, ge=5, le=30 * 24 * 3600, description="Drop the command if not done by then."
    )


class CommandOut(Schema):
    id: str = Field(
        description="The command id on the wire; the device's acknowledgement names it."
    )
    name: str
    args: dict[str, Any]
    status: Literal["pending", "sent", "acked", "failed", "rejected", "timed_out"]
    source: str
    app_id: int | None
    created_at: datetime
    expires_at: datetime
    sent_at: datetime | None
    answered_at: datetime | None
    detail: str


class UnbindOut(Schema):
    serial: str
    status: str
    binding_code: str = Field(description="A fresh one-time code for the device's next owner.")
    binding_code_expires_at: datetime


class CredentialOut(Schema):
    token: str = Field(description="The device token. Shown this once: only its hash is kept.")
    created_at: datetime


class IngestOut(Schema):
    stored: int = Field(description="Readings (or alarms, state reports) newly stored.")
    duplicates: int = Field(description="Already stored before (a retried message): not again.")
