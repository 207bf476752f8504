"""Writes of standard products: an operator puts a product on sale, changes its price, retires it."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.audit import audit_record
from heyi.core.errors import DomainError, InvalidInput, PermissionDenied
from heyi.core.models import Category
from heyi.core.text import text_clean
from heyi.products.errors import ProductsErrorCode
from heyi.products.models import Product, ProductStatus

NAME_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 8000
PRICE_MAX = Decimal("9999999999.99")
# Packed volume (litres) and weight (kg) of one unit: route planning loads vans by both.
SIZE_MAX = 100_000


def _require_operator(actor: Any) -> None:
    if not user_is_operator(actor):
        raise PermissionDenied(
            _("Only an operator may change the standard products."),
            code=ProductsErrorCode.NOT_OPERATOR,
        )


def price_clean(value: Any) -> Decimal:
    """A price in yuan: not negative, at most two decimals."""
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise InvalidInput(
            _("The price must be a number."), code=ProductsErrorCode.PRICE_INVALID
        ) from error
    if not price.is_finite() or price < 0 or price > PRICE_MAX:
        raise InvalidInput(
            _("The price must be between 0 and %(max)s.") % {"max": PRICE_MAX},
            code=ProductsErrorCode.PRICE_INVALID,
        )
    if price != price.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("The price has at most two decimals."), code=ProductsErrorCode.PRICE_INVALID
        )
    return price.quantize(Decimal("0.01"))


def size_clean(value: Any, *, field: str) -> int:
    """A packed volume in litres or weight in kg of one unit: a whole number, at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= SIZE_MAX:
        raise InvalidInput(
            _("The %(field)s must be a whole number from 1 to %(max)d.")
            % {"field": field, "max": SIZE_MAX},
            code=ProductsErrorCode.SIZE_INVALID,
        )
    return value


def _category(slug: str | None) -> Category | None:
    if not slug:
        return None
    try:
        return Category.objects.get(slug=slug)
    except Category.DoesNotExist as error:
        raise InvalidInput(_("Unknown category: %(slug)s.") % {"slug": slug}) from error


def _name_taken(name: str) -> DomainError:
    return DomainError(
        ProductsErrorCode.NAME_TAKEN,
        _("A product named %(name)s already exists.") % {"name": name},
    )


@transaction.atomic
def product_create(
    *,
    actor: Any,
    name: str,
    description: str,
    list_price: Decimal | str,
    category_slug: str | None = None,
    demand_uid: uuid.UUID | None = None,
    volume_litres: int | None = None,
    weight_kg: int | None = None,
) -> Product:
    """Put a standard product on sale (packed size defaults: 100 litres, 30 kg)."""
    _require_operator(actor)
    name = text_clean(value=name, field=_("Name"), max_length=NAME_MAX_LENGTH)
    description = text_clean(
        value=description, field=_("Description"), max_length=DESCRIPTION_MAX_LENGTH
    )
    price = price_clean(list_price)
    size: dict[str, int] = {}
    if volume_litres is not None:
        size["volume_litres"] = size_clean(volume_litres, field=_("volume in litres"))
    if weight_kg is not None:
        size["weight_kg"] = size_clean(weight_kg, field=_("weight in kg"))
    category = _category(category_slug)
    slug = slugify(name)[:80] or uuid.uuid4().hex[:12]
    if Product.objects.filter(name__iexact=name).exists():
        raise _name_taken(name)
    if Product.objects.filter(slug=slug).exists():
        slug = f"{slug[:67]}-{uuid.uuid4().hex[:12]}"
    try:
        with transaction.atomic():
            product = Product.objects.create(
                slug=slug,
                name=name,
                description=description,
                category=category,
                list_price=price,
                demand_uid=demand_uid,
                created_by=actor,
                **size,
            )
    except IntegrityError as error:
        raise _name_taken(name) from error
    audit_record(
        type="products.product.created",
        summary=f"{name} went on sale at ¥{price}",
        actor=actor,
        subject=product,
        demand_uid=demand_uid,
        data={"slug": product.slug, "list_price": str(price)},
    )
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    actor: Any,
    description: str | None = None,
    list_price: Decimal | str | None = None,
    on_sale: bool | None = None,
    volume_litres: int | None = None,
    weight_kg: int | None = None,
) -> Product:
    """Change a product's description, price, packed size or whether it is on sale. Orders
    keep their price."""
    _require_operator(actor)
    sizes = {
        field: size_clean(value, field=label)
        for field, value, label in (
            ("volume_litres", volume_litres, _("volume in litres")),
            ("weight_kg", weight_kg, _("weight in kg")),
        )
        if value is not None
    }
    locked = Product.objects.select_for_update().get(pk=product.pk)
    changes: dict[str, Any] = {}
    if description is not None:
        locked.description = text_clean(
            value=description, field=_("Description"), max_length=DESCRIPTION_MAX_LENGTH
        )
        changes["description"] = True
    if list_price is not None:
        price = price_clean(list_price)
        if price != locked.list_price:
            changes["list_price"] = [str(locked.list_price), str(price)]
            locked.list_price = price
    if on_sale is not None:
        status = ProductStatus.ACTIVE if on_sale else ProductStatus.RETIRED
        if status != locked.status:
            changes["status"] = [locked.status, status]
            locked.status = status
    for field, value in sizes.items():
        if value != getattr(locked, field):
            changes[field] = [getattr(locked, field), value]
            setattr(locked, field, value)
    if not changes:
        return locked
    locked.save()
    audit_record(
        type="products.product.updated",
        summary=f"{locked.name} changed",
        actor=actor,
        subject=locked,
        data=changes,
    )
    return locked
