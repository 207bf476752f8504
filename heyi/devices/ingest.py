"""Ingest of decoded device messages: a batch from the gateway stored in one transaction.

Built for throughput: a batch of hundreds of messages costs a handful of queries (devices and
their credentials, the readings already stored, one insert, one presence update), whatever the
number of readings. State reports, alarms and acknowledgements are rare and go through the
per-device services. What cannot be stored (an unknown device, a wrong token, a value outside
the model's declared range) is counted by code and dropped; the gateway acknowledges it anyway,
since redelivering it would never make it valid.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.devices import commands, events
from heyi.devices.capabilities import Capabilities, CapabilityError, capabilities_parse
from heyi.devices.capabilities import telemetry_check as capabilities_telemetry_check
from heyi.devices.gateway.codec import Alarm, CommandAck, Message, StateReport, Telemetry
from heyi.devices.models import (
    Device,
    DeviceAlarm,
    DeviceCredential,
    DeviceModel,
    DeviceStatus,
    Reading,
)
from heyi.devices.services import shadow_report, token_hash

logger = logging.getLogger(__name__)

# Presence is written at most this often per device: a device sending every second would
# otherwise make every batch of every gateway update (and lock) the same device rows.
LAST_SEEN_RESOLUTION = timedelta(seconds=5)


# A reading to store: its device, its time (epoch ms) and its values, by (device id, reading id).
_Row = tuple["Speaker", int, dict[str, Any]]


class IngestRefusal(StrEnum):
    DEVICE_UNAUTHENTICATED = "device_unauthenticated"
    TELEMETRY_INVALID = "telemetry_invalid"
    STATE_INVALID = "state_invalid"
    COMMAND_UNKNOWN = "command_unknown"
    MESSAGE_UNEXPECTED = "message_unexpected"


@dataclass
class IngestReport:
    """What one batch came to; `refused` counts dropped messages by code."""

    stored: int = 0
    duplicates: int = 0
    states: int = 0
    alarms: int = 0
    acks: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    def refuse(self, code: str) -> None:
        self.refused[code] = self.refused.get(code, 0) + 1

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())


def _moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _iso(ms: int) -> str:
    return _moment(ms).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class Speaker:
    """The little of a device the hot path needs: a model instance per reading costs more than
    the insert (full `Device` rows are loaded only for the rare state, alarm and answer)."""

    pk: int
    serial: str
    model_id: int
    is_online: bool
    last_seen_at: datetime | None


def devices_authenticate(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Speaker]:
    """The devices matching (serial, token) pairs, in two queries for the whole batch.

    The same rule as `services.device_authenticate` (a known, not retired device, with an
    active credential whose SHA-256 equals the token's, compared in constant time), in bulk.
    """
    if not pairs:
        return {}
    serials = {serial for serial, _token in pairs}
    devices = {
        row[1]: Speaker(*row)
        for row in Device.objects.filter(serial__any=list(serials))
        .exclude(status=DeviceStatus.RETIRED)
        .values_list("pk", "serial", "model_id", "is_online", "last_seen_at")
    }
    hashes: dict[int, list[str]] = defaultdict(list)
    for device_id, stored in DeviceCredential.objects.filter(
        device_id__any=[device.pk for device in devices.values()], revoked_at__isnull=True
    ).values_list("device_id", "token_hash"):
        hashes[device_id].append(stored)
    found = {}
    for serial, token in pairs:
        device = devices.get(serial)
        if device is None:
            continue
        presented = token_hash(token)
        matched = False
        for stored in hashes.get(device.pk, ()):
            matched |= hmac.compare_digest(stored, presented)
        if matched:
            found[(serial, token)] = device
    return found


class _Capabilities:
    """Parsed capabilities of the models of one batch, read in one query and parsed once."""

    def __init__(self, model_ids: set[int]) -> None:
        self._parsed: dict[int, Capabilities | None] = {}
        for model_id, document in DeviceModel.objects.filter(pk__in=model_ids).values_list(
            "pk", "capabilities"
        ):
            try:
                self._parsed[model_id] = capabilities_parse(document)
            except CapabilityError:
                logger.error("device model %s has invalid capabilities", model_id)
                self._parsed[model_id] = None

    def of(self, device: Speaker | Device) -> Capabilities | None:
        return self._parsed.get(device.model_id)


def _telemetry_valid(capabilities: Capabilities | None, message: Telemetry) -> bool:
    if capabilities is None or not capabilities.telemetry:
        return True  # nothing declared: nothing to hold the values against
    try:
        for reading in message.readings:
            capabilities_telemetry_check(capabilities, dict(reading.values))
    except CapabilityError:
        return False
    return True


def ingest_messages(
    messages: Sequence[Message], *, received_at: datetime | None = None
) -> IngestReport:
    """Store a batch of decoded upstream messages in one transaction; see the module doc."""
    report = IngestReport()
    now = received_at or timezone.now()
    pairs = {
        (message.serial, message.auth)
        for message in messages
        if isinstance(message, Telemetry | StateReport | Alarm | CommandAck)
    }
    authenticated = devices_authenticate(pairs)
    accepted: list[tuple[Speaker, Message]] = []
    for message in messages:
        if not isinstance(message, Telemetry | StateReport | Alarm | CommandAck):
            report.refuse(IngestRefusal.MESSAGE_UNEXPECTED)
            continue
        speaker = authenticated.get((message.serial, message.auth))
        if speaker is None:
            report.refuse(IngestRefusal.DEVICE_UNAUTHENTICATED)
            continue
        accepted.append((speaker, message))
    if not accepted:
        return report

    capabilities = _Capabilities({speaker.model_id for speaker, _message in accepted})
    speaking: dict[int, Speaker] = {}
    with transaction.atomic():
        telemetry: list[tuple[Speaker, Telemetry]] = []
        others: list[tuple[Speaker, Message]] = []
        for speaker, message in accepted:
            speaking[speaker.pk] = speaker
            if isinstance(message, Telemetry):
                if not _telemetry_valid(capabilities.of(speaker), message):
                    report.refuse(IngestRefusal.TELEMETRY_INVALID)
                    continue
                telemetry.append((speaker, message))
            else:
                others.append((speaker, message))
        came_online = _presence_update(list(speaking.values()), now)
        # A handler sees a device come online before what it said.
        published = [
            events.DeviceEvent(
                type=events.DeviceEventType.ONLINE,
                device_id=speaker.pk,
                serial=speaker.serial,
                at=now,
            )
            for speaker in came_online
        ]
        published += _readings_store(telemetry, now, report)
        if others:
            full = Device.objects.select_related("model").in_bulk(
                {speaker.pk for speaker, _message in others}
            )
            for speaker, message in others:
                published += _other_store(full[speaker.pk], message, report, capabilities)
        events.publish(published)
        for speaker in came_online:
            transaction.on_commit(functools.partial(_flush, speaker.pk))
    return report


def _presence_update(devices: list[Speaker], now: datetime) -> list[Speaker]:
    """Mark the devices that spoke as seen; return those that were offline until now."""
    stale = now - LAST_SEEN_RESOLUTION
    due = sorted(
        (
            device
            for device in devices
            if not device.is_online or device.last_seen_at is None or device.last_seen_at < stale
        ),
        key=lambda device: device.pk,
    )
    if due:
        Device.objects.filter(pk__in=[device.pk for device in due]).update(
            last_seen_at=now, is_online=True
        )
    return [device for device in due if not device.is_online]


def _flush(device_id: int) -> None:
    device = Device.objects.filter(pk=device_id).first()
    if device is None:
        return
    try:
        commands.commands_flush(device=device)
    except Exception:  # the readings are committed; the next time it speaks flushes again
        logger.exception("could not flush the pending commands of %s", device.serial)


def _readings_store(
    batch: list[tuple[Speaker, Telemetry]], now: datetime, report: IngestReport
) -> list[events.DeviceEvent]:
    if not batch:
        return []
    # Unique per device and reading identity: a message delivered twice in one batch counts once.
    rows: dict[tuple[int, str], _Row] = {}
    for device, message in batch:
        for reading_id, reading in zip(message.reading_ids(), message.readings, strict=True):
            key = (device.pk, reading_id)
            if key in rows:
                report.duplicates += 1
                continue
            rows[key] = (device, reading.ts, dict(reading.values))
    if connection.vendor == "postgresql":
        inserted = _readings_insert_returning(rows, now)
        new = [(key, row) for key, row in rows.items() if key in inserted]
        report.duplicates += len(rows) - len(new)
    else:
        new = _readings_insert_portable(rows, now)
        report.duplicates += len(rows) - len(new)
    report.stored += len(new)
    return [
        events.DeviceEvent(
            type=events.DeviceEventType.TELEMETRY,
            device_id=device.pk,
            serial=device.serial,
            at=_moment(ts),
            data={"values": values, "reading_id": reading_id, "ts": _iso(ts)},
        )
        for (_device_id, reading_id), (device, ts, values) in new
    ]


def _readings_insert_returning(
    rows: dict[tuple[int, str], _Row], now: datetime
) -> set[tuple[int, str]]:
    """PostgreSQL: one statement inserts the batch and says which rows were new.

    The arrays travel as five parameters whatever the batch size, and ON CONFLICT DO NOTHING
    RETURNING gives the exact set stored, even when another gateway stores the same message at
    the same moment.
    """
    quote = connection.ops.quote_name
    table = quote(Reading._meta.db_table)
    fields = {field.name: field.column for field in Reading._meta.concrete_fields}
    columns = ", ".join(
        quote(fields[name])
        for name in ("device", "message_id", "device_ts", "received_at", "values")
    )
    device_ids, reading_ids, moments, values = [], [], [], []
    for (device_id, reading_id), (_device, ts, reading_values) in rows.items():
        device_ids.append(device_id)
        reading_ids.append(reading_id)
        moments.append(_moment(ts))
        values.append(json.dumps(reading_values, separators=(",", ":")))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "
            "SELECT d, m, t, %s::timestamptz, v::jsonb FROM unnest(%s::bigint[], %s::text[], "
            "%s::timestamptz[], %s::text[]) AS batch(d, m, t, v) "
            "ON CONFLICT (device_id, message_id) DO NOTHING RETURNING device_id, message_id",
            [now, device_ids, reading_ids, moments, values],
        )
        return {(device_id, reading_id) for device_id, reading_id in cursor.fetchall()}


def _readings_insert_portable(
    rows: dict[tuple[int, str], _Row], now: datetime
) -> list[tuple[tuple[int, str], _Row]]:
    """Other databases: read which identities are stored, insert the rest, skip conflicts."""
    device_ids = {device_id for device_id, _reading_id in rows}
    reading_ids = {reading_id for _device_id, reading_id in rows}
    known = set(
        Reading.objects.filter(device_id__in=device_ids, message_id__in=reading_ids).values_list(
            "device_id", "message_id"
        )
    )
    new = [(key, row) for key, row in rows.items() if key not in known]
    # Another gateway may store the same message between the read above and this insert; the
    # unique constraint keeps the row single, and the conflict is skipped rather than raised.
    Reading.objects.bulk_create(
        [
            Reading(
                device_id=device_id,
                message_id=reading_id,
                device_ts=_moment(ts),
                received_at=now,
                values=values,
            )
            for (device_id, reading_id), (_device, ts, values) in new
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return new


def _other_store(
    device: Device,
    message: Message,
    report: IngestReport,
    capabilities: _Capabilities,
) -> list[events.DeviceEvent]:
    if isinstance(message, StateReport):
        return _state_store(device, message, report, capabilities)
    if isinstance(message, Alarm):
        return _alarm_store(device, message, report)
    if isinstance(message, CommandAck):
        try:
            commands.command_answer(
                device=device,
                command_id=message.command_id,
                status=message.status,
                detail=message.detail,
                at=_moment(message.ts),
            )
        except DomainError:
            report.refuse(IngestRefusal.COMMAND_UNKNOWN)
            return []
        report.acks += 1  # its event is published by command_answer
        return []
    report.refuse(IngestRefusal.MESSAGE_UNEXPECTED)
    return []


def _state_store(
    device: Device, message: StateReport, report: IngestReport, capabilities: _Capabilities
) -> list[events.DeviceEvent]:
    """Merge a report into the shadow; it must fit the model's declared attributes."""
    attributes = dict(message.attributes)
    if capabilities.of(device) is None:
        report.refuse(IngestRefusal.STATE_INVALID)
        return []
    try:
        shadow_report(device=device, values=attributes)
    except CapabilityError:
        report.refuse(IngestRefusal.STATE_INVALID)
        return []
    report.states += 1
    return [
        events.DeviceEvent(
            type=events.DeviceEventType.STATE,
            device_id=device.pk,
            serial=device.serial,
            at=_moment(message.ts),
            data={"attributes": attributes},
        )
    ]


def _alarm_store(device: Device, message: Alarm, report: IngestReport) -> list[events.DeviceEvent]:
    message_id = str(message.id)
    at = _moment(message.ts)
    if DeviceAlarm.objects.filter(device=device, message_id=message_id).exists():
        report.duplicates += 1
        return []
    active = (
        DeviceAlarm.objects.select_for_update()
        .filter(device=device, code=message.code, cleared_at__isnull=True)
        .order_by("-raised_at", "-id")
        .first()
    )
    report.alarms += 1
    if message.active:
        if active is not None:
            return []  # raised again while active: the same alarm
        DeviceAlarm.objects.create(
            device=device,
            code=message.code,
            severity=str(message.severity),
            message=message.message,
            raised_at=at,
            message_id=message_id,
        )
        return [
            events.DeviceEvent(
                type=events.DeviceEventType.ALARM_RAISED,
                device_id=device.pk,
                serial=device.serial,
                at=at,
                data={
                    "code": message.code,
                    "severity": str(message.severity),
                    "message": message.message,
                },
            )
        ]
    # A clear older than the alarm (a late redelivery) must not clear a newer raise.
    if active is None or active.raised_at > at:
        return []
    active.cleared_at = at
    active.save(update_fields=["cleared_at", "updated_at"])
    return [
        events.DeviceEvent(
            type=events.DeviceEventType.ALARM_CLEARED,
            device_id=device.pk,
            serial=device.serial,
            at=at,
            data={"code": message.code},
        )
    ]


def report_merge(total: IngestReport, part: IngestReport) -> None:
    """Add `part`'s counts to `total` (the gateway keeps running totals)."""
    total.stored += part.stored
    total.duplicates += part.duplicates
    total.states += part.states
    total.alarms += part.alarms
    total.acks += part.acks
    merged = Counter(total.refused)
    merged.update(part.refused)
    total.refused = dict(merged)
