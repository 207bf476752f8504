"""Award of a contest's quantity from the scored bids, and its verification: pure and exact.

This module imports nothing from Django. The award is a function of the published rule, the
recorded bids and the quantity only, so anyone can recompute it and compare it with the notice.

The award method (rule version 1), as published with every contest:

1. The bids are scored and ranked by the scoring method (heyi.contention.scoring).
2. When at least one bid's capacity covers the whole quantity, the whole quantity goes to the
   best-ranked such bid, at its unit price.
3. Otherwise the quantity is split in rank order: each bid, from rank 1 down, takes the smaller
   of its capacity and the quantity still unawarded, until nothing remains.
4. When the capacities of all the bids together fall short of the quantity, the award is still
   made as far as capacity goes (every bid takes its whole capacity); the award is marked as not
   fully covered and states the shortfall (the quantity less the total capacity).
5. With no bids, nothing is awarded: the award says so (reason "no_bids") and the shortfall is
   the whole quantity.

The published award is its canonical dict (AwardResult.to_dict); verify_award recomputes it
from the rule and the recorded bids and lists every difference.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from heyi.contention.scoring import (
    BidRecord,
    ContentionError,
    ContentionErrorCode,
    ScoredBid,
    ScoringRule,
    decimal_text,
    score_bids,
)


class AwardReason(StrEnum):
    # The best-ranked bid whose capacity covers the quantity takes all of it.
    SINGLE_BID = "single_bid"
    # No bid covers the quantity alone; it is split in rank order and fully covered.
    SPLIT_BY_CAPACITY = "split_by_capacity"
    # All capacity together is short of the quantity; everything available is awarded.
    CAPACITY_SHORT = "capacity_short"
    # Nobody bid; nothing is awarded.
    NO_BIDS = "no_bids"


@dataclass(frozen=True)
class AwardLine:
    """The part of the quantity awarded to one bid."""

    bidder_id: str
    bid_id: str
    quantity: int
    unit_price: Decimal
    score: Decimal
    rank: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "bid_id": self.bid_id,
            "bidder_id": self.bidder_id,
            "quantity": self.quantity,
            "unit_price": decimal_text(self.unit_price),
            "score": decimal_text(self.score),
        }


@dataclass(frozen=True)
class AwardResult:
    """The award: its lines in rank order, the full score table and the rule it was made under."""

    rule: ScoringRule
    quantity: int
    lines: tuple[AwardLine, ...]
    table: tuple[ScoredBid, ...]
    fully_covered: bool
    shortfall: int
    reason: AwardReason

    @property
    def rule_fingerprint(self) -> str:
        return self.rule.fingerprint()

    @property
    def awarded_quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        """The canonical form that is published and later compared by verify_award."""
        return {
            "rule": self.rule.to_dict(),
            "rule_fingerprint": self.rule_fingerprint,
            "quantity": self.quantity,
            "awarded_quantity": self.awarded_quantity,
            "shortfall": self.shortfall,
            "fully_covered": self.fully_covered,
            "reason": self.reason.value,
            "lines": [line.to_dict() for line in self.lines],
            "table": [scored.to_dict() for scored in self.table],
        }


@dataclass(frozen=True)
class Verification:
    """The outcome of recomputing an award: whether it matches, and every difference if not."""

    matches: bool
    differences: list[str]
    recomputed: AwardResult


def _line(scored: ScoredBid, quantity: int) -> AwardLine:
    return AwardLine(
        bidder_id=scored.bid.bidder_id,
        bid_id=scored.bid.bid_id,
        quantity=quantity,
        unit_price=scored.bid.unit_price,
        score=scored.score,
        rank=scored.rank,
    )


def award(rule: ScoringRule, bids: Iterable[BidRecord], quantity: int) -> AwardResult:
    """Award the quantity under the rule; see the module text for the method."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ContentionError(
            ContentionErrorCode.INVALID_QUANTITY, "The quantity must be a whole number ≥ 1."
        )
    table = tuple(score_bids(rule, bids))
    if not table:
        return AwardResult(
            rule=rule,
            quantity=quantity,
            lines=(),
            table=(),
            fully_covered=False,
            shortfall=quantity,
            reason=AwardReason.NO_BIDS,
        )
    for scored in table:
        if scored.bid.capacity >= quantity:
            return AwardResult(
                rule=rule,
                quantity=quantity,
                lines=(_line(scored, quantity),),
                table=table,
                fully_covered=True,
                shortfall=0,
                reason=AwardReason.SINGLE_BID,
            )
    lines = []
    remaining = quantity
    for scored in table:
        if remaining == 0:
            break
        taken = min(scored.bid.capacity, remaining)
        lines.append(_line(scored, taken))
        remaining -= taken
    return AwardResult(
        rule=rule,
        quantity=quantity,
        lines=tuple(lines),
        table=table,
        fully_covered=remaining == 0,
        shortfall=remaining,
        reason=AwardReason.SPLIT_BY_CAPACITY if remaining == 0 else AwardReason.CAPACITY_SHORT,
    )


def _shown(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)


def _compare(path: str, published: Any, recomputed: Any, differences: list[str]) -> None:
    if isinstance(published, Mapping) and isinstance(recomputed, Mapping):
        for key in sorted(set(published) | set(recomputed), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in published:
                differences.append(f"{where}: missing from the published award")
            elif key not in recomputed:
                differences.append(f"{where}: published but not recomputed")
            else:
                _compare(where, published[key], recomputed[key], differences)
        return
    if isinstance(published, list) and isinstance(recomputed, list):
        for index, (left, right) in enumerate(zip(published, recomputed, strict=False)):
            _compare(f"{path}[{index}]", left, right, differences)
        if len(published) != len(recomputed):
            differences.append(
                f"{path}: published {len(published)} entries, recomputed {len(recomputed)}"
            )
        return
    # A type check as well, so that true is not taken for 1 nor "1" for 1.
    if type(published) is not type(recomputed) or published != recomputed:
        differences.append(
            f"{path}: published {_shown(published)}, recomputed {_shown(recomputed)}"
        )


def verify_award(
    rule: ScoringRule, bids: Iterable[BidRecord], quantity: int, published: Mapping[str, Any]
) -> Verification:
    """Recompute the award from the record and compare it, field by field, with the published one."""
    recomputed = award(rule, bids, quantity)
    differences: list[str] = []
    if not isinstance(published, Mapping):
        differences.append("the published award is not an object")
    else:
        _compare("", published, recomputed.to_dict(), differences)
    return Verification(matches=not differences, differences=differences, recomputed=recomputed)
