"""Reads of standard products."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from heyi.core.errors import NotFound
from heyi.products.errors import ProductsErrorCode
from heyi.products.models import Product, ProductStatus


def product_get(*, slug: str) -> Product:
    try:
        return Product.objects.select_related("category").get(slug=slug)
    except Product.DoesNotExist as error:
        raise NotFound(
            _("There is no product %(slug)s.") % {"slug": slug},
            code=ProductsErrorCode.PRODUCT_NOT_FOUND,
        ) from error


def product_list(*, on_sale_only: bool = True, category: str = "") -> QuerySet[Product]:
    products = Product.objects.select_related("category")
    if on_sale_only:
        products = products.filter(status=ProductStatus.ACTIVE)
    if category:
        products = products.filter(category__slug=category)
    return products.order_by("name")
