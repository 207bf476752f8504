"""Shared checks for free text written by people: not blank, not longer than a limit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from heyi.core.errors import InvalidInput


def text_clean(*, value: str, field: str, max_length: int, required: bool = True) -> str:
    """Strip the text and check its length; raise InvalidInput with the field's name."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInput(_("%(field)s must not be empty.") % {"field": field}, code="blank")
    if len(cleaned) > max_length:
        raise InvalidInput(
            _("%(field)s is too long: at most %(max)d characters.")
            % {"field": field, "max": max_length},
            code="too_long",
        )
    return cleaned
