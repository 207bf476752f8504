"""Writes to the shared core tables: product categories."""

from __future__ import annotations

from django.db import transaction

from heyi.core.models import Category


@transaction.atomic
def category_ensure(*, slug: str, name: str, position: int = 0) -> Category:
    """Create the category, or bring its name and position up to date."""
    category, created = Category.objects.get_or_create(
        slug=slug, defaults={"name": name, "position": position}
    )
    if not created and (category.name != name or category.position != position):
        category.name = name
        category.position = position
        category.save(update_fields=["name", "position"])
    return category
