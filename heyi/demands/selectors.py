"""Reads about demands (to be completed)."""

from heyi.demands.models import Demand


def demand_list(*, sort: str = "newest"):  # type: ignore[no-untyped-def]
    return Demand.objects.all()
