"""The JSON API of the win-win value-added statements."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["statements"])
