"""MQTT topic scheme v1 (docs/mqtt.md): build and parse device topics, and the gateway's filters.

Pure: no Django, no network. `CodecError` lives here, below the codec, so that a `TopicError`
is also a `CodecError` and the gateway catches every refusal with one `except`.
"""

from __future__ import annotations

import re
from enum import StrEnum

from heyi.core.errors import DomainError

PREFIX = "heyi/v1/devices/"
SHARE_GROUP = "heyi-gateway"

# Uppercase letters, digits and inner hyphens, 4 to 20 characters (the serial column's width,
# `HY-7K3M-Q9P2` as issued): never an MQTT wildcard, separator or `$`, so a serial is always
# exactly one topic level.
SERIAL_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9-]{2,18}[A-Z0-9]")
_SHARE_GROUP_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class CodecErrorCode(StrEnum):
    TOPIC_INVALID = "topic_invalid"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    PAYLOAD_NOT_JSON = "payload_not_json"
    PAYLOAD_VERSION_UNKNOWN = "payload_version_unknown"
    PAYLOAD_INVALID = "payload_invalid"
    PAYLOAD_TIMESTAMP_OUT_OF_RANGE = "payload_timestamp_out_of_range"


class CodecError(DomainError):
    """A topic or payload the scheme refuses; `code` is stable and is what the gateway counts."""

    status = 422

    def __init__(self, code: CodecErrorCode, message: str) -> None:
        super().__init__(code, message)


class TopicError(CodecError):
    def __init__(self, message: str) -> None:
        super().__init__(CodecErrorCode.TOPIC_INVALID, message)


class TopicKind(StrEnum):
    TELEMETRY = "telemetry"
    STATE = "state"
    ALARMS = "alarms"
    COMMAND_ACKS = "commands/ack"
    COMMANDS = "commands"


# What devices publish (the gateway subscribes to these) and what the platform publishes.
UPSTREAM_KINDS: tuple[TopicKind, ...] = (
    TopicKind.TELEMETRY,
    TopicKind.STATE,
    TopicKind.ALARMS,
    TopicKind.COMMAND_ACKS,
)
DOWNSTREAM_KINDS: tuple[TopicKind, ...] = (TopicKind.COMMANDS,)

_KINDS_BY_SUFFIX: dict[str, TopicKind] = {kind.value: kind for kind in TopicKind}


def serial_valid(serial: str) -> bool:
    return SERIAL_PATTERN.fullmatch(serial) is not None


def topic_for(serial: str, kind: TopicKind) -> str:
    """`heyi/v1/devices/{serial}/{kind}`; raises `TopicError` for a malformed serial."""
    if not serial_valid(serial):
        raise TopicError(f"serial number {serial!r} is not valid")
    return f"{PREFIX}{serial}/{TopicKind(kind).value}"


def topic_parse(topic: str) -> tuple[str, TopicKind]:
    """The serial and kind of a v1 device topic; raises `TopicError` for anything else."""
    if not topic.startswith(PREFIX):
        raise TopicError(f"topic {topic!r} is not a heyi v1 device topic")
    serial, separator, suffix = topic[len(PREFIX) :].partition("/")
    kind = _KINDS_BY_SUFFIX.get(suffix) if separator else None
    if kind is None:
        raise TopicError(f"topic {topic!r} has no known message kind")
    if not serial_valid(serial):
        raise TopicError(f"topic {topic!r} has an invalid serial number {serial!r}")
    return serial, kind


def subscription_filters(*, shared: bool = True, group: str = SHARE_GROUP) -> tuple[str, ...]:
    """The filters a gateway subscribes to: one per upstream kind, in a shared group by default.

    Brokers without shared subscriptions (the embedded amqtt broker) take `shared=False`, and
    then exactly one gateway may run against them.
    """
    if shared and _SHARE_GROUP_PATTERN.fullmatch(group) is None:
        raise TopicError(f"share group {group!r} is not valid")
    prefix = f"$share/{group}/" if shared else ""
    return tuple(f"{prefix}{PREFIX}+/{kind.value}" for kind in UPSTREAM_KINDS)
