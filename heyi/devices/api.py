"""The JSON API of devices: my devices, binding by one-time code, desired state, sharing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from heyi.api_auth import DEVICE_AUTH
from heyi.core.access import Scope, request_access
from heyi.core.errors import CoreErrorCode, NotFound, PermissionDenied
from heyi.devices import selectors, services
from heyi.devices.errors import DevicesErrorCode
from heyi.devices.models import Device
from heyi.devices.schemas import BindIn, DesiredIn, DeviceOut, ShadowOut, ShareIn, ShareOut

# Apps acting for a user (OAuth2) may call these endpoints, within their scopes and devices.
router = Router(tags=["devices"], auth=DEVICE_AUTH)


def _scope_require(request: HttpRequest, scope: Scope) -> None:
    """An app's token must carry `scope`; a person's token or session reaches everything."""
    access = request_access(request)
    if access is not None and not access.allows(scope):
        raise PermissionDenied(
            _("This app was not granted the %(scope)s scope.") % {"scope": scope.value},
            code=CoreErrorCode.SCOPE_MISSING,
        )


def _device_for(request: HttpRequest, serial: str, scope: Scope) -> Device:
    """A device the caller may see, and, for an app, one its user granted with `scope`."""
    _scope_require(request, scope)
    device = selectors.device_get_for_user(serial=serial, user=request.user)
    access = request_access(request)
    if access is not None and not access.reaches(device.pk):
        raise NotFound(_("No such device."), code=DevicesErrorCode.DEVICE_NOT_FOUND)
    return device


def _apps_refuse(request: HttpRequest) -> None:
    """Binding and sharing are the owner's own acts: no app may do them for the owner."""
    if request_access(request) is not None:
        raise PermissionDenied(
            _("Apps may not do this; the device's owner must."), code=CoreErrorCode.APP_NOT_ALLOWED
        )


def _devices_for(request: HttpRequest) -> Any:
    _scope_require(request, Scope.DEVICES_READ)
    devices = selectors.device_list_for_user(user=request.user)
    access = request_access(request)
    if access is not None:
        devices = devices.filter(pk__in=access.device_ids)
    return devices


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
    return [_device_out(device, user) for device in _devices_for(request).select_related("shadow")]


# Declared before /devices/{serial}, which would otherwise take "bind" for a serial.
@router.post("/devices/bind", response=DeviceOut)
def device_bind(request: HttpRequest, payload: BindIn) -> Any:
    """Bind a device to me with the one-time code from its box or my order page."""
    _apps_refuse(request)
    device = services.device_bind(code=payload.code, actor=request.user)
    return _device_out(device, request.user)


@router.get("/devices/{serial}", response=DeviceOut)
def device_get(request: HttpRequest, serial: str) -> Any:
    """One device with its reported and desired state (owner, shared members, operators)."""
    device = _device_for(request, serial, Scope.DEVICES_READ)
    return _device_out(device, request.user)


@router.put("/devices/{serial}/desired", response=ShadowOut)
def shadow_desire(request: HttpRequest, serial: str, payload: DesiredIn) -> Any:
    """Ask for attribute values (owner and members with control); delivered when online."""
    device = _device_for(request, serial, Scope.COMMANDS_SEND)
    return services.shadow_desire(device=device, actor=request.user, values=payload.values)


@router.post("/devices/{serial}/shares", response=ShareOut)
def device_share(request: HttpRequest, serial: str, payload: ShareIn) -> Any:
    """The owner shares the device with another person, to view or to control it."""
    _apps_refuse(request)
    device = selectors.device_get_for_user(serial=serial, user=request.user)
    share = services.device_share_by_email(
        device=device, actor=request.user, email=payload.email, role=payload.role
    )
    return {"email": share.user.email, "role": share.role}
