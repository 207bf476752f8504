"""Input and output of the probe endpoint."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema


class ProbeWriteIn(Schema):
    note: str = ""
    quantity: int = 1


class ProbeWriteOut(Schema):
    uid: uuid.UUID
    note: str
    quantity: int
    created_at: datetime
