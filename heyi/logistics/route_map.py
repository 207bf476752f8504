"""A wave's routes drawn as an SVG picture by our own code: no tiles, no scripts, nothing fetched.

Equirectangular projection centred on the station (longitudes shrunk by the cosine of its
latitude, so a kilometre is as long east–west as north–south), scaled to fit every stop. Each
route is one polyline from the station through its stops, in order, and back; each stop a
numbered circle in the route's colour; the station a dark square.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

WIDTH = 640
HEIGHT = 480
MARGIN = 36
COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)


@dataclass(frozen=True)
class MapStop:
    label: str  # shown on hover, e.g. the order number and window
    latitude: float
    longitude: float


@dataclass(frozen=True)
class MapRoute:
    number: int
    stops: tuple[MapStop, ...]
    title: str = ""  # shown on hover; the caller translates it


def route_colour(number: int) -> str:
    return COLOURS[(number - 1) % len(COLOURS)]


def routes_svg(
    *,
    station: tuple[str, float, float],
    routes: Sequence[MapRoute],
    title: str,
    caption: str = "",
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """The station and its routes as one SVG document (a string)."""
    name, latitude, longitude = station
    shrink = max(math.cos(math.radians(latitude)), 0.01)

    def plane(point_latitude: float, point_longitude: float) -> tuple[float, float]:
        return (point_longitude - longitude) * shrink, latitude - point_latitude

    points = [plane(stop.latitude, stop.longitude) for route in routes for stop in route.stops]
    reach_x = max((abs(x) for x, _ in points), default=0.0) or 0.01
    reach_y = max((abs(y) for _, y in points), default=0.0) or 0.01
    scale = min((width / 2 - MARGIN) / reach_x, (height / 2 - MARGIN) / reach_y)

    def project(point_latitude: float, point_longitude: float) -> tuple[float, float]:
        x, y = plane(point_latitude, point_longitude)
        return width / 2 + x * scale, height / 2 + y * scale

    centre_x, centre_y = project(latitude, longitude)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'style="width:100%;height:auto;display:block" role="img" '
        f"aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#f4f7fb"/>',
    ]
    for route in routes:
        colour = route_colour(route.number)
        path = [
            (centre_x, centre_y),
            *(project(stop.latitude, stop.longitude) for stop in route.stops),
            (centre_x, centre_y),
        ]
        coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in path)
        parts.append(
            f'<polyline points="{coordinates}" fill="none" stroke="{colour}" stroke-width="2.5" '
            f'stroke-linejoin="round" stroke-opacity="0.85">'
            f"<title>{escape(route.title or str(route.number))}</title></polyline>"
        )
    parts.append('<g font-family="sans-serif" font-size="10" text-anchor="middle">')
    for route in routes:
        colour = route_colour(route.number)
        for position, stop in enumerate(route.stops, start=1):
            x, y = project(stop.latitude, stop.longitude)
            parts.append(
                f"<g><title>{escape(f'{route.title or route.number} · {position}: {stop.label}')}</title>"
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{colour}" stroke="#ffffff"/>'
                f'<text x="{x:.1f}" y="{y + 3.5:.1f}" fill="#ffffff">{position}</text></g>'
            )
    parts.append("</g>")
    parts.append(
        f'<rect x="{centre_x - 7:.1f}" y="{centre_y - 7:.1f}" width="14" height="14" '
        f'fill="#222222" stroke="#ffffff"><title>{escape(name)}</title></rect>'
    )
    # The legend: each route's colour and number, top left.
    parts.append('<g font-family="sans-serif" font-size="11" fill="#222">')
    for row, route in enumerate(routes):
        y = 16 + row * 16
        parts.append(
            f'<line x1="10" y1="{y - 4}" x2="28" y2="{y - 4}" stroke="{route_colour(route.number)}" '
            f'stroke-width="3"/><text x="34" y="{y}">{escape(route.title or str(route.number))}</text>'
        )
    parts.append("</g>")
    if caption:
        parts.append(
            f'<g font-family="sans-serif" font-size="12" fill="#222">'
            f'<text x="10" y="{height - 10}">{escape(caption)}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
