"""Configurator arithmetic: amounts, option rules and configured prices (pure; Django for gettext).

A design's options come in groups (colour, capacity, panel). A configuration picks exactly one
value in every group; a group's default is used when nothing is chosen in it. The configured
price is the base price plus the price deltas of the chosen values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MAX_DIGITS = 12
DECIMAL_PLACES = 2
# The largest amount a DecimalField(max_digits=12, decimal_places=2) can hold.
MAX_AMOUNT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES) - CENT


class PricedOption(Protocol):
    """Anything with a group, a value, a price delta and a default flag (rows or specs)."""

    @property
    def group(self) -> str: ...

    @property
    def value(self) -> str: ...

    @property
    def price_delta(self) -> Decimal: ...

    @property
    def is_default(self) -> bool: ...


OptionT = TypeVar("OptionT", bound=PricedOption)


@dataclass(frozen=True)
class OptionSpec:
    """One option as written by a designer, before it is stored."""

    group: str
    value: str
    price_delta: Decimal = Decimal("0")
    is_default: bool = False


class PricingError(ValueError):
    """A rule of the configurator is broken. `code` names the rule; `params` fill the message."""

    def __init__(self, code: str, message: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params or {}


def amount_clean(
    value: Any, *, allow_negative: bool = False, code: str = "price_invalid"
) -> Decimal:
    """A money amount as a Decimal with two places, within 12 digits; positive unless allowed.

    Raises PricingError(code) for anything that is not a finite number, has more than two
    decimal places, does not fit in 12 digits, or (when negatives are not allowed) is not > 0.
    """
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise PricingError(
            code,
            _("%(value)s is not an amount of money.") % {"value": repr(value)},
            {"value": value},
        ) from error
    if not amount.is_finite():
        raise PricingError(
            code,
            _("%(value)s is not an amount of money.") % {"value": repr(value)},
            {"value": value},
        )
    # The size check comes first: quantizing a huge number would overflow the decimal context.
    if abs(amount) > MAX_AMOUNT:
        raise PricingError(
            code, _("%(value)s is too large.") % {"value": amount}, {"value": str(amount)}
        )
    if amount != amount.quantize(CENT):
        raise PricingError(
            code,
            _("%(value)s has more than two decimal places.") % {"value": amount},
            {"value": str(amount)},
        )
    if not allow_negative and amount <= 0:
        raise PricingError(
            code, _("%(value)s must be more than zero.") % {"value": amount}, {"value": str(amount)}
        )
    return amount.quantize(CENT)


def option_groups(options: Iterable[OptionT]) -> dict[str, list[OptionT]]:
    """Options grouped by group name, groups and values in the order they were given."""
    groups: dict[str, list[OptionT]] = {}
    for option in options:
        groups.setdefault(option.group, []).append(option)
    return groups


def lowest_price(base_price: Decimal, options: Iterable[PricedOption]) -> Decimal:
    """The cheapest configuration: the base price plus the smallest delta of every group."""
    groups = option_groups(options)
    return base_price + sum(
        (min(o.price_delta for o in values) for values in groups.values()), Decimal("0")
    )


def highest_price(base_price: Decimal, options: Iterable[PricedOption]) -> Decimal:
    """The dearest configuration: the base price plus the largest delta of every group."""
    groups = option_groups(options)
    return base_price + sum(
        (max(o.price_delta for o in values) for values in groups.values()), Decimal("0")
    )


def options_validate(base_price: Decimal, options: Sequence[PricedOption]) -> None:
    """Check a design's options against the configurator's rules; raise the first broken one.

    Rules: every group and value is named; a value appears once per group; a group has at most
    one default; every delta is an amount (negative allowed); and the cheapest configuration
    still costs more than zero.
    """
    seen: set[tuple[str, str]] = set()
    defaults: set[str] = set()
    for position, option in enumerate(options, start=1):
        if not option.group.strip() or not option.value.strip():
            raise PricingError(
                "option_invalid",
                _("Option %(position)s needs both a group and a value.") % {"position": position},
                {"position": position},
            )
        amount_clean(option.price_delta, allow_negative=True, code="option_invalid")
        key = (option.group, option.value)
        if key in seen:
            raise PricingError(
                "option_duplicate",
                _("%(group)s: %(value)s is listed twice.")
                % {"group": option.group, "value": option.value},
                {"group": option.group, "value": option.value},
            )
        seen.add(key)
        if option.is_default:
            if option.group in defaults:
                raise PricingError(
                    "option_default_duplicate",
                    _("%(group)s has more than one default.") % {"group": option.group},
                    {"group": option.group},
                )
            defaults.add(option.group)
    cheapest = lowest_price(base_price, options)
    if cheapest <= 0:
        raise PricingError(
            "configuration_not_positive",
            _("The cheapest configuration would cost %(price)s; it must cost more than zero.")
            % {"price": cheapest},
            {"price": str(cheapest)},
        )


def configured_price(
    base_price: Decimal, options: Iterable[PricedOption], chosen: Mapping[str, str]
) -> Decimal:
    """The price of one configuration: base price plus the delta of the value taken in each group.

    `chosen` maps a group to the value taken; a group left out takes its default. Raises
    PricingError("choice_invalid") for an unknown group or value, or a group left out that has
    no default.
    """
    groups = option_groups(options)
    for group, value in chosen.items():
        if group not in groups:
            raise PricingError(
                "choice_invalid",
                _("This design has no option group %(group)s.") % {"group": repr(group)},
                {"group": group},
            )
        if not any(o.value == value for o in groups[group]):
            raise PricingError(
                "choice_invalid",
                _("%(group)s has no value %(value)s.")
                % {"group": repr(group), "value": repr(value)},
                {"group": group, "value": value},
            )
    total = base_price
    for group, values in groups.items():
        if group in chosen:
            taken = next(o for o in values if o.value == chosen[group])
        else:
            default = next((o for o in values if o.is_default), None)
            if default is None:
                raise PricingError(
                    "choice_invalid",
                    _("Choose a value for %(group)s.") % {"group": repr(group)},
                    {"group": group},
                )
            taken = default
        total += taken.price_delta
    return total.quantize(CENT)


def default_choice(options: Iterable[PricedOption]) -> dict[str, str] | None:
    """The configuration made of every group's default, or None if some group has none."""
    choice: dict[str, str] = {}
    for group, values in option_groups(options).items():
        default = next((o for o in values if o.is_default), None)
        if default is None:
            return None
        choice[group] = default.value
    return choice
