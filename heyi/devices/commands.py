"""Commands to devices: sending, delivery to the broker, answers, expiry and the offline sweep.

A command is a row first (`pending`) and a message second: it is published after the row is
committed, only while the device is online, and a failed publish leaves it pending for the next
flush (when the device speaks again) instead of losing it. The command id on the wire is the
row's `message_id`, so a command delivered twice is the same command to the device, and the
device's acknowledgement names it.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, NotFound, PermissionDenied
from heyi.devices import events
from heyi.devices.capabilities import capabilities_parse, command_args_check, state_check
from heyi.devices.errors import DevicesDomainError, DevicesErrorCode
from heyi.devices.gateway.codec import AckStatus, CodecError, Command, encode_command
from heyi.devices.models import (
    CommandSource,
    CommandStatus,
    Device,
    DeviceCommand,
    DeviceStatus,
)
from heyi.devices.selectors import device_can_control
from heyi.devices.transport import TransportError, transport_get

logger = logging.getLogger(__name__)

# The reserved command that carries desired attribute values (the shadow's delta) to a device.
SET_COMMAND = "set"
MIN_TTL = timedelta(seconds=5)
MAX_TTL = timedelta(days=30)  # the codec's limit on `expires`

OPEN_STATUSES = (CommandStatus.PENDING, CommandStatus.SENT)
_ANSWER_STATUS = {
    AckStatus.OK: CommandStatus.ACKED,
    AckStatus.FAILED: CommandStatus.FAILED,
    AckStatus.REJECTED: CommandStatus.REJECTED,
}


class CommandErrorCode(StrEnum):
    COMMAND_NOT_FOUND = "command_not_found"
    COMMAND_INVALID = "command_invalid"
    COMMAND_TTL_INVALID = "command_ttl_invalid"
    DEVICE_RETIRED = "device_retired"


def _epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _wire_command(command: DeviceCommand, serial: str) -> Command:
    return Command(
        serial,
        command.message_id,
        _epoch_ms(command.created_at),
        name=command.name,
        expires=_epoch_ms(command.expires_at),
        args=dict(command.args),
    )


def _args_check(device: Device, name: str, args: Any) -> None:
    capabilities = capabilities_parse(device.model.capabilities)
    if name == SET_COMMAND:
        state_check(capabilities, args, writable_only=True)
    else:
        command_args_check(capabilities, name, args)


def command_send(
    *,
    device: Device,
    actor: Any,
    name: str,
    args: dict[str, Any],
    source: str = CommandSource.USER,
    app_id: int | None = None,
    rule_id: int | None = None,
    ttl: timedelta = timedelta(minutes=10),
) -> DeviceCommand:
    """Record a command for a device and publish it once committed if the device is online.

    A rule acts on behalf of the owner who made it (checked when the rule was saved), so its
    commands skip the person check; everyone else needs control of the device.
    """
    if source != CommandSource.RULE and not device_can_control(actor, device):
        raise PermissionDenied(
            _("You may not control this device."), code=DevicesErrorCode.NOT_ALLOWED
        )
    if device.status == DeviceStatus.RETIRED:
        raise DevicesDomainError(
            CommandErrorCode.DEVICE_RETIRED, _("This device is retired and takes no commands.")
        )
    if not MIN_TTL <= ttl <= MAX_TTL:
        raise InvalidInput(
            _("A command lives between 5 seconds and 30 days."),
            code=CommandErrorCode.COMMAND_TTL_INVALID,
        )
    _args_check(device, name, args)
    now = timezone.now()
    command = DeviceCommand(
        device=device,
        message_id=uuid.uuid4(),
        name=name,
        args=dict(args),
        source=source,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        app_id=app_id,
        rule_id=rule_id,
        expires_at=now + ttl,
    )
    command.created_at = now
    try:
        # The scheme's own rules (lowercase names, value limits) beyond the model's.
        encode_command(_wire_command(command, device.serial))
    except CodecError as error:
        raise InvalidInput(
            _("This command cannot be sent: %(reason)s") % {"reason": error.message},
            code=CommandErrorCode.COMMAND_INVALID,
        ) from None
    with transaction.atomic():
        command.save()
        # The lifetime counts from the stored issue time, which is the `ts` on the wire.
        command.expires_at = command.created_at + ttl
        command.save(update_fields=["expires_at"])
        audit_record(
            type="devices.command.requested",
            summary=_("Command %(name)s requested for device %(serial)s.")
            % {"name": name, "serial": device.serial},
            actor=actor,
            subject=device,
            data={"command": str(command.message_id), "source": str(source), "args": args},
            is_public=False,
        )
        command_pk = command.pk
        transaction.on_commit(lambda: _deliver_if_online(command_pk))
    if not transaction.get_connection().in_atomic_block:
        command.refresh_from_db()
    return command


def _deliver_if_online(command_pk: int) -> None:
    online = DeviceCommand.objects.filter(pk=command_pk, device__is_online=True).exists()
    if online:
        _deliver(command_pk)


def _deliver(command_pk: int) -> bool:
    """Publish one pending command; True if the broker took it. Never raises for the broker."""
    with transaction.atomic():
        command = (
            DeviceCommand.objects.select_for_update(skip_locked=True)
            .select_related("device")
            .filter(pk=command_pk, status=CommandStatus.PENDING, expires_at__gt=timezone.now())
            .first()
        )
        if command is None:  # answered, expired, or another flush holds it
            return False
        topic, payload = encode_command(_wire_command(command, command.device.serial))
        try:
            # Under the row lock: an answer racing the publish waits for `sent` to be written.
            transport_get().publish(topic, payload)
        except TransportError as error:
            logger.warning("command %s to %s not sent: %s", command.message_id, topic, error)
            DeviceCommand.objects.filter(pk=command.pk).update(
                send_attempts=command.send_attempts + 1
            )
            return False
        DeviceCommand.objects.filter(pk=command.pk).update(
            status=CommandStatus.SENT,
            sent_at=timezone.now(),
            send_attempts=command.send_attempts + 1,
        )
    return True


def commands_flush(*, device: Device) -> int:
    """Send a device's pending, unexpired commands, oldest first; return how many went out."""
    pending = list(
        DeviceCommand.objects.filter(
            device=device, status=CommandStatus.PENDING, expires_at__gt=timezone.now()
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
    )
    sent = 0
    for command_pk in pending:
        if _deliver(command_pk):
            sent += 1
    return sent


def _answered_event(command: DeviceCommand, device: Device, at: datetime) -> events.DeviceEvent:
    return events.DeviceEvent(
        type=events.DeviceEventType.COMMAND_ANSWERED,
        device_id=device.pk,
        serial=device.serial,
        at=at,
        data={
            "command": str(command.message_id),
            "name": command.name,
            "status": str(command.status),
            "detail": command.detail,
        },
    )


def command_answer(
    *,
    device: Device,
    command_id: uuid.UUID,
    status: str,
    detail: str = "",
    at: datetime | None = None,
) -> DeviceCommand:
    """The device tells how a command went. A second answer changes nothing.

    Only the command's own device may answer it; to any other device it does not exist.
    """
    try:
        final = _ANSWER_STATUS[AckStatus(status)]
    except ValueError:
        raise InvalidInput(
            _("Unknown answer status."), code=CommandErrorCode.COMMAND_INVALID
        ) from None
    moment = at or timezone.now()
    with transaction.atomic():
        command = (
            DeviceCommand.objects.select_for_update()
            .filter(message_id=command_id, device_id=device.pk)
            .first()
        )
        if command is None:
            raise NotFound(_("No such command."), CommandErrorCode.COMMAND_NOT_FOUND)
        if command.status not in OPEN_STATUSES:
            return command
        command.status = final
        command.answered_at = moment
        command.detail = detail[:512]
        command.save(update_fields=["status", "answered_at", "detail", "updated_at"])
        audit_record(
            type="devices.command.answered",
            summary=_("Device %(serial)s answered command %(name)s: %(status)s.")
            % {"serial": device.serial, "name": command.name, "status": final},
            subject=device,
            data={"command": str(command.message_id), "status": str(final)},
            is_public=False,
        )
        events.publish([_answered_event(command, device, moment)])
    return command


def commands_expire(*, now: datetime | None = None) -> int:
    """Time out the commands nobody answered before they expired; return how many."""
    moment = now or timezone.now()
    with transaction.atomic():
        due = list(
            DeviceCommand.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("device")
            .filter(status__in=OPEN_STATUSES, expires_at__lte=moment)
            .order_by("pk")
        )
        if not due:
            return 0
        DeviceCommand.objects.filter(pk__in=[command.pk for command in due]).update(
            status=CommandStatus.TIMED_OUT, answered_at=moment, updated_at=moment
        )
        published = []
        for command in due:
            command.status = CommandStatus.TIMED_OUT
            published.append(_answered_event(command, command.device, moment))
        events.publish(published)
    return len(due)


def devices_offline_sweep(*, now: datetime | None = None) -> int:
    """Mark devices silent for HEYI_DEVICE_OFFLINE_AFTER_SECONDS offline, each once."""
    moment = now or timezone.now()
    cutoff = moment - timedelta(seconds=settings.HEYI_DEVICE_OFFLINE_AFTER_SECONDS)
    silent = Q(last_seen_at__lt=cutoff) | Q(last_seen_at__isnull=True)
    with transaction.atomic():
        devices = list(
            Device.objects.select_for_update(skip_locked=True)
            .filter(silent, is_online=True)
            .order_by("pk")
            .only("pk", "serial", "last_seen_at")
        )
        if not devices:
            return 0
        Device.objects.filter(silent, pk__in=[device.pk for device in devices]).update(
            is_online=False
        )
        events.publish(
            [
                events.DeviceEvent(
                    type=events.DeviceEventType.OFFLINE,
                    device_id=device.pk,
                    serial=device.serial,
                    at=moment,
                    data={
                        "last_seen_at": device.last_seen_at.astimezone(UTC).isoformat()
                        if device.last_seen_at
                        else None
                    },
                )
                for device in devices
            ]
        )
    return len(devices)
