"""The JSON API of webhooks."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["webhooks"])
