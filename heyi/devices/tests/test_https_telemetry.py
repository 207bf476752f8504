"""Telemetry, state and alarms over HTTPS, for devices without MQTT: the MQTT v1 payloads,
authenticated by `Authorization: Device <token>`, stored once per message id."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from django.test import Client

from heyi.devices.models import (
    Device,
    DeviceAlarm,
    DeviceBindingCode,
    DeviceShadow,
    Reading,
)
from heyi.devices.services import credential_roll, device_bind
from heyi.devices.tests.factories import device_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def fridge(operator: Any, owner: Any) -> tuple[Device, str]:
    device = device_make(operator, owner)
    device = device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)
    _credential, token = credential_roll(device=device, actor=owner)
    return device, token


def _post(serial: str, kind: str, payload: Any, token: str | None, **headers: str) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    if token is not None:
        headers["Authorization"] = f"Device {token}"
    return Client().post(
        f"/api/v1/devices/{serial}/{kind}",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _telemetry(values: dict[str, Any], message_id: uuid.UUID | None = None) -> dict[str, Any]:
    return {"v": 1, "id": str(message_id or uuid.uuid4()), "ts": _now_ms(), "values": values}


def test_a_reading_is_stored_once(
    fridge: tuple[Device, str], django_capture_on_commit_callbacks: Any
) -> None:
    device, token = fridge
    payload = _telemetry({"temperature": 4.5, "door_open": False})

    with django_capture_on_commit_callbacks(execute=True):
        first = _post(device.serial, "telemetry", payload, token)
    again = _post(device.serial, "telemetry", payload, token)

    assert (first.status_code, first.json()) == (202, {"stored": 1, "duplicates": 0})
    assert (again.status_code, again.json()) == (202, {"stored": 0, "duplicates": 1})
    reading = Reading.objects.get(device=device)
    assert (reading.message_id, reading.values) == (
        payload["id"],
        {"temperature": 4.5, "door_open": False},
    )
    device.refresh_from_db()
    assert device.is_online is True


def test_a_batch_with_the_token_also_in_the_body(fridge: tuple[Device, str]) -> None:
    device, token = fridge
    now = _now_ms()
    payload = {
        "v": 1,
        "id": str(uuid.uuid4()),
        "ts": now,
        "auth": token,
        "readings": [
            {"ts": now - 60_000, "values": {"temperature": 4.0}},
            {"ts": now - 30_000, "values": {"temperature": 4.2}},
        ],
    }

    answer = _post(device.serial, "telemetry", payload, token)

    assert (answer.status_code, answer.json()) == (202, {"stored": 2, "duplicates": 0})
    assert sorted(Reading.objects.values_list("message_id", flat=True)) == [
        f"{payload['id']}:0",
        f"{payload['id']}:1",
    ]


@pytest.mark.parametrize(
    "header",
    [None, "Device wrong-token-wrong-token-wrong", "Bearer {token}", "Device "],
)
def test_without_the_device_token_nothing_is_stored(
    fridge: tuple[Device, str], header: str | None
) -> None:
    device, token = fridge
    headers = {} if header is None else {"Authorization": header.format(token=token)}

    answer = _post(device.serial, "telemetry", _telemetry({"temperature": 4.5}), None, **headers)

    assert (answer.status_code, answer.json()["code"]) == (401, "device_unauthenticated")
    assert Reading.objects.count() == 0


def test_another_devices_token_or_body_token_is_refused(
    fridge: tuple[Device, str], operator: Any, owner: Any
) -> None:
    device, token = fridge
    payload = {**_telemetry({"temperature": 4.5}), "auth": "another-token-of-sixteen-chars"}

    mismatch = _post(device.serial, "telemetry", payload, token)
    unknown = _post("HY-NONE-NONE", "telemetry", _telemetry({"temperature": 4.5}), token)

    assert (mismatch.status_code, mismatch.json()["code"]) == (401, "device_unauthenticated")
    assert unknown.status_code == 401
    assert Reading.objects.count() == 0


def test_a_rolled_credential_is_refused(fridge: tuple[Device, str], owner: Any) -> None:
    device, old_token = fridge
    _credential, new_token = credential_roll(device=device, actor=owner)

    old = _post(device.serial, "telemetry", _telemetry({"temperature": 4.5}), old_token)
    new = _post(device.serial, "telemetry", _telemetry({"temperature": 4.5}), new_token)

    assert (old.status_code, old.json()["code"]) == (401, "device_unauthenticated")
    assert new.status_code == 202
    assert Reading.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "payload_not_json"),
        (
            json.dumps({"v": 2, "id": str(uuid.uuid4()), "ts": 1}).encode(),
            "payload_version_unknown",
        ),
        (
            json.dumps(
                {"v": 1, "id": "nope", "ts": 1_785_000_000_000, "values": {"a": 1}}
            ).encode(),
            "payload_invalid",
        ),
        (
            json.dumps(
                {"v": 1, "id": str(uuid.uuid4()), "ts": 1_000, "values": {"temperature": 1}}
            ).encode(),
            "payload_timestamp_out_of_range",
        ),
        (b"x" * (16 * 1024 + 1), "payload_too_large"),
    ],
)
def test_malformed_payloads_answer_the_codecs_code(
    fridge: tuple[Device, str], body: bytes, code: str
) -> None:
    device, token = fridge

    answer = _post(device.serial, "telemetry", body, token)

    assert (answer.status_code, answer.json()["code"]) == (422, code)
    assert Reading.objects.count() == 0


def test_values_outside_the_model_are_refused_with_the_reason(fridge: tuple[Device, str]) -> None:
    device, token = fridge

    hot = _post(device.serial, "telemetry", _telemetry({"temperature": 99.0}), token)
    unknown = _post(device.serial, "telemetry", _telemetry({"humidity": 40}), token)

    assert (hot.status_code, hot.json()["code"]) == (422, "capability_value_out_of_range")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "capability_field_unknown")
    assert Reading.objects.count() == 0


def test_state_and_alarms_over_https(fridge: tuple[Device, str]) -> None:
    device, token = fridge
    envelope = {"v": 1, "ts": _now_ms()}

    state = _post(
        device.serial,
        "state",
        {**envelope, "id": str(uuid.uuid4()), "attributes": {"power": True, "mode": "eco"}},
        token,
    )
    bad_state = _post(
        device.serial,
        "state",
        {**envelope, "id": str(uuid.uuid4()), "attributes": {"mode": "turbo"}},
        token,
    )
    alarm = {
        **envelope,
        "id": str(uuid.uuid4()),
        "code": "door_left_open",
        "severity": "warning",
        "message": "Door open 5 min",
    }
    raised = _post(device.serial, "alarms", alarm, token)
    repeated = _post(device.serial, "alarms", alarm, token)

    assert (state.status_code, state.json()) == (202, {"stored": 1, "duplicates": 0})
    assert DeviceShadow.objects.get(device=device).reported == {"power": True, "mode": "eco"}
    assert (bad_state.status_code, bad_state.json()["code"]) == (
        422,
        "capability_value_out_of_range",
    )
    assert (raised.status_code, raised.json()) == (202, {"stored": 1, "duplicates": 0})
    assert (repeated.status_code, repeated.json()) == (202, {"stored": 0, "duplicates": 1})
    assert list(DeviceAlarm.objects.values_list("code", "cleared_at")) == [("door_left_open", None)]
