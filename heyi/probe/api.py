"""The JSON API of the probe: one insert behind the same authentication and middleware as the rest.

Mounted only when `HEYI_BENCH_PROBE` is on (see heyi/api.py), so it is not part of the public API.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from heyi.probe import services
from heyi.probe.schemas import ProbeWriteIn, ProbeWriteOut

router = Router(tags=["probe"])


@router.post("/probe/writes", response={201: ProbeWriteOut})
def probe_write_create(request: HttpRequest, payload: ProbeWriteIn) -> Any:
    """Insert one row (the load benchmark's yardstick). Send an Idempotency-Key like any mutation."""
    write = services.probe_write_create(
        author=request.user, note=payload.note, quantity=payload.quantity
    )
    return Status(201, write)
