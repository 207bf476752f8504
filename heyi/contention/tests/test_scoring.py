"""Tests of the pure scoring core: rule validation, min–max normalisation, rounding, ranking."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from heyi.contention.scoring import (
    BidRecord,
    ContentionError,
    Criterion,
    Direction,
    ScoredBid,
    ScoringRule,
    round_exact,
    score_bids,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
LOWER = Direction.LOWER_IS_BETTER
HIGHER = Direction.HIGHER_IS_BETTER


def make_bid(
    bid_id: str,
    *,
    bidder_id: str | None = None,
    price: str = "100",
    lead: int = 10,
    capacity: int = 50,
    minutes: int = 0,
    **values: str,
) -> BidRecord:
    return BidRecord(
        bid_id=bid_id,
        bidder_id=bidder_id or f"venture-{bid_id}",
        submitted_at=T0 + timedelta(minutes=minutes),
        unit_price=Decimal(price),
        lead_time_days=lead,
        capacity=capacity,
        values={name: Decimal(value) for name, value in values.items()},
    )


def make_rule(*criteria: tuple[str, str, Direction], **options: Any) -> ScoringRule:
    return ScoringRule(
        version=1,
        criteria=tuple(
            Criterion(name, Decimal(weight), direction) for name, weight, direction in criteria
        ),
        **options,
    )


PRICE_LEAD_RATING = make_rule(
    ("unit_price", "0.6", LOWER), ("lead_time_days", "0.25", LOWER), ("rating", "0.15", HIGHER)
)


def three_bids() -> list[BidRecord]:
    return [
        make_bid("a", price="100", lead=10, rating="4.0"),
        make_bid("b", price="120", lead=5, rating="4.5"),
        make_bid("c", price="90", lead=20, rating="3.5"),
    ]


def summary(scored: list[ScoredBid]) -> list[tuple[int, str, str]]:
    return [(s.rank, s.bid.bid_id, str(s.score)) for s in scored]


def test_three_bids_are_normalised_min_max_and_scored_exactly() -> None:
    scored = score_bids(PRICE_LEAD_RATING, three_bids())
    # unit_price: min 90, max 120, lower is better → a (120−100)/30 = 2/3, b 0, c 1
    # lead_time_days: min 5, max 20, lower is better → a (20−10)/15 = 2/3, b 1, c 0
    # rating: min 3.5, max 4.5, higher is better → a (4.0−3.5)/1 = 1/2, b 1, c 0
    # a: 0.6·2/3 + 0.25·2/3 + 0.15·1/2 = 0.4 + 0.1666… + 0.075 = 0.641666… → 0.641667
    # b: 0.6·0 + 0.25·1 + 0.15·1 = 0.4 → 0.400000
    # c: 0.6·1 + 0 + 0 = 0.6 → 0.600000
    assert summary(scored) == [(1, "a", "0.641667"), (2, "c", "0.600000"), (3, "b", "0.400000")]
    by_id = {s.bid.bid_id: s for s in scored}
    assert by_id["a"].normalised == {
        "lead_time_days": Decimal("0.666667"),
        "rating": Decimal("0.500000"),
        "unit_price": Decimal("0.666667"),
    }
    assert by_id["b"].normalised == {
        "lead_time_days": Decimal("1.000000"),
        "rating": Decimal("1.000000"),
        "unit_price": Decimal("0.000000"),
    }
    assert by_id["c"].normalised == {
        "lead_time_days": Decimal("0.000000"),
        "rating": Decimal("0.000000"),
        "unit_price": Decimal("1.000000"),
    }
    assert by_id["a"].values == {
        "lead_time_days": Decimal("10"),
        "rating": Decimal("4.0"),
        "unit_price": Decimal("100"),
    }
    assert by_id["a"].to_dict() == {
        "rank": 1,
        "bid_id": "a",
        "bidder_id": "venture-a",
        "submitted_at": "2025-03-01T09:00:00+00:00",
        "unit_price": "100",
        "lead_time_days": 10,
        "capacity": 50,
        "values": {"lead_time_days": "10", "rating": "4.0", "unit_price": "100"},
        "normalised": {
            "lead_time_days": "0.666667",
            "rating": "0.500000",
            "unit_price": "0.666667",
        },
        "score": "0.641667",
    }


def test_fans_on_time_rate_and_capacity_are_scored_higher_is_better() -> None:
    rule = make_rule(
        ("fans", "0.5", HIGHER), ("on_time_rate", "0.25", HIGHER), ("capacity", "0.25", HIGHER)
    )
    scored = score_bids(
        rule,
        [
            make_bid("a", capacity=100, fans="10", on_time_rate="0.90"),
            make_bid("b", capacity=300, fans="30", on_time_rate="0.80"),
        ],
    )
    # a: fans 0, on_time 1, capacity 0 → 0.25; b: fans 1, on_time 0, capacity 1 → 0.75
    assert summary(scored) == [(1, "b", "0.750000"), (2, "a", "0.250000")]


def test_score_is_rounded_once_half_to_even() -> None:
    rule = make_rule(("unit_price", "0.0000005", LOWER), ("lead_time_days", "0.9999995", LOWER))
    scored = score_bids(
        rule, [make_bid("x", price="10", lead=9), make_bid("y", price="20", lead=3)]
    )
    # x: exactly 0.0000005 → 0.000000 (a half goes to the even 0; half-up would give 0.000001)
    # y: exactly 0.9999995 → 1.000000 (a half goes to the even 1.000000, not the odd 0.999999)
    assert summary(scored) == [(1, "y", "1.000000"), (2, "x", "0.000000")]


def test_round_exact_rounds_halves_to_even_and_the_rest_to_nearest() -> None:
    assert str(round_exact(Fraction(15, 10_000_000))) == "0.000002"
    assert str(round_exact(Fraction(25, 10_000_000))) == "0.000002"
    assert str(round_exact(Fraction(2, 3))) == "0.666667"
    assert str(round_exact(Fraction(1, 3))) == "0.333333"
    assert str(round_exact(Fraction(1))) == "1.000000"
    assert str(round_exact(Fraction(0))) == "0.000000"


def test_when_all_bids_share_a_value_every_bid_gets_one_for_it() -> None:
    rule = make_rule(("unit_price", "0.7", LOWER), ("lead_time_days", "0.3", LOWER))
    scored = score_bids(
        rule,
        [make_bid("a", price="50", lead=4), make_bid("b", price="50", lead=8, minutes=1)],
    )
    # unit_price: both 50 → both 1; lead: a 1, b 0 → a 0.7 + 0.3 = 1, b 0.7
    assert summary(scored) == [(1, "a", "1.000000"), (2, "b", "0.700000")]
    assert scored[1].normalised == {
        "lead_time_days": Decimal("0.000000"),
        "unit_price": Decimal("1.000000"),
    }


def test_a_single_bid_scores_one() -> None:
    scored = score_bids(PRICE_LEAD_RATING, [make_bid("only", rating="2.0")])
    assert summary(scored) == [(1, "only", "1.000000")]


def test_no_bids_give_an_empty_table() -> None:
    assert score_bids(PRICE_LEAD_RATING, []) == []


# Two criteria of equal weight where each bid wins one: both score exactly 0.5.
HALF_HALF = make_rule(("unit_price", "0.5", LOWER), ("lead_time_days", "0.5", LOWER))


def test_tie_broken_first_by_earlier_submission() -> None:
    scored = score_bids(
        HALF_HALF,
        [
            make_bid("a", bidder_id="alpha", price="10", lead=9, minutes=5),
            make_bid("b", bidder_id="beta", price="20", lead=3, minutes=2),
        ],
    )
    # a: price 1, lead 0 → 0.5; b: price 0, lead 1 → 0.5; b was submitted 3 minutes earlier
    assert summary(scored) == [(1, "b", "0.500000"), (2, "a", "0.500000")]


def test_submission_times_in_other_time_zones_compare_as_instants() -> None:
    paris = timezone(timedelta(hours=1))
    early = BidRecord(
        bid_id="b",
        bidder_id="beta",
        # 09:30 in UTC+1 is 08:30 UTC, before T0 (09:00 UTC)
        submitted_at=datetime(2025, 3, 1, 9, 30, tzinfo=paris),
        unit_price=Decimal("20"),
        lead_time_days=3,
        capacity=50,
    )
    scored = score_bids(HALF_HALF, [make_bid("a", price="10", lead=9), early])
    assert summary(scored) == [(1, "b", "0.500000"), (2, "a", "0.500000")]
    assert scored[0].to_dict()["submitted_at"] == "2025-03-01T08:30:00+00:00"


def test_tie_broken_then_by_lower_unit_price() -> None:
    rule = make_rule(("lead_time_days", "1", LOWER))
    scored = score_bids(
        rule,
        [
            make_bid("a", bidder_id="alpha", price="30", lead=7),
            make_bid("b", bidder_id="beta", price="25", lead=7),
        ],
    )
    # equal leads → both 1; same time; b's 25 is the lower price
    assert summary(scored) == [(1, "b", "1.000000"), (2, "a", "1.000000")]


def test_tie_broken_then_by_bidder_id() -> None:
    rule = make_rule(("lead_time_days", "1", LOWER))
    scored = score_bids(
        rule,
        [
            make_bid("a-bid", bidder_id="zeta"),
            make_bid("z-bid", bidder_id="alpha"),
        ],
    )
    # same score, time and price: bidder "alpha" comes before "zeta" whatever the bid ids
    assert summary(scored) == [(1, "z-bid", "1.000000"), (2, "a-bid", "1.000000")]


def test_tie_broken_last_by_bid_id() -> None:
    rule = make_rule(("lead_time_days", "1", LOWER))
    scored = score_bids(rule, [make_bid("k2", bidder_id="same"), make_bid("k1", bidder_id="same")])
    assert summary(scored) == [(1, "k1", "1.000000"), (2, "k2", "1.000000")]


def test_ranking_uses_the_published_rounded_score() -> None:
    rule = make_rule(("unit_price", "0.9999999", LOWER), ("rating", "0.0000001", HIGHER))
    scored = score_bids(
        rule,
        [
            make_bid("a", price="10", rating="5", minutes=9),
            make_bid("b", price="10", rating="1", minutes=0),
        ],
    )
    # a: exactly 1 → 1.000000; b: exactly 0.9999999 → 1.000000. Equal as published, so the
    # earlier submission (b) ranks first, as anyone reading the table would expect.
    assert summary(scored) == [(1, "b", "1.000000"), (2, "a", "1.000000")]


def test_a_rule_may_publish_its_own_tie_break_order() -> None:
    rule = make_rule(("unit_price", "1", LOWER), tie_break=("lead_time_days", "submitted_at"))
    assert rule.tie_break == ("lead_time_days", "submitted_at", "bid_id")
    scored = score_bids(
        rule,
        [make_bid("a", lead=9, minutes=0), make_bid("b", lead=4, minutes=30)],
    )
    assert summary(scored) == [(1, "b", "1.000000"), (2, "a", "1.000000")]


def test_same_bids_in_any_order_give_the_same_table() -> None:
    bids = [
        *three_bids(),
        make_bid("d", bidder_id="venture-a", price="100", lead=10, rating="4.0", minutes=0),
    ]
    expected = [s.to_dict() for s in score_bids(PRICE_LEAD_RATING, bids)]
    # d ties with a in every value, time and price; bidder ids tie too ("venture-a"): bid_id decides
    assert [row["bid_id"] for row in expected] == ["a", "d", "c", "b"]
    for order in itertools.permutations(bids):
        assert [s.to_dict() for s in score_bids(PRICE_LEAD_RATING, order)] == expected


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        (
            (("unit_price", "0.5", LOWER), ("lead_time_days", "0.4", LOWER)),
            "The weights must sum to exactly 1; they sum to 0.9.",
        ),
        (
            (("unit_price", "0.6", LOWER), ("lead_time_days", "0.5", LOWER)),
            "The weights must sum to exactly 1; they sum to 1.1.",
        ),
        (
            (("unit_price", "1.5", LOWER), ("lead_time_days", "-0.5", LOWER)),
            "The weight of lead_time_days must not be negative.",
        ),
        (
            (("unit_price", "0.5", LOWER), ("unit_price", "0.5", LOWER)),
            "Criteria named more than once: unit_price.",
        ),
        (
            (("colour", "1", HIGHER),),
            "Unknown criterion 'colour'; known criteria: capacity, fans, lead_time_days, "
            "on_time_rate, rating, unit_price.",
        ),
        (
            (("unit_price", "1", HIGHER),),
            "unit_price can only be scored as lower_is_better.",
        ),
        ((), "A rule needs at least one criterion."),
    ],
)
def test_bad_rules_are_refused(
    criteria: tuple[tuple[str, str, Direction], ...], message: str
) -> None:
    with pytest.raises(ContentionError) as caught:
        make_rule(*criteria)
    assert caught.value.code == "invalid_rule"
    assert caught.value.message == message


def test_weights_one_third_each_are_refused_because_they_do_not_sum_to_one() -> None:
    with pytest.raises(ContentionError) as caught:
        make_rule(
            ("unit_price", "0.333333", LOWER),
            ("lead_time_days", "0.333333", LOWER),
            ("rating", "0.333333", HIGHER),
        )
    assert caught.value.message == "The weights must sum to exactly 1; they sum to 0.999999."


def test_a_float_weight_is_refused() -> None:
    with pytest.raises(ContentionError) as caught:
        Criterion("unit_price", 0.5, LOWER)  # type: ignore[arg-type]
    assert caught.value.message == "The weight of unit_price must be a decimal number, not float."


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"normalisation": "z_score"}, "Unknown normalisation 'z_score'; use min_max."),
        (
            {"tie_break": ("luck",)},
            "Unknown tie-break key 'luck'; known keys: submitted_at, unit_price, "
            "lead_time_days, bidder_id, bid_id.",
        ),
        ({"tie_break": ("unit_price", "unit_price")}, "A tie-break key is named more than once."),
        (
            {"tie_break": ("bid_id", "unit_price")},
            "bid_id is unique, so it can only be the last tie-break key.",
        ),
        ({"version": 2}, "Unsupported rule version 2."),
    ],
)
def test_bad_rule_options_are_refused(options: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "version": 1,
        "criteria": (Criterion("unit_price", Decimal("1"), LOWER),),
        **options,
    }
    with pytest.raises(ContentionError) as caught:
        ScoringRule(**arguments)
    assert caught.value.message == message


CANONICAL = (
    '{"criteria":['
    '{"direction":"lower_is_better","name":"lead_time_days","weight":"0.25"},'
    '{"direction":"higher_is_better","name":"rating","weight":"0.15"},'
    '{"direction":"lower_is_better","name":"unit_price","weight":"0.6"}],'
    '"normalisation":"min_max",'
    '"tie_break":["submitted_at","unit_price","bidder_id","bid_id"],'
    '"version":1}'
)


def test_rule_canonical_json_and_fingerprint_are_stable() -> None:
    assert PRICE_LEAD_RATING.canonical_json() == CANONICAL
    assert PRICE_LEAD_RATING.fingerprint() == hashlib.sha256(CANONICAL.encode()).hexdigest()
    assert (
        PRICE_LEAD_RATING.fingerprint()
        == "85beae6f7fa06c818d27128556c983550df952e4e6c3f2fb22551032c35be25c"
    )
    # The same content written differently (criteria order, trailing zeros) is the same rule.
    same = make_rule(
        ("rating", "0.150", HIGHER),
        ("unit_price", "0.60", LOWER),
        ("lead_time_days", "0.25", LOWER),
    )
    assert same == PRICE_LEAD_RATING
    assert same.fingerprint() == PRICE_LEAD_RATING.fingerprint()


def test_rule_fingerprint_changes_when_a_weight_changes() -> None:
    changed = make_rule(
        ("unit_price", "0.55", LOWER), ("lead_time_days", "0.3", LOWER), ("rating", "0.15", HIGHER)
    )
    assert changed.fingerprint() != PRICE_LEAD_RATING.fingerprint()
    changed_tie_break = make_rule(
        ("unit_price", "0.6", LOWER),
        ("lead_time_days", "0.25", LOWER),
        ("rating", "0.15", HIGHER),
        tie_break=("unit_price", "submitted_at", "bidder_id"),
    )
    assert changed_tie_break.fingerprint() != PRICE_LEAD_RATING.fingerprint()


def test_rule_round_trips_through_its_canonical_dict() -> None:
    data = PRICE_LEAD_RATING.to_dict()
    assert data == {
        "version": 1,
        "normalisation": "min_max",
        "criteria": [
            {"name": "lead_time_days", "weight": "0.25", "direction": "lower_is_better"},
            {"name": "rating", "weight": "0.15", "direction": "higher_is_better"},
            {"name": "unit_price", "weight": "0.6", "direction": "lower_is_better"},
        ],
        "tie_break": ["submitted_at", "unit_price", "bidder_id", "bid_id"],
    }
    assert ScoringRule.from_dict(data) == PRICE_LEAD_RATING


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"extra": 1}, "A rule has exactly the keys criteria, normalisation, tie_break, version."),
        (
            {"criteria": [{"name": "unit_price", "weight": 1.0, "direction": "lower_is_better"}]},
            "A weight is written as a decimal string.",
        ),
        (
            {"criteria": [{"name": "unit_price", "weight": "one", "direction": "lower_is_better"}]},
            "The weight of unit_price must be a decimal number.",
        ),
        (
            {"criteria": [{"name": "unit_price", "weight": "1", "direction": "sideways"}]},
            "The direction of unit_price must be lower_is_better or higher_is_better.",
        ),
        ({"criteria": "unit_price"}, "criteria must be a list."),
        ({"tie_break": "bid_id"}, "tie_break must be a list of keys."),
        ({"version": "1"}, "Unsupported rule version '1'."),
    ],
)
def test_from_dict_refuses_malformed_rules(change: dict[str, Any], message: str) -> None:
    data = {**PRICE_LEAD_RATING.to_dict(), **change}
    with pytest.raises(ContentionError) as caught:
        ScoringRule.from_dict(data)
    assert caught.value.code == "invalid_rule"
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"submitted_at": datetime(2025, 3, 1, 9, 0)},
            "Bid b1: submitted_at must be a timezone-aware datetime.",
        ),
        ({"unit_price": Decimal("-1")}, "Bid b1: unit_price must not be negative."),
        ({"unit_price": Decimal("NaN")}, "Bid b1: unit_price must be a finite number."),
        ({"unit_price": 9.99}, "Bid b1: unit_price must be a decimal number, not float."),
        (
            {"unit_price": Decimal("1E+40")},
            "Bid b1: unit_price must have at most 30 digits before and after the point.",
        ),
        (
            {"values": {"rating": Decimal("1E-31")}},
            "Bid b1: value rating must have at most 30 digits before and after the point.",
        ),
        ({"capacity": 0}, "Bid b1: capacity must be a whole number ≥ 1."),
        ({"lead_time_days": -1}, "Bid b1: lead_time_days must be a whole number ≥ 0."),
        ({"bidder_id": ""}, "A bid's bidder_id must be a non-empty string."),
        (
            {"values": {"unit_price": Decimal("5")}},
            "Bid b1: unit_price is a field of the bid, not one of its values.",
        ),
        ({"values": {"rating": 4.5}}, "Bid b1: value rating must be a decimal number, not float."),
    ],
)
def test_bad_bids_are_refused(fields: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "bid_id": "b1",
        "bidder_id": "v1",
        "submitted_at": T0,
        "unit_price": Decimal("10"),
        "lead_time_days": 3,
        "capacity": 5,
        **fields,
    }
    with pytest.raises(ContentionError) as caught:
        BidRecord(**arguments)
    assert caught.value.code == "invalid_bid"
    assert caught.value.message == message


def test_a_bid_without_a_value_the_rule_needs_is_refused() -> None:
    with pytest.raises(ContentionError) as caught:
        score_bids(PRICE_LEAD_RATING, [make_bid("a", rating="4"), make_bid("b")])
    assert caught.value.code == "invalid_bid"
    assert caught.value.message == "Bid b has no value for criterion rating."


def test_the_same_bid_id_twice_is_refused() -> None:
    with pytest.raises(ContentionError) as caught:
        score_bids(HALF_HALF, [make_bid("a"), make_bid("a", price="5")])
    assert caught.value.message == "Bid a is given more than once."


def test_a_bid_keeps_its_own_copy_of_its_values() -> None:
    values = {"rating": Decimal("4")}
    bid = BidRecord("a", "v", T0, Decimal("1"), 1, 1, values)
    values["rating"] = Decimal("1")
    assert bid.values == {"rating": Decimal("4")}
