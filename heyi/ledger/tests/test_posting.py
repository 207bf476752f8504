"""The posting rules (pure), by example and over random postings (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heyi.ledger.posting import (
    AccountKind,
    Line,
    PostingError,
    PostingErrorCode,
    balances_apply,
    posting_check,
)

WALLET, ESCROW, PROVIDER = "user:1", "escrow", "provider"
KINDS = {
    WALLET: AccountKind.USER_WALLET,
    ESCROW: AccountKind.ESCROW,
    PROVIDER: AccountKind.EXTERNAL,
    "venture:1": AccountKind.VENTURE,
    "platform": AccountKind.PLATFORM,
}


def _line(account: str, amount: str, currency: str = "CNY") -> Line:
    return Line(account=account, kind=KINDS[account], currency=currency, amount=Decimal(amount))


def test_a_payment_into_escrow_balances() -> None:
    posting = posting_check([_line(PROVIDER, "-3299.00"), _line(ESCROW, "3299.00")])

    after = balances_apply({}, posting)

    assert after == {(PROVIDER, "CNY"): Decimal("-3299.00"), (ESCROW, "CNY"): Decimal("3299.00")}


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([_line(ESCROW, "10.00")], PostingErrorCode.TOO_FEW_LINES),
        ([_line(PROVIDER, "-10.00"), _line(ESCROW, "9.99")], PostingErrorCode.UNBALANCED),
        ([_line(PROVIDER, "-0.005"), _line(ESCROW, "0.005")], PostingErrorCode.AMOUNT_PRECISION),
        ([_line(PROVIDER, "0"), _line(ESCROW, "0")], PostingErrorCode.AMOUNT_ZERO),
        (
            [_line(PROVIDER, "-1", "XTS"), _line(ESCROW, "1", "XTS")],
            PostingErrorCode.CURRENCY_UNKNOWN,
        ),
        (
            [_line(ESCROW, "-1.00"), _line(ESCROW, "0.50"), _line(PROVIDER, "0.50")],
            PostingErrorCode.ACCOUNT_REPEATED,
        ),
        (
            # Each currency must balance on its own: yuan cannot pay for dollars here.
            [_line(PROVIDER, "-1.00", "CNY"), _line(ESCROW, "1.00", "USD")],
            PostingErrorCode.UNBALANCED,
        ),
    ],
)
def test_bad_postings_are_refused_with_their_code(lines: list[Line], code: str) -> None:
    with pytest.raises(PostingError) as refused:
        posting_check(lines)

    assert refused.value.code == code


def test_a_float_amount_is_refused() -> None:
    line = Line(account=ESCROW, kind=AccountKind.ESCROW, currency="CNY", amount=1.5)  # type: ignore[arg-type]

    with pytest.raises(PostingError) as refused:
        posting_check([line, _line(PROVIDER, "-1.50")])

    assert refused.value.code == PostingErrorCode.AMOUNT_NOT_DECIMAL


def test_a_wallet_cannot_be_overdrawn_and_nothing_changes() -> None:
    balances = {(WALLET, "CNY"): Decimal("20.00")}
    posting = posting_check([_line(WALLET, "-20.01"), _line("platform", "20.01")])

    with pytest.raises(PostingError) as refused:
        balances_apply(balances, posting)

    assert refused.value.code == PostingErrorCode.OVERDRAWN
    assert balances == {(WALLET, "CNY"): Decimal("20.00")}


fen = st.integers(min_value=1, max_value=10_000_000).map(lambda n: Decimal(n).scaleb(-2))
accounts = st.sampled_from(sorted(KINDS))


@st.composite
def postings(draw: st.DrawFn) -> list[Line]:
    """A balanced posting: money from one account spread over one to three others."""
    source, *targets = draw(st.lists(accounts, min_size=2, max_size=4, unique=True))
    amounts = [draw(fen) for _target in targets]
    return [
        _line(source, str(-sum(amounts))),
        *(_line(target, str(amount)) for target, amount in zip(targets, amounts, strict=True)),
    ]


@given(postings())
def test_every_balanced_posting_passes_and_one_fen_off_does_not(lines: list[Line]) -> None:
    posting_check(lines)
    first = lines[0]
    # The source line is negative: one fen more out of it leaves the posting one fen short.
    off = Line(first.account, first.kind, first.currency, first.amount - Decimal("0.01"))

    with pytest.raises(PostingError) as refused:
        posting_check([off, *lines[1:]])

    assert refused.value.code == PostingErrorCode.UNBALANCED


@given(st.lists(postings(), max_size=30))
def test_over_any_sequence_the_books_sum_to_zero_and_floors_hold(
    sequence: list[list[Line]],
) -> None:
    balances: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for lines in sequence:
        try:
            balances = defaultdict(Decimal, balances_apply(balances, posting_check(lines)))
        except PostingError as refused:
            assert refused.code == PostingErrorCode.OVERDRAWN

    assert sum(balances.values(), Decimal(0)) == 0
    for (account, _currency), balance in balances.items():
        if KINDS[account] not in (AccountKind.PLATFORM, AccountKind.EXTERNAL):
            assert balance >= 0
