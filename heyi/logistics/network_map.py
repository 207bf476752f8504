"""The network drawn as an SVG picture by our own code: no tiles, no scripts, nothing fetched.

Equirectangular projection of China's bounding box; places as faint dots, each station's
coverage radius as an ellipse (a circle on the ground), stations, centres and a legend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from heyi.logistics.network_core import EARTH_RADIUS_KM

WEST, EAST, SOUTH, NORTH = 73.0, 135.5, 17.5, 54.0
WIDTH = 1000
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


@dataclass(frozen=True)
class MapPoint:
    name: str
    latitude: float
    longitude: float
    is_active: bool = True


def _scale() -> float:
    return WIDTH / (EAST - WEST)


def _project(latitude: float, longitude: float) -> tuple[float, float]:
    scale = _scale()
    return (longitude - WEST) * scale, (NORTH - latitude) * scale


def _marks(points: Sequence[MapPoint], *, shape: str, colour: str) -> list[str]:
    """One mark per point, named by its title; inactive points are grey."""
    element = shape.split()[0][1:]
    marks = []
    for point in points:
        x, y = _project(point.latitude, point.longitude)
        opening = shape.format(x=x, y=y, x_corner=x - 4, y_corner=y - 4)
        fill = colour if point.is_active else "#b0b0b0"
        marks.append(f'{opening} fill="{fill}"><title>{escape(point.name)}</title></{element}>')
    return marks


def network_svg(
    *,
    places: Sequence[tuple[float, float]],
    stations: Sequence[MapPoint],
    centres: Sequence[MapPoint],
    radius_km: float,
    title: str,
) -> str:
    """The whole picture as one SVG document (a string)."""
    scale = _scale()
    height = round((NORTH - SOUTH) * scale)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'style="width:100%;height:auto;display:block" role="img" '
        f"aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#f4f7fb"/>',
        '<g fill="#8795a1" fill-opacity="0.35">',
    ]
    for latitude, longitude in places:
        x, y = _project(latitude, longitude)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="0.9"/>')
    parts.append("</g>")
    parts.append('<g fill="#2f80ed" fill-opacity="0.10" stroke="#2f80ed" stroke-opacity="0.3">')
    radius_y = radius_km / KM_PER_DEGREE * scale
    for station in stations:
        if not station.is_active:
            continue
        x, y = _project(station.latitude, station.longitude)
        radius_x = radius_y / max(math.cos(math.radians(station.latitude)), 0.01)
        parts.append(
            f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{radius_x:.1f}" ry="{radius_y:.1f}"/>'
        )
    parts.append("</g>")
    parts.append('<g stroke="#ffffff" stroke-width="0.5">')
    parts.extend(
        _marks(stations, shape='<circle cx="{x:.1f}" cy="{y:.1f}" r="2"', colour="#1b4f9c")
    )
    parts.append("</g>")
    parts.append('<g stroke="#ffffff" stroke-width="1">')
    parts.extend(
        _marks(
            centres,
            shape='<rect x="{x_corner:.1f}" y="{y_corner:.1f}" width="8" height="8"',
            colour="#d62828",
        )
    )
    parts.append("</g>")
    legend_y = height - 90
    parts.append(
        f'<g font-family="sans-serif" font-size="13" fill="#222">'
        f'<rect x="10" y="{legend_y}" width="250" height="80" fill="#ffffff" '
        'fill-opacity="0.85" stroke="#ccc"/>'
        f'<rect x="20" y="{legend_y + 10}" width="8" height="8" fill="#d62828"/>'
        f'<text x="36" y="{legend_y + 18}">Distribution centre ({len(centres)})</text>'
        f'<circle cx="24" cy="{legend_y + 32}" r="3" fill="#1b4f9c"/>'
        f'<text x="36" y="{legend_y + 36}">Station ({len(stations)})</text>'
        f'<circle cx="24" cy="{legend_y + 50}" r="6" fill="#2f80ed" fill-opacity="0.15" '
        'stroke="#2f80ed"/>'
        f'<text x="36" y="{legend_y + 54}">Coverage, {radius_km:g} km</text>'
        f'<circle cx="24" cy="{legend_y + 68}" r="1.5" fill="#8795a1"/>'
        f'<text x="36" y="{legend_y + 72}">Populated place ({len(places)})</text>'
        "</g>"
    )
    parts.append("</svg>")
    return "\n".join(parts)
