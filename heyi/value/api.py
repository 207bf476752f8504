"""The JSON API of value."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["value"])
