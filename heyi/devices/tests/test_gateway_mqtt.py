"""The gateway against a real broker: Mosquitto on 127.0.0.1:1883 (and the embedded amqtt one).

Each test runs its own gateway in threads of this process, with a client id and a share group
of its own, so that tests (and other gateways on the same broker) never take each other's
messages. Skipped when Mosquitto is not there, unless HEYI_REQUIRE_MQTT=1 (CI), which makes
that a failure instead.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import paho.mqtt.client as mqtt
import pytest
from django.db import OperationalError
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

from heyi.devices import ingest
from heyi.devices.commands import command_send
from heyi.devices.gateway.broker import EmbeddedBroker
from heyi.devices.gateway.codec import Command, decode
from heyi.devices.gateway.publisher import MqttPublisher
from heyi.devices.gateway.runner import Gateway
from heyi.devices.models import CommandSource, CommandStatus, Device, DeviceCommand, Reading
from heyi.devices.simulator import DeviceIdentity, simulated_fleet_create
from heyi.devices.transport import transport_set

T = TypeVar("T")

MOSQUITTO = ("127.0.0.1", 1883)
MOSQUITTO_URL = "mqtt://127.0.0.1:1883"


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def _require_mosquitto() -> None:
    if _reachable(MOSQUITTO):
        return
    if os.environ.get("HEYI_REQUIRE_MQTT") == "1":
        pytest.fail("HEYI_REQUIRE_MQTT=1 but no MQTT broker listens on 127.0.0.1:1883")
    pytest.skip("no Mosquitto on 127.0.0.1:1883 (set HEYI_REQUIRE_MQTT=1 to make this fail)")


pytestmark = pytest.mark.django_db(transaction=True)


def _retry(action: Callable[[], T], timeout: float = 5.0) -> T:
    """Run a database action of the test's thread while the gateway's thread writes.

    On PostgreSQL this never retries. SQLite's shared in-memory test database refuses a table
    another connection is writing at that instant ("database table is locked") instead of
    waiting, so the action is tried again.
    """
    ends = time.monotonic() + timeout
    while True:
        try:
            return action()
        except OperationalError:
            if time.monotonic() >= ends:
                raise
            time.sleep(0.02)


def _wait(condition: Callable[[], bool], timeout: float = 8.0) -> bool:
    """Poll until `condition` holds; the caller asserts the outcome with exact values."""
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        if _retry(condition):
            return True
        time.sleep(0.05)
    return _retry(condition)


@pytest.fixture
def mosquitto(settings: Any) -> str:
    _require_mosquitto()
    settings.MQTT_URL = MOSQUITTO_URL
    return MOSQUITTO_URL


@pytest.fixture
def gateways(mosquitto: str) -> Iterator[Callable[..., Gateway]]:
    """Start gateways sharing one unique client id and group; all stopped at the end."""
    started: list[Gateway] = []
    suffix = uuid.uuid4().hex[:8]

    def start(**options: Any) -> Gateway:
        gateway = Gateway(
            client_id=f"test-gateway-{suffix}",
            url=mosquitto,
            shared=True,
            group=f"test-{suffix}",
            session_expiry=60,
            **options,
        )
        gateway.start()
        started.append(gateway)
        assert gateway.subscribed.wait(5), "the gateway did not subscribe"
        return gateway

    yield start
    for gateway in started:
        gateway.stop(timeout=5)
    # End the persistent session, so that the broker stops queueing for this test's gateway.
    cleaner = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"test-gateway-{suffix}",
        protocol=MQTTProtocolVersion.MQTTv5,
    )
    cleaner.connect(*MOSQUITTO, clean_start=True)
    cleaner.disconnect()


@pytest.fixture
def publisher(mosquitto: str) -> Iterator[mqtt.Client]:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=MQTTProtocolVersion.MQTTv5)
    client.max_inflight_messages_set(200)
    client.connect(*MOSQUITTO)
    client.loop_start()
    yield client
    client.disconnect()
    client.loop_stop()


def _telemetry(identity: DeviceIdentity, *, temperature: float = 21.5, id: str = "") -> bytes:
    return json.dumps(
        {
            "v": 1,
            "id": id or str(uuid.uuid4()),
            "ts": int(time.time() * 1000),
            "auth": identity.token,
            "values": {"temperature": temperature, "humidity": 40.0},
        }
    ).encode()


def _topic(identity: DeviceIdentity, kind: str = "telemetry") -> str:
    return f"heyi/v1/devices/{identity.serial}/{kind}"


def _publish_all(client: mqtt.Client, messages: list[tuple[str, bytes]]) -> None:
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(5)


def test_good_messages_are_stored_once_and_bad_ones_counted_and_dropped(
    gateways: Callable[..., Gateway], publisher: mqtt.Client
) -> None:
    good, other = simulated_fleet_create(2)
    gateway = gateways(batch_size=7)
    repeated = str(uuid.uuid4())
    messages = [(_topic(good), _telemetry(good, temperature=20 + i / 10)) for i in range(20)]
    messages += [
        (_topic(other), _telemetry(other, id=repeated)),
        (_topic(other), _telemetry(other, id=repeated)),  # a redelivery: stored once
        (_topic(good), b"{not json"),
        (_topic(good), b" " * 20_000),
        ("heyi/v1/devices/not_a_serial/telemetry", _telemetry(good)),
        (_topic(good), _telemetry(other)),  # other's token on good's topic
        (_topic(good), _telemetry(good, temperature=99.0)),  # outside the declared range
        (_topic(other), _telemetry(other, temperature=22.0)),
    ]

    _publish_all(publisher, messages)

    assert _wait(lambda: gateway.stats.snapshot()["acknowledged"] == len(messages))
    figures = gateway.stats.snapshot()
    assert (figures["received"], figures["stored"], figures["duplicates"]) == (28, 22, 1)
    assert figures["refused"] == {
        "payload_not_json": 1,
        "payload_too_large": 1,
        "topic_invalid": 1,
        "device_unauthenticated": 1,
        "telemetry_invalid": 1,
    }
    assert _retry(lambda: Reading.objects.filter(device__serial=good.serial).count()) == 20
    assert Reading.objects.filter(device__serial=other.serial).count() == 2
    assert Reading.objects.filter(message_id=repeated).count() == 1


def test_a_restarted_gateway_loses_nothing(
    gateways: Callable[..., Gateway], publisher: mqtt.Client
) -> None:
    (device,) = simulated_fleet_create(1)
    first = gateways(batch_size=20)
    before = [(_topic(device), _telemetry(device, temperature=i / 10)) for i in range(150)]
    during = [(_topic(device), _telemetry(device, temperature=20 + i / 10)) for i in range(150)]

    _publish_all(publisher, before)
    assert _wait(lambda: first.stats.snapshot()["received"] >= 40)
    first.stop()  # mid-stream: what it has not acknowledged, the broker keeps
    _publish_all(publisher, during)  # while no gateway runs
    second = gateways(batch_size=50)

    assert _wait(lambda: Reading.objects.filter(device__serial=device.serial).count() == 300)
    assert _wait(
        lambda: (
            first.stats.snapshot()["acknowledged"] + second.stats.snapshot()["acknowledged"] >= 300
        )
    )
    stored = _retry(lambda: set(Reading.objects.values_list("message_id", flat=True)))
    sent = {json.loads(payload)["id"] for _topic_, payload in before + during}
    assert stored == sent
    assert first.stats.snapshot()["stored"] + second.stats.snapshot()["stored"] == 300
    assert second.stats.snapshot()["received"] >= 150  # what was sent while it was down


def test_a_batch_the_database_refuses_is_never_acknowledged_nor_lost(
    gateways: Callable[..., Gateway], publisher: mqtt.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    (device,) = simulated_fleet_create(1)
    real = ingest.ingest_messages

    def down(messages: Any, **kwargs: Any) -> Any:
        raise OperationalError("the database is down")

    monkeypatch.setattr(ingest, "ingest_messages", down)
    first = gateways()
    messages = [(_topic(device), _telemetry(device, temperature=i)) for i in range(10)]
    _publish_all(publisher, messages)
    assert _wait(lambda: first.stats.snapshot()["db_errors"] >= 2)
    first.stop(timeout=0.2)  # gives up the batch it could not store: it stays unacknowledged
    assert (first.stats.snapshot()["acknowledged"], Reading.objects.count()) == (0, 0)

    monkeypatch.setattr(ingest, "ingest_messages", real)
    second = gateways()

    assert _wait(lambda: second.stats.snapshot()["acknowledged"] == 10)
    assert (second.stats.snapshot()["stored"], Reading.objects.count()) == (10, 10)


def test_a_message_that_breaks_the_ingest_is_dropped_alone(
    gateways: Callable[..., Gateway], publisher: mqtt.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    (device,) = simulated_fleet_create(1)
    real = ingest.ingest_messages

    def fragile(messages: Any, **kwargs: Any) -> Any:
        if any(m.readings[0].values.get("temperature") == 66.6 for m in messages):
            raise RuntimeError("a bug that this message triggers")
        return real(messages, **kwargs)

    monkeypatch.setattr(ingest, "ingest_messages", fragile)
    gateway = gateways(batch_size=100)
    messages = [(_topic(device), _telemetry(device, temperature=t)) for t in (1, 2, 66.6, 3)]

    _publish_all(publisher, messages)

    assert _wait(lambda: gateway.stats.snapshot()["acknowledged"] == 4)
    figures = gateway.stats.snapshot()
    assert (figures["stored"], figures["refused"]) == (3, {"ingest_failed": 1})
    assert _retry(lambda: Reading.objects.count()) == 3


def test_a_command_reaches_the_device_and_its_answer_is_recorded(
    gateways: Callable[..., Gateway], publisher: mqtt.Client, mosquitto: str
) -> None:
    (identity,) = simulated_fleet_create(1)
    gateways()
    received: list[Command] = []
    device_client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=identity.serial,
        protocol=MQTTProtocolVersion.MQTTv5,
    )

    def on_message(client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        command = decode(message.topic, message.payload)
        assert isinstance(command, Command)
        received.append(command)
        ack = {
            "v": 1,
            "id": str(uuid.uuid4()),
            "ts": int(time.time() * 1000),
            "auth": identity.token,
            "command": str(command.id),
            "status": "ok",
            "detail": "identified",
        }
        client.publish(_topic(identity, "commands/ack"), json.dumps(ack), qos=1)

    device_client.on_message = on_message
    device_client.connect(*MOSQUITTO)
    device_client.loop_start()
    real = MqttPublisher(mosquitto)
    transport_set(real)
    try:
        subscribed = device_client.subscribe(_topic(identity, "commands"), qos=1)
        assert subscribed[0] == mqtt.MQTT_ERR_SUCCESS
        # The device speaks first, so the platform knows it is online.
        _publish_all(publisher, [(_topic(identity), _telemetry(identity))])
        assert _wait(lambda: Device.objects.filter(serial=identity.serial, is_online=True).exists())

        command = _retry(
            lambda: command_send(
                device=Device.objects.get(serial=identity.serial),
                actor=None,
                name="identify",
                args={"seconds": 3},
                source=CommandSource.RULE,
            )
        )

        assert command.status == CommandStatus.SENT
        assert _wait(lambda: DeviceCommand.objects.get(pk=command.pk).status == CommandStatus.ACKED)
        assert [(c.id, c.name, dict(c.args)) for c in received] == [
            (command.message_id, "identify", {"seconds": 3})
        ]
        assert DeviceCommand.objects.get(pk=command.pk).detail == "identified"
    finally:
        transport_set(None)
        real.close()
        device_client.disconnect()
        device_client.loop_stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_embedded_broker_of_the_demo_carries_readings_to_the_gateway(settings: Any) -> None:
    broker = EmbeddedBroker(port=_free_port())
    broker.start()
    gateway = None
    try:
        settings.MQTT_URL = broker.url
        (identity,) = simulated_fleet_create(1)
        gateway = Gateway(client_id="test-embedded-gateway", url=broker.url, shared=False)
        gateway.start()
        assert gateway.subscribed.wait(5)
        client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=MQTTProtocolVersion.MQTTv311)
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
        _publish_all(client, [(_topic(identity), _telemetry(identity)) for _ in range(5)])
        client.disconnect()
        client.loop_stop()

        assert _wait(lambda: gateway.stats.snapshot()["acknowledged"] == 5)
        assert gateway.stats.snapshot()["stored"] == 5
        assert Reading.objects.filter(device__serial=identity.serial).count() == 5
    finally:
        if gateway is not None:
            gateway.stop(timeout=5)
        broker.stop()
