"""The JSON API of developers."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["developers"])
