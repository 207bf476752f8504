"""Template filters for co-design prices: amounts in CNY and signed price changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cny(amount: Any) -> str:
    """¥3,999.00 (grouped by the active language's rules)."""
    if amount is None or amount == "":
        return ""
    return f"¥{floatformat(amount, '2g')}"


@register.filter
def price_change(delta: Any) -> str:
    """+¥120.00, −¥300.50 (a true minus sign) or “no change”."""
    if delta is None or delta == "":
        return ""
    value = Decimal(str(delta))
    if value == 0:
        return _("no change")
    sign = "+" if value > 0 else "−"
    return f"{sign}¥{floatformat(abs(value), '2g')}"
