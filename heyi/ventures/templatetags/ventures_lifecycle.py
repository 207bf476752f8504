"""Template filters for the venture lifecycle: the status moves people may choose."""

from __future__ import annotations

from django import template

from heyi.ventures import lifecycle
from heyi.ventures.models import VentureStatus

register = template.Library()


@register.filter
def status_moves(status: str) -> list[tuple[str, str]]:
    """(value, label) of the statuses members and operators may move a venture to from `status`
    (the same for both parties; the rounds' moves belong to the platform)."""
    return [
        (target.value, str(VentureStatus(target.value).label))
        for target in lifecycle.moves_for(status, party=lifecycle.Party.MEMBER)
    ]
