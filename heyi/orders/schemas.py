"""API shapes for pre-orders: campaigns, pre-orders and configured prices."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from heyi.orders.services import DEFAULT_MAX_QUANTITY


def money(amount: Decimal) -> str:
    """Money on the API is a decimal string with two places."""
    return f"{amount:.2f}"


class CampaignIn(Schema):
    threshold: int = Field(description="Units that must be pre-ordered for the tender to open.")
    deadline: datetime = Field(description="ISO 8601 with a time zone, in the future.")
    max_quantity: int = Field(
        DEFAULT_MAX_QUANTITY, description="The largest quantity of one pre-order (1–100)."
    )


class CampaignOut(Schema):
    uid: uuid.UUID
    demand_number: int
    status: str
    threshold: int
    deadline: datetime
    max_quantity: int
    units_pre_ordered: int
    pre_order_count: int
    progress_percent: int
    started_by: str
    reached_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    tender_uid: uuid.UUID | None
    created_at: datetime

    @staticmethod
    def resolve_demand_number(obj: Any) -> int:
        return int(obj.demand.number)

    @staticmethod
    def resolve_started_by(obj: Any) -> str:
        return str(obj.started_by.name)


class CampaignCancelIn(Schema):
    reason: str = Field(max_length=500)


class PreOrderIn(Schema):
    options: dict[str, str] = Field(
        default_factory=dict,
        description="Option group → chosen value; groups left out take their default.",
    )
    quantity: int
    address: str = Field(max_length=1000, description="The written delivery address.")
    latitude: Decimal = Field(description="−90 to 90; kept to 6 decimal places.")
    longitude: Decimal = Field(description="−180 to 180; kept to 6 decimal places.")
    payment_method: str = Field(
        "",
        max_length=60,
        description="How to pay the total, held in escrow (the provider's default when empty; "
        "the wallet is used first). A declined payment is 402 `payment_declined`.",
    )


class PreOrderOut(Schema):
    uid: uuid.UUID
    number: int
    demand_number: int
    demand_title: str
    campaign: uuid.UUID
    status: str
    options: dict[str, str]
    quantity: int
    unit_price: str
    total: str
    currency: str
    address: str
    latitude: str
    longitude: str
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str

    @staticmethod
    def resolve_demand_number(obj: Any) -> int:
        return int(obj.campaign.demand.number)

    @staticmethod
    def resolve_demand_title(obj: Any) -> str:
        return str(obj.campaign.demand.title)

    @staticmethod
    def resolve_campaign(obj: Any) -> uuid.UUID:
        return obj.campaign.uid  # type: ignore[no-any-return]

    @staticmethod
    def resolve_unit_price(obj: Any) -> str:
        return money(obj.unit_price)

    @staticmethod
    def resolve_total(obj: Any) -> str:
        return money(obj.total)

    @staticmethod
    def resolve_latitude(obj: Any) -> str:
        return f"{obj.latitude:.6f}"

    @staticmethod
    def resolve_longitude(obj: Any) -> str:
        return f"{obj.longitude:.6f}"


class PreOrderCancelIn(Schema):
    reason: str = Field("", max_length=500)


class PriceIn(Schema):
    options: dict[str, str] = Field(default_factory=dict)
    quantity: int = Field(1, ge=1, le=100)


class PriceOut(Schema):
    demand_number: int
    options: dict[str, str] = Field(description="Every group with the value taken.")
    unit_price: str
    quantity: int
    total: str
    currency: str


# --- orders -----------------------------------------------------------------------------------


class OrderEventOut(Schema):
    kind: str
    from_stage: str
    to_stage: str
    party: str
    actor: str | None
    note: str
    photo_url: str | None
    occurred_at: datetime

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.name if obj.actor_id else None

    @staticmethod
    def resolve_photo_url(obj: Any) -> str | None:
        return obj.photo.url if obj.photo else None


class RatingOut(Schema):
    stars: int
    comment: str
    created_at: datetime


class OrderOut(Schema):
    uid: uuid.UUID
    number: int
    kind: str = Field(description="`made_to_order` (from a demand's tender) or `standard`.")
    title: str
    demand_number: int | None
    demand_title: str | None
    product: str | None = Field(description="The standard product's slug.")
    product_name: str | None
    venture: str | None = Field(description="Empty until the daily contention allocates it.")
    venture_name: str | None
    pre_order_number: int | None
    stage: str
    stage_changed_at: datetime
    options: dict[str, str]
    quantity: int
    unit_price: str
    total: str
    maker_unit_price: str | None
    lead_time_days: int | None
    allocated_at: datetime | None
    fulfilment: str = Field(
        description="`stock` (from a centre), `made_to_order`, or empty (placed with no network)."
    )
    delivery_promised_at: datetime | None = Field(
        description="The delivery promised to the buyer when the order was placed."
    )
    currency: str
    address: str
    sample_status: str
    delivery_date: date | None
    delivery_window: str
    paid_at: datetime | None
    rating: RatingOut | None
    created_at: datetime

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return "standard" if obj.product_id else "made_to_order"

    @staticmethod
    def resolve_demand_number(obj: Any) -> int | None:
        return int(obj.demand.number) if obj.demand_id else None

    @staticmethod
    def resolve_demand_title(obj: Any) -> str | None:
        return str(obj.demand.title) if obj.demand_id else None

    @staticmethod
    def resolve_product(obj: Any) -> str | None:
        return str(obj.product.slug) if obj.product_id else None

    @staticmethod
    def resolve_product_name(obj: Any) -> str | None:
        return str(obj.product.name) if obj.product_id else None

    @staticmethod
    def resolve_venture(obj: Any) -> str | None:
        return str(obj.venture.slug) if obj.venture_id else None

    @staticmethod
    def resolve_venture_name(obj: Any) -> str | None:
        return str(obj.venture.name) if obj.venture_id else None

    @staticmethod
    def resolve_pre_order_number(obj: Any) -> int | None:
        return obj.pre_order.number if obj.pre_order_id else None

    @staticmethod
    def resolve_unit_price(obj: Any) -> str:
        return money(obj.unit_price)

    @staticmethod
    def resolve_total(obj: Any) -> str:
        return money(obj.total)

    @staticmethod
    def resolve_maker_unit_price(obj: Any) -> str | None:
        return None if obj.maker_unit_price is None else money(obj.maker_unit_price)

    @staticmethod
    def resolve_rating(obj: Any) -> Any:
        return getattr(obj, "rating", None)


class OrderDetailOut(OrderOut):
    events: list[OrderEventOut]

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.events.all())


class StandardOrderIn(Schema):
    quantity: int = Field(description="1 to 100 units.")
    address: str = Field(max_length=1000, description="The written delivery address.")
    latitude: Decimal = Field(description="−90 to 90; kept to 6 decimal places.")
    longitude: Decimal = Field(description="−180 to 180; kept to 6 decimal places.")


class OrderAdvanceIn(Schema):
    to_stage: str = Field(max_length=40)
    note: str = Field("", max_length=10_000)
    payment_method: str = Field(
        "",
        max_length=60,
        description="For the move to `paid`: how to pay the total into the order's escrow (the "
        "provider's default when empty; the wallet is used first). Declined: 402.",
    )


class SampleApprovalIn(Schema):
    approve: bool
    note: str = Field("", max_length=10_000)


class DeliverySlotIn(Schema):
    date: dt.date
    window: str = Field(max_length=10, description="09-12, 12-15, 15-18 or 18-21.")


class RatingIn(Schema):
    stars: int
    comment: str = Field("", max_length=10_000)
