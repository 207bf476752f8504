"""Test helpers for demands: categories, uploads and demands raised through the real service."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from heyi.core.models import Category
from heyi.demands.models import Demand
from heyi.demands.services import demand_raise

FIFTY_MB = 50 * 1024 * 1024


def category_make(slug: str = "kitchen", name: str = "Kitchen", position: int = 0) -> Category:
    category, _created = Category.objects.get_or_create(
        slug=slug, defaults={"name": name, "position": position}
    )
    return category


def picture_upload(
    name: str = "photo.png", *, image_format: str = "PNG", colour: str = "teal"
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), colour).save(buffer, format=image_format)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def text_upload(name: str = "notes.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"This is a shopping list, not a picture.\n", "image/png")


def huge_upload(name: str = "huge.jpg") -> SimpleUploadedFile:
    # A real JPEG header followed by 50 MB: the size check must refuse it before decoding.
    head = picture_upload(image_format="JPEG").read()
    return SimpleUploadedFile(name, head + b"\0" * (FIFTY_MB - len(head)), "image/jpeg")


def demand_make(
    author: Any,
    *,
    title: str = "A fridge that keeps vegetables fresh for two weeks",
    description: str = "My greens wilt after three days. I want a drawer that keeps them crisp.",
    category: str = "kitchen",
    tags: Iterable[str] = (),
    pictures: Sequence[Any] = (),
    selection_mode: str = "author",
) -> Demand:
    category_make(slug=category, name=category.title())
    return demand_raise(
        author=author,
        title=title,
        description=description,
        category=category,
        tags=tags,
        pictures=pictures,
        selection_mode=selection_mode,
    )
