"""The value equation: how one order's money is shared (pure: no Django, no database).

A share rule is published with each production tender (and one for standard products), before
any bid, and frozen there. On completion the order's escrow, exactly its total T, is split by
it into lines, each naming the party that receives it, the rule term that produced it and the
arithmetic behind it:

    platform_fee        p % of T                                  → the platform
    author_royalty      a % of T                                  → the demand's author
    designer_royalty    g % of T, in equal parts                  → the selected design's authors
    delivery_fee        F per order + f per unit                  → the delivery venture (the
                                                                    platform's own vans if none)
    supplier_cost       each supply contract's total × q / Q      → each supplier
    maker_price         m × q (the awarded unit price)            → the maker venture
    maker_supplies      − the supplier costs, paid on its behalf  ← the maker venture
    maker_surplus       s % of what T leaves after all the above  → the maker venture
    compensation        − what a missed promise cost, charged to  ← the maker or the delivery
                        the unit at fault (the platform paid the     venture (never more than
                        user when it was detected)                   it receives for the order;
                                                                     the platform bears the rest)
    compensation_recovered  the same amount                        → the platform
    platform_margin     the rest (negative when T does not cover  → the platform
                        the terms: the platform bears the deficit)

The lines sum to T exactly: every term is rounded half-up to the minor unit and the platform's
margin takes the remainder. Every party's total is at least zero except the platform's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from heyi.ledger.posting import MINOR_UNIT_DIGITS


class PartyKind(StrEnum):
    PLATFORM = "platform"
    VENTURE = "venture"
    USER = "user"


class Term(StrEnum):
    PLATFORM_FEE = "platform_fee"
    AUTHOR_ROYALTY = "author_royalty"
    DESIGNER_ROYALTY = "designer_royalty"
    DELIVERY_FEE = "delivery_fee"
    SUPPLIER_COST = "supplier_cost"
    MAKER_PRICE = "maker_price"
    MAKER_SUPPLIES = "maker_supplies"
    COMPENSATION = "compensation"
    COMPENSATION_RECOVERED = "compensation_recovered"
    MAKER_SURPLUS = "maker_surplus"
    PLATFORM_MARGIN = "platform_margin"


@dataclass(frozen=True, slots=True)
class Party:
    kind: PartyKind
    ref: str = ""  # the venture's or the person's uid; empty for the platform
    name: str = ""


PLATFORM = Party(PartyKind.PLATFORM, "", "heyi")


@dataclass(frozen=True, slots=True)
class ShareTerms:
    """The published rates of one rule (percentages of the order total, fees in its currency)."""

    platform_fee_percent: Decimal = Decimal("5")
    author_royalty_percent: Decimal = Decimal("1")
    designer_royalty_percent: Decimal = Decimal("3")
    delivery_fee_per_order: Decimal = Decimal("20")
    delivery_fee_per_unit: Decimal = Decimal("5")
    maker_surplus_percent: Decimal = Decimal("50")

    def as_json(self) -> dict[str, str]:
        return {name: str(value) for name, value in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> ShareTerms:
        return cls(**{name: Decimal(str(value)) for name, value in data.items()})

    def fingerprint(self) -> str:
        text = json.dumps(self.as_json(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def problems(self) -> list[str]:
        """What makes these rates unusable (empty when they are fine)."""
        found = []
        for name, value in asdict(self).items():
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                found.append(f"{name} must be a number of at least 0")
        percents = (
            self.platform_fee_percent + self.author_royalty_percent + self.designer_royalty_percent
        )
        if percents > 100:
            found.append("the fee and the royalties together may not exceed 100 %")
        if self.maker_surplus_percent > 100:
            found.append("maker_surplus_percent may not exceed 100")
        return found


@dataclass(frozen=True, slots=True)
class SupplyFacts:
    """A supply contract behind the order: its total for the whole production run of Q units."""

    supplier: Party
    contract: str  # the contract's readable number
    contract_total: Decimal
    production_quantity: int


@dataclass(frozen=True, slots=True)
class CompensationFacts:
    amount: Decimal
    at_fault: Party  # the platform for a station or a centre


@dataclass(frozen=True, slots=True)
class OrderFacts:
    total: Decimal
    quantity: int
    currency: str
    maker: Party | None = None  # none for an order served from the platform's stock
    maker_unit_price: Decimal | None = None
    supplies: tuple[SupplyFacts, ...] = ()
    delivery: Party | None = None
    author: Party | None = None
    designers: tuple[Party, ...] = ()
    compensation: CompensationFacts | None = None


@dataclass(frozen=True, slots=True)
class SplitLine:
    party: Party
    term: Term
    amount: Decimal
    basis: str = field(default="")


def _unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNIT_DIGITS[currency])


def _round(value: Decimal, currency: str) -> Decimal:
    return value.quantize(_unit(currency), rounding=ROUND_HALF_UP)


def _percent(total: Decimal, rate: Decimal, currency: str) -> Decimal:
    return _round(total * rate / Decimal(100), currency)


def _same(one: Party, other: Party) -> bool:
    return (one.kind, one.ref) == (other.kind, other.ref)


def split_compute(terms: ShareTerms, facts: OrderFacts) -> tuple[SplitLine, ...]:
    """The lines the order's total is shared into; they sum to `facts.total`."""
    cur = facts.currency
    total = _round(facts.total, cur)
    if total != facts.total or total < 0:
        raise ValueError("The order total must be at least zero, at the currency's minor unit.")
    lines: list[SplitLine] = []

    def add(party: Party, term: Term, amount: Decimal, basis: str) -> None:
        if not amount.is_zero():
            lines.append(SplitLine(party, term, amount, basis))

    add(
        PLATFORM,
        Term.PLATFORM_FEE,
        _percent(total, terms.platform_fee_percent, cur),
        f"{terms.platform_fee_percent}% × {total}",
    )
    if facts.author is not None:
        add(
            facts.author,
            Term.AUTHOR_ROYALTY,
            _percent(total, terms.author_royalty_percent, cur),
            f"{terms.author_royalty_percent}% × {total}",
        )
    designers = sorted(set(facts.designers), key=lambda party: (party.kind, party.ref))
    if designers:
        pool = _percent(total, terms.designer_royalty_percent, cur)
        count = len(designers)
        each = _round(pool / count, cur)
        if each * count > pool:
            each -= _unit(cur)
        spare = pool - each * count
        for index, designer in enumerate(designers):
            amount = each + (_unit(cur) if Decimal(index) * _unit(cur) < spare else Decimal(0))
            add(
                designer,
                Term.DESIGNER_ROYALTY,
                amount,
                f"{terms.designer_royalty_percent}% × {total} ÷ {count}",
            )
    delivery_fee = _round(
        terms.delivery_fee_per_order + terms.delivery_fee_per_unit * facts.quantity, cur
    )
    delivery_party = facts.delivery or PLATFORM
    add(
        delivery_party,
        Term.DELIVERY_FEE,
        delivery_fee,
        f"{terms.delivery_fee_per_order} + {terms.delivery_fee_per_unit} × {facts.quantity}",
    )
    supplies_total = Decimal(0)
    for supply in facts.supplies:
        if supply.production_quantity <= 0:
            raise ValueError("A supply contract's production quantity must be positive.")
        amount = _round(supply.contract_total * facts.quantity / supply.production_quantity, cur)
        supplies_total += amount
        add(
            supply.supplier,
            Term.SUPPLIER_COST,
            amount,
            f"{supply.contract}: {supply.contract_total} × {facts.quantity} ÷ "
            f"{supply.production_quantity}",
        )
    gross = Decimal(0)
    maker_net = Decimal(0)
    if facts.maker is not None and facts.maker_unit_price is not None:
        gross = _round(facts.maker_unit_price * facts.quantity, cur)
        add(facts.maker, Term.MAKER_PRICE, gross, f"{facts.maker_unit_price} × {facts.quantity}")
        # The maker's suppliers are paid from its price; what they cost beyond it the platform
        # bears (the maker never ends an order below zero).
        taken = min(supplies_total, gross)
        add(facts.maker, Term.MAKER_SUPPLIES, -taken, f"the supplier costs, {supplies_total}")
        maker_net = gross - taken
    used = sum((line.amount for line in lines), Decimal(0))
    surplus = total - used
    if facts.maker is not None and facts.maker_unit_price is not None and surplus > 0:
        bonus = _percent(surplus, terms.maker_surplus_percent, cur)
        maker_net += bonus
        add(
            facts.maker,
            Term.MAKER_SURPLUS,
            bonus,
            f"{terms.maker_surplus_percent}% × {surplus}",
        )
    delivery_net = delivery_fee if facts.delivery is not None else Decimal(0)
    comp = facts.compensation
    if comp is not None and comp.amount > 0:
        # Recovered from what the unit at fault receives for this order, never more.
        recovered = Decimal(0)
        if facts.maker is not None and _same(comp.at_fault, facts.maker):
            recovered = min(comp.amount, maker_net)
        elif facts.delivery is not None and _same(comp.at_fault, facts.delivery):
            recovered = min(comp.amount, delivery_net)
        recovered = _round(recovered, cur)
        if recovered > 0:
            add(comp.at_fault, Term.COMPENSATION, -recovered, f"{comp.amount} owed to the user")
            add(PLATFORM, Term.COMPENSATION_RECOVERED, recovered, f"from {comp.at_fault.name}")
    rest = total - sum((line.amount for line in lines), Decimal(0))
    add(PLATFORM, Term.PLATFORM_MARGIN, rest, f"{total} − the terms above")
    return tuple(lines)


def totals_by_party(lines: tuple[SplitLine, ...]) -> dict[Party, Decimal]:
    """What each party receives in all (the posting has one line per party)."""
    totals: dict[Party, Decimal] = {}
    for line in lines:
        totals[line.party] = totals.get(line.party, Decimal(0)) + line.amount
    return totals
