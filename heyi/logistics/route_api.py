"""The JSON API of route planning: a station's waves, their routes, and the driver's stops."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["logistics"])
