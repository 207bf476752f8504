"""Where a venture's record (on-time rate, rating, fans) comes from, without importing it.

Scoring and eligibility read a venture's record, but the record is made of deliveries and
ratings, which the orders app keeps a layer above. As with award handlers, the layer above
registers a plain function here from its AppConfig.ready(); contention asks it, and falls back
to RECORD_DEFAULTS (zero: no record) for every criterion nobody provides.

A provider takes a list of venture ids and returns, by venture id, criterion name → Decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

RecordProvider = Callable[[list[int]], Mapping[int, Mapping[str, Decimal]]]

_PROVIDERS: dict[str, RecordProvider] = {}


def register(name: str, provider: RecordProvider) -> None:
    existing = _PROVIDERS.get(name)
    if existing is not None and existing is not provider:
        raise ValueError(f"A record provider named {name!r} is already registered.")
    _PROVIDERS[name] = provider


def unregister(name: str) -> None:
    _PROVIDERS.pop(name, None)


def collect(
    venture_ids: Iterable[int], defaults: Mapping[str, Decimal]
) -> dict[int, dict[str, Decimal]]:
    """Every venture's record: the defaults, overlaid by what each provider knows."""
    ids = sorted(set(venture_ids))
    record = {venture_id: dict(defaults) for venture_id in ids}
    for _name, provider in sorted(_PROVIDERS.items()):
        for venture_id, values in provider(ids).items():
            if venture_id in record:
                record[venture_id].update(values)
    return record
