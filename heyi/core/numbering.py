"""Readable sequential numbers (demand #12, tender #3, order O7) allocated race-safely.

On PostgreSQL a table may have a sequence named `<table>_<field>_seq` (created by its app's
migration, for the tables written under load, such as orders): then numbers come from
`nextval`, which never waits for another transaction, so concurrent writers do not queue on
the unique index. Numbers may then skip (a rolled-back transaction used one), which is fine for
readable numbers. Elsewhere, and on SQLite, the next number is the highest in use plus one,
and a writer that loses the race on the unique constraint reads again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Max

M = TypeVar("M", bound=models.Model)

# Per process: which sequences exist (the schema changes only with migrations).
_SEQUENCES: dict[str, bool] = {}


def sequence_name(model: type[models.Model], field: str = "number") -> str:
    return f"{model._meta.db_table}_{field}_seq"


def _sequence(model: type[models.Model], field: str) -> str | None:
    if connection.vendor != "postgresql":
        return None
    name = sequence_name(model, field)
    if name not in _SEQUENCES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
            _SEQUENCES[name] = bool(cursor.fetchone()[0])
    return name if _SEQUENCES[name] else None


def _highest(model: type[models.Model], field: str) -> int:
    return int(model._default_manager.aggregate(highest=Max(field))["highest"] or 0)


def number_next(model: type[models.Model], *, field: str = "number") -> int:
    """The next number: from the table's sequence if it has one, else the highest plus one."""
    return number_block(model, count=1, field=field)[0]


def number_block(model: type[models.Model], *, count: int, field: str = "number") -> list[int]:
    """`count` fresh numbers in increasing order, for a bulk insert."""
    sequence = _sequence(model, field)
    if sequence is None:
        base = _highest(model, field) + 1
        return list(range(base, base + count))
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
        return sorted(int(row[0]) for row in cursor.fetchall())


def _sequence_catch_up(model: type[models.Model], field: str) -> None:
    """Move a sequence past rows numbered without it (a loader, an older version)."""
    sequence = _sequence(model, field)
    if sequence is not None:
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(sequence)
            cursor.execute(
                f"SELECT setval(%s, GREATEST(%s, last_value)) FROM {table}",
                [sequence, _highest(model, field)],
            )


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
            _sequence_catch_up(model, field)
            continue
    return None
