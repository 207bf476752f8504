"""Pages of logistics: the network map with the latest build's figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from heyi.logistics import route_selectors, selectors


@login_required
def network_page(request: HttpRequest) -> HttpResponse:
    """The network drawn server-side, with the covering figures of its latest build."""
    network = selectors.network_get()
    return render(
        request,
        "logistics/network.html",
        {
            "network": network,
            "stations_with_waves": route_selectors.station_list_with_waves(
                since=timezone.localdate()
            ),
            # Our own SVG: every name in it is escaped by network_svg.
            "map_svg": mark_safe(selectors.network_map_svg()),
        },
    )
