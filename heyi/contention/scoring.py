"""Scoring of bids under a published rule: a pure, exact and deterministic function.

This module imports nothing from Django: a service adapts rows to these dataclasses and back, and
anyone holding a published rule and the recorded bids can run it again and get the same table.

The scoring method (rule version 1), as published with every contest:

1. Only eligible bids are scored (eligibility is decided before scoring). Every bid is scored on
   each criterion named in the rule.
2. Normalisation (min–max). For each criterion, take the lowest value (min) and the highest value
   (max) among the scored bids, and map each bid's value x onto [0, 1], 1 being best:
       lower is better:  (max − x) / (max − min)
       higher is better: (x − min) / (max − min)
   When every bid has the same value (max = min), every bid gets 1 for that criterion.
3. Score. A bid's score is the sum, over the criteria, of weight × normalised value. Each weight
   is a decimal number of at least 0 and the weights sum to exactly 1, so a score lies between
   0 and 1. The sum is computed exactly (as fractions, with no intermediate rounding) and rounded
   once, at the end, to 6 decimal places, a half going to the even neighbour (ROUND_HALF_EVEN:
   0.0000005 becomes 0.000000 and 0.0000015 becomes 0.000002). Normalised values are shown
   rounded the same way, but the score is computed from the exact values, not the rounded ones.
4. Ranking. Bids are ranked by their rounded score, highest first; rank 1 is best and every bid
   has its own rank. Bids with equal rounded scores are ordered by the rule's tie-break keys in
   turn. The default tie-break: earlier submission time first, then lower unit price, then bidder
   identifier in lexicographic (Unicode code point) order, and last the bid identifier in the
   same order, which is unique, so the ranking is a total order.
5. Determinism. Bids are sorted by bid identifier before any work, so the same bids given in any
   order produce the same table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Any

SCORE_PLACES = 6
MAX_DIGITS = 30
SUPPORTED_RULE_VERSIONS = (1,)
NORMALISATION_MIN_MAX = "min_max"


class ContentionErrorCode(StrEnum):
    INVALID_RULE = "invalid_rule"
    INVALID_BID = "invalid_bid"
    INVALID_QUANTITY = "invalid_quantity"


class ContentionError(ValueError):
    """Refused input to the pure engine; a service turns it into a DomainError with `code`."""

    def __init__(self, code: ContentionErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message


class Direction(StrEnum):
    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"


# The criteria a rule may name, each with the only direction that makes sense for it: a rule
# rewarding a higher price or a longer lead time would be a rigged contest, so it is refused.
KNOWN_CRITERIA: dict[str, Direction] = {
    "unit_price": Direction.LOWER_IS_BETTER,
    "lead_time_days": Direction.LOWER_IS_BETTER,
    "on_time_rate": Direction.HIGHER_IS_BETTER,
    "rating": Direction.HIGHER_IS_BETTER,
    "fans": Direction.HIGHER_IS_BETTER,
    "capacity": Direction.HIGHER_IS_BETTER,
}

# Criteria read from a bid's own fields rather than from its `values`.
BID_FIELD_CRITERIA = frozenset({"unit_price", "lead_time_days", "capacity"})

# Tie-break keys and what each means, in the words published with a rule.
TIE_BREAK_KEYS: dict[str, str] = {
    "submitted_at": "earlier submission time first",
    "unit_price": "lower unit price first",
    "lead_time_days": "shorter lead time first",
    "bidder_id": "bidder identifier in lexicographic order",
    "bid_id": "bid identifier in lexicographic order",
}
DEFAULT_TIE_BREAK: tuple[str, ...] = ("submitted_at", "unit_price", "bidder_id", "bid_id")


def _rule_error(message: str) -> ContentionError:
    return ContentionError(ContentionErrorCode.INVALID_RULE, message)


def _bid_error(message: str) -> ContentionError:
    return ContentionError(ContentionErrorCode.INVALID_BID, message)


def _as_decimal(
    value: object, *, what: str, code: ContentionErrorCode = ContentionErrorCode.INVALID_RULE
) -> Decimal:
    """Accept a Decimal, an int or a decimal string; refuse floats, which cannot be exact."""
    if isinstance(value, bool | float):
        raise ContentionError(code, f"{what} must be a decimal number, not {type(value).__name__}.")
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int | str):
            number = Decimal(value)
        else:
            raise InvalidOperation
    except InvalidOperation:
        raise ContentionError(code, f"{what} must be a decimal number.") from None
    if not number.is_finite():
        raise ContentionError(code, f"{what} must be a finite number.")
    # Exact arithmetic on a number like 1E+999999 would take the machine down; no real price,
    # rating or weight comes near these bounds.
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite Decimal has a whole exponent
    if number.adjusted() >= MAX_DIGITS or exponent < -MAX_DIGITS:
        raise ContentionError(
            code, f"{what} must have at most {MAX_DIGITS} digits before and after the point."
        )
    return number


def decimal_text(value: Decimal) -> str:
    """Fixed-point text of a Decimal, never in exponent form (1E+2 is written 100)."""
    if value == 0:
        value = abs(value)
    return format(value, "f")


def round_exact(value: Fraction, places: int = SCORE_PLACES) -> Decimal:
    """Round an exact fraction once to `places` decimals, a half going to the even neighbour."""
    scaled = value * 10**places
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * remainder
    if twice > scaled.denominator or (twice == scaled.denominator and quotient % 2 == 1):
        quotient += 1
    return Decimal(f"{quotient}E-{places}")


@dataclass(frozen=True)
class Criterion:
    """One named criterion of a rule, with its weight and the direction in which it is better."""

    name: str
    weight: Decimal
    direction: Direction

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or self.name not in KNOWN_CRITERIA:
            known = ", ".join(sorted(KNOWN_CRITERIA))
            raise _rule_error(f"Unknown criterion {self.name!r}; known criteria: {known}.")
        weight = _as_decimal(self.weight, what=f"The weight of {self.name}")
        if weight < 0:
            raise _rule_error(f"The weight of {self.name} must not be negative.")
        try:
            direction = Direction(self.direction)
        except ValueError:
            raise _rule_error(
                f"The direction of {self.name} must be lower_is_better or higher_is_better."
            ) from None
        if direction != KNOWN_CRITERIA[self.name]:
            raise _rule_error(
                f"{self.name} can only be scored as {KNOWN_CRITERIA[self.name].value}."
            )
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "direction", direction)

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "weight": _canonical_decimal_text(self.weight),
            "direction": self.direction.value,
        }


def _canonical_decimal_text(value: Decimal) -> str:
    # 0.5 and 0.50 are the same weight and must give the same fingerprint.
    text = decimal_text(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@dataclass(frozen=True)
class ScoringRule:
    """A published scoring rule: criteria with weights, the normalisation and the tie-break.

    Criteria are kept sorted by name and the tie-break always ends with bid_id (added when
    missing), so two rules with the same content are equal and have the same fingerprint.
    """

    version: int
    criteria: tuple[Criterion, ...]
    normalisation: str = NORMALISATION_MIN_MAX
    tie_break: tuple[str, ...] = DEFAULT_TIE_BREAK

    def __post_init__(self) -> None:
        if (
            isinstance(self.version, bool)
            or not isinstance(self.version, int)
            or self.version not in SUPPORTED_RULE_VERSIONS
        ):
            raise _rule_error(f"Unsupported rule version {self.version!r}.")
        criteria = tuple(self.criteria)
        if not criteria:
            raise _rule_error("A rule needs at least one criterion.")
        for criterion in criteria:
            if not isinstance(criterion, Criterion):
                raise _rule_error("Each criterion must be a Criterion.")
        names = [criterion.name for criterion in criteria]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise _rule_error(f"Criteria named more than once: {', '.join(duplicates)}.")
        total = sum((Fraction(criterion.weight) for criterion in criteria), Fraction(0))
        if total != 1:
            raise _rule_error(
                "The weights must sum to exactly 1; they sum to "
                f"{decimal_text(sum((criterion.weight for criterion in criteria), Decimal(0)))}."
            )
        if self.normalisation != NORMALISATION_MIN_MAX:
            raise _rule_error(f"Unknown normalisation {self.normalisation!r}; use min_max.")
        tie_break = tuple(self.tie_break)
        for key in tie_break:
            if key not in TIE_BREAK_KEYS:
                known = ", ".join(TIE_BREAK_KEYS)
                raise _rule_error(f"Unknown tie-break key {key!r}; known keys: {known}.")
        if len(set(tie_break)) != len(tie_break):
            raise _rule_error("A tie-break key is named more than once.")
        if "bid_id" in tie_break[:-1]:
            raise _rule_error("bid_id is unique, so it can only be the last tie-break key.")
        if not tie_break or tie_break[-1] != "bid_id":
            tie_break = (*tie_break, "bid_id")
        object.__setattr__(self, "criteria", tuple(sorted(criteria, key=lambda c: c.name)))
        object.__setattr__(self, "tie_break", tie_break)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "normalisation": self.normalisation,
            "criteria": [criterion.to_dict() for criterion in self.criteria],
            "tie_break": list(self.tie_break),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringRule:
        """Read a rule from its canonical form, refusing anything unexpected."""
        if not isinstance(data, Mapping):
            raise _rule_error("A rule must be an object.")
        expected = {"version", "normalisation", "criteria", "tie_break"}
        if set(data) != expected:
            raise _rule_error(f"A rule has exactly the keys {', '.join(sorted(expected))}.")
        raw_criteria = data["criteria"]
        if not isinstance(raw_criteria, list):
            raise _rule_error("criteria must be a list.")
        criteria = []
        for raw in raw_criteria:
            if not isinstance(raw, Mapping) or set(raw) != {"name", "weight", "direction"}:
                raise _rule_error("Each criterion has exactly the keys direction, name, weight.")
            if not isinstance(raw["weight"], str | int) or isinstance(raw["weight"], bool):
                raise _rule_error("A weight is written as a decimal string.")
            criteria.append(
                Criterion(
                    name=raw["name"],
                    weight=_as_decimal(raw["weight"], what=f"The weight of {raw['name']}"),
                    direction=raw["direction"],
                )
            )
        tie_break = data["tie_break"]
        if not isinstance(tie_break, list) or not all(isinstance(key, str) for key in tie_break):
            raise _rule_error("tie_break must be a list of keys.")
        return cls(
            version=data["version"],
            criteria=tuple(criteria),
            normalisation=data["normalisation"],
            tie_break=tuple(tie_break),
        )

    def canonical_json(self) -> str:
        """The rule as compact JSON with sorted keys: the text that is fingerprinted."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON, in hex: shows that a published rule is the one used."""
        return hashlib.sha256(self.canonical_json().encode("ascii")).hexdigest()


@dataclass(frozen=True)
class BidRecord:
    """One recorded bid as the engine sees it, whatever the contest's subject is.

    `values` holds the criteria that are not fields of the bid (on_time_rate, rating, fans);
    unit_price, lead_time_days and capacity are read from the fields of the same names.
    """

    bid_id: str
    bidder_id: str
    submitted_at: datetime
    unit_price: Decimal
    lead_time_days: int
    capacity: int
    values: dict[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("bid_id", "bidder_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise _bid_error(f"A bid's {name} must be a non-empty string.")
        if not isinstance(self.submitted_at, datetime) or self.submitted_at.utcoffset() is None:
            raise _bid_error(f"Bid {self.bid_id}: submitted_at must be a timezone-aware datetime.")
        unit_price = _as_decimal(
            self.unit_price,
            what=f"Bid {self.bid_id}: unit_price",
            code=ContentionErrorCode.INVALID_BID,
        )
        if unit_price < 0:
            raise _bid_error(f"Bid {self.bid_id}: unit_price must not be negative.")
        for name, lowest in (("lead_time_days", 0), ("capacity", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < lowest:
                raise _bid_error(f"Bid {self.bid_id}: {name} must be a whole number ≥ {lowest}.")
        values: dict[str, Decimal] = {}
        for name, value in dict(self.values).items():
            if name in BID_FIELD_CRITERIA:
                raise _bid_error(
                    f"Bid {self.bid_id}: {name} is a field of the bid, not one of its values."
                )
            values[name] = _as_decimal(
                value, what=f"Bid {self.bid_id}: value {name}", code=ContentionErrorCode.INVALID_BID
            )
        object.__setattr__(self, "unit_price", unit_price)
        object.__setattr__(self, "values", values)

    def criterion_value(self, name: str) -> Decimal:
        if name in BID_FIELD_CRITERIA:
            return Decimal(getattr(self, name))
        try:
            return self.values[name]
        except KeyError:
            raise _bid_error(f"Bid {self.bid_id} has no value for criterion {name}.") from None


@dataclass(frozen=True)
class ScoredBid:
    """A bid with its criterion values, normalised values (rounded for showing), score and rank."""

    bid: BidRecord
    values: dict[str, Decimal]
    normalised: dict[str, Decimal]
    score: Decimal
    rank: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "bid_id": self.bid.bid_id,
            "bidder_id": self.bid.bidder_id,
            "submitted_at": self.bid.submitted_at.astimezone(UTC).isoformat(),
            "unit_price": decimal_text(self.bid.unit_price),
            "lead_time_days": self.bid.lead_time_days,
            "capacity": self.bid.capacity,
            "values": {name: decimal_text(value) for name, value in self.values.items()},
            "normalised": {name: decimal_text(value) for name, value in self.normalised.items()},
            "score": decimal_text(self.score),
        }


def bids_in_canonical_order(bids: Iterable[BidRecord]) -> list[BidRecord]:
    """The bids sorted by bid_id; two bids with one id are refused (ids make the order total)."""
    ordered = sorted(bids, key=lambda bid: bid.bid_id)
    for before, after in pairwise(ordered):
        if before.bid_id == after.bid_id:
            raise _bid_error(f"Bid {before.bid_id} is given more than once.")
    return ordered


def _normalise(direction: Direction, value: Fraction, low: Fraction, high: Fraction) -> Fraction:
    if high == low:
        return Fraction(1)
    if direction is Direction.LOWER_IS_BETTER:
        return (high - value) / (high - low)
    return (value - low) / (high - low)


def _tie_break_value(key: str, bid: BidRecord) -> Any:
    if key == "submitted_at":
        return bid.submitted_at
    if key == "unit_price":
        return bid.unit_price
    if key == "lead_time_days":
        return bid.lead_time_days
    if key == "bidder_id":
        return bid.bidder_id
    return bid.bid_id


def score_bids(rule: ScoringRule, bids: Iterable[BidRecord]) -> list[ScoredBid]:
    """Score and rank the bids under the rule; rank 1 first. See the module text for the method."""
    ordered = bids_in_canonical_order(bids)
    if not ordered:
        return []
    exact: dict[str, dict[str, Fraction]] = {bid.bid_id: {} for bid in ordered}
    raw: dict[str, dict[str, Decimal]] = {bid.bid_id: {} for bid in ordered}
    for criterion in rule.criteria:
        column = {bid.bid_id: bid.criterion_value(criterion.name) for bid in ordered}
        low = Fraction(min(column.values()))
        high = Fraction(max(column.values()))
        for bid_id, value in column.items():
            raw[bid_id][criterion.name] = value
            exact[bid_id][criterion.name] = _normalise(
                criterion.direction, Fraction(value), low, high
            )
    unranked = []
    for bid in ordered:
        total = sum(
            (
                Fraction(criterion.weight) * exact[bid.bid_id][criterion.name]
                for criterion in rule.criteria
            ),
            Fraction(0),
        )
        unranked.append((bid, round_exact(total)))
    unranked.sort(
        key=lambda pair: (
            -pair[1],
            *(_tie_break_value(key, pair[0]) for key in rule.tie_break),
        )
    )
    return [
        ScoredBid(
            bid=bid,
            values=raw[bid.bid_id],
            normalised={name: round_exact(value) for name, value in exact[bid.bid_id].items()},
            score=score,
            rank=rank,
        )
        for rank, (bid, score) in enumerate(unranked, start=1)
    ]
