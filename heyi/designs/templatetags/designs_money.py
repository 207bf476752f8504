"""Template filters for co-design prices: amounts in CNY and signed price changes."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def _yuan(value: Decimal) -> str:
    """The amount without sign, to the fen, with the active locale's separators and grouping."""
    fen = abs(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"¥{number_format(fen, decimal_pos=2, use_l10n=True, force_grouping=True)}"


@register.filter
def cny(amount: Any) -> str:
    """¥3,999.00, -¥12.50: the yuan sign, then the number by the active locale's formats
    (separators and grouping; see heyi/core/formats for Simplified Chinese)."""
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount))
    return f"-{_yuan(value)}" if value < 0 else _yuan(value)


@register.filter
def price_change(delta: Any) -> str:
    """+¥120.00, −¥300.50 (a true minus sign) or “no change”."""
    if delta is None or delta == "":
        return ""
    value = Decimal(str(delta))
    if value == 0:
        return _("no change")
    sign = "+" if value > 0 else "−"
    return f"{sign}{_yuan(value)}"
