"""The JSON API of devices: my devices, binding by one-time code, desired state, sharing,
readings, alarms and commands; and the HTTPS ingest for devices that do not speak MQTT."""

from __future__ import annotations

import dataclasses
import hmac
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from heyi.api_auth import DEVICE_AUTH
from heyi.core.access import Scope, request_access
from heyi.core.errors import CoreErrorCode, DomainError, InvalidInput, NotFound, PermissionDenied
from heyi.devices import commands, selectors, services
from heyi.devices.capabilities import capabilities_parse, state_check, telemetry_check
from heyi.devices.errors import DevicesErrorCode
from heyi.devices.gateway import codec
from heyi.devices.gateway.topics import TopicKind
from heyi.devices.ingest import IngestRefusal, ingest_messages
from heyi.devices.models import CommandSource, Device, DeviceAlarm, DeviceCommand, Reading
from heyi.devices.schemas import (
    AlarmOut,
    BindIn,
    CommandIn,
    CommandOut,
    CredentialOut,
    DesiredIn,
    DeviceOut,
    IngestOut,
    ReadingOut,
    ShadowOut,
    ShareIn,
    ShareOut,
    UnbindOut,
)

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


def _reading_out(reading: Reading) -> dict[str, Any]:
    return {
        "id": reading.message_id,
        "measured_at": reading.device_ts,
        "received_at": reading.received_at,
        "values": reading.values,
    }


def _alarm_out(alarm: DeviceAlarm) -> dict[str, Any]:
    return {
        "id": str(alarm.uid),
        "code": alarm.code,
        "severity": alarm.severity,
        "message": alarm.message,
        "raised_at": alarm.raised_at,
        "cleared_at": alarm.cleared_at,
        "is_active": alarm.cleared_at is None,
    }


def _command_out(command: DeviceCommand) -> dict[str, Any]:
    return {
        "id": str(command.message_id),
        "name": command.name,
        "args": command.args,
        "status": command.status,
        "source": command.source,
        "app_id": command.app_id,
        "created_at": command.created_at,
        "expires_at": command.expires_at,
        "sent_at": command.sent_at,
        "answered_at": command.answered_at,
        "detail": command.detail,
    }


@router.get("/devices/{serial}/readings", response=list[ReadingOut])
def reading_list(
    request: HttpRequest,
    serial: str,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    """A device's readings measured in [since, until) (ISO 8601), newest first (scope
    telemetry:read). To page back in time, pass the oldest `measured_at` received as `until`."""
    device = _device_for(request, serial, Scope.TELEMETRY_READ)
    readings = selectors.reading_history(device=device, user=request.user)
    if since is not None:
        readings = readings.filter(device_ts__gte=since)
    if until is not None:
        readings = readings.filter(device_ts__lt=until)
    return [_reading_out(reading) for reading in readings[:limit]]


@router.get("/devices/{serial}/alarms", response=list[AlarmOut])
def alarm_list(request: HttpRequest, serial: str, limit: int = Query(50, ge=1, le=200)) -> Any:
    """A device's alarms: active ones first, then cleared ones (scope telemetry:read)."""
    device = _device_for(request, serial, Scope.TELEMETRY_READ)
    return [
        _alarm_out(alarm)
        for alarm in selectors.alarm_list(device=device, user=request.user, limit=limit)
    ]


@router.post("/devices/{serial}/commands", response={202: CommandOut})
def command_send(request: HttpRequest, serial: str, payload: CommandIn) -> Any:
    """Send a command the device's model declares (scope commands:send; owner and members with
    control). It is delivered at once if the device is online, else when it next speaks, and
    times out after `ttl_seconds`. Follow it with GET …/commands/{id}. Send an Idempotency-Key:
    a retry with the same key returns this command and sends no second one."""
    device = _device_for(request, serial, Scope.COMMANDS_SEND)
    if payload.name == commands.SET_COMMAND:
        raise InvalidInput(
            _("Attribute values are set with PUT /devices/{serial}/desired."),
            code=commands.CommandErrorCode.COMMAND_INVALID,
        )
    access = request_access(request)
    command = commands.command_send(
        device=device,
        actor=request.user,
        name=payload.name,
        args=payload.args,
        source=CommandSource.APP if access is not None else CommandSource.USER,
        app_id=access.app_id if access is not None else None,
        ttl=timedelta(seconds=payload.ttl_seconds),
    )
    command.refresh_from_db()  # delivery on commit may have marked it sent
    return Status(202, _command_out(command))


def _device_for_commands(request: HttpRequest, serial: str) -> Device:
    """Commands may be read with devices:read (the device's history) or commands:send (an app
    following what it sent)."""
    access = request_access(request)
    if access is not None and access.allows(Scope.COMMANDS_SEND):
        return _device_for(request, serial, Scope.COMMANDS_SEND)
    return _device_for(request, serial, Scope.DEVICES_READ)


@router.get("/devices/{serial}/commands", response=list[CommandOut])
def command_list(request: HttpRequest, serial: str, limit: int = Query(20, ge=1, le=100)) -> Any:
    """A device's latest commands, newest first (scope devices:read or commands:send)."""
    device = _device_for_commands(request, serial)
    return [
        _command_out(command)
        for command in selectors.command_list(device=device, user=request.user, limit=limit)
    ]


@router.get("/devices/{serial}/commands/{command_id}", response=CommandOut)
def command_get(request: HttpRequest, serial: str, command_id: str) -> Any:
    """One command and how it went (scope devices:read or commands:send)."""
    device = _device_for_commands(request, serial)
    return _command_out(
        selectors.command_get(device=device, user=request.user, command_id=command_id)
    )


@router.delete("/devices/{serial}/shares/{member}", response={204: None})
def device_unshare(request: HttpRequest, serial: str, member: str) -> Any:
    """The owner ends a share (`member`: the person's e-mail address or user id); a member may
    also leave a device shared with them."""
    _apps_refuse(request)
    device = selectors.device_get_for_user(serial=serial, user=request.user)
    share = selectors.share_get(device=device, who=member)
    services.device_unshare(device=device, actor=request.user, user=share.user)
    return Status(204, None)


@router.post("/devices/{serial}/unbind", response=UnbindOut)
def device_unbind(request: HttpRequest, serial: str) -> Any:
    """The owner lets the device go: its shares end, and a fresh one-time code (answered here,
    to hand to the next owner) binds it again."""
    _apps_refuse(request)
    device = selectors.device_get_for_user(serial=serial, user=request.user)
    binding = services.device_unbind(device=device, actor=request.user)
    return {
        "serial": device.serial,
        "status": device.status,
        "binding_code": binding.code,
        "binding_code_expires_at": binding.expires_at,
    }


@router.post("/devices/{serial}/credentials", response={201: CredentialOut})
def credential_roll(request: HttpRequest, serial: str) -> Any:
    """The owner issues a new device token; every earlier token stops working at once. The
    token is in this answer only: store it in the device."""
    _apps_refuse(request)
    device = selectors.device_get_for_user(serial=serial, user=request.user)
    if device.owner_id != request.user.pk:
        raise PermissionDenied(
            _("Only the device's owner may do this."), code=DevicesErrorCode.NOT_OWNER
        )
    credential, token = services.credential_roll(device=device, actor=request.user)
    return Status(201, {"token": token, "created_at": credential.created_at})


# --- HTTPS ingest: the MQTT v1 payloads, for devices that cannot hold an MQTT connection ------

DEVICE_UNAUTHENTICATED = IngestRefusal.DEVICE_UNAUTHENTICATED.value
_PAYLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True},
                "example": {
                    "v": 1,
                    "id": "2f1c0a52-6b1e-4c36-9a53-0f7e2b9d3c41",
                    "ts": 1785000000000,
                    "values": {"temperature": 4.5},
                },
            }
        },
        "description": (
            "An MQTT v1 payload of this kind (docs/mqtt.md); `auth` may be left out. The device "
            "authenticates with the header `Authorization: Device <token>`."
        ),
    },
}


def _unauthenticated() -> DomainError:
    return DomainError(
        DEVICE_UNAUTHENTICATED,
        _("Send the device token as `Authorization: Device <token>`."),
        status=401,
    )


def _device_token(request: HttpRequest) -> str:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "device" else ""


def _device_message_ingest(request: HttpRequest, serial: str, kind: TopicKind) -> dict[str, int]:
    """Authenticate the device by its token, decode the payload with the MQTT codec, check it
    against the model (to answer with the precise reason) and store it like the gateway does."""
    token = _device_token(request)
    device = services.device_authenticate(serial=serial, token=token) if token else None
    if device is None:
        raise _unauthenticated()
    message = codec.decode_payload(serial, kind, request.body, auth_required=False)
    assert isinstance(message, codec.Telemetry | codec.StateReport | codec.Alarm)
    if message.auth and not hmac.compare_digest(message.auth, token):
        raise _unauthenticated()
    capabilities = capabilities_parse(device.model.capabilities)
    if isinstance(message, codec.Telemetry) and capabilities.telemetry:
        for reading in message.readings:
            telemetry_check(capabilities, dict(reading.values))
    if isinstance(message, codec.StateReport):
        state_check(capabilities, dict(message.attributes))
    report = ingest_messages([dataclasses.replace(message, auth=token)])
    if report.refused:
        code = next(iter(report.refused))
        if code == DEVICE_UNAUTHENTICATED:  # revoked between the two checks
            raise _unauthenticated()
        raise DomainError(
            code, _("The message was refused (%(code)s).") % {"code": code}, status=422
        )
    stored = {
        TopicKind.TELEMETRY: report.stored,
        TopicKind.STATE: report.states,
        TopicKind.ALARMS: report.alarms,
    }[kind]
    return {"stored": stored, "duplicates": report.duplicates}


@router.post(
    "/devices/{serial}/telemetry",
    response={202: IngestOut},
    auth=None,
    openapi_extra=_PAYLOAD_DOC,
    tags=["device ingest"],
)
def device_telemetry(request: HttpRequest, serial: str) -> Any:
    """A device posts readings over HTTPS (docs/https-telemetry.md): the MQTT v1 telemetry
    payload, authenticated by `Authorization: Device <token>`. A message id already stored is
    counted in `duplicates` and stored once."""
    return Status(202, _device_message_ingest(request, serial, TopicKind.TELEMETRY))


@router.post(
    "/devices/{serial}/state",
    response={202: IngestOut},
    auth=None,
    openapi_extra=_PAYLOAD_DOC,
    tags=["device ingest"],
)
def device_state(request: HttpRequest, serial: str) -> Any:
    """A device reports its attributes over HTTPS: the MQTT v1 state payload."""
    return Status(202, _device_message_ingest(request, serial, TopicKind.STATE))


@router.post(
    "/devices/{serial}/alarms",
    response={202: IngestOut},
    auth=None,
    openapi_extra=_PAYLOAD_DOC,
    tags=["device ingest"],
)
def device_alarm(request: HttpRequest, serial: str) -> Any:
    """A device raises or clears an alarm over HTTPS: the MQTT v1 alarm payload."""
    return Status(202, _device_message_ingest(request, serial, TopicKind.ALARMS))
