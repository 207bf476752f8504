"""Simulated devices: plausible messages that fit their model, commands obeyed and answered."""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
import uuid
from typing import Any

import pytest

from heyi.devices.capabilities import capabilities_parse, state_check, telemetry_check
from heyi.devices.commands import command_send
from heyi.devices.gateway.codec import Command, decode
from heyi.devices.gateway.publisher import MqttPublisher
from heyi.devices.gateway.runner import Gateway
from heyi.devices.models import (
    CommandSource,
    CommandStatus,
    Device,
    DeviceCommand,
    DeviceCredential,
    DeviceShadow,
    Reading,
)
from heyi.devices.services import device_authenticate
from heyi.devices.simulator import (
    SIMULATED_CAPABILITIES,
    DeviceIdentity,
    SimulatedDevice,
    Simulator,
    simulated_fleet_create,
)
from heyi.devices.tests.test_gateway_mqtt import MOSQUITTO_URL, _require_mosquitto, _retry, _wait
from heyi.devices.transport import transport_set

T0 = 1_785_000_000_000


def _device(seed: int = 1) -> SimulatedDevice:
    identity = DeviceIdentity("SIM-TEST-00001", "t" * 32, SIMULATED_CAPABILITIES)
    return SimulatedDevice(identity, random.Random(seed))


def _command(name: str, args: dict[str, Any], *, expires: int = T0 + 60_000) -> Command:
    return Command("SIM-TEST-00001", uuid.uuid4(), T0, name=name, expires=expires, args=args)


def test_telemetry_walks_inside_the_declared_ranges() -> None:
    device = _device()
    capabilities = capabilities_parse(SIMULATED_CAPABILITIES)

    temperatures = []
    for step in range(500):
        topic, payload = device.telemetry(T0 + step * 1000)
        message = decode(topic, payload, now_ms=T0)
        values = dict(message.readings[0].values)  # type: ignore[union-attr]
        telemetry_check(capabilities, values)  # raises if outside the model
        temperatures.append(values["temperature"])

    assert topic == "heyi/v1/devices/SIM-TEST-00001/telemetry"
    assert set(values) == {"temperature", "humidity", "window_open"}
    # A walk, not noise: neighbouring readings are close.
    assert max(abs(b - a) for a, b in itertools.pairwise(temperatures)) < 5


def test_state_and_alarms_fit_the_model() -> None:
    device = _device()
    capabilities = capabilities_parse(SIMULATED_CAPABILITIES)
    report = device.state_report(T0)
    assert report is not None
    state = decode(*report, now_ms=T0)
    state_check(capabilities, dict(state.attributes))  # type: ignore[union-attr]

    alarms = [device.alarm(T0 + i) for i in range(5000)]
    sent = [json.loads(payload) for topic, payload in filter(None, alarms)]
    assert sent, "in 5000 ticks an alarm is raised"
    assert [message["active"] for message in sent[:2]] == [True, False]
    assert {message["code"] for message in sent} <= {"overheat", "battery_low"}


def test_commands_are_obeyed_or_refused_and_always_answered() -> None:
    device = _device()
    set_command = _command("set", {"target_temperature": 22.5, "mode": "away"})

    outcome = [json.loads(payload) for _topic, payload in device.command(set_command, T0)]
    identify = json.loads(device.command(_command("identify", {"seconds": 2}), T0)[0][1])
    unknown = json.loads(device.command(_command("explode", {}), T0)[0][1])
    read_only = json.loads(device.command(_command("set", {"firmware": "2"}), T0)[0][1])
    expired = json.loads(device.command(_command("identify", {}, expires=T0 + 1), T0 + 5)[0][1])

    assert (outcome[0]["command"], outcome[0]["status"]) == (str(set_command.id), "ok")
    assert outcome[1]["attributes"]["target_temperature"] == 22.5
    assert outcome[1]["attributes"]["mode"] == "away"
    assert [identify["status"], unknown["status"], read_only["status"], expired["status"]] == [
        "ok",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert device.state["mode"] == "away"


@pytest.mark.django_db
def test_a_created_fleet_authenticates_with_its_tokens() -> None:
    fleet = simulated_fleet_create(3, prefix="SIM-FLEE")

    assert [identity.serial for identity in fleet] == [
        "SIM-FLEE-00000",
        "SIM-FLEE-00001",
        "SIM-FLEE-00002",
    ]
    assert (DeviceShadow.objects.count(), DeviceCredential.objects.count()) == (3, 3)
    authenticated = device_authenticate(serial=fleet[1].serial, token=fleet[1].token)
    assert authenticated is not None and authenticated.serial == "SIM-FLEE-00001"
    assert device_authenticate(serial=fleet[1].serial, token=fleet[0].token) is None


@pytest.mark.django_db(transaction=True)
def test_simulated_devices_report_through_the_gateway_and_obey_a_set_command(
    settings: Any,
) -> None:
    _require_mosquitto()
    settings.MQTT_URL = MOSQUITTO_URL
    fleet = simulated_fleet_create(4)
    suffix = uuid.uuid4().hex[:8]
    gateway = Gateway(
        client_id=f"test-sim-gateway-{suffix}",
        shared=True,
        group=f"sim-{suffix}",
        session_expiry=30,
    )
    simulator = Simulator(fleet, interval=0.2, connections=2, seed=3, session_expiry=30)
    stop = threading.Event()
    runner = threading.Thread(target=simulator.run, kwargs={"stop": stop})
    publisher = MqttPublisher(MOSQUITTO_URL)
    transport_set(publisher)
    gateway.start()
    try:
        _gateway_run_with_simulator(gateway, simulator, runner, stop, fleet)
    finally:
        stop.set()
        runner.join(5)
        transport_set(None)
        publisher.close()
        gateway.stop(timeout=5)
    published = simulator.stats.telemetry
    assert gateway.stats.snapshot()["refused"] == {}
    assert gateway.stats.snapshot()["stored"] == published
    assert set(Reading.objects.values_list("device__serial", flat=True)) == {
        identity.serial for identity in fleet
    }
    assert Reading.objects.count() == published


def _gateway_run_with_simulator(
    gateway: Gateway,
    simulator: Simulator,
    runner: threading.Thread,
    stop: threading.Event,
    fleet: list[DeviceIdentity],
) -> None:
    """Devices report, one obeys a `set` command, then all stop and the gateway catches up."""
    assert gateway.subscribed.wait(5)
    runner.start()
    assert simulator.ready.wait(5)
    target = _retry(lambda: Device.objects.get(serial=fleet[0].serial))
    assert _wait(lambda: Device.objects.filter(pk=target.pk, is_online=True).exists())

    command = _retry(
        lambda: command_send(
            device=target,
            actor=None,
            name="set",
            args={"target_temperature": 19.5},
            source=CommandSource.RULE,
        )
    )

    assert _wait(lambda: DeviceCommand.objects.get(pk=command.pk).status == CommandStatus.ACKED)
    assert _wait(
        lambda: DeviceShadow.objects.get(device=target).reported.get("target_temperature") == 19.5
    )
    time.sleep(0.5)  # a few more readings from every device
    stop.set()
    runner.join(5)
    published = simulator.stats.telemetry
    assert _wait(lambda: gateway.stats.snapshot()["stored"] == published)
