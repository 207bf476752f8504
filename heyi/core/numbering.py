"""Readable sequential numbers (demand #12, tender #3, order O7) allocated race-safely."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Max

M = TypeVar("M", bound=models.Model)


def number_next(model: type[models.Model], *, field: str = "number") -> int:
    """The highest number in use plus one."""
    return (model._default_manager.aggregate(highest=Max(field))["highest"] or 0) + 1


def numbered_create(
    model: type[M],
    *,
    attempts: int,
    next_number: Callable[[], int] | None = None,
    field: str = "number",
    **fields: Any,
) -> M | None:
    """Insert a row with the next free number, or None when every attempt lost a race.

    Two writers may read the same highest number; the unique constraint lets one of them have
    it, and the other reads again inside a savepoint. `next_number` replaces the default read.
    """
    read = next_number or (lambda: number_next(model, field=field))
    for _attempt in range(attempts):
        try:
            with transaction.atomic():
                return model._default_manager.create(**{field: read()}, **fields)
        except IntegrityError:
            continue
    return None
