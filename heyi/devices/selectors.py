"""Reads of devices: one device, the devices a person owns or was shared, and who may do what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import NotFound, PermissionDenied
from heyi.devices.errors import DevicesErrorCode
from heyi.devices.models import Device, DeviceBindingCode, DeviceShare, Reading, ShareRole
from heyi.orders.models import Order


def device_get(*, serial: str) -> Device:
    """A device by its serial number (its public identifier)."""
    device = Device.objects.select_related("model", "owner").filter(serial=serial).first()
    if device is None:
        raise NotFound(_("No such device."), code=DevicesErrorCode.DEVICE_NOT_FOUND)
    return device


def device_get_for_user(*, serial: str, user: Any) -> Device:
    """A device its viewer may see; to anyone else it does not exist (serials are not secret,
    but who owns what is)."""
    device = device_get(serial=serial)
    if not device_can_view(user, device):
        raise NotFound(_("No such device."), code=DevicesErrorCode.DEVICE_NOT_FOUND)
    return device


def device_list_for_user(*, user: Any) -> QuerySet[Device]:
    """Devices the person owns or that were shared with them."""
    if not getattr(user, "is_authenticated", False):
        return Device.objects.none()
    return (
        Device.objects.filter(Q(owner=user) | Q(shares__user=user))
        .select_related("model")
        .distinct()
        .order_by("serial")
    )


def _share_role(user: Any, device: Device) -> str | None:
    return (
        DeviceShare.objects.filter(device=device, user=user).values_list("role", flat=True).first()
    )


def device_can_view(user: Any, device: Device) -> bool:
    """The owner, anyone it is shared with, and operators (for support) may see a device."""
    if not getattr(user, "is_authenticated", False):
        return False
    if device.owner_id == user.pk or user_is_operator(user):
        return True
    return _share_role(user, device) is not None


def device_can_control(user: Any, device: Device) -> bool:
    """The owner and members shared with `control` may operate a device; operators may not."""
    if not getattr(user, "is_authenticated", False):
        return False
    if device.owner_id == user.pk:
        return True
    return _share_role(user, device) == ShareRole.CONTROL


def binding_code_list_for_order(*, order: Order, user: Any) -> list[DeviceBindingCode]:
    """The usable binding codes of an order's devices, for its buyer's eyes only."""
    if not getattr(user, "is_authenticated", False) or order.user_id != user.pk:
        return []
    return list(
        DeviceBindingCode.objects.filter(
            device__order=order, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("device")
        .order_by("device__unit_index")
    )


def reading_list(
    *,
    device: Device,
    user: Any,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
) -> list[Reading]:
    """A device's readings in measurement order, for those who may see the device."""
    if not device_can_view(user, device):
        raise PermissionDenied(_("You may not see this device."), code=DevicesErrorCode.NOT_ALLOWED)
    readings = Reading.objects.filter(device=device)
    if since is not None:
        readings = readings.filter(device_ts__gte=since)
    if until is not None:
        readings = readings.filter(device_ts__lt=until)
    return list(readings.order_by("device_ts", "id")[:limit])
