"""Writes of the probe: exactly one insert per call, the yardstick of `heyi bench orders`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from heyi.core.errors import InvalidInput
from heyi.probe.models import ProbeWrite

NOTE_MAX = 200
QUANTITY_MAX = 100


def probe_write_create(*, author: Any, note: str, quantity: int) -> ProbeWrite:
    """Insert one row and nothing else.

    Deliberately without an audit row or an explicit transaction: the probe measures what the
    stack (server, middleware, authentication, one insert) costs on its own, so that the order
    benchmark can say how much the business of placing an order adds to it.
    """
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("The note is longer than %(max)d characters.") % {"max": NOTE_MAX})
    if not 1 <= quantity <= QUANTITY_MAX:
        raise InvalidInput(_("The quantity must be from 1 to %(max)d.") % {"max": QUANTITY_MAX})
    return ProbeWrite.objects.create(author=author, note=note, quantity=quantity)
