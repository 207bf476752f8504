"""The whole chain: readings ingested as the gateway does fire a rule that commands the device."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from heyi.devices.gateway.codec import Reading as WireReading
from heyi.devices.gateway.codec import Telemetry
from heyi.devices.ingest import ingest_messages
from heyi.devices.models import CommandSource, DeviceCommand
from heyi.devices.services import credential_roll
from heyi.rules.models import RuleFiring
from heyi.rules.services import rule_create
from heyi.rules.tests.factories import bound_device

pytestmark = pytest.mark.django_db

T0 = 1_785_000_000_000  # epoch milliseconds


def test_ingested_readings_fire_a_command_rule_once(
    operator: Any, owner: Any, device_transport: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device = bound_device(operator, owner)
    _credential, token = credential_roll(device=device, actor=owner)
    rule = rule_create(
        actor=owner,
        device=device,
        name="Defrost when warm",
        trigger="telemetry",
        condition={"field": "temperature", "op": ">", "value": 8, "for_readings": 2},
        action="command",
        params={"name": "defrost", "args": {"minutes": 10}},
    )

    def reading(ts: int, temperature: float) -> Telemetry:
        return Telemetry(
            device.serial, uuid.uuid4(), ts, token, (WireReading(ts, {"temperature": temperature}),)
        )

    with django_capture_on_commit_callbacks(execute=True):
        ingest_messages([reading(T0, 9.0)])
    assert RuleFiring.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        ingest_messages([reading(T0 + 1000, 9.5), reading(T0 + 2000, 10.0)])
    firing = RuleFiring.objects.get()
    command = DeviceCommand.objects.get()
    assert (firing.status, firing.command_uid, [item["value"] for item in firing.evidence]) == (
        "ok",
        command.uid,
        [9.5, 10.0],
    )
    assert (command.source, command.rule_id, command.args) == (
        CommandSource.RULE,
        rule.pk,
        {"minutes": 10},
    )
    assert len(device_transport.sent) == 1
