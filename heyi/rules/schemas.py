"""API shapes of rules: a rule, its firings, and service tickets."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

TriggerValue = Literal["telemetry", "alarm", "offline"]
ActionValue = Literal["command", "notify", "service_ticket", "demand"]


class RuleIn(Schema):
    """A rule for one device (`device`, a serial) or, for operators, a model (`device_model`)."""

    name: str = Field(max_length=120)
    device: str | None = Field(default=None, max_length=20)
    device_model: uuid.UUID | None = None
    trigger: TriggerValue
    condition: dict[str, Any] = Field(default_factory=dict)
    action: ActionValue
    params: dict[str, Any] = Field(default_factory=dict)
    cooldown_minutes: int = 60
    is_active: bool = True


class RulePatchIn(Schema):
    """Only the fields sent change."""

    name: str | None = Field(default=None, max_length=120)
    trigger: TriggerValue | None = None
    condition: dict[str, Any] | None = None
    action: ActionValue | None = None
    params: dict[str, Any] | None = None
    cooldown_minutes: int | None = None
    is_active: bool | None = None


class RuleOut(Schema):
    uid: uuid.UUID
    name: str
    device: str | None
    device_model: str | None
    trigger: str
    condition: dict[str, Any]
    action: str
    params: dict[str, Any]
    summary: str
    cooldown_minutes: int
    is_active: bool
    last_fired_at: datetime | None
    created_at: datetime


class FiringOut(Schema):
    uid: uuid.UUID
    at: datetime
    device: str
    event_type: str
    evidence: list[dict[str, Any]]
    action: str
    status: str
    detail: str
    command_uid: uuid.UUID | None
    ticket_uid: uuid.UUID | None
    demand_uid: uuid.UUID | None
    notified: int


class ServiceTicketOut(Schema):
    uid: uuid.UUID
    device: str
    rule: uuid.UUID | None
    title: str
    description: str
    status: str
    evidence: list[dict[str, Any]]
    tender_uid: uuid.UUID | None
    tender_number: int | None
    venture: str | None
    fee: Decimal | None
    awarded_at: datetime | None
    created_at: datetime
