"""Test helpers for ventures: categories, and ventures founded through the real service."""

from __future__ import annotations

from typing import Any

import factory

from heyi.accounts.models import User
from heyi.core.models import Category
from heyi.ventures.models import Venture, VentureKind
from heyi.ventures.services import venture_create


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.LazyAttribute(lambda c: c.slug.replace("-", " ").title())
    position = factory.Sequence(lambda n: n)


def venture_found(*, founder: User, name: str = "Cold Chain Makers", **fields: Any) -> Venture:
    """A venture founded by `founder` through venture_create, with sensible defaults."""
    values: dict[str, Any] = {
        "kind": VentureKind.MAKER,
        "mission": "We build made-to-order refrigerators for small restaurants.",
        "city": "Qingdao",
        "categories": [],
        "capacity_per_day": 40,
    }
    values.update(fields)
    return venture_create(actor=founder, name=name, **values)
