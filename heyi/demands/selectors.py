"""Reads about demands."""

from __future__ import annotations

from django.db.models import QuerySet

from heyi.core.errors import NotFound
from heyi.demands.errors import DemandsErrorCode
from heyi.demands.models import Demand


def demand_get(*, number: int) -> Demand:
    try:
        return Demand.objects.select_related("author", "category").get(number=number)
    except Demand.DoesNotExist as error:
        raise NotFound(f"No demand #{number}.", code=DemandsErrorCode.DEMAND_NOT_FOUND) from error


def demand_list(*, sort: str = "newest") -> QuerySet[Demand]:
    order = {"newest": "-created_at", "most_supported": "-support_count", "most_fans": "-fan_count"}
    return Demand.objects.select_related("category", "author").order_by(
        order.get(sort, "-created_at"), "-id"
    )
