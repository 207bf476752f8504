"""Packed volume and weight of a product: set by operators, always positive, loaded onto vans."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.products.models import Product
from heyi.products.services import product_create, product_update

pytestmark = pytest.mark.django_db

FRIDGE: dict[str, Any] = {
    "name": "Compact fridge 180 L",
    "description": "Quiet.",
    "list_price": "1999.00",
}


def test_sizes_default_and_are_set_on_create_and_update(operator: Any) -> None:
    plain = product_create(actor=operator, **FRIDGE)
    assert (plain.volume_litres, plain.weight_kg) == (100, 30)
    sized = product_create(
        actor=operator, **{**FRIDGE, "name": "Chest freezer"}, volume_litres=420, weight_kg=55
    )
    assert (sized.volume_litres, sized.weight_kg) == (420, 55)
    updated = product_update(product=plain, actor=operator, volume_litres=250)
    assert (updated.volume_litres, updated.weight_kg) == (250, 30)
    event = AuditEvent.objects.filter(type="products.product.updated").get()
    assert event.data == {"volume_litres": [100, 250]}


@pytest.mark.parametrize("size", [0, -5, True, "10", 100_001])
def test_a_bad_size_is_refused_and_nothing_written(operator: Any, size: Any) -> None:
    with pytest.raises(DomainError) as refused:
        product_create(actor=operator, **FRIDGE, weight_kg=size)
    assert (refused.value.code, refused.value.status) == ("product_size_invalid", 422)
    assert Product.objects.count() == 0
    product = product_create(actor=operator, **FRIDGE)
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        product_update(product=product, actor=operator, volume_litres=size, list_price="1.00")
    product.refresh_from_db()
    assert (product.volume_litres, str(product.list_price), AuditEvent.objects.count()) == (
        100,
        "1999.00",
        before,
    )


def test_the_api_takes_and_shows_sizes(api_as: Any, operator: Any, owner: Any) -> None:
    client = api_as(operator)
    created = client.post("products", {**FRIDGE, "volume_litres": 300, "weight_kg": 45})
    assert created.status_code == 201
    assert (created.json()["volume_litres"], created.json()["weight_kg"]) == (300, 45)
    negative = client.patch("products/compact-fridge-180-l", {"weight_kg": -1})
    assert (negative.status_code, negative.json()["code"]) == (422, "product_size_invalid")
    zero = client.post("products", {**FRIDGE, "name": "Other", "volume_litres": 0})
    assert (zero.status_code, zero.json()["code"]) == (422, "product_size_invalid")
    assert Product.objects.count() == 1
    denied = api_as(owner).patch("products/compact-fridge-180-l", {"weight_kg": 50})
    assert (denied.status_code, denied.json()["code"]) == (403, "product_not_operator")
    assert Product.objects.get().weight_kg == 45


def test_the_admin_refuses_a_zero_size(operator: Any) -> None:
    from heyi.products.admin import ProductAdminForm

    form = ProductAdminForm(
        data={
            **FRIDGE,
            "slug": "fridge",
            "currency": "CNY",
            "status": "active",
            "volume_litres": 0,
            "weight_kg": 30,
        }
    )
    assert not form.is_valid()
    assert form.errors["volume_litres"] == ["Ensure this value is greater than or equal to 1."]
