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
