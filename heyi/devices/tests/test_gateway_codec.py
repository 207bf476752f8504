"""The MQTT topic scheme and payload codec v1: pure, no database, exact values."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from heyi.devices.gateway.codec import (
    MAX_PAYLOAD_BYTES,
    AckStatus,
    Alarm,
    AlarmSeverity,
    CodecError,
    Command,
    CommandAck,
    Message,
    Reading,
    StateReport,
    Telemetry,
    decode,
    decode_payload,
    encode,
    encode_command,
)
from heyi.devices.gateway.topics import (
    TopicError,
    TopicKind,
    serial_valid,
    subscription_filters,
    topic_for,
    topic_parse,
)

NOW = 1_785_000_000_000  # 2026-07-25T17:20:00Z
SERIAL = "HY-7K3M-Q9P2"
TOKEN = "Zq3v9Xb1_tL0-kP8mN4rS7uW2yA5cE6gH0jK1lM3nO"
MESSAGE_ID = "2f1c0a52-6b1e-4c36-9a53-0f7e2b9d3c41"
COMMAND_ID = "7d9e4b10-3c2a-4f5e-8b6d-1a0c9e8f7b65"
TELEMETRY_TOPIC = f"heyi/v1/devices/{SERIAL}/telemetry"


def payload(**fields: Any) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


def telemetry(**overrides: Any) -> bytes:
    fields: dict[str, Any] = {
        "v": 1,
        "id": MESSAGE_ID,
        "ts": NOW,
        "auth": TOKEN,
        "values": {"temperature": 21.5},
    }
    fields.update(overrides)
    return payload(**{key: value for key, value in fields.items() if value is not ...})


def refused(topic: str, data: bytes) -> tuple[str, str]:
    with pytest.raises(CodecError) as caught:
        decode(topic, data, now_ms=NOW)
    return caught.value.code, caught.value.message


# --- topics ---------------------------------------------------------------------------------


def test_topic_for_every_kind() -> None:
    assert [topic_for(SERIAL, kind) for kind in TopicKind] == [
        "heyi/v1/devices/HY-7K3M-Q9P2/telemetry",
        "heyi/v1/devices/HY-7K3M-Q9P2/state",
        "heyi/v1/devices/HY-7K3M-Q9P2/alarms",
        "heyi/v1/devices/HY-7K3M-Q9P2/commands/ack",
        "heyi/v1/devices/HY-7K3M-Q9P2/commands",
    ]


def test_topic_parse_round_trips_every_kind() -> None:
    for kind in TopicKind:
        assert topic_parse(topic_for(SERIAL, kind)) == (SERIAL, kind)


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        ("heyi/v2/devices/HY-7K3M-Q9P2/telemetry", "is not a heyi v1 device topic"),
        ("devices/HY-7K3M-Q9P2/telemetry", "is not a heyi v1 device topic"),
        ("heyi/v1/devices/HY-7K3M-Q9P2", "has no known message kind"),
        ("heyi/v1/devices/HY-7K3M-Q9P2/", "has no known message kind"),
        ("heyi/v1/devices/HY-7K3M-Q9P2/telemetry/extra", "has no known message kind"),
        ("heyi/v1/devices/HY-7K3M-Q9P2/Telemetry", "has no known message kind"),
        ("heyi/v1/devices/HY-7K3M-Q9P2/commands/nack", "has no known message kind"),
    ],
)
def test_topic_parse_refuses(topic: str, message: str) -> None:
    with pytest.raises(TopicError) as caught:
        topic_parse(topic)
    assert caught.value.code == "topic_invalid"
    assert caught.value.message == f"topic {topic!r} {message}"


@pytest.mark.parametrize("serial", ["hy-7k3m-q9p2", "+", "#", "A/B1", "$SYS", "AB1", "-ABCD", ""])
def test_topic_parse_refuses_bad_serials(serial: str) -> None:
    topic = f"heyi/v1/devices/{serial}/state"
    with pytest.raises(TopicError) as caught:
        topic_parse(topic)
    if "/" in serial:
        assert caught.value.message == f"topic {topic!r} has no known message kind"
    else:
        assert caught.value.message == (f"topic {topic!r} has an invalid serial number {serial!r}")


def test_serial_bounds() -> None:
    assert serial_valid("AB12") is True
    assert serial_valid("A" * 20) is True
    assert serial_valid("A" * 21) is False
    assert serial_valid("ABC") is False
    assert serial_valid("ABC-") is False
    assert serial_valid("HY-7K3M-Q9P2") is True
    assert serial_valid("HY-ÄK3M-Q9P2") is False


def test_topic_for_refuses_a_bad_serial() -> None:
    with pytest.raises(TopicError) as caught:
        topic_for("hy/1", TopicKind.STATE)
    assert (caught.value.code, caught.value.message) == (
        "topic_invalid",
        "serial number 'hy/1' is not valid",
    )


def test_subscription_filters() -> None:
    assert subscription_filters() == (
        "$share/heyi-gateway/heyi/v1/devices/+/telemetry",
        "$share/heyi-gateway/heyi/v1/devices/+/state",
        "$share/heyi-gateway/heyi/v1/devices/+/alarms",
        "$share/heyi-gateway/heyi/v1/devices/+/commands/ack",
    )
    assert subscription_filters(shared=False) == (
        "heyi/v1/devices/+/telemetry",
        "heyi/v1/devices/+/state",
        "heyi/v1/devices/+/alarms",
        "heyi/v1/devices/+/commands/ack",
    )
    assert subscription_filters(group="bench")[0] == "$share/bench/heyi/v1/devices/+/telemetry"
    with pytest.raises(TopicError) as caught:
        subscription_filters(group="a/b")
    assert caught.value.message == "share group 'a/b' is not valid"


# --- decoding, happy paths ------------------------------------------------------------------


def test_decode_single_reading() -> None:
    data = telemetry(values={"temperature": 21.5, "on": True, "mode": "eco", "count": 3})
    assert decode(TELEMETRY_TOPIC, data, now_ms=NOW) == Telemetry(
        serial=SERIAL,
        id=uuid.UUID(MESSAGE_ID),
        ts=NOW,
        auth=TOKEN,
        readings=(
            Reading(ts=NOW, values={"temperature": 21.5, "on": True, "mode": "eco", "count": 3}),
        ),
    )


def test_decode_batch() -> None:
    data = telemetry(
        values=...,
        readings=[
            {"ts": NOW - 2000, "values": {"temperature": 21.0}},
            {"ts": NOW - 1000, "values": {"temperature": 21.25, "humidity": 40}},
        ],
    )
    message = decode(TELEMETRY_TOPIC, data, now_ms=NOW)
    assert isinstance(message, Telemetry)
    assert message.readings == (
        Reading(ts=NOW - 2000, values={"temperature": 21.0}),
        Reading(ts=NOW - 1000, values={"temperature": 21.25, "humidity": 40}),
    )
    assert message.ts == NOW


def test_decode_state_alarm_ack_command() -> None:
    envelope = {"v": 1, "id": MESSAGE_ID, "ts": NOW, "auth": TOKEN}
    state = decode(
        f"heyi/v1/devices/{SERIAL}/state",
        payload(**envelope, attributes={"target_temperature": 22, "power": False}),
        now_ms=NOW,
    )
    assert state == StateReport(
        SERIAL, uuid.UUID(MESSAGE_ID), NOW, TOKEN, {"target_temperature": 22, "power": False}
    )
    alarm = decode(
        f"heyi/v1/devices/{SERIAL}/alarms",
        payload(**envelope, code="overheat", severity="critical", message="Compressor at 95 °C"),
        now_ms=NOW,
    )
    assert alarm == Alarm(
        SERIAL,
        uuid.UUID(MESSAGE_ID),
        NOW,
        TOKEN,
        code="overheat",
        severity=AlarmSeverity.CRITICAL,
        message="Compressor at 95 °C",
        active=True,
    )
    ack = decode(
        f"heyi/v1/devices/{SERIAL}/commands/ack",
        payload(**envelope, command=COMMAND_ID, status="rejected", detail="out of range"),
        now_ms=NOW,
    )
    assert ack == CommandAck(
        SERIAL,
        uuid.UUID(MESSAGE_ID),
        NOW,
        TOKEN,
        command_id=uuid.UUID(COMMAND_ID),
        status=AckStatus.REJECTED,
        detail="out of range",
    )
    command = decode(
        f"heyi/v1/devices/{SERIAL}/commands",
        payload(
            v=1,
            id=COMMAND_ID,
            ts=NOW,
            name="set_temperature",
            args={"celsius": 22.5},
            expires=NOW + 60_000,
        ),
        now_ms=NOW,
    )
    assert command == Command(
        SERIAL,
        uuid.UUID(COMMAND_ID),
        NOW,
        name="set_temperature",
        expires=NOW + 60_000,
        args={"celsius": 22.5},
    )


def test_decode_unicode_values() -> None:
    data = telemetry(values={"label": "客厅 空调 ❄️", "note": "naïve \u2603"})
    message = decode(TELEMETRY_TOPIC, data, now_ms=NOW)
    assert isinstance(message, Telemetry)
    assert message.readings[0].values == {"label": "客厅 空调 ❄️", "note": "naïve ☃"}


def test_decode_payload_over_https_without_auth() -> None:
    data = telemetry(auth=...)
    message = decode_payload(SERIAL, TopicKind.TELEMETRY, data, now_ms=NOW, auth_required=False)
    assert isinstance(message, Telemetry)
    assert message.auth == ""
    with pytest.raises(CodecError) as caught:
        decode_payload(SERIAL, TopicKind.TELEMETRY, data, now_ms=NOW)
    assert caught.value.message == "auth: is required"


# --- decoding, every refusal ----------------------------------------------------------------


def test_payload_too_large_at_the_boundary() -> None:
    filler = "x" * 256
    values = {f"f{index}": filler for index in range(64)}
    data = telemetry(values=values)
    assert len(data) > MAX_PAYLOAD_BYTES
    assert refused(TELEMETRY_TOPIC, data) == (
        "payload_too_large",
        f"payload is {len(data)} bytes, the limit is 16384",
    )


def test_payload_of_exactly_the_limit_is_accepted() -> None:
    data = telemetry(values={"label": "客厅"})
    # JSON whitespace pads the payload to the limit without changing its meaning.
    data = data[:-1] + b" " * (MAX_PAYLOAD_BYTES - len(data)) + b"}"
    assert len(data) == 16384
    assert decode(TELEMETRY_TOPIC, data, now_ms=NOW) == Telemetry(
        SERIAL, uuid.UUID(MESSAGE_ID), NOW, TOKEN, (Reading(NOW, {"label": "客厅"}),)
    )
    assert refused(TELEMETRY_TOPIC, data[:-1] + b" }") == (
        "payload_too_large",
        "payload is 16385 bytes, the limit is 16384",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "payload is not valid JSON: Expecting value at position 0"),
        (b"{", "payload is not valid JSON: Expecting property name enclosed in double quotes at position 1"),
        (b'{"v" 1}', "payload is not valid JSON: Expecting ':' delimiter at position 5"),
        (b"\xff\xfe{}", "payload is not valid UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "payload is nested too deeply"),
    ],
)  # fmt: skip
def test_payload_not_json(data: bytes, message: str) -> None:
    assert refused(TELEMETRY_TOPIC, data) == ("payload_not_json", message)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, 'payload has no version field "v"'),
        ({"v": 2}, "payload version 2 is not supported (supported: 1)"),
        ({"v": "1"}, 'payload version "1" is not supported (supported: 1)'),
        ({"v": True}, "payload version true is not supported (supported: 1)"),
        ({"v": 1.0}, "payload version 1.0 is not supported (supported: 1)"),
        ({"v": None}, "payload version null is not supported (supported: 1)"),
    ],
)
def test_payload_version_unknown(fields: dict[str, Any], message: str) -> None:
    assert refused(TELEMETRY_TOPIC, payload(**fields)) == ("payload_version_unknown", message)


def test_topic_invalid_through_decode() -> None:
    assert refused("heyi/v1/devices/+/telemetry", telemetry()) == (
        "topic_invalid",
        "topic 'heyi/v1/devices/+/telemetry' has an invalid serial number '+'",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[1]", "payload must be a JSON object, not list"),
        (b'"text"', "payload must be a JSON object, not str"),
        (b'{"v": 1, "v": 1}', "duplicate key 'v'"),
        (telemetry().replace(b"21.5", b"NaN"), "non-finite number NaN is not allowed"),
        (telemetry().replace(b"21.5", b"-Infinity"), "non-finite number -Infinity is not allowed"),
        (telemetry().replace(b"21.5", b"1e999"), "values.temperature: must be a finite number"),
        (telemetry(id=...), "id: is required"),
        (telemetry(id="not-a-uuid"), "id: must be a UUID string like 2f1c0a52-6b1e-4c36-9a53-0f7e2b9d3c41"),
        (telemetry(id=MESSAGE_ID.replace("-", "")), "id: must be a UUID string like 2f1c0a52-6b1e-4c36-9a53-0f7e2b9d3c41"),
        (telemetry(id=42), "id: must be a UUID string like 2f1c0a52-6b1e-4c36-9a53-0f7e2b9d3c41"),
        (telemetry(ts=...), "ts: is required"),
        (telemetry(ts="2026-07-25T17:20:00Z"), "ts: must be an integer of milliseconds since the Unix epoch"),
        (telemetry(ts=float(NOW)), "ts: must be an integer of milliseconds since the Unix epoch"),
        (telemetry(auth=...), "auth: is required"),
        (telemetry(auth="short"), "auth: must be a device token of 16 to 128 URL-safe characters"),
        (telemetry(auth="a b" * 10), "auth: must be a device token of 16 to 128 URL-safe characters"),
        (telemetry(extra=1), "extra: unknown field"),
        (telemetry(values=...), "values: is required"),
        (telemetry(values=[1]), "values: must be an object"),
        (telemetry(values={}), "values: must not be empty"),
        (telemetry(values={f"f{i}": 1 for i in range(65)}), "values: has more than 64 entries"),
        (telemetry(values={"Temperature": 1}), "values.Temperature: name must match [a-z][a-z0-9_]{0,63}"),
        (telemetry(values={"1st": 1}), "values.1st: name must match [a-z][a-z0-9_]{0,63}"),
        (telemetry(values={"a" * 65: 1}), f"values.{'a' * 65}: name must match [a-z][a-z0-9_]{{0,63}}"),
        (telemetry(values={"t": None}), "values.t: must be a number, a boolean or a string"),
        (telemetry(values={"t": [1, 2]}), "values.t: must be a number, a boolean or a string"),
        (telemetry(values={"t": {"a": 1}}), "values.t: must be a number, a boolean or a string"),
        (telemetry(values={"t": 2**53}), "values.t: integer is outside ±(2**53 - 1)"),
        (telemetry(values={"t": "x" * 257}), "values.t: is longer than 256 characters"),
        (telemetry(values={"t": "a\x00b"}), "values.t: must not contain NUL characters"),
        (telemetry(values={"t": "SURROGATE"}).replace(b"SURROGATE", b"\\ud800"), "values.t: must not contain lone surrogates"),
        (telemetry(readings=[]), "values: unknown field"),
        (telemetry(values=..., readings=[]), "readings: must not be empty"),
        (telemetry(values=..., readings={}), "readings: must be an array"),
        (telemetry(values=..., readings=[{"ts": NOW, "values": {"t": 1}}] * 101), "readings: has more than 100 readings"),
        (telemetry(values=..., readings=[5]), "readings[0]: must be an object"),
        (telemetry(values=..., readings=[{"values": {"t": 1}}]), "readings[0].ts: is required"),
        (telemetry(values=..., readings=[{"ts": NOW}]), "readings[0].values: is required"),
        (telemetry(values=..., readings=[{"ts": NOW, "values": {"t": 1}, "x": 1}]), "readings[0].x: unknown field"),
        (telemetry(values=..., readings=[{"ts": NOW, "values": {"t": 1}}, {"ts": NOW, "values": {"t": True, "u": None}}]), "readings[1].values.u: must be a number, a boolean or a string"),
    ],
)  # fmt: skip
def test_payload_invalid_telemetry(data: bytes, message: str) -> None:
    assert refused(TELEMETRY_TOPIC, data) == ("payload_invalid", message)


def base(**fields: Any) -> dict[str, Any]:
    return {"v": 1, "id": MESSAGE_ID, "ts": NOW, "auth": TOKEN, **fields}


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("state", base(), "attributes: is required"),
        ("state", base(attributes={}), "attributes: must not be empty"),
        ("state", base(attributes={"power": None}), "attributes.power: must be a number, a boolean or a string"),
        ("state", base(attributes={"a": 1}, values={"a": 1}), "values: unknown field"),
        ("alarms", base(severity="critical", message="m"), "code: is required"),
        ("alarms", base(code="Overheat", severity="critical", message="m"), "code: must match [a-z][a-z0-9_]{0,63}"),
        ("alarms", base(code="overheat", severity="fatal", message="m"), "severity: must be one of info, warning, critical"),
        ("alarms", base(code="overheat", severity=["critical"], message="m"), "severity: must be one of info, warning, critical"),
        ("alarms", base(code="overheat", severity="info"), "message: is required"),
        ("alarms", base(code="overheat", severity="info", message=3), "message: must be a string"),
        ("alarms", base(code="overheat", severity="info", message="m" * 513), "message: is longer than 512 characters"),
        ("alarms", base(code="overheat", severity="info", message="m", active="yes"), "active: must be a boolean"),
        ("commands/ack", base(status="ok"), "command: is required"),
        ("commands/ack", base(command="x", status="ok"), "command: must be a UUID string like 2f1c0a52-6b1e-4c36-9a53-0f7e2b9d3c41"),
        ("commands/ack", base(command=COMMAND_ID, status="done"), "status: must be one of ok, failed, rejected"),
        ("commands/ack", base(command=COMMAND_ID, status="ok", detail=None), "detail: must be a string"),
        ("commands", {"v": 1, "id": COMMAND_ID, "ts": NOW, "expires": NOW + 1}, "name: is required"),
        ("commands", {"v": 1, "id": COMMAND_ID, "ts": NOW, "name": "reboot"}, "expires: is required"),
        ("commands", {"v": 1, "id": COMMAND_ID, "ts": NOW, "name": "reboot", "expires": NOW}, "expires: must be after ts and at most 30 days after it"),
        ("commands", {"v": 1, "id": COMMAND_ID, "ts": NOW, "name": "reboot", "expires": NOW + 30 * 86_400_000 + 1}, "expires: must be after ts and at most 30 days after it"),
        ("commands", {"v": 1, "id": COMMAND_ID, "ts": NOW, "name": "reboot", "expires": "soon"}, "expires: must be an integer of milliseconds since the Unix epoch"),
        ("commands", {"v": 1, "id": COMMAND_ID, "ts": NOW, "name": "reboot", "expires": NOW + 1, "args": [1]}, "args: must be an object"),
        ("commands", {"v": 1, "id": COMMAND_ID, "ts": NOW, "name": "reboot", "expires": NOW + 1, "auth": TOKEN}, "auth: unknown field"),
    ],
)  # fmt: skip
def test_payload_invalid_other_kinds(kind: str, fields: dict[str, Any], message: str) -> None:
    topic = f"heyi/v1/devices/{SERIAL}/{kind}"
    assert refused(topic, payload(**fields)) == ("payload_invalid", message)


@pytest.mark.parametrize(
    ("ts", "message"),
    [
        (0, "ts: 0 is before 2020-01-01T00:00:00Z"),
        (1_577_836_799_999, "ts: 1577836799999 is before 2020-01-01T00:00:00Z"),
        (NOW + 86_400_001, f"ts: {NOW + 86_400_001} is more than 24 h ahead of the gateway clock"),
    ],
)
def test_timestamp_out_of_range(ts: int, message: str) -> None:
    assert refused(TELEMETRY_TOPIC, telemetry(ts=ts)) == ("payload_timestamp_out_of_range", message)


def test_timestamp_bounds_are_inclusive() -> None:
    for ts in (1_577_836_800_000, NOW + 86_400_000):
        message = decode(TELEMETRY_TOPIC, telemetry(ts=ts), now_ms=NOW)
        assert isinstance(message, Telemetry)
        assert message.ts == ts


def test_timestamp_of_a_batch_reading_is_checked() -> None:
    data = telemetry(values=..., readings=[{"ts": 5, "values": {"t": 1}}])
    assert refused(TELEMETRY_TOPIC, data) == (
        "payload_timestamp_out_of_range",
        "readings[0].ts: 5 is before 2020-01-01T00:00:00Z",
    )


# --- encoding -------------------------------------------------------------------------------


def test_encode_command_exact_bytes() -> None:
    command = Command(
        SERIAL,
        uuid.UUID(COMMAND_ID),
        NOW,
        name="set_temperature",
        expires=NOW + 60_000,
        args={"celsius": 22.5, "label": "客厅"},
    )
    topic, data = encode_command(command, now_ms=NOW)
    assert topic == "heyi/v1/devices/HY-7K3M-Q9P2/commands"
    assert (
        data
        == (
            '{"v":1,"id":"7d9e4b10-3c2a-4f5e-8b6d-1a0c9e8f7b65","ts":1785000000000,'
            '"name":"set_temperature","args":{"celsius":22.5,"label":"客厅"},"expires":1785000060000}'
        ).encode()
    )
    assert decode(topic, data, now_ms=NOW) == command


def test_encode_command_without_arguments() -> None:
    command = Command(SERIAL, uuid.UUID(COMMAND_ID), NOW, name="reboot", expires=NOW + 1)
    topic, data = encode_command(command, now_ms=NOW)
    assert json.loads(data) == {
        "v": 1,
        "id": COMMAND_ID,
        "ts": NOW,
        "name": "reboot",
        "expires": NOW + 1,
    }
    assert decode(topic, data, now_ms=NOW) == command


def test_encode_refuses_what_decode_refuses() -> None:
    command = Command(
        SERIAL, uuid.UUID(COMMAND_ID), NOW, name="set", expires=NOW + 1, args={"x": float("nan")}
    )
    with pytest.raises(CodecError) as caught:
        encode_command(command, now_ms=NOW)
    assert (caught.value.code, caught.value.message) == (
        "payload_invalid",
        "args.x: must be a finite number",
    )
    with pytest.raises(TopicError):
        encode_command(
            Command("bad/serial", uuid.UUID(COMMAND_ID), NOW, name="set", expires=NOW + 1),
            now_ms=NOW,
        )


def test_encode_refuses_an_oversized_payload() -> None:
    readings = tuple(Reading(ts=NOW - index, values={"label": "x" * 200}) for index in range(100))
    message = Telemetry(SERIAL, uuid.UUID(MESSAGE_ID), NOW, TOKEN, readings)
    with pytest.raises(CodecError) as caught:
        encode(message, now_ms=NOW)
    assert (caught.value.code, caught.value.message) == (
        "payload_too_large",
        "payload is 24435 bytes, the limit is 16384",
    )


UPSTREAM_MESSAGES: list[Message] = [
    Telemetry(SERIAL, uuid.UUID(MESSAGE_ID), NOW, TOKEN, (Reading(NOW, {"t": 1.5}),)),
    Telemetry(
        SERIAL,
        uuid.UUID(MESSAGE_ID),
        NOW,
        TOKEN,
        (Reading(NOW - 10, {"t": 1}), Reading(NOW - 5, {"on": False, "mode": "auto"})),
    ),
    Telemetry(SERIAL, uuid.UUID(MESSAGE_ID), NOW, TOKEN, (Reading(NOW - 10, {"t": -0.25}),)),
    StateReport(SERIAL, uuid.UUID(MESSAGE_ID), NOW, TOKEN, {"power": True, "fan": "high"}),
    Alarm(
        SERIAL,
        uuid.UUID(MESSAGE_ID),
        NOW,
        TOKEN,
        code="filter_due",
        severity=AlarmSeverity.INFO,
        message="",
        active=False,
    ),
    CommandAck(SERIAL, uuid.UUID(MESSAGE_ID), NOW, TOKEN, uuid.UUID(COMMAND_ID), AckStatus.OK, ""),
    CommandAck(
        SERIAL, uuid.UUID(MESSAGE_ID), NOW, TOKEN, uuid.UUID(COMMAND_ID), AckStatus.FAILED, "jam"
    ),
]


@pytest.mark.parametrize("message", UPSTREAM_MESSAGES)
def test_upstream_round_trip(message: Any) -> None:
    topic, data = encode(message, now_ms=NOW)
    assert topic == f"heyi/v1/devices/{SERIAL}/{message.kind}"
    assert decode(topic, data, now_ms=NOW) == message


def test_single_reading_encodes_in_the_short_form() -> None:
    _topic, data = encode(UPSTREAM_MESSAGES[0], now_ms=NOW)
    assert data == (
        b'{"v":1,"id":"2f1c0a52-6b1e-4c36-9a53-0f7e2b9d3c41","ts":1785000000000,'
        b'"auth":"Zq3v9Xb1_tL0-kP8mN4rS7uW2yA5cE6gH0jK1lM3nO","values":{"t":1.5}}'
    )
    _topic, data = encode(UPSTREAM_MESSAGES[2], now_ms=NOW)
    assert json.loads(data)["readings"] == [{"ts": NOW - 10, "values": {"t": -0.25}}]


def test_redelivery_decodes_to_the_same_message_id() -> None:
    # QoS 1 may deliver twice; the gateway deduplicates on (serial, id).
    first = decode(TELEMETRY_TOPIC, telemetry(), now_ms=NOW)
    second = decode(TELEMETRY_TOPIC, telemetry(), now_ms=NOW + 5000)
    assert (first.serial, first.id) == (second.serial, second.id) == (SERIAL, uuid.UUID(MESSAGE_ID))


def test_reading_ids() -> None:
    single, batch, batch_of_one = UPSTREAM_MESSAGES[:3]
    assert isinstance(single, Telemetry)
    assert isinstance(batch, Telemetry)
    assert isinstance(batch_of_one, Telemetry)
    assert single.reading_ids() == (MESSAGE_ID,)
    assert batch.reading_ids() == (f"{MESSAGE_ID}:0", f"{MESSAGE_ID}:1")
    assert batch_of_one.reading_ids() == (f"{MESSAGE_ID}:0",)
