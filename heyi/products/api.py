"""The JSON API of standard products (ordering one is in the orders API)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from heyi.api_auth import OPTIONAL_AUTH
from heyi.products import selectors, services
from heyi.products.schemas import ProductIn, ProductOut, ProductPatchIn

router = Router(tags=["products"])


@router.get("/products", response=list[ProductOut], auth=OPTIONAL_AUTH)
def product_list(request: HttpRequest, category: str = "", include_retired: bool = False) -> Any:
    """The standard products on sale (with `include_retired`, the retired ones too)."""
    return list(selectors.product_list(on_sale_only=not include_retired, category=category))


@router.get("/products/{slug}", response=ProductOut, auth=OPTIONAL_AUTH)
def product_get(request: HttpRequest, slug: str) -> Any:
    return selectors.product_get(slug=slug)


@router.post("/products", response={201: ProductOut})
def product_create(request: HttpRequest, payload: ProductIn) -> Any:
    """Put a product on sale (operators); volume and weight, when given, are at least 1."""
    product = services.product_create(
        actor=request.user,
        name=payload.name,
        description=payload.description,
        list_price=payload.list_price,
        category_slug=payload.category,
        volume_litres=payload.volume_litres,
        weight_kg=payload.weight_kg,
    )
    return Status(201, product)


@router.patch("/products/{slug}", response=ProductOut)
def product_update(request: HttpRequest, slug: str, payload: ProductPatchIn) -> Any:
    """Change a product's description, price, packed size or whether it is on sale
    (operators)."""
    return services.product_update(
        product=selectors.product_get(slug=slug),
        actor=request.user,
        description=payload.description,
        list_price=payload.list_price,
        on_sale=payload.on_sale,
        volume_litres=payload.volume_litres,
        weight_kg=payload.weight_kg,
    )
