"""Writes of devices: product models, registration, binding, sharing, credentials, shadow, telemetry."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import segno
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require, user_get_by_email, user_is_operator
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, NotFound, PermissionDenied
from heyi.devices.capabilities import capabilities_parse, state_check
from heyi.devices.errors import DevicesDomainError, DevicesErrorCode
from heyi.devices.models import (
    CommandSource,
    Device,
    DeviceBindingCode,
    DeviceCredential,
    DeviceModel,
    DeviceShadow,
    DeviceShare,
    DeviceStatus,
    ShareRole,
)
from heyi.devices.selectors import device_can_control
from heyi.notifications.services import notification_send
from heyi.orders.models import Order, OrderStage
from heyi.products.models import Product

# Unambiguous letters and digits (no 0/O, 1/I/L): people type these from a printed card.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Printed in the box, so it must outlive a slow delivery and a slow unpacking.
BINDING_CODE_TTL = timedelta(days=90)
DELIVERED_STAGES = (OrderStage.DELIVERED, OrderStage.INSTALLED, OrderStage.COMPLETED)


def _random_group(length: int = 4) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _index in range(length))


def _serial_new() -> str:
    while True:
        serial = f"HY-{_random_group()}-{_random_group()}"
        if not Device.objects.filter(serial=serial).exists():
            return serial


def _binding_code_new(device: Device) -> DeviceBindingCode:
    while True:
        code = f"{_random_group()}-{_random_group()}"
        if not DeviceBindingCode.objects.filter(code=code).exists():
            return DeviceBindingCode.objects.create(
                device=device, code=code, expires_at=timezone.now() + BINDING_CODE_TTL
            )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_owner(device: Device, actor: Any, *, or_operator: bool = False) -> None:
    if device.owner_id is not None and device.owner_id == getattr(actor, "pk", None):
        return
    if or_operator and user_is_operator(actor):
        return
    raise PermissionDenied(
        _("Only the device's owner may do this."), code=DevicesErrorCode.NOT_OWNER
    )


def device_model_set(
    *,
    actor: Any,
    name: str,
    capabilities: dict[str, Any],
    product: Product | None = None,
    demand_uid: uuid.UUID | None = None,
    is_smart: bool = True,
) -> DeviceModel:
    """Create or update (by name) a product model and its capabilities; operators only."""
    operator_require(actor)
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput(
            _("A device model needs a name of at most 120 characters."),
            code=DevicesErrorCode.MODEL_NAME_INVALID,
        )
    capabilities_parse(capabilities)
    with transaction.atomic():
        model, created = DeviceModel.objects.update_or_create(
            name=name,
            defaults={
                "capabilities": capabilities,
                "product": product,
                "demand_uid": demand_uid,
                "is_smart": is_smart,
            },
        )
        audit_record(
            type="devices.model.created" if created else "devices.model.updated",
            summary=_("Device model %(name)s set.") % {"name": name},
            actor=actor,
            subject=model,
            demand_uid=demand_uid,
        )
    return model


def devices_on_delivery(*, order: Order) -> list[Device]:
    """The delivery hook (registered with orders in DevicesConfig.ready): a delivered order of a
    smart product model becomes devices, each with its binding code. Other orders: nothing."""
    models = DeviceModel.objects.filter(is_smart=True)
    if order.product_id is not None:
        model = models.filter(product_id=order.product_id).order_by("id").first()
    elif order.demand is not None:
        model = models.filter(demand_uid=order.demand.uid).order_by("id").first()
    else:
        model = None
    if model is None:
        return []
    before = Device.objects.filter(order=order).count()
    devices = device_register(order=order, model=model)
    if len(devices) > before:
        # The buyer hears how to bind them: the codes are also printed in the boxes.
        codes = list(
            DeviceBindingCode.objects.filter(device__order=order, used_at__isnull=True)
            .order_by("device__unit_index")
            .values_list("device__serial", "code")
        )
        notification_send(
            user=order.user,
            kind="devices.device.registered",
            title=_("Order O%(number)d is smart: bind it to your account")
            % {"number": order.number},
            body=_(
                "Your %(model)s can report to you and take commands. Bind each unit with its "
                "one-time code (also printed in the box): %(codes)s."
            )
            % {
                "model": model.name,
                "codes": "; ".join(f"{serial}: {code}" for serial, code in codes),
            },
            url=binding_url(codes[0][1]) if codes else "/devices/",
        )
    return devices


def device_register(*, order: Order, model: DeviceModel) -> list[Device]:
    """Make each unit of a delivered order of a smart model a device, with a binding code.

    Idempotent per order and unit: calling it again returns the devices already made.
    """
    if not model.is_smart:
        raise DevicesDomainError(
            DevicesErrorCode.MODEL_NOT_SMART, _("This product model is not smart.")
        )
    if order.stage not in DELIVERED_STAGES:
        raise DevicesDomainError(
            DevicesErrorCode.ORDER_NOT_DELIVERED,
            _("Only a delivered order's products become devices."),
        )
    devices = []
    with transaction.atomic():
        # Serialises registrations of one order, so a repeated delivery hook makes no duplicates.
        Order.objects.select_for_update().filter(pk=order.pk).first()
        existing = {device.unit_index: device for device in Device.objects.filter(order=order)}
        for unit_index in range(order.quantity):
            device = existing.get(unit_index)
            if device is None:
                device = Device.objects.create(
                    serial=_serial_new(), model=model, order=order, unit_index=unit_index
                )
                DeviceShadow.objects.create(device=device)
                _binding_code_new(device)
                audit_record(
                    type="devices.device.registered",
                    summary=_("Device %(serial)s registered from order %(number)s.")
                    % {"serial": device.serial, "number": order.number},
                    subject=device,
                    demand_uid=order.demand.uid if order.demand is not None else None,
                    data={"order": order.number, "unit": unit_index},
                    is_public=False,
                )
            devices.append(device)
    return devices


def _code_normalise(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else cleaned


def device_bind(*, code: str, actor: Any) -> Device:
    """Bind the device of a one-time code to the person entering it."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to bind a device."))
    with transaction.atomic():
        binding = (
            DeviceBindingCode.objects.select_for_update().filter(code=_code_normalise(code)).first()
        )
        if binding is None:
            raise DevicesDomainError(
                DevicesErrorCode.BINDING_CODE_WRONG,
                _("This binding code is not known."),
                status=422,
            )
        if binding.used_at is not None:
            raise DevicesDomainError(
                DevicesErrorCode.BINDING_CODE_USED, _("This binding code was already used.")
            )
        now = timezone.now()
        if binding.expires_at <= now:
            raise DevicesDomainError(
                DevicesErrorCode.BINDING_CODE_EXPIRED, _("This binding code has expired.")
            )
        device = Device.objects.select_for_update().get(pk=binding.device_id)
        if device.status != DeviceStatus.UNBOUND:
            raise DevicesDomainError(
                DevicesErrorCode.DEVICE_ALREADY_BOUND, _("This device is already bound.")
            )
        binding.used_at, binding.used_by = now, actor
        binding.save(update_fields=["used_at", "used_by", "updated_at"])
        device.owner, device.status, device.bound_at = actor, DeviceStatus.BOUND, now
        device.save(update_fields=["owner", "status", "bound_at", "updated_at"])
        audit_record(
            type="devices.device.bound",
            summary=_("Device %(serial)s bound.") % {"serial": device.serial},
            actor=actor,
            subject=device,
            is_public=False,
        )
    return device


def device_unbind(*, device: Device, actor: Any) -> DeviceBindingCode:
    """The owner lets the device go: shares end and a fresh code awaits the next owner."""
    _require_owner(device, actor)
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        _require_owner(locked, actor)
        revoked = DeviceShare.objects.filter(device=locked).delete()[0]
        locked.owner, locked.status, locked.bound_at = None, DeviceStatus.UNBOUND, None
        locked.save(update_fields=["owner", "status", "bound_at", "updated_at"])
        binding = _binding_code_new(locked)
        audit_record(
            type="devices.device.unbound",
            summary=_("Device %(serial)s unbound.") % {"serial": locked.serial},
            actor=actor,
            subject=locked,
            data={"shares_revoked": revoked},
            is_public=False,
        )
    device.refresh_from_db()
    return binding


def device_retire(*, device: Device, actor: Any) -> Device:
    """An operator takes a device out of service: owner, shares and credentials end."""
    operator_require(actor)
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        now = timezone.now()
        DeviceShare.objects.filter(device=locked).delete()
        DeviceCredential.objects.filter(device=locked, revoked_at__isnull=True).update(
            revoked_at=now
        )
        DeviceBindingCode.objects.filter(device=locked, used_at__isnull=True).update(expires_at=now)
        locked.status, locked.is_online = DeviceStatus.RETIRED, False
        locked.save(update_fields=["status", "is_online", "updated_at"])
        audit_record(
            type="devices.device.retired",
            summary=_("Device %(serial)s retired.") % {"serial": locked.serial},
            actor=actor,
            subject=locked,
            is_public=False,
        )
    return locked


def device_share(*, device: Device, actor: Any, user: Any, role: str) -> DeviceShare:
    """The owner shares the device with a family member, to view or to control it."""
    _require_owner(device, actor)
    if role not in ShareRole.values:
        raise InvalidInput(_("Unknown sharing role."), code=DevicesErrorCode.SHARE_ROLE_UNKNOWN)
    if user.pk == device.owner_id:
        raise InvalidInput(
            _("The owner already has the device."), code=DevicesErrorCode.SHARE_WITH_OWNER
        )
    with transaction.atomic():
        share, created = DeviceShare.objects.update_or_create(
            device=device, user=user, defaults={"role": role}
        )
        audit_record(
            type="devices.device.shared",
            summary=_("Device %(serial)s shared (%(role)s).")
            % {"serial": device.serial, "role": role},
            actor=actor,
            subject=device,
            data={"user": str(user.uid), "role": role, "created": created},
            is_public=False,
        )
    return share


def device_share_by_email(*, device: Device, actor: Any, email: str, role: str) -> DeviceShare:
    """Share with a person named by email; only the owner learns whether the email exists."""
    _require_owner(device, actor)
    return device_share(device=device, actor=actor, user=user_get_by_email(email=email), role=role)


def device_unshare(*, device: Device, actor: Any, user: Any) -> None:
    """The owner ends a share; a member may also leave a device shared with them."""
    if getattr(actor, "pk", None) != user.pk:
        _require_owner(device, actor)
    with transaction.atomic():
        deleted = DeviceShare.objects.filter(device=device, user=user).delete()[0]
        if not deleted:
            raise NotFound(
                _("This device is not shared with them."), DevicesErrorCode.SHARE_NOT_FOUND
            )
        audit_record(
            type="devices.device.unshared",
            summary=_("Device %(serial)s no longer shared.") % {"serial": device.serial},
            actor=actor,
            subject=device,
            data={"user": str(user.uid)},
            is_public=False,
        )


def credential_roll(*, device: Device, actor: Any) -> tuple[DeviceCredential, str]:
    """Issue a new device token and revoke the others; the plain token is returned only here."""
    _require_owner(device, actor, or_operator=True)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Device.objects.select_for_update().get(pk=device.pk)
        now = timezone.now()
        revoked = DeviceCredential.objects.filter(device=device, revoked_at__isnull=True).update(
            revoked_at=now
        )
        credential = DeviceCredential.objects.create(device=device, token_hash=token_hash(token))
        audit_record(
            type="devices.credential.rolled",
            summary=_("Credentials of device %(serial)s rolled.") % {"serial": device.serial},
            actor=actor,
            subject=device,
            data={"revoked": revoked},
            is_public=False,
        )
    return credential, token


def credential_revoke(*, credential: DeviceCredential, actor: Any) -> DeviceCredential:
    _require_owner(credential.device, actor, or_operator=True)
    with transaction.atomic():
        updated = DeviceCredential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise NotFound(_("No such active credential."), DevicesErrorCode.CREDENTIAL_NOT_FOUND)
        audit_record(
            type="devices.credential.revoked",
            summary=_("A credential of device %(serial)s revoked.")
            % {"serial": credential.device.serial},
            actor=actor,
            subject=credential.device,
            is_public=False,
        )
    credential.refresh_from_db()
    return credential


def device_authenticate(*, serial: str, token: str) -> Device | None:
    """The device whose serial and token match an active credential, else None."""
    device = Device.objects.select_related("model").filter(serial=serial).first()
    if device is None or device.status == DeviceStatus.RETIRED:
        return None
    presented = token_hash(token)
    hashes = DeviceCredential.objects.filter(device=device, revoked_at__isnull=True).values_list(
        "token_hash", flat=True
    )
    matched = False
    for stored in hashes:
        matched |= hmac.compare_digest(stored, presented)
    return device if matched else None


def shadow_desire(*, device: Device, actor: Any, values: dict[str, Any]) -> DeviceShadow:
    """A person with control asks for attribute values; the gateway delivers them when online."""
    if not device_can_control(actor, device):
        raise PermissionDenied(
            _("You may not control this device."), code=DevicesErrorCode.NOT_ALLOWED
        )
    state_check(capabilities_parse(device.model.capabilities), values, writable_only=True)
    with transaction.atomic():
        shadow = DeviceShadow.objects.select_for_update().get(device=device)
        shadow.desired = {**shadow.desired, **values}
        shadow.desired_version += 1
        shadow.save(update_fields=["desired", "desired_version", "updated_at"])
        audit_record(
            type="devices.shadow.desired",
            summary=_("New desired state for device %(serial)s.") % {"serial": device.serial},
            actor=actor,
            subject=device,
            data={"values": values, "version": shadow.desired_version},
            is_public=False,
        )
        # What differs from the reported state goes to the device as a `set` command: sent at
        # once if it is online, else when it next speaks (or it times out).
        delta = {
            name: value for name, value in values.items() if shadow.reported.get(name) != value
        }
        if delta:
            from heyi.devices.commands import SET_COMMAND, command_send

            command_send(
                device=device,
                actor=actor,
                name=SET_COMMAND,
                args=delta,
                source=CommandSource.SHADOW,
            )
    return shadow


def shadow_report(
    *, device: Device, values: dict[str, Any], version: int | None = None
) -> DeviceShadow:
    """The device reports its state; a report older than the stored one is ignored."""
    state_check(capabilities_parse(device.model.capabilities), values)
    now = timezone.now()
    with transaction.atomic():
        shadow = DeviceShadow.objects.select_for_update().get(device=device)
        if version is not None and version <= shadow.reported_version:
            return shadow
        shadow.reported = {**shadow.reported, **values}
        shadow.reported_version = version if version is not None else shadow.reported_version + 1
        shadow.save(update_fields=["reported", "reported_version", "updated_at"])
        Device.objects.filter(pk=device.pk).update(last_seen_at=now, is_online=True)
    return shadow


def binding_url(code: str, *, base_url: str = "") -> str:
    return f"{base_url.rstrip('/')}/devices/bind/?{urlencode({'code': code})}"


def binding_qr_svg(code: str, *, base_url: str = "") -> str:
    """The QR code (inline SVG) of the page that binds the device with this code."""
    return str(segno.make(binding_url(code, base_url=base_url), error="m").svg_inline(scale=4))
