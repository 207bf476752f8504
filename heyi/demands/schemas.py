"""API shapes for demands, their pictures, fans, supports, comments, history and trace."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from heyi.demands.models import Demand, DemandPicture

DemandSort = Literal["newest", "most_supported", "most_fans", "relevance"]
DemandStatusValue = Literal[
    "open",
    "co_design",
    "pre_order",
    "contention",
    "in_production",
    "delivered",
    "closed",
    "declined",
]
SelectionModeValue = Literal["author", "vote"]


class PersonRefOut(Schema):
    uid: uuid.UUID
    name: str


class CategoryOut(Schema):
    slug: str
    name: str


class TagOut(Schema):
    name: str
    demand_count: int


class PictureOut(Schema):
    uid: uuid.UUID
    url: str
    caption: str
    position: int

    @staticmethod
    def resolve_url(obj: DemandPicture) -> str:
        return obj.image.url


class DemandSummaryOut(Schema):
    number: int
    uid: uuid.UUID
    title: str
    status: str
    status_label: str
    category: CategoryOut
    author: PersonRefOut
    tags: list[str]
    cover_url: str | None
    fan_count: int
    support_count: int
    comment_count: int
    selection_mode: str
    created_at: datetime

    @staticmethod
    def resolve_status_label(obj: Demand) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_author(obj: Demand) -> dict[str, Any]:
        return {"uid": obj.author.uid, "name": obj.author.name}

    @staticmethod
    def resolve_tags(obj: Demand) -> list[str]:
        # Sorted in Python so that the prefetched tags are used as they are.
        return sorted(tag.name for tag in obj.tags.all())

    @staticmethod
    def resolve_cover_url(obj: Demand) -> str | None:
        pictures = list(obj.pictures.all())
        return pictures[0].image.url if pictures else None


class DemandListOut(Schema):
    count: int
    items: list[DemandSummaryOut]


class ViewerOut(Schema):
    is_fan: bool
    is_supporter: bool
    can_edit: bool
    can_decline: bool
    can_support: bool


class DemandOut(DemandSummaryOut):
    description: str
    status_reason: str
    status_changed_at: datetime | None
    updated_at: datetime
    pictures: list[PictureOut]
    viewer: ViewerOut | None = None

    @staticmethod
    def resolve_pictures(obj: Demand) -> list[DemandPicture]:
        return list(obj.pictures.all())


class DemandIn(Schema):
    title: str = Field(max_length=160)
    description: str = Field(max_length=10000)
    category: str = Field(max_length=60, description="A category slug, see GET /categories.")
    tags: list[str] = Field(default_factory=list, description="Up to 10 short tags.")
    selection_mode: SelectionModeValue = "author"


class DemandPatchIn(Schema):
    title: str | None = Field(None, max_length=160)
    description: str | None = Field(None, max_length=10000)
    category: str | None = Field(None, max_length=60)
    tags: list[str] | None = None
    remove_pictures: list[uuid.UUID] = Field(
        default_factory=list, description="Uids of pictures of this demand to remove."
    )


class EngagementOut(Schema):
    """A demand's counters and where the caller stands."""

    number: int
    fan_count: int
    support_count: int
    comment_count: int
    is_fan: bool
    is_supporter: bool


class SupportIn(Schema):
    note: str = Field("", max_length=500)


class CommentIn(Schema):
    body: str = Field(max_length=5000)
    parent: uuid.UUID | None = Field(None, description="Uid of the comment this one answers.")


class CommentOut(Schema):
    uid: uuid.UUID
    parent: uuid.UUID | None
    author: PersonRefOut
    body: str
    created_at: datetime

    @staticmethod
    def resolve_parent(obj: Any) -> uuid.UUID | None:
        return getattr(obj, "parent_uid", None) or (obj.parent.uid if obj.parent_id else None)

    @staticmethod
    def resolve_author(obj: Any) -> dict[str, Any]:
        return {"uid": obj.author.uid, "name": obj.author.name}


class CommentListOut(Schema):
    count: int
    items: list[CommentOut]


class DeclineIn(Schema):
    reason: str = Field(max_length=2000)


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    actor: PersonRefOut | None
    changed_at: datetime

    @staticmethod
    def resolve_actor(obj: Any) -> dict[str, Any] | None:
        if obj.actor is None:
            return None
        return {"uid": obj.actor.uid, "name": obj.actor.name}


class TraceEntryOut(Schema):
    occurred_at: datetime
    type: str
    label: str
    stage: str
    summary: str
    reason: str
    actor: PersonRefOut | None
    subject_type: str
    subject_uid: uuid.UUID | None

    @staticmethod
    def resolve_actor(obj: Any) -> dict[str, Any] | None:
        if obj.actor_uid is None:
            return None
        return {"uid": obj.actor_uid, "name": obj.actor_name}
