"""API shapes of shipments (steps and proof of delivery) and of missed-promise compensations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field


class ShipmentOut(Schema):
    order_number: int
    fulfilment: str
    centre: str | None
    station: str
    station_km: float
    promised_at: datetime | None
    left_centre_at: datetime | None
    at_station_at: datetime | None
    out_for_delivery_at: datetime | None
    delivered_at: datetime | None
    # The one-time code the buyer gives the driver: shown to the buyer only, until it is spent.
    delivery_code: str | None
    code_locked: bool


class ShipmentStepIn(Schema):
    step: Literal["left_centre", "at_station", "out_for_delivery"]
    note: str = Field("", max_length=500)
    route_uid: uuid.UUID | None = None


class DeliveryIn(Schema):
    code: str = Field("", max_length=20)
    note: str = Field("", max_length=500)


class CompensationOut(Schema):
    uid: uuid.UUID
    order_number: int
    amount: str
    currency: str
    promised_at: datetime
    detected_at: datetime
    fault: str
    charged_to: str
    rule: str
    reason: str
