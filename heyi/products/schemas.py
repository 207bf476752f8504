"""API shapes of standard products."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class ProductOut(Schema):
    uid: uuid.UUID
    slug: str
    name: str
    description: str
    category: str | None
    list_price: str = Field(description="Yuan, as a decimal string.")
    currency: str
    on_sale: bool
    volume_litres: int = Field(description="Packed volume of one unit, litres.")
    weight_kg: int = Field(description="Packed weight of one unit, kg.")
    created_at: datetime

    @staticmethod
    def resolve_category(obj: Any) -> str | None:
        return obj.category.slug if obj.category_id else None

    @staticmethod
    def resolve_list_price(obj: Any) -> str:
        return f"{obj.list_price:.2f}"

    @staticmethod
    def resolve_on_sale(obj: Any) -> bool:
        return bool(obj.is_on_sale)


class ProductIn(Schema):
    name: str
    description: str
    list_price: str = Field(description="Yuan, as a decimal string, at most two decimals.")
    category: str | None = None
    volume_litres: int | None = Field(None, description="Packed litres per unit (default 100).")
    weight_kg: int | None = Field(None, description="Packed kg per unit (default 30).")


class ProductPatchIn(Schema):
    description: str | None = None
    list_price: str | None = None
    on_sale: bool | None = None
    volume_litres: int | None = Field(None, description="Packed litres per unit, at least 1.")
    weight_kg: int | None = Field(None, description="Packed kg per unit, at least 1.")
