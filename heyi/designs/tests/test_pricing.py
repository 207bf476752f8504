"""Pure tests of the configurator arithmetic and of the vote-ranking rule (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from heyi.designs.pricing import (
    MAX_AMOUNT,
    OptionSpec,
    PricingError,
    amount_clean,
    configured_price,
    default_choice,
    highest_price,
    lowest_price,
    option_groups,
    options_validate,
)
from heyi.designs.tally import TallyEntry, tally_rank, tally_winner

D = Decimal

OPTIONS = [
    OptionSpec("Colour", "Graphite", D("0"), True),
    OptionSpec("Colour", "Red", D("120")),
    OptionSpec("Capacity", "450 L", D("0"), True),
    OptionSpec("Capacity", "350 L", D("-300")),
    OptionSpec("Capacity", "600 L", D("450.50")),
]


def test_max_amount_fits_twelve_digits() -> None:
    assert D("9999999999.99") == MAX_AMOUNT


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3999", D("3999.00")), ("0.01", D("0.01")), (D("12.5"), D("12.50")), (7, D("7.00"))],
)
def test_amount_clean_accepts(value: object, expected: Decimal) -> None:
    assert amount_clean(value) == expected


@pytest.mark.parametrize(
    "value", ["0", "-1", "0.001", "10000000000", "NaN", "Infinity", "abc", "", "1e30"]
)
def test_amount_clean_refuses(value: str) -> None:
    with pytest.raises(PricingError) as error:
        amount_clean(value)
    assert error.value.code == "price_invalid"


def test_amount_clean_negative_when_allowed() -> None:
    assert amount_clean("-300", allow_negative=True, code="option_invalid") == D("-300.00")
    with pytest.raises(PricingError) as error:
        amount_clean("-0.005", allow_negative=True, code="option_invalid")
    assert error.value.code == "option_invalid"


def test_option_groups_keep_given_order() -> None:
    groups = option_groups(OPTIONS)
    assert list(groups) == ["Colour", "Capacity"]
    assert [o.value for o in groups["Capacity"]] == ["450 L", "350 L", "600 L"]


def test_lowest_and_highest_price() -> None:
    assert lowest_price(D("3999.00"), OPTIONS) == D("3699.00")
    assert highest_price(D("3999.00"), OPTIONS) == D("4569.50")
    assert lowest_price(D("10.00"), []) == D("10.00")


def test_configured_price_with_defaults() -> None:
    assert configured_price(D("3999.00"), OPTIONS, {}) == D("3999.00")


def test_configured_price_with_choices() -> None:
    chosen = {"Colour": "Red", "Capacity": "350 L"}
    assert configured_price(D("3999.00"), OPTIONS, chosen) == D("3819.00")
    assert configured_price(D("3999.00"), OPTIONS, {"Capacity": "600 L"}) == D("4449.50")


def test_configured_price_without_options_is_base_price() -> None:
    assert configured_price(D("88.80"), [], {}) == D("88.80")


@pytest.mark.parametrize(
    "chosen",
    [{"Handle": "Steel"}, {"Colour": "Purple"}],
)
def test_configured_price_refuses_unknown_choice(chosen: dict[str, str]) -> None:
    with pytest.raises(PricingError) as error:
        configured_price(D("3999.00"), OPTIONS, chosen)
    assert error.value.code == "choice_invalid"


def test_configured_price_needs_a_choice_where_no_default() -> None:
    options = [OptionSpec("Panel", "Glass", D("200")), OptionSpec("Panel", "Steel", D("0"))]
    with pytest.raises(PricingError) as error:
        configured_price(D("100"), options, {})
    assert error.value.code == "choice_invalid"
    assert configured_price(D("100"), options, {"Panel": "Glass"}) == D("300.00")


def test_default_choice() -> None:
    assert default_choice(OPTIONS) == {"Colour": "Graphite", "Capacity": "450 L"}
    assert default_choice([OptionSpec("Panel", "Glass", D("1"))]) is None
    assert default_choice([]) == {}


def test_options_validate_accepts_a_good_list() -> None:
    options_validate(D("3999.00"), OPTIONS)


@pytest.mark.parametrize(
    ("base", "options", "code"),
    [
        (
            D("100"),
            [OptionSpec("Colour", "Red", D("0")), OptionSpec("Colour", "Red", D("5"))],
            "option_duplicate",
        ),
        (
            D("100"),
            [OptionSpec("Colour", "Red", D("0"), True), OptionSpec("Colour", "Blue", D("0"), True)],
            "option_default_duplicate",
        ),
        (D("100"), [OptionSpec("", "Red", D("0"))], "option_invalid"),
        (D("100"), [OptionSpec("Colour", " ", D("0"))], "option_invalid"),
        (D("100"), [OptionSpec("Colour", "Red", D("0.001"))], "option_invalid"),
        (D("100"), [OptionSpec("Colour", "Red", D("-100"))], "configuration_not_positive"),
        (
            D("100"),
            [OptionSpec("Size", "S", D("-60")), OptionSpec("Panel", "Bare", D("-40"))],
            "configuration_not_positive",
        ),
    ],
)
def test_options_validate_refuses(base: Decimal, options: list[OptionSpec], code: str) -> None:
    with pytest.raises(PricingError) as error:
        options_validate(base, options)
    assert error.value.code == code


def test_cheapest_combination_just_above_zero_is_fine() -> None:
    options_validate(
        D("100"), [OptionSpec("Size", "S", D("-99.99")), OptionSpec("Size", "L", D("0"))]
    )


def test_tally_most_votes_wins() -> None:
    entries = [
        TallyEntry(key="a", votes=1, last_vote_order=1, posted_order=1),
        TallyEntry(key="b", votes=3, last_vote_order=9, posted_order=2),
        TallyEntry(key="c", votes=2, last_vote_order=5, posted_order=3),
    ]
    assert [e.key for e in tally_rank(entries)] == ["b", "c", "a"]
    winner = tally_winner(entries)
    assert winner is not None and winner.key == "b"


def test_tally_tie_goes_to_the_proposal_that_reached_its_count_first() -> None:
    entries = [
        TallyEntry(key="late", votes=2, last_vote_order=8, posted_order=1),
        TallyEntry(key="early", votes=2, last_vote_order=4, posted_order=2),
    ]
    winner = tally_winner(entries)
    assert winner is not None and winner.key == "early"


def test_tally_without_votes_ranks_by_posting_and_has_no_winner() -> None:
    entries = [
        TallyEntry(key="second", votes=0, last_vote_order=None, posted_order=2),
        TallyEntry(key="first", votes=0, last_vote_order=None, posted_order=1),
    ]
    assert [e.key for e in tally_rank(entries)] == ["first", "second"]
    assert tally_winner(entries) is None
    assert tally_winner([]) is None
