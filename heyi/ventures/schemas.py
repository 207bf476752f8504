"""API shapes for ventures, their members, invitations and join requests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from heyi.accounts.schemas import PersonOut


class CategoryOut(Schema):
    slug: str
    name: str


class VentureRefOut(Schema):
    """Just enough to name and link a venture."""

    uid: uuid.UUID
    slug: str
    name: str
    status: str


class VentureOut(Schema):
    uid: uuid.UUID
    slug: str
    name: str
    kind: str
    mission: str
    city: str
    categories: list[CategoryOut]
    capacity_per_day: int
    status: str
    member_count: int
    founded_by: PersonOut
    founded_at: datetime = Field(description="When the venture was founded.")

    @staticmethod
    def resolve_categories(obj: Any) -> list[Any]:
        # .all() reads the prefetched rows when the selector prefetched them.
        return list(obj.categories.all())

    @staticmethod
    def resolve_founded_at(obj: Any) -> datetime:
        return obj.created_at


class VentureIn(Schema):
    name: str = Field(description="Unique; the venture's slug is made from it.")
    kind: str = Field(description="maker, design, supplier, delivery or service.")
    mission: str
    city: str = ""
    categories: list[str] = Field(default_factory=list, description="Category slugs.")
    capacity_per_day: int = 0


class VentureUpdateIn(Schema):
    """Fields left out stay as they are."""

    mission: str | None = None
    city: str | None = None
    categories: list[str] | None = Field(None, description="Category slugs; replaces the list.")
    capacity_per_day: int | None = None


class VentureStatusIn(Schema):
    status: str = Field(
        description="incubating → accelerating, or dissolved (final); raising and spun_off are reached only through funding rounds."
    )


class MembershipOut(Schema):
    uid: uuid.UUID
    person: PersonOut
    role: str
    joined_at: datetime
    left_at: datetime | None

    @staticmethod
    def resolve_person(obj: Any) -> Any:
        return obj.user


class InvitationIn(Schema):
    """Name the invitee by e-mail address or by user id."""

    email: str = ""
    user_uid: uuid.UUID | None = None
    message: str = ""


class InvitationOut(Schema):
    uid: uuid.UUID
    venture: VentureRefOut
    invitee: PersonOut
    invited_by: PersonOut
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None


class JoinRequestIn(Schema):
    message: str


class JoinRequestOut(Schema):
    uid: uuid.UUID
    venture: VentureRefOut
    person: PersonOut
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: PersonOut | None

    @staticmethod
    def resolve_person(obj: Any) -> Any:
        return obj.user
