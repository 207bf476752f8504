"""API of the demands app."""

from ninja import Router

router = Router(tags=["demands"])
