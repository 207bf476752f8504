"""Tests of the pure award core: whole, split and short awards, and verification of a notice."""

from __future__ import annotations

import copy
import itertools
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from heyi.contention.award import AwardReason, AwardResult, award, verify_award
from heyi.contention.scoring import BidRecord, ContentionError, Criterion, Direction, ScoringRule

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

# Price counts most, then lead time.
RULE = ScoringRule(
    version=1,
    criteria=(
        Criterion("unit_price", Decimal("0.8"), Direction.LOWER_IS_BETTER),
        Criterion("lead_time_days", Decimal("0.2"), Direction.LOWER_IS_BETTER),
    ),
)


def make_bid(bid_id: str, price: str, lead: int, capacity: int, minutes: int = 0) -> BidRecord:
    return BidRecord(
        bid_id=bid_id,
        bidder_id=f"venture-{bid_id}",
        submitted_at=T0 + timedelta(minutes=minutes),
        unit_price=Decimal(price),
        lead_time_days=lead,
        capacity=capacity,
    )


def three_bids(cap_a: int, cap_b: int, cap_c: int) -> list[BidRecord]:
    # unit_price: min 10, max 14 → a (14−10)/4 = 1, b (14−12)/4 = 1/2, c 0
    # lead_time_days: min 5, max 15 → a (15−15)/10 = 0, b (15−5)/10 = 1, c (15−10)/10 = 1/2
    # a: 0.8·1 + 0.2·0 = 0.8; b: 0.8·1/2 + 0.2·1 = 0.6; c: 0 + 0.2·1/2 = 0.1
    # ranks: a 1, b 2, c 3
    return [
        make_bid("a", "10", 15, cap_a),
        make_bid("b", "12", 5, cap_b),
        make_bid("c", "14", 10, cap_c),
    ]


def lines_of(result: AwardResult) -> list[tuple[int, str, int, str, str]]:
    return [
        (line.rank, line.bid_id, line.quantity, str(line.unit_price), str(line.score))
        for line in result.lines
    ]


def test_the_best_bid_takes_the_whole_quantity_when_it_can() -> None:
    result = award(RULE, three_bids(100, 100, 100), 60)
    assert result.reason is AwardReason.SINGLE_BID
    assert lines_of(result) == [(1, "a", 60, "10", "0.800000")]
    assert result.fully_covered is True
    assert result.shortfall == 0
    assert result.awarded_quantity == 60
    assert [(s.rank, s.bid.bid_id, str(s.score)) for s in result.table] == [
        (1, "a", "0.800000"),
        (2, "b", "0.600000"),
        (3, "c", "0.100000"),
    ]
    assert result.rule_fingerprint == RULE.fingerprint()


def test_a_capacity_exactly_equal_to_the_quantity_covers_it() -> None:
    result = award(RULE, three_bids(60, 100, 100), 60)
    assert lines_of(result) == [(1, "a", 60, "10", "0.800000")]


def test_the_best_ranked_bid_that_covers_the_quantity_takes_it_all() -> None:
    # a (rank 1) can make only 40 of 60; b (rank 2) can make 80: b takes all 60, no split
    result = award(RULE, three_bids(40, 80, 100), 60)
    assert result.reason is AwardReason.SINGLE_BID
    assert lines_of(result) == [(2, "b", 60, "12", "0.600000")]
    assert result.fully_covered is True


def test_the_quantity_is_split_in_rank_order_when_nobody_covers_it() -> None:
    # 100 to award; a 40, b 30, c 50: a 40, b 30, c takes the remaining 30 of its 50
    result = award(RULE, three_bids(40, 30, 50), 100)
    assert result.reason is AwardReason.SPLIT_BY_CAPACITY
    assert lines_of(result) == [
        (1, "a", 40, "10", "0.800000"),
        (2, "b", 30, "12", "0.600000"),
        (3, "c", 30, "14", "0.100000"),
    ]
    assert result.fully_covered is True
    assert result.shortfall == 0
    assert result.awarded_quantity == 100


def test_a_split_stops_once_the_quantity_is_covered() -> None:
    # 65 to award; a 40, b 30 → a 40, b 25; c gets nothing and has no line
    result = award(RULE, three_bids(40, 30, 50), 65)
    assert lines_of(result) == [(1, "a", 40, "10", "0.800000"), (2, "b", 25, "12", "0.600000")]
    assert len(result.table) == 3


def test_a_shortfall_is_stated_and_the_capacity_there_is_still_awarded() -> None:
    # 200 to award; capacities 40 + 30 + 50 = 120 → everyone takes all, 80 short
    result = award(RULE, three_bids(40, 30, 50), 200)
    assert result.reason is AwardReason.CAPACITY_SHORT
    assert lines_of(result) == [
        (1, "a", 40, "10", "0.800000"),
        (2, "b", 30, "12", "0.600000"),
        (3, "c", 50, "14", "0.100000"),
    ]
    assert result.fully_covered is False
    assert result.awarded_quantity == 120
    assert result.shortfall == 80


def test_no_bids_award_nothing_and_say_why() -> None:
    result = award(RULE, [], 25)
    assert result.reason is AwardReason.NO_BIDS
    assert result.lines == ()
    assert result.table == ()
    assert result.fully_covered is False
    assert result.shortfall == 25
    assert result.to_dict() == {
        "rule": RULE.to_dict(),
        "rule_fingerprint": RULE.fingerprint(),
        "quantity": 25,
        "awarded_quantity": 0,
        "shortfall": 25,
        "fully_covered": False,
        "reason": "no_bids",
        "lines": [],
        "table": [],
    }


@pytest.mark.parametrize("quantity", [0, -5, True])
def test_a_quantity_below_one_is_refused(quantity: int) -> None:
    with pytest.raises(ContentionError) as caught:
        award(RULE, three_bids(10, 10, 10), quantity)
    assert caught.value.code == "invalid_quantity"
    assert caught.value.message == "The quantity must be a whole number ≥ 1."


def test_the_published_form_is_canonical() -> None:
    bids = [make_bid("a", "10", 15, 30), make_bid("b", "12", 5, 30)]
    # unit_price: a 1, b 0; lead: a 0, b 1 → a 0.8, b 0.2; 50 to award: a 30, b 20
    assert award(RULE, bids, 50).to_dict() == {
        "rule": {
            "version": 1,
            "normalisation": "min_max",
            "criteria": [
                {"name": "lead_time_days", "weight": "0.2", "direction": "lower_is_better"},
                {"name": "unit_price", "weight": "0.8", "direction": "lower_is_better"},
            ],
            "tie_break": ["submitted_at", "unit_price", "bidder_id", "bid_id"],
        },
        "rule_fingerprint": RULE.fingerprint(),
        "quantity": 50,
        "awarded_quantity": 50,
        "shortfall": 0,
        "fully_covered": True,
        "reason": "split_by_capacity",
        "lines": [
            {
                "rank": 1,
                "bid_id": "a",
                "bidder_id": "venture-a",
                "quantity": 30,
                "unit_price": "10",
                "score": "0.800000",
            },
            {
                "rank": 2,
                "bid_id": "b",
                "bidder_id": "venture-b",
                "quantity": 20,
                "unit_price": "12",
                "score": "0.200000",
            },
        ],
        "table": [
            {
                "rank": 1,
                "bid_id": "a",
                "bidder_id": "venture-a",
                "submitted_at": "2025-03-01T09:00:00+00:00",
                "unit_price": "10",
                "lead_time_days": 15,
                "capacity": 30,
                "values": {"lead_time_days": "15", "unit_price": "10"},
                "normalised": {"lead_time_days": "0.000000", "unit_price": "1.000000"},
                "score": "0.800000",
            },
            {
                "rank": 2,
                "bid_id": "b",
                "bidder_id": "venture-b",
                "submitted_at": "2025-03-01T09:00:00+00:00",
                "unit_price": "12",
                "lead_time_days": 5,
                "capacity": 30,
                "values": {"lead_time_days": "5", "unit_price": "12"},
                "normalised": {"lead_time_days": "1.000000", "unit_price": "0.000000"},
                "score": "0.200000",
            },
        ],
    }


def test_the_same_bids_in_any_order_give_the_same_award() -> None:
    # a and d tie on everything but the bid id, so the order of input could matter if anything did
    bids = [*three_bids(40, 30, 50), make_bid("d", "10", 15, 40)]
    expected = award(RULE, bids, 100).to_dict()
    assert [(line["bid_id"], line["quantity"]) for line in expected["lines"]] == [
        ("a", 40),
        ("d", 40),
        ("b", 20),
    ]
    for order in itertools.permutations(bids):
        assert award(RULE, order, 100).to_dict() == expected


def published_award() -> dict[str, object]:
    # Stored as JSON and read back, as the platform keeps it.
    return json.loads(json.dumps(award(RULE, three_bids(40, 30, 50), 100).to_dict()))


def test_verification_matches_an_untouched_award() -> None:
    verification = verify_award(RULE, three_bids(40, 30, 50), 100, published_award())
    assert verification.matches is True
    assert verification.differences == []
    assert verification.recomputed.to_dict() == published_award()


def test_verification_detects_a_tampered_score() -> None:
    published = published_award()
    tampered = copy.deepcopy(published)
    tampered["table"][2]["score"] = "0.900000"  # type: ignore[index]
    verification = verify_award(RULE, three_bids(40, 30, 50), 100, tampered)
    assert verification.matches is False
    assert verification.differences == [
        'table[2].score: published "0.900000", recomputed "0.100000"'
    ]


def test_verification_detects_a_tampered_quantity() -> None:
    tampered = published_award()
    tampered["lines"][2]["quantity"] = 45  # type: ignore[index]
    tampered["awarded_quantity"] = 115
    verification = verify_award(RULE, three_bids(40, 30, 50), 100, tampered)
    assert verification.matches is False
    assert verification.differences == [
        "awarded_quantity: published 115, recomputed 100",
        "lines[2].quantity: published 45, recomputed 30",
    ]


def test_verification_detects_a_bid_that_was_changed_after_the_award() -> None:
    # The recorded bid c now says 13 instead of 14: the recomputed table no longer matches.
    changed = [*three_bids(40, 30, 50)[:2], make_bid("c", "13", 10, 50)]
    verification = verify_award(RULE, changed, 100, published_award())
    assert verification.matches is False
    # unit_price now 10..13: b (13−12)/3 = 1/3 → 0.8·1/3 + 0.2 = 0.466667;
    # c 0 + 0.1 = 0.1; a unchanged 0.8
    assert verification.differences == [
        'lines[1].score: published "0.600000", recomputed "0.466667"',
        'lines[2].unit_price: published "14", recomputed "13"',
        'table[1].normalised.unit_price: published "0.500000", recomputed "0.333333"',
        'table[1].score: published "0.600000", recomputed "0.466667"',
        'table[2].unit_price: published "14", recomputed "13"',
        'table[2].values.unit_price: published "14", recomputed "13"',
    ]


def test_verification_detects_an_award_under_another_rule() -> None:
    other_rule = ScoringRule(
        version=1,
        criteria=(
            Criterion("unit_price", Decimal("0.7"), Direction.LOWER_IS_BETTER),
            Criterion("lead_time_days", Decimal("0.3"), Direction.LOWER_IS_BETTER),
        ),
    )
    verification = verify_award(other_rule, three_bids(40, 30, 50), 100, published_award())
    assert verification.matches is False
    assert (
        f'rule_fingerprint: published "{RULE.fingerprint()}", recomputed "{other_rule.fingerprint()}"'
        in (verification.differences)
    )


def test_verification_reports_missing_and_extra_entries() -> None:
    tampered = published_award()
    tampered["lines"].pop()  # type: ignore[attr-defined]
    del tampered["shortfall"]
    tampered["bonus"] = "yes"
    verification = verify_award(RULE, three_bids(40, 30, 50), 100, tampered)
    assert verification.differences == [
        "bonus: published but not recomputed",
        "lines: published 2 entries, recomputed 3",
        "shortfall: missing from the published award",
    ]


def test_verification_tells_a_boolean_from_a_number() -> None:
    tampered = published_award()
    tampered["fully_covered"] = 1
    verification = verify_award(RULE, three_bids(40, 30, 50), 100, tampered)
    assert verification.differences == ["fully_covered: published 1, recomputed true"]
