"""Standard products: operators put them on sale; everyone reads them; bad input writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.products.models import Product, ProductStatus
from heyi.products.services import product_create, product_update

pytestmark = pytest.mark.django_db


def _product(operator: Any, **overrides: Any) -> Product:
    fields: dict[str, Any] = {
        "name": "Compact fridge 180 L",
        "description": "A quiet 180-litre fridge for small flats.",
        "list_price": "1999.00",
    }
    fields.update(overrides)
    return product_create(actor=operator, **fields)


def test_an_operator_puts_a_product_on_sale(operator: Any) -> None:
    product = _product(operator)
    assert (product.slug, product.list_price, product.status) == (
        "compact-fridge-180-l",
        Decimal("1999.00"),
        ProductStatus.ACTIVE,
    )
    event = AuditEvent.objects.get(type="products.product.created")
    assert event.data == {"slug": "compact-fridge-180-l", "list_price": "1999.00"}


@pytest.mark.parametrize(
    ("price", "code"),
    [
        ("-1", "product_price_invalid"),
        ("12.345", "product_price_invalid"),
        ("abc", "product_price_invalid"),
    ],
)
def test_a_bad_price_is_refused_and_nothing_written(operator: Any, price: str, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        _product(operator, list_price=price)
    assert refused.value.code == code
    assert Product.objects.count() == 0


def test_only_operators_create_products(owner: Any) -> None:
    with pytest.raises(DomainError) as refused:
        _product(owner)
    assert (refused.value.code, refused.value.status) == ("product_not_operator", 403)
    assert Product.objects.count() == 0


def test_a_name_is_taken_once(operator: Any) -> None:
    _product(operator)
    with pytest.raises(DomainError) as refused:
        _product(operator, name="compact fridge 180 l")
    assert refused.value.code == "product_name_taken"
    assert Product.objects.count() == 1


def test_update_changes_price_and_retires(operator: Any) -> None:
    product = _product(operator)
    product = product_update(product=product, actor=operator, list_price="1899.50", on_sale=False)
    assert (product.list_price, product.status) == (Decimal("1899.50"), ProductStatus.RETIRED)
    event = AuditEvent.objects.get(type="products.product.updated")
    assert event.data == {"list_price": ["1999.00", "1899.50"], "status": ["active", "retired"]}


def test_api_lists_and_creates(api_as: Any, operator: Any, owner: Any) -> None:
    created = api_as(operator).post(
        "products", {"name": "Wine cooler", "description": "Twelve bottles.", "list_price": "899"}
    )
    assert created.status_code == 201
    assert created.json()["list_price"] == "899.00"
    assert api_as(None).get("products").json()[0]["slug"] == "wine-cooler"
    denied = api_as(owner).post(
        "products", {"name": "Other", "description": "x", "list_price": "1"}
    )
    assert (denied.status_code, denied.json()["code"]) == (403, "product_not_operator")
    anonymous = api_as(None).post(
        "products", {"name": "Other", "description": "x", "list_price": "1"}
    )
    assert anonymous.status_code == 401
    assert Product.objects.count() == 1
    retired = api_as(operator).patch("products/wine-cooler", {"on_sale": False})
    assert retired.json()["on_sale"] is False
    assert api_as(None).get("products").json() == []
    assert len(api_as(None).get("products", {"include_retired": True}).json()) == 1
    missing = api_as(None).get("products/nothing")
    assert (missing.status_code, missing.json()["code"]) == (404, "product_not_found")
