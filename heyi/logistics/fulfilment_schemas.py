"""API shapes of fulfilment: the delivery promise for a point, and stock at the centres."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class PromiseOut(Schema):
    product: str = Field(description="The product's slug.")
    quantity: int
    fulfilment: str = Field(
        description="`stock` (24 hours from a centre in reach) or `made_to_order`."
    )
    promised_at: datetime = Field(description="Delivery promised by, if ordered now.")
    hours: int
    station: str = Field(description="The station nearest the point (empty with no network).")
    station_uid: uuid.UUID | None
    station_km: float | None
    centre: str = Field(description="The centre serving it: holding the stock, or the nearest.")
    centre_km: float | None
    lead_time_days: int | None = Field(description="Production lead time counted (made to order).")
    explanation: str


class StockOut(Schema):
    centre: str
    centre_uid: uuid.UUID
    product: str = Field(description="The product's slug.")
    product_name: str
    on_hand: int
    reserved: int = Field(description="Units promised to orders, not yet shipped.")
    free: int
    updated_at: datetime

    @staticmethod
    def resolve_centre(obj: Any) -> str:
        return str(obj.centre.name)

    @staticmethod
    def resolve_centre_uid(obj: Any) -> uuid.UUID:
        return obj.centre.uid  # type: ignore[no-any-return]

    @staticmethod
    def resolve_product(obj: Any) -> str:
        return str(obj.product.slug)

    @staticmethod
    def resolve_product_name(obj: Any) -> str:
        return str(obj.product.name)


class StockIn(Schema):
    on_hand: int = Field(
        description="Units counted at the centre (0 or more, never below reserved)."
    )
