"""Schemas of the notifications API."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field


class NotificationOut(Schema):
    uid: uuid.UUID
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    is_read: bool


class UnreadCountOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked_read: int


class NotificationGroupOut(Schema):
    key: str
    label: str


class NotificationPreferenceIn(Schema):
    email_enabled: bool = True
    email_muted_groups: list[str] = Field(default_factory=list, max_length=20)


class NotificationPreferenceOut(Schema):
    email_enabled: bool
    email_muted_groups: list[str]
    groups: list[NotificationGroupOut]
