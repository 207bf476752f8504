"""API of the ventures app."""

from ninja import Router

router = Router(tags=["ventures"])
