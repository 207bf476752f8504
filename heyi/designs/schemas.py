"""API shapes for co-design: claims, rounds, proposals and versions, votes, comments, selection."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


def money(amount: Decimal | None) -> str | None:
    """Money on the API is a decimal string with two places."""
    return None if amount is None else f"{amount:.2f}"


class PersonRefOut(Schema):
    uid: uuid.UUID
    name: str


class VentureRefOut(Schema):
    slug: str
    name: str


class ClaimIn(Schema):
    venture: str | None = Field(
        None, description="Slug of a venture you claim for; omit for yourself."
    )
    note: str = Field("", max_length=2000)


class ClaimOut(Schema):
    uid: uuid.UUID
    demand_number: int
    claimant: PersonRefOut
    venture: VentureRefOut | None
    note: str
    status: str
    created_at: datetime

    @staticmethod
    def resolve_demand_number(obj: Any) -> int:
        return int(obj.demand.number)


class ModuleIn(Schema):
    name: str = Field(max_length=500)
    quantity: int = 1
    description: str = Field("", max_length=2000)


class OptionIn(Schema):
    group: str = Field(max_length=500)
    value: str = Field(max_length=500)
    price_delta: Decimal = Field(Decimal("0"), description="May be negative; decimal string.")
    is_default: bool = False


class ProposalIn(Schema):
    title: str = Field(max_length=1000)
    description: str = Field(max_length=20000)
    base_price: Decimal = Field(description="Estimated base price, a decimal string in CNY.")
    currency: str = "CNY"
    modules: list[ModuleIn] = Field(default_factory=list)
    options: list[OptionIn] = Field(default_factory=list)
    venture: str | None = Field(None, description="Slug of the claiming venture you post for.")


class VersionIn(Schema):
    description: str = Field(max_length=20000)
    base_price: Decimal
    currency: str = "CNY"
    modules: list[ModuleIn] = Field(default_factory=list)
    options: list[OptionIn] = Field(default_factory=list)
    keep_pictures: bool = Field(
        True, description="Carry the previous version's pictures over to the new one."
    )


class ModuleOut(Schema):
    name: str
    quantity: int
    description: str


class OptionOut(Schema):
    group: str
    value: str
    price_delta: str
    is_default: bool

    @staticmethod
    def resolve_price_delta(obj: Any) -> str | None:
        return money(obj.price_delta)


class PictureOut(Schema):
    uid: uuid.UUID
    url: str
    caption: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.image.url)


class VersionOut(Schema):
    number: int
    description: str
    base_price: str
    currency: str
    created_by: PersonRefOut
    created_at: datetime
    modules: list[ModuleOut]
    options: list[OptionOut]
    pictures: list[PictureOut]

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return str(obj.summary)

    @staticmethod
    def resolve_base_price(obj: Any) -> str | None:
        return money(obj.base_price)

    @staticmethod
    def resolve_modules(obj: Any) -> list[Any]:
        return list(obj.modules.all())

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.options.all())

    @staticmethod
    def resolve_pictures(obj: Any) -> list[Any]:
        return list(obj.pictures.all())


class VersionRefOut(Schema):
    number: int
    base_price: str
    created_at: datetime

    @staticmethod
    def resolve_base_price(obj: Any) -> str | None:
        return money(obj.base_price)


class ProposalSummaryOut(Schema):
    uid: uuid.UUID
    title: str
    demand_number: int
    round_number: int
    author: PersonRefOut
    venture: VentureRefOut | None
    current_version_number: int
    current_price: str | None
    currency: str
    vote_count: int
    comment_count: int
    created_at: datetime

    @staticmethod
    def resolve_demand_number(obj: Any) -> int:
        return int(obj.demand.number)

    @staticmethod
    def resolve_round_number(obj: Any) -> int:
        return int(obj.round.number)

    @staticmethod
    def resolve_current_price(obj: Any) -> str | None:
        return money(getattr(obj, "current_price", None))

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        return str(getattr(obj, "current_currency", None) or "CNY")


class ProposalOut(ProposalSummaryOut):
    versions: list[VersionRefOut]
    version: VersionOut = Field(
        description="The version asked for (?version=n), else the current one."
    )


class RoundOut(Schema):
    uid: uuid.UUID
    number: int
    status: str
    opened_at: datetime
    closed_at: datetime | None
    proposals: list[ProposalSummaryOut]

    @staticmethod
    def resolve_opened_at(obj: Any) -> datetime:
        return obj.created_at  # type: ignore[no-any-return]

    @staticmethod
    def resolve_proposals(obj: Any) -> list[Any]:
        return list(obj.proposals.all())


class VoteOut(Schema):
    proposal: uuid.UUID
    round_number: int
    vote_count: int


class CommentIn(Schema):
    body: str = Field(max_length=20000)
    parent: uuid.UUID | None = Field(None, description="The comment this one replies to.")


class CommentOut(Schema):
    uid: uuid.UUID
    author: PersonRefOut
    body: str
    parent: uuid.UUID | None
    created_at: datetime

    @staticmethod
    def resolve_parent(obj: Any) -> uuid.UUID | None:
        return obj.parent.uid if obj.parent_id else None


class ThreadOut(CommentOut):
    replies: list[CommentOut]

    @staticmethod
    def resolve_replies(obj: Any) -> list[Any]:
        return list(obj.replies.all())


class SelectionIn(Schema):
    proposal: uuid.UUID


class SelectionOut(Schema):
    demand_number: int
    proposal: uuid.UUID
    title: str
    version_number: int
    method: str
    selected_by: PersonRefOut | None
    created_at: datetime


class ConfiguratorOptionOut(Schema):
    value: str
    price_delta: str
    is_default: bool


class ConfiguratorGroupOut(Schema):
    name: str
    options: list[ConfiguratorOptionOut]


class ConfiguratorOut(Schema):
    demand_number: int
    proposal: uuid.UUID
    title: str
    version_number: int
    base_price: str
    currency: str
    lowest_price: str
    highest_price: str
    default_price: str | None = Field(
        description="Price with every group's default, if all have one."
    )
    groups: list[ConfiguratorGroupOut]
