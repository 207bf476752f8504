"""The JSON API of fulfilment: delivery promises, stock at centres, shipments and compensations."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["logistics"])
