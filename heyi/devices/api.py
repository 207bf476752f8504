"""The JSON API of devices: my devices, binding by one-time code, desired state, sharing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from heyi.devices import selectors, services
from heyi.devices.models import Device
from heyi.devices.schemas import BindIn, DesiredIn, DeviceOut, ShadowOut, ShareIn, ShareOut

router = Router(tags=["devices"])


def _device_out(device: Device, user: Any) -> dict[str, Any]:
    return {
        "serial": device.serial,
        "model": device.model.name,
        "status": device.status,
        "is_owner": device.owner_id == user.pk,
        "can_control": selectors.device_can_control(user, device),
        "is_online": device.is_online,
        "last_seen_at": device.last_seen_at,
        "shadow": device.shadow,
    }


@router.get("/devices", response=list[DeviceOut])
def device_list(request: HttpRequest) -> Any:
    """The devices I own or that were shared with me."""
    user = request.user
    return [
        _device_out(device, user)
        for device in selectors.device_list_for_user(user=user).select_related("shadow")
    ]


# Declared before /devices/{serial}, which would otherwise take "bind" for a serial.
@router.post("/devices/bind", response=DeviceOut)
def device_bind(request: HttpRequest, payload: BindIn) -> Any:
    """Bind a device to me with the one-time code from its box or my order page."""
    device = services.device_bind(code=payload.code, actor=request.user)
    return _device_out(device, request.user)


@router.get("/devices/{serial}", response=DeviceOut)
def device_get(request: HttpRequest, serial: str) -> Any:
    """One device with its reported and desired state (owner, shared members, operators)."""
    device = selectors.device_get_for_user(serial=serial, user=request.user)
    return _device_out(device, request.user)


@router.put("/devices/{serial}/desired", response=ShadowOut)
def shadow_desire(request: HttpRequest, serial: str, payload: DesiredIn) -> Any:
    """Ask for attribute values (owner and members with control); delivered when online."""
    device = selectors.device_get_for_user(serial=serial, user=request.user)
    return services.shadow_desire(device=device, actor=request.user, values=payload.values)


@router.post("/devices/{serial}/shares", response=ShareOut)
def device_share(request: HttpRequest, serial: str, payload: ShareIn) -> Any:
    """The owner shares the device with another person, to view or to control it."""
    device = selectors.device_get_for_user(serial=serial, user=request.user)
    share = services.device_share_by_email(
        device=device, actor=request.user, email=payload.email, role=payload.role
    )
    return {"email": share.user.email, "role": share.role}
