"""API of the designs app."""

from ninja import Router

router = Router(tags=["designs"])
