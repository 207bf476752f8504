"""MQTT payload codec v1 (docs/mqtt.md): strict JSON decoding into frozen dataclasses, and encoding.

Pure: no Django, no network. `decode` checks, in this order, the topic, the size, UTF-8 and JSON,
the version, then every field; the first problem raises `CodecError(code, message)` with a
stable code. Timestamps are integer milliseconds since the Unix epoch (UTC).
"""

from __future__ import annotations

import json
import math
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from heyi.devices.gateway.topics import (
    CodecError,
    CodecErrorCode,
    TopicError,
    TopicKind,
    topic_for,
    topic_parse,
)

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "VERSION",
    "AckStatus",
    "Alarm",
    "AlarmSeverity",
    "CodecError",
    "CodecErrorCode",
    "Command",
    "CommandAck",
    "Message",
    "Reading",
    "StateReport",
    "Telemetry",
    "TopicError",
    "decode",
    "decode_payload",
    "encode",
    "encode_command",
]

VERSION = 1
MAX_PAYLOAD_BYTES = 16 * 1024
MAX_READINGS = 100
MAX_ENTRIES = 64  # values of a reading, state attributes, command arguments
MAX_VALUE_LENGTH = 256
MAX_TEXT_LENGTH = 512  # alarm message, acknowledgement detail
MAX_INTEGER = 2**53 - 1  # stored exactly by any JSON or float column
EARLIEST_TS = 1_577_836_800_000  # 2020-01-01T00:00:00Z: older means an unset device clock
MAX_FUTURE_MS = 24 * 3600 * 1000
MAX_COMMAND_LIFETIME_MS = 30 * 24 * 3600 * 1000

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_AUTH = re.compile(r"[A-Za-z0-9._~-]{16,128}")

Scalar = int | float | bool | str


class AlarmSeverity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class AckStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Reading:
    ts: int
    values: Mapping[str, Scalar]


@dataclass(frozen=True, slots=True)
class _Envelope:
    """What every message carries: the serial (from the topic), the message id and device time."""

    serial: str
    id: uuid.UUID
    ts: int


@dataclass(frozen=True, slots=True)
class _Upstream(_Envelope):
    auth: str


@dataclass(frozen=True, slots=True)
class Telemetry(_Upstream):
    """One message of readings; a single reading's `ts` equals the message's `ts`."""

    kind: ClassVar[TopicKind] = TopicKind.TELEMETRY
    readings: tuple[Reading, ...]

    def reading_ids(self) -> tuple[str, ...]:
        """Each reading's deduplication key: the message id, and `<id>:<index>` in a batch."""
        if len(self.readings) == 1 and self.readings[0].ts == self.ts:
            return (str(self.id),)
        return tuple(f"{self.id}:{index}" for index in range(len(self.readings)))


@dataclass(frozen=True, slots=True)
class StateReport(_Upstream):
    kind: ClassVar[TopicKind] = TopicKind.STATE
    attributes: Mapping[str, Scalar]


@dataclass(frozen=True, slots=True)
class Alarm(_Upstream):
    kind: ClassVar[TopicKind] = TopicKind.ALARMS
    code: str
    severity: AlarmSeverity
    message: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class CommandAck(_Upstream):
    kind: ClassVar[TopicKind] = TopicKind.COMMAND_ACKS
    command_id: uuid.UUID
    status: AckStatus
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Command(_Envelope):
    """Platform to device; `ts` is when it was issued, `expires` when the device must drop it."""

    kind: ClassVar[TopicKind] = TopicKind.COMMANDS
    name: str
    expires: int
    args: Mapping[str, Scalar] = field(default_factory=dict)


Message = Telemetry | StateReport | Alarm | CommandAck | Command


# --- decoding -------------------------------------------------------------------------------


def _invalid(path: str, problem: str) -> CodecError:
    return CodecError(CodecErrorCode.PAYLOAD_INVALID, f"{path}: {problem}")


def _show(value: object) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _reject_constant(name: str) -> float:
    raise CodecError(CodecErrorCode.PAYLOAD_INVALID, f"non-finite number {name} is not allowed")


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CodecError(CodecErrorCode.PAYLOAD_INVALID, f"duplicate key {key!r}")
            seen.add(key)
    return obj


_DECODER = json.JSONDecoder(
    parse_constant=_reject_constant, object_pairs_hook=_object_without_duplicates
)


def _uuid(value: Any, path: str) -> uuid.UUID:
    if type(value) is str and len(value) == 36:
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise _invalid(path, "must be a UUID string like 2f1c0a52-6b1e-4c36-9a53-0f7e2b9d3c41")


def _timestamp(value: Any, path: str, now_ms: int) -> int:
    if type(value) is not int:
        raise _invalid(path, "must be an integer of milliseconds since the Unix epoch")
    if value < EARLIEST_TS:
        raise CodecError(
            CodecErrorCode.PAYLOAD_TIMESTAMP_OUT_OF_RANGE,
            f"{path}: {value} is before 2020-01-01T00:00:00Z",
        )
    if value > now_ms + MAX_FUTURE_MS:
        raise CodecError(
            CodecErrorCode.PAYLOAD_TIMESTAMP_OUT_OF_RANGE,
            f"{path}: {value} is more than 24 h ahead of the gateway clock",
        )
    return value


def _name(value: Any, path: str) -> str:
    if type(value) is not str or _NAME.fullmatch(value) is None:
        raise _invalid(path, "must match [a-z][a-z0-9_]{0,63}")
    return value


def _text(value: Any, path: str, limit: int) -> str:
    if type(value) is not str:
        raise _invalid(path, "must be a string")
    if len(value) > limit:
        raise _invalid(path, f"is longer than {limit} characters")
    if "\x00" in value:
        raise _invalid(path, "must not contain NUL characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise _invalid(path, "must not contain lone surrogates") from None
    return value


def _scalars(value: Any, path: str) -> dict[str, Scalar]:
    """A flat, non-empty object of named numbers, booleans and strings."""
    if type(value) is not dict:
        raise _invalid(path, "must be an object")
    if not value:
        raise _invalid(path, "must not be empty")
    if len(value) > MAX_ENTRIES:
        raise _invalid(path, f"has more than {MAX_ENTRIES} entries")
    for key, item in value.items():
        item_path = f"{path}.{key}"
        if _NAME.fullmatch(key) is None:
            raise _invalid(item_path, "name must match [a-z][a-z0-9_]{0,63}")
        kind = type(item)
        if kind is float:
            if not math.isfinite(item):
                raise _invalid(item_path, "must be a finite number")
        elif kind is int:
            if not -MAX_INTEGER <= item <= MAX_INTEGER:
                raise _invalid(item_path, "integer is outside ±(2**53 - 1)")
        elif kind is str:
            _text(item, item_path, MAX_VALUE_LENGTH)
        elif kind is not bool:
            raise _invalid(item_path, "must be a number, a boolean or a string")
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise _invalid(path, "must be an object")
    return value


def _auth(value: Any) -> str:
    if type(value) is not str or _AUTH.fullmatch(value) is None:
        raise _invalid("auth", "must be a device token of 16 to 128 URL-safe characters")
    return value


_COMMON = frozenset({"v", "id", "ts", "auth"})
_TELEMETRY_SINGLE = _COMMON | {"values"}
_TELEMETRY_BATCH = _COMMON | {"readings"}
_READING = frozenset({"ts", "values"})
_STATE = _COMMON | {"attributes"}
_ALARM = _COMMON | {"code", "severity", "message", "active"}
_ACK = _COMMON | {"command", "status", "detail"}
_COMMAND = frozenset({"v", "id", "ts", "name", "args", "expires"})


def _unknown(obj: dict[str, Any], allowed: frozenset[str], path: str = "") -> None:
    for key in obj:
        if key not in allowed:
            raise _invalid(f"{path}.{key}" if path else key, "unknown field")


def _required(obj: dict[str, Any], key: str, path: str = "") -> Any:
    try:
        return obj[key]
    except KeyError:
        raise _invalid(f"{path}.{key}" if path else key, "is required") from None


def _telemetry(envelope: _Upstream, obj: dict[str, Any], now_ms: int) -> Telemetry:
    serial, message_id, ts, auth = envelope.serial, envelope.id, envelope.ts, envelope.auth
    if "readings" in obj:
        _unknown(obj, _TELEMETRY_BATCH)
        raw = obj["readings"]
        if type(raw) is not list:
            raise _invalid("readings", "must be an array")
        if not raw:
            raise _invalid("readings", "must not be empty")
        if len(raw) > MAX_READINGS:
            raise _invalid("readings", f"has more than {MAX_READINGS} readings")
        readings = []
        for index, item in enumerate(raw):
            path = f"readings[{index}]"
            reading = _object(item, path)
            _unknown(reading, _READING, path)
            readings.append(
                Reading(
                    ts=_timestamp(_required(reading, "ts", path), f"{path}.ts", now_ms),
                    values=_scalars(_required(reading, "values", path), f"{path}.values"),
                )
            )
        return Telemetry(serial, message_id, ts, auth, tuple(readings))
    _unknown(obj, _TELEMETRY_SINGLE)
    values = _scalars(_required(obj, "values"), "values")
    return Telemetry(serial, message_id, ts, auth, (Reading(ts, values),))


def _state(envelope: _Upstream, obj: dict[str, Any], now_ms: int) -> StateReport:
    _unknown(obj, _STATE)
    return StateReport(
        *_fields(envelope), attributes=_scalars(_required(obj, "attributes"), "attributes")
    )


def _alarm(envelope: _Upstream, obj: dict[str, Any], now_ms: int) -> Alarm:
    _unknown(obj, _ALARM)
    severity = _required(obj, "severity")
    if type(severity) is not str or severity not in _SEVERITIES:
        raise _invalid("severity", "must be one of info, warning, critical")
    active = obj.get("active", True)
    if type(active) is not bool:
        raise _invalid("active", "must be a boolean")
    return Alarm(
        *_fields(envelope),
        code=_name(_required(obj, "code"), "code"),
        severity=AlarmSeverity(severity),
        message=_text(_required(obj, "message"), "message", MAX_TEXT_LENGTH),
        active=active,
    )


_SEVERITIES = frozenset(AlarmSeverity)
_STATUSES = frozenset(AckStatus)


def _ack(envelope: _Upstream, obj: dict[str, Any], now_ms: int) -> CommandAck:
    _unknown(obj, _ACK)
    status = _required(obj, "status")
    if type(status) is not str or status not in _STATUSES:
        raise _invalid("status", "must be one of ok, failed, rejected")
    return CommandAck(
        *_fields(envelope),
        command_id=_uuid(_required(obj, "command"), "command"),
        status=AckStatus(status),
        detail=_text(obj.get("detail", ""), "detail", MAX_TEXT_LENGTH),
    )


def _command(serial: str, message_id: uuid.UUID, ts: int, obj: dict[str, Any]) -> Command:
    _unknown(obj, _COMMAND)
    expires = _required(obj, "expires")
    if type(expires) is not int:
        raise _invalid("expires", "must be an integer of milliseconds since the Unix epoch")
    if not ts < expires <= ts + MAX_COMMAND_LIFETIME_MS:
        raise _invalid("expires", "must be after ts and at most 30 days after it")
    args = obj.get("args", {})
    return Command(
        serial,
        message_id,
        ts,
        name=_name(_required(obj, "name"), "name"),
        expires=expires,
        args=_scalars(args, "args") if args != {} else {},
    )


def _fields(envelope: _Upstream) -> tuple[str, uuid.UUID, int, str]:
    return envelope.serial, envelope.id, envelope.ts, envelope.auth


_UPSTREAM: dict[TopicKind, Callable[[_Upstream, dict[str, Any], int], Message]] = {
    TopicKind.TELEMETRY: _telemetry,
    TopicKind.STATE: _state,
    TopicKind.ALARMS: _alarm,
    TopicKind.COMMAND_ACKS: _ack,
}


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _parse(
    serial: str, kind: TopicKind, obj: dict[str, Any], *, now_ms: int, auth_required: bool
) -> Message:
    if "v" not in obj:
        raise CodecError(CodecErrorCode.PAYLOAD_VERSION_UNKNOWN, 'payload has no version field "v"')
    version = obj["v"]
    if type(version) is not int or version != VERSION:
        raise CodecError(
            CodecErrorCode.PAYLOAD_VERSION_UNKNOWN,
            f"payload version {_show(version)} is not supported (supported: {VERSION})",
        )
    message_id = _uuid(_required(obj, "id"), "id")
    ts = _timestamp(_required(obj, "ts"), "ts", now_ms)
    if kind is TopicKind.COMMANDS:
        return _command(serial, message_id, ts, obj)
    auth = _auth(_required(obj, "auth")) if auth_required or "auth" in obj else ""
    return _UPSTREAM[kind](_Upstream(serial, message_id, ts, auth), obj, now_ms)


def decode_payload(
    serial: str,
    kind: TopicKind,
    payload: bytes,
    *,
    now_ms: int | None = None,
    auth_required: bool = True,
) -> Message:
    """Decode a payload whose serial and kind are already known (MQTT topic or HTTPS path).

    Over HTTPS the token travels in the Authorization header: pass `auth_required=False` and
    an absent `auth` decodes as "".
    """
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise CodecError(
            CodecErrorCode.PAYLOAD_TOO_LARGE,
            f"payload is {len(payload)} bytes, the limit is {MAX_PAYLOAD_BYTES}",
        )
    try:
        text = payload.decode()
    except UnicodeDecodeError:
        raise CodecError(CodecErrorCode.PAYLOAD_NOT_JSON, "payload is not valid UTF-8") from None
    try:
        obj = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        raise CodecError(
            CodecErrorCode.PAYLOAD_NOT_JSON,
            f"payload is not valid JSON: {error.msg} at position {error.pos}",
        ) from None
    except RecursionError:
        raise CodecError(CodecErrorCode.PAYLOAD_NOT_JSON, "payload is nested too deeply") from None
    if type(obj) is not dict:
        raise CodecError(
            CodecErrorCode.PAYLOAD_INVALID,
            f"payload must be a JSON object, not {type(obj).__name__}",
        )
    return _parse(
        serial,
        kind,
        obj,
        now_ms=_now_ms() if now_ms is None else now_ms,
        auth_required=auth_required,
    )


def decode(topic: str, payload: bytes, *, now_ms: int | None = None) -> Message:
    """The message a device topic carries; raises `CodecError` (or `TopicError`) if refused."""
    serial, kind = topic_parse(topic)
    return decode_payload(serial, kind, payload, now_ms=now_ms)


# --- encoding -------------------------------------------------------------------------------


def _payload_object(message: Message) -> dict[str, Any]:
    obj: dict[str, Any] = {"v": VERSION, "id": str(message.id), "ts": message.ts}
    if isinstance(message, Command):
        obj["name"] = message.name
        if message.args:
            obj["args"] = dict(message.args)
        obj["expires"] = message.expires
        return obj
    obj["auth"] = message.auth
    if isinstance(message, Telemetry):
        readings = message.readings
        if len(readings) == 1 and readings[0].ts == message.ts:
            obj["values"] = dict(readings[0].values)
        else:
            obj["readings"] = [{"ts": r.ts, "values": dict(r.values)} for r in readings]
    elif isinstance(message, StateReport):
        obj["attributes"] = dict(message.attributes)
    elif isinstance(message, Alarm):
        obj.update(
            code=message.code,
            severity=str(message.severity),
            message=message.message,
            active=message.active,
        )
    else:
        obj.update(command=str(message.command_id), status=str(message.status))
        if message.detail:
            obj["detail"] = message.detail
    return obj


def encode(message: Message, *, now_ms: int | None = None) -> tuple[str, bytes]:
    """The topic and payload of a message, checked by the same rules `decode` applies."""
    topic = topic_for(message.serial, message.kind)
    obj = _payload_object(message)
    # Validating the object (not re-parsing the bytes) keeps encoding cheap and symmetric.
    _parse(
        message.serial,
        message.kind,
        obj,
        now_ms=_now_ms() if now_ms is None else now_ms,
        auth_required=not isinstance(message, Command),
    )
    payload = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise CodecError(
            CodecErrorCode.PAYLOAD_TOO_LARGE,
            f"payload is {len(payload)} bytes, the limit is {MAX_PAYLOAD_BYTES}",
        )
    return topic, payload


def encode_command(command: Command, *, now_ms: int | None = None) -> tuple[str, bytes]:
    return encode(command, now_ms=now_ms)
