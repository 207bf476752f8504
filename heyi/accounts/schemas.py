"""API shapes for people, roles and tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field


class PersonOut(Schema):
    uid: uuid.UUID
    name: str
    city: str


class MeOut(Schema):
    uid: uuid.UUID
    email: str
    display_name: str
    city: str
    bio: str
    roles: list[str]


class ProfileIn(Schema):
    display_name: str = Field(max_length=80)
    city: str = Field("", max_length=80)
    bio: str = Field("", max_length=2000)


class RolesIn(Schema):
    roles: list[str]


class ApiTokenIn(Schema):
    name: str = Field(max_length=80)


class ApiTokenOut(Schema):
    uid: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreatedOut(ApiTokenOut):
    secret: str
