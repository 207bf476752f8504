"""The JSON API of investment."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["investment"])
