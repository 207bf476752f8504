"""Test helpers of rules: a bound smart fridge, and the device events the ingest would publish."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from heyi.devices.events import DeviceEvent, DeviceEventType
from heyi.devices.models import Device, DeviceBindingCode, DeviceModel
from heyi.devices.services import device_bind, device_register
from heyi.devices.tests.factories import delivered_order, device_make

# Events get strictly increasing times, as readings arriving one after another do.
_ticks = itertools.count(1)
_START = timezone.now() - timedelta(days=1)


def _at() -> Any:
    return _START + timedelta(seconds=next(_ticks))


def bound_device(operator: Any, owner: Any) -> Device:
    """A smart fridge delivered to `owner` and bound by them."""
    device = device_make(operator, owner)
    return device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)


def bound_device_of(model: DeviceModel, owner: Any) -> Device:
    """Another device of an existing model, delivered to and bound by `owner`."""
    device = device_register(order=delivered_order(model, owner), model=model)[0]
    return device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)


def telemetry(device: Device, *readings: dict[str, Any], prefix: str = "m") -> list[DeviceEvent]:
    """One telemetry event per values dict, with message ids `<prefix>-1`, `<prefix>-2`, …"""
    events = []
    for index, values in enumerate(readings, start=1):
        at = _at()
        events.append(
            DeviceEvent(
                type=DeviceEventType.TELEMETRY,
                device_id=device.pk,
                serial=device.serial,
                at=at,
                data={"values": values, "reading_id": f"{prefix}-{index}", "ts": at.isoformat()},
            )
        )
    return events


def alarm(
    device: Device, code: str = "compressor_fault", severity: str = "critical"
) -> DeviceEvent:
    return DeviceEvent(
        type=DeviceEventType.ALARM_RAISED,
        device_id=device.pk,
        serial=device.serial,
        at=_at(),
        data={"code": code, "severity": severity, "message": "No cooling."},
    )


def offline(device: Device) -> DeviceEvent:
    at = _at()
    return DeviceEvent(
        type=DeviceEventType.OFFLINE,
        device_id=device.pk,
        serial=device.serial,
        at=at,
        data={"last_seen_at": (at - timedelta(minutes=10)).isoformat()},
    )
