"""Test helpers of devices: a smart fridge model and delivered orders that become devices."""

from __future__ import annotations

from typing import Any

from heyi.devices.models import Device, DeviceModel
from heyi.devices.services import device_model_set, device_register
from heyi.orders.models import Order, OrderStage
from heyi.orders.tests.standard_factories import paid_order, product_make

FRIDGE_CAPABILITIES: dict[str, Any] = {
    "attributes": [
        {"name": "power", "type": "bool", "writable": True},
        {
            "name": "target_temperature",
            "type": "float",
            "unit": "°C",
            "min": 2,
            "max": 8,
            "writable": True,
        },
        {"name": "mode", "type": "enum", "values": ["eco", "normal", "boost"], "writable": True},
        {"name": "firmware", "type": "string"},
    ],
    "telemetry": [
        {"name": "temperature", "type": "float", "unit": "°C", "min": -30, "max": 60},
        {"name": "door_open", "type": "bool"},
    ],
    "commands": [
        {
            "name": "defrost",
            "arguments": [
                {"name": "minutes", "type": "int", "min": 1, "max": 60, "required": True},
                {"name": "quiet", "type": "bool"},
            ],
        }
    ],
    "alarms": [
        {"code": "door_left_open", "severity": "warning", "description": "Door open 5 min."},
        {"code": "compressor_fault", "severity": "critical", "description": "No cooling."},
    ],
}


def fridge_model(operator: Any) -> DeviceModel:
    product = product_make(operator, name="Smart fridge 300 L", price="3999.00")
    return device_model_set(
        actor=operator, name="Smart fridge 300 L", capabilities=FRIDGE_CAPABILITIES, product=product
    )


def delivered_order(model: DeviceModel, buyer: Any, quantity: int = 1) -> Order:
    """A paid order of the model's product, moved to delivered directly.

    The delivery chain (contention, production, shipment) is the orders' and logistics' tests'
    business; here only the stage matters.
    """
    assert model.product is not None
    order = paid_order(model.product, buyer, quantity)
    Order.objects.filter(pk=order.pk).update(stage=OrderStage.DELIVERED)
    order.refresh_from_db()
    return order


def device_make(operator: Any, buyer: Any) -> Device:
    model = fridge_model(operator)
    return device_register(order=delivered_order(model, buyer), model=model)[0]
