"""QR codes of events: the ticket (PNG for e-mail, SVG for pages) and "scan to talk to us"."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.sites.models import Site
from django.urls import reverse


def site_link(path: str) -> str:
    domain = Site.objects.get_current().domain
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{domain}{path}"


def ticket_path(*, slug: str, token: str) -> str:
    return reverse("events:ticket", args=[slug, token])


def contact_path(*, slug: str) -> str:
    return f"{reverse('events:contact')}?{urlencode({'event': slug})}"


def qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=4))


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()
