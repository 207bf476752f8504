"""The value equation (pure): exact lines for a known order, and its laws for any order."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from heyi.ledger.share import (
    PLATFORM,
    CompensationFacts,
    OrderFacts,
    Party,
    PartyKind,
    ShareTerms,
    SupplyFacts,
    Term,
    split_compute,
    totals_by_party,
)

MAKER = Party(PartyKind.VENTURE, "m", "Blue Frost")
VANS = Party(PartyKind.VENTURE, "d", "Last Mile Vans")
SUPPLIER = Party(PartyKind.VENTURE, "s", "Compressor Co")
AUTHOR = Party(PartyKind.USER, "a", "Ann")
DESIGNERS = (Party(PartyKind.USER, "x", "Xu"), Party(PartyKind.USER, "y", "Yan"))


def test_a_made_to_order_order_is_shared_term_by_term() -> None:
    facts = OrderFacts(
        total=Decimal("3000.00"),
        quantity=2,
        currency="CNY",
        maker=MAKER,
        maker_unit_price=Decimal("1200.00"),
        supplies=(SupplyFacts(SUPPLIER, "S1", Decimal("5000.00"), 20),),
        delivery=VANS,
        author=AUTHOR,
        designers=DESIGNERS,
        compensation=CompensationFacts(Decimal("150.00"), MAKER),
    )
    lines = split_compute(ShareTerms(), facts)
    assert [(line.party.ref, line.term, line.amount) for line in lines] == [
        ("", Term.PLATFORM_FEE, Decimal("150.00")),
        ("a", Term.AUTHOR_ROYALTY, Decimal("30.00")),
        ("x", Term.DESIGNER_ROYALTY, Decimal("45.00")),
        ("y", Term.DESIGNER_ROYALTY, Decimal("45.00")),
        ("d", Term.DELIVERY_FEE, Decimal("30.00")),
        ("s", Term.SUPPLIER_COST, Decimal("500.00")),
        ("m", Term.MAKER_PRICE, Decimal("2400.00")),
        ("m", Term.MAKER_SUPPLIES, Decimal("-500.00")),
        ("m", Term.MAKER_SURPLUS, Decimal("150.00")),
        ("m", Term.COMPENSATION, Decimal("-150.00")),
        ("", Term.COMPENSATION_RECOVERED, Decimal("150.00")),
        ("", Term.PLATFORM_MARGIN, Decimal("150.00")),
    ]
    assert lines[5].basis == "S1: 5000.00 × 2 ÷ 20"
    totals = totals_by_party(lines)
    assert totals[MAKER] == Decimal("1900.00")
    assert totals[PLATFORM] == Decimal("450.00")


def test_an_order_from_stock_pays_the_fee_and_delivery_and_the_platform_keeps_the_rest() -> None:
    lines = split_compute(
        ShareTerms(), OrderFacts(total=Decimal("899.00"), quantity=1, currency="CNY")
    )
    assert [(line.party, line.term, line.amount) for line in lines] == [
        (PLATFORM, Term.PLATFORM_FEE, Decimal("44.95")),
        (PLATFORM, Term.DELIVERY_FEE, Decimal("25.00")),
        (PLATFORM, Term.PLATFORM_MARGIN, Decimal("829.05")),
    ]


def test_the_designers_pool_is_shared_to_the_fen() -> None:
    designers = tuple(Party(PartyKind.USER, str(i), str(i)) for i in range(3))
    lines = split_compute(
        ShareTerms(),
        OrderFacts(total=Decimal("100.00"), quantity=1, currency="CNY", designers=designers),
    )
    royalties = [line.amount for line in lines if line.term == Term.DESIGNER_ROYALTY]
    assert royalties == [Decimal("1.00"), Decimal("1.00"), Decimal("1.00")]
    lines = split_compute(
        ShareTerms(),
        OrderFacts(total=Decimal("100.01"), quantity=1, currency="CNY", designers=designers),
    )
    royalties = [line.amount for line in lines if line.term == Term.DESIGNER_ROYALTY]
    # 3 % of 100.01 is 3.0003, rounded to 3.00: one fen each.
    assert royalties == [Decimal("1.00"), Decimal("1.00"), Decimal("1.00")]
    lines = split_compute(
        ShareTerms(designer_royalty_percent=Decimal("10")),
        OrderFacts(total=Decimal("100.00"), quantity=1, currency="CNY", designers=designers),
    )
    royalties = [line.amount for line in lines if line.term == Term.DESIGNER_ROYALTY]
    assert royalties == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]


def test_a_compensation_larger_than_the_makers_part_is_borne_by_the_platform() -> None:
    facts = OrderFacts(
        total=Decimal("100.00"),
        quantity=1,
        currency="CNY",
        maker=MAKER,
        maker_unit_price=Decimal("30.00"),
        compensation=CompensationFacts(Decimal("50.00"), MAKER),
    )
    totals = totals_by_party(split_compute(ShareTerms(), facts))
    assert totals[MAKER] == Decimal("0.00")
    assert sum(totals.values()) == Decimal("100.00")


def test_rates_beyond_the_total_are_refused() -> None:
    assert ShareTerms(
        platform_fee_percent=Decimal("90"), author_royalty_percent=Decimal("20")
    ).problems() == ["the fee and the royalties together may not exceed 100 %"]
    assert ShareTerms(delivery_fee_per_unit=Decimal("-1")).problems() == [
        "delivery_fee_per_unit must be a number of at least 0"
    ]
    assert ShareTerms().problems() == []


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
percent = st.decimals(min_value=0, max_value=30, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def orders(draw: st.DrawFn) -> tuple[ShareTerms, OrderFacts]:
    terms = ShareTerms(
        platform_fee_percent=draw(percent),
        author_royalty_percent=draw(percent),
        designer_royalty_percent=draw(percent),
        delivery_fee_per_order=draw(st.decimals(0, 200, places=2)),
        delivery_fee_per_unit=draw(st.decimals(0, 50, places=2)),
        maker_surplus_percent=draw(st.decimals(0, 100, places=2)),
    )
    quantity = draw(st.integers(1, 50))
    has_maker = draw(st.booleans())
    maker_price = draw(money) if has_maker else None
    suppliers = tuple(
        SupplyFacts(
            Party(PartyKind.VENTURE, f"s{i}", f"s{i}"),
            f"S{i}",
            draw(money),
            draw(st.integers(quantity, 500)),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    fault = draw(st.sampled_from([MAKER, VANS, PLATFORM]))
    compensation = CompensationFacts(draw(money), fault) if draw(st.booleans()) else None
    facts = OrderFacts(
        total=draw(money),
        quantity=quantity,
        currency="CNY",
        maker=MAKER if has_maker else None,
        maker_unit_price=maker_price,
        supplies=suppliers if has_maker else (),
        delivery=VANS if draw(st.booleans()) else None,
        author=AUTHOR if draw(st.booleans()) else None,
        designers=DESIGNERS[: draw(st.integers(0, 2))],
        compensation=compensation,
    )
    return terms, facts


@given(orders())
def test_the_lines_sum_to_the_total_and_only_the_platform_may_lose(
    case: tuple[ShareTerms, OrderFacts],
) -> None:
    terms, facts = case
    lines = split_compute(terms, facts)
    assert sum((line.amount for line in lines), Decimal(0)) == facts.total
    assert all(not line.amount.is_zero() for line in lines)
    assert all(line.amount == line.amount.quantize(Decimal("0.01")) for line in lines)
    for party, amount in totals_by_party(lines).items():
        if party != PLATFORM:
            assert amount >= 0, (party, amount)
