"""The JSON API of logistics: the network, its map, and operators' edits of centres and stations."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from heyi.logistics import selectors, services
from heyi.logistics.schemas import CentreOut, NetworkOut, SiteIn, StationOut

router = Router(tags=["logistics"])


@router.get("/network", response=NetworkOut)
def network_get(request: HttpRequest) -> Any:
    """Every distribution centre and station, and the figures of the latest build."""
    return selectors.network_get()


@router.get("/network/map.svg")
def network_map(request: HttpRequest) -> HttpResponse:
    """The network drawn server-side as an SVG picture (nothing loaded from elsewhere)."""
    return HttpResponse(selectors.network_map_svg(), content_type="image/svg+xml")


@router.patch("/network/stations/{uid}", response=StationOut)
def station_update(request: HttpRequest, uid: uuid.UUID, payload: SiteIn) -> Any:
    """Rename, move or (de)activate a station (operators only)."""
    return services.station_update(
        station=selectors.station_get(uid=uid),
        actor=request.user,
        **payload.dict(exclude_unset=True),
    )


@router.patch("/network/centres/{uid}", response=CentreOut)
def centre_update(request: HttpRequest, uid: uuid.UUID, payload: SiteIn) -> Any:
    """Rename, move or (de)activate a distribution centre (operators only)."""
    return services.centre_update(
        centre=selectors.centre_get(uid=uid),
        actor=request.user,
        **payload.dict(exclude_unset=True),
    )
