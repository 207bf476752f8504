"""The rules every posting obeys (pure: no Django, no database; ADR 10).

A posting moves money between accounts in one step: two or more lines, each adding an amount
(negative: taking it away) to one account's balance in one currency. Amounts are `Decimal`,
exactly at the currency's minor unit (fen for yuan); every currency of a posting sums to zero,
so money is never made or lost, and the sum of all balances stays zero. What each kind of
account may hold below zero is fixed here too: a user's wallet, a venture, a supplier, an
investor and escrow never go below zero; the platform and the outside world (the payment
provider's clearing account) may.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from heyi.core.errors import DomainError


class AccountKind(StrEnum):
    USER_WALLET = "user_wallet"
    VENTURE = "venture"
    SUPPLIER = "supplier"
    INVESTOR = "investor"
    ESCROW = "escrow"
    PLATFORM = "platform"
    EXTERNAL = "external"  # money outside the platform: the payment provider's side


# Kinds whose balance may never go below zero.
NEVER_NEGATIVE = frozenset(
    {
        AccountKind.USER_WALLET,
        AccountKind.VENTURE,
        AccountKind.SUPPLIER,
        AccountKind.INVESTOR,
        AccountKind.ESCROW,
    }
)

# Decimal places of each currency's minor unit (ISO 4217).
MINOR_UNIT_DIGITS: dict[str, int] = {"CNY": 2, "USD": 2, "EUR": 2, "JPY": 0}


class PostingErrorCode(StrEnum):
    TOO_FEW_LINES = "posting_too_few_lines"
    AMOUNT_NOT_DECIMAL = "posting_amount_not_decimal"
    AMOUNT_ZERO = "posting_amount_zero"
    AMOUNT_PRECISION = "posting_amount_precision"
    CURRENCY_UNKNOWN = "posting_currency_unknown"
    UNBALANCED = "posting_unbalanced"
    ACCOUNT_REPEATED = "posting_account_repeated"
    OVERDRAWN = "posting_overdrawn"


class PostingError(DomainError):
    """A posting breaks a rule; `code` is stable (the API answers with it): 409 when an account
    lacks the money, 422 for a malformed posting."""

    def __init__(self, code: PostingErrorCode, message: str) -> None:
        super().__init__(code, message, status=409 if code == PostingErrorCode.OVERDRAWN else 422)
        self.code = code


@dataclass(frozen=True, slots=True)
class Line:
    account: str  # the account's stable key
    kind: AccountKind
    currency: str
    amount: Decimal  # added to the account's balance; negative takes money out


@dataclass(frozen=True, slots=True)
class Posting:
    lines: tuple[Line, ...]


def _line_check(line: Line) -> None:
    digits = MINOR_UNIT_DIGITS.get(line.currency)
    if digits is None:
        raise PostingError(
            PostingErrorCode.CURRENCY_UNKNOWN, f"Currency {line.currency!r} is not known."
        )
    if not isinstance(line.amount, Decimal) or not line.amount.is_finite():
        raise PostingError(
            PostingErrorCode.AMOUNT_NOT_DECIMAL,
            f"The amount of {line.account} must be a finite Decimal, not {line.amount!r}.",
        )
    if line.amount.is_zero():
        raise PostingError(PostingErrorCode.AMOUNT_ZERO, f"A line of {line.account} moves nothing.")
    exponent = line.amount.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -digits:
        raise PostingError(
            PostingErrorCode.AMOUNT_PRECISION,
            f"{line.amount} {line.currency} is finer than the currency's minor unit.",
        )


def posting_check(lines: Iterable[Line]) -> Posting:
    """The posting of these lines, or PostingError naming the first rule broken."""
    checked = tuple(lines)
    if len(checked) < 2:
        raise PostingError(PostingErrorCode.TOO_FEW_LINES, "A posting needs at least two lines.")
    seen: set[tuple[str, str]] = set()
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for line in checked:
        _line_check(line)
        key = (line.account, line.currency)
        if key in seen:
            raise PostingError(
                PostingErrorCode.ACCOUNT_REPEATED,
                f"{line.account} appears twice in {line.currency}: merge its lines.",
            )
        seen.add(key)
        sums[line.currency] += line.amount
    unbalanced = {currency: total for currency, total in sums.items() if not total.is_zero()}
    if unbalanced:
        currency, total = sorted(unbalanced.items())[0]
        raise PostingError(
            PostingErrorCode.UNBALANCED, f"The {currency} lines sum to {total}, not zero."
        )
    return Posting(lines=checked)


def balances_apply(
    balances: Mapping[tuple[str, str], Decimal], posting: Posting
) -> dict[tuple[str, str], Decimal]:
    """The balances after the posting, keyed by (account, currency); raises OVERDRAWN when an
    account that may not go below zero would, and changes nothing then."""
    after = dict(balances)
    for line in posting.lines:
        key = (line.account, line.currency)
        new = after.get(key, Decimal(0)) + line.amount
        if line.kind in NEVER_NEGATIVE and new < 0:
            raise PostingError(
                PostingErrorCode.OVERDRAWN,
                f"{line.account} would hold {new} {line.currency}; it may not go below zero.",
            )
        after[key] = new
    return after
