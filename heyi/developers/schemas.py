"""API shapes of developers: apps with their client ids and review, and users' grants."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field


class AppUpdateIn(Schema):
    name: str = Field(min_length=2, max_length=80)
    description: str = Field(min_length=10, max_length=2000)
    homepage_url: str = Field(default="", max_length=200)
    redirect_uris: list[str] = Field(min_length=1, max_length=10)


class AppIn(AppUpdateIn):
    # A public client (PKCE, no secret) unless the app runs on a server that keeps a secret.
    confidential: bool = False


class AppOut(Schema):
    uid: uuid.UUID
    name: str
    description: str
    homepage_url: str
    status: str
    developer: str
    client_type: str
    test_client_id: str
    production_client_id: str | None
    redirect_uris: list[str]
    review_requested_at: datetime | None
    reviewed_at: datetime | None
    review_note: str
    created_at: datetime


class AppCreatedOut(AppOut):
    # Shown once, for confidential clients; heyi keeps only its hash.
    client_secret: str | None


class SecretIn(Schema):
    environment: str = Field(default="test", pattern="^(test|production)$")


class SecretOut(Schema):
    client_id: str
    client_secret: str


class ReviewIn(Schema):
    note: str = Field(default="", max_length=500)


class GrantAppOut(Schema):
    uid: uuid.UUID
    name: str
    developer: str
    homepage_url: str


class GrantScopeOut(Schema):
    scope: str
    description: str


class GrantOut(Schema):
    uid: uuid.UUID
    app: GrantAppOut
    environment: str
    scopes: list[GrantScopeOut]
    devices: list[str]
    created_at: datetime
    updated_at: datetime
