"""The whole path: a device's messages go through the real ingest, its events through the
devices registry, and signed requests arrive at the app's receiver."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from heyi.designs.tests.factories import person_make
from heyi.devices.gateway.codec import Alarm, AlarmSeverity, Telemetry
from heyi.devices.gateway.codec import Reading as WireReading
from heyi.devices.ingest import ingest_messages
from heyi.devices.models import DeviceModel
from heyi.devices.services import credential_roll
from heyi.webhooks import services
from heyi.webhooks.tests.conftest import Receiver, app_make, grant_make, owned_device

pytestmark = pytest.mark.django_db


def test_ingested_readings_and_alarms_reach_the_granted_app_signed(
    fridge: DeviceModel,
    owner: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    device = owned_device(fridge, owner)
    _credential, token = credential_roll(device=device, actor=owner)
    app = app_make(person_make("dev@example.com", "Dev Dana"))
    endpoint = services.endpoint_create(
        app=app,
        actor=app.owner,
        url=receiver.url,
        event_types=["device.telemetry.threshold", "device.alarm.raised", "device.online"],
        thresholds=[{"field": "temperature", "op": ">", "value": 8}],
    )
    receiver.secrets = [endpoint.secret]
    grant_make(app, owner, [device])
    now = int(time.time() * 1000)

    def telemetry(offset: int, temperature: float) -> Telemetry:
        ts = now + offset
        return Telemetry(
            device.serial, uuid.uuid4(), ts, token, (WireReading(ts, {"temperature": temperature}),)
        )

    with django_capture_on_commit_callbacks(execute=True):
        ingest_messages([telemetry(0, 5.0), telemetry(1000, 9.5), telemetry(2000, 10.0)])
    with django_capture_on_commit_callbacks(execute=True):
        ingest_messages(
            [
                telemetry(3000, 11.0),
                Alarm(
                    device.serial,
                    uuid.uuid4(),
                    now + 4000,
                    token,
                    "door_left_open",
                    AlarmSeverity.WARNING,
                    "Door open for 5 minutes",
                ),
            ]
        )

    assert [request.verified["type"] for request in receiver.received] == [
        "device.online",
        "device.telemetry.threshold",
        "device.alarm.raised",
    ]
    assert receiver.received[1].verified["data"]["value"] == 9.5
    assert receiver.received[2].verified["data"]["code"] == "door_left_open"
    assert {request.verified["data"]["device"] for request in receiver.received} == {device.serial}
