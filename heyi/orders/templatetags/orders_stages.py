"""Template filters of the order pages: a stage's human label."""

from __future__ import annotations

from typing import Any

from django import template

from heyi.orders.models import OrderStage

register = template.Library()


@register.filter
def stage_label(stage: Any) -> str:
    """`in_production` → “In production” (in the reader's language)."""
    try:
        return str(OrderStage(str(stage)).label)
    except ValueError:
        return str(stage)
