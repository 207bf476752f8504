"""Ranking a round's vote: who won and why, as a pure and deterministic rule.

The rule, in order:

1. more votes ranks higher;
2. on equal votes, the proposal that reached its count first ranks higher: the one whose last
   vote was cast earlier (votes are compared by their arrival order, not by clock time, so two
   votes in the same instant still have an order);
3. if still equal (only possible with no votes at all), the proposal posted first ranks higher.

A round in which nobody voted has no winner.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TallyEntry:
    """One proposal's standing: its votes, when it reached that count, and when it was posted.

    `last_vote_order` is the arrival order of the proposal's latest vote (None without votes);
    `posted_order` is the order in which proposals were posted. Both only need to be comparable.
    """

    key: Hashable
    votes: int
    last_vote_order: int | None
    posted_order: int


def _rank_key(entry: TallyEntry) -> tuple[int, int, int, int]:
    reached = entry.last_vote_order
    # Proposals without votes sort after any that have them on the "reached first" criterion.
    return (-entry.votes, 0 if reached is not None else 1, reached or 0, entry.posted_order)


def tally_rank(entries: Iterable[TallyEntry]) -> list[TallyEntry]:
    """Entries from first to last place by the rule in this module's docstring."""
    return sorted(entries, key=_rank_key)


def tally_winner(entries: Iterable[TallyEntry]) -> TallyEntry | None:
    """The first-placed entry, or None when nobody voted."""
    ranked = tally_rank(entries)
    if not ranked or ranked[0].votes == 0:
        return None
    return ranked[0]
