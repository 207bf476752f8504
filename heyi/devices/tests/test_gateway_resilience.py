"""The gateway when things go wrong around it, against real Mosquitto processes.

- A broker restart: a private Mosquitto with persistence is stopped in the middle of a stream
  and started again; every message it acknowledged to the publisher must end up stored once.
- Two gateways in one share group on the machine's Mosquitto split the stream between them.
- A device whose credential was rolled cannot go on publishing with the old token.

Like test_gateway_mqtt.py (whose helpers this reuses), each test has client ids and a share
group of its own. Skipped when Mosquitto (the service, or the binary for the private broker)
is missing, unless HEYI_REQUIRE_MQTT=1, which makes that a failure instead.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

from heyi.accounts.models import User
from heyi.devices import ingest
from heyi.devices.gateway import runner
from heyi.devices.gateway.publisher import connect_arguments, mqtt_client, mqtt_endpoint
from heyi.devices.gateway.runner import Gateway
from heyi.devices.models import Device, DeviceStatus, Reading
from heyi.devices.services import credential_roll
from heyi.devices.simulator import DeviceIdentity, simulated_fleet_create
from heyi.devices.tests.test_gateway_mqtt import (
    MOSQUITTO,
    MOSQUITTO_URL,
    _free_port,
    _require_mosquitto,
    _retry,
    _telemetry,
    _topic,
    _wait,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _session_end(address: tuple[str, int], client_id: str) -> None:
    """Connect with the client id and a clean start, so the broker drops its stored session."""
    cleaner = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=client_id, protocol=MQTTProtocolVersion.MQTTv5
    )
    cleaner.connect(*address, clean_start=True)
    cleaner.disconnect()


def _readings_ids(serials: list[str]) -> list[str]:
    return _retry(
        lambda: list(
            Reading.objects.filter(device__serial__in=serials).values_list("message_id", flat=True)
        )
    )


# --- a private Mosquitto ----------------------------------------------------------------------


def _mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if os.access(found, os.X_OK):
        return found
    if os.environ.get("HEYI_REQUIRE_MQTT") == "1":
        pytest.fail("HEYI_REQUIRE_MQTT=1 but there is no mosquitto binary to start a broker")
    pytest.skip("no mosquitto binary (set HEYI_REQUIRE_MQTT=1 to make this fail)")


class PrivateMosquitto:
    """A Mosquitto of this test alone, on a free port, with its persistence in `directory`.

    `stop()` ends it with SIGTERM, on which Mosquitto writes its persistence file; `start()`
    again brings it back on the same port from that file.
    """

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = _free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.log = directory / "mosquitto.log"
        self.config = directory / "mosquitto.conf"
        directory.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            "\n".join(
                [
                    f"listener {self.port} 127.0.0.1",
                    "allow_anonymous true",
                    "persistence true",
                    f"persistence_location {directory}/",
                    "persistence_file mosquitto.db",
                    # Saved on exit only: the test is that a clean restart keeps everything.
                    "autosave_interval 0",
                    "max_queued_messages 100000",
                    "max_queued_bytes 0",
                    # As root, Mosquitto would switch to the mosquitto user, which cannot write
                    # the test's directory; as anyone else this line has no effect.
                    f"user {pwd.getpwuid(os.geteuid()).pw_name}",
                    "log_type error",
                    "log_type warning",
                    "log_type notice",
                    "log_type information",
                    "",
                ]
            )
        )
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 5.0) -> None:
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [self.binary, "-c", str(self.config)], stdout=log, stderr=subprocess.STDOUT
            )
        ends = time.monotonic() + timeout
        while time.monotonic() < ends:
            if self._process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"the private Mosquitto did not start:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM and wait for the exit (Mosquitto saves its in-memory database on the way)."""
        process = self._process
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        self._process = None

    def kill(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)
        self._process = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class TrackedPublisher:
    """A device-side publisher with a persistent session that records every PUBACK.

    paho keeps a QoS 1 message until the broker acknowledged it, resends it after a
    reconnection and holds what is published while disconnected, so the only losses this
    publisher can see are the broker's.
    """

    def __init__(self, url: str, client_id: str) -> None:
        self.endpoint = mqtt_endpoint(url)
        self.client = mqtt_client(self.endpoint, client_id=client_id, persistent=True)
        self.client.max_inflight_messages_set(50)
        self.client.on_connect = self._on_connect
        self.client.on_publish = self._on_publish
        self.connected = threading.Event()
        self.connections = 0
        self._lock = threading.Lock()
        self.acknowledged: dict[int, int] = {}  # mid -> PUBACK reason code

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if not reason.is_failure:
            self.connections += 1
            self.connected.set()

    def _on_publish(
        self, client: mqtt.Client, userdata: Any, mid: int, reason: Any, properties: Any
    ) -> None:
        with self._lock:
            self.acknowledged[mid] = int(reason.value)

    def start(self) -> None:
        self.client.connect(**connect_arguments(self.endpoint, persistent=True, session_expiry=300))
        self.client.loop_start()
        assert self.connected.wait(5), "the publisher did not connect"

    def publish(self, messages: list[tuple[str, bytes]]) -> list[int]:
        """Hand the messages to paho (sent now, or after the next reconnection); their mids."""
        return [self.client.publish(topic, payload, qos=1).mid for topic, payload in messages]

    def acknowledged_count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def test_a_broker_restart_loses_no_acknowledged_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = PrivateMosquitto(_mosquitto_binary(), tmp_path / "mosquitto")
    suffix = uuid.uuid4().hex[:8]
    identities = simulated_fleet_create(5)
    serials = [identity.serial for identity in identities]
    total = 300
    messages = [
        (_topic(identity), _telemetry(identity, temperature=20 + index / 100))
        for index in range(total)
        for identity in [identities[index % len(identities)]]
    ]
    sent = {json.loads(payload)["id"] for _topic_, payload in messages}
    # A gateway slower than the publisher, which takes at most `window` messages at a time
    # (MQTT 5 Receive Maximum), so that when the broker stops it holds messages that it has
    # acknowledged to the publisher and not yet sent to the gateway (as after any burst):
    # those survive only through its persistence.
    window = 10
    monkeypatch.setattr(runner, "RECEIVE_MAXIMUM", window)
    real = ingest.ingest_messages

    def slow(decoded: Any, **kwargs: Any) -> Any:
        time.sleep(0.03)
        return real(decoded, **kwargs)

    monkeypatch.setattr(ingest, "ingest_messages", slow)
    gateway = Gateway(
        client_id=f"test-resilience-gateway-{suffix}",
        url=broker.url,
        shared=True,
        group=f"test-{suffix}",
        session_expiry=300,
        batch_size=10,
    )
    publisher = TrackedPublisher(broker.url, f"test-resilience-publisher-{suffix}")
    broker.start()
    try:
        gateway.start()
        assert gateway.subscribed.wait(5), "the gateway did not subscribe"
        publisher.start()

        # The devices come back after the gateway (see the next test for the other order).
        def after_the_gateway(client: mqtt.Client, userdata: Any) -> None:
            gateway.subscribed.wait(10)

        publisher.client.on_pre_connect = after_the_gateway
        mids = publisher.publish(messages[: total // 2])
        assert _wait(lambda: publisher.acknowledged_count() >= 100, timeout=5)
        broker.stop()  # mid-stream
        acknowledged_at_stop = publisher.acknowledged_count()
        delivered_at_stop = gateway.stats.snapshot()["acknowledged"]
        mids += publisher.publish(messages[total // 2 :])  # held by paho while the broker is down
        broker.start()

        assert _wait(lambda: publisher.acknowledged_count() == total, timeout=20), (
            f"the broker acknowledged {publisher.acknowledged_count()} of {total}:\n"
            f"{broker.log_tail()}"
        )
        assert _wait(lambda: len(_readings_ids(serials)) == total, timeout=20), (
            f"{len(_readings_ids(serials))} of {total} readings stored; gateway "
            f"{gateway.stats.snapshot()}:\n{broker.log_tail()}"
        )
        assert publisher.connections >= 2  # it did go through the restart
        # When it stopped, the broker held messages it had acknowledged to the publisher and not
        # sent to the gateway (which had at most `window` unacknowledged ones).
        assert acknowledged_at_stop > delivered_at_stop + window, (
            acknowledged_at_stop,
            delivered_at_stop,
        )
        assert sorted(publisher.acknowledged) == sorted(mids)
        # 0 = success; 16 ("no matching subscribers") would mean that a message was dropped.
        assert set(publisher.acknowledged.values()) == {0}
        stored = _readings_ids(serials)
        assert sorted(stored) == sorted(sent)  # each exactly once
        figures = gateway.stats.snapshot()
        assert figures["refused"] == {}
        assert figures["stored"] == total
        assert figures["received"] == figures["stored"] + figures["duplicates"]
    finally:
        publisher.stop()
        gateway.stop(timeout=5)
        broker.kill()  # its sessions go with it and its directory


def test_devices_resend_what_a_restarted_broker_took_for_nobody(tmp_path: Path) -> None:
    """Mosquitto 2.0 keeps a gateway's session across a restart but not its shared
    subscription: until the gateway subscribes again, device messages are acknowledged with
    reason 0x10 (no matching subscribers) and delivered to nobody. The device contract
    (docs/mqtt.md) is to send such a message again, same id; then nothing is lost."""
    broker = PrivateMosquitto(_mosquitto_binary(), tmp_path / "mosquitto")
    suffix = uuid.uuid4().hex[:8]
    (identity,) = simulated_fleet_create(1)
    messages = [(_topic(identity), _telemetry(identity, temperature=i / 10)) for i in range(60)]
    options: dict[str, Any] = {
        "client_id": f"test-restart-gateway-{suffix}",
        "url": broker.url,
        "shared": True,
        "group": f"test-{suffix}",
        "session_expiry": 300,
    }
    first, second = Gateway(**options), Gateway(**options)
    publisher = TrackedPublisher(broker.url, f"test-restart-publisher-{suffix}")
    broker.start()
    try:
        first.start()
        assert first.subscribed.wait(5), "the gateway did not subscribe"
        publisher.start()
        publisher.publish(messages[:20])
        assert _wait(lambda: first.stats.snapshot()["acknowledged"] == 20)
        first.stop()  # its session stays at the broker and queues for it
        publisher.publish(messages[20:40])
        assert _wait(lambda: publisher.acknowledged_count() == 40)
        broker.stop()
        broker.start()
        # The devices come back before the gateway does.
        late = dict(zip(publisher.publish(messages[40:]), messages[40:], strict=True))
        assert _wait(lambda: publisher.acknowledged_count() == 60, timeout=10)
        second.start()
        assert second.subscribed.wait(5), "the gateway did not subscribe again"
        nobody = [late[mid] for mid, reason in publisher.acknowledged.items() if reason == 0x10]
        publisher.publish(nobody)  # as a device does on 0x10: the same messages again

        assert nobody, "the restarted broker delivered every message: nothing was resent"
        assert set(publisher.acknowledged.values()) <= {0, 0x10}
        assert _wait(lambda: len(_readings_ids([identity.serial])) == 60, timeout=5), (
            f"{len(_readings_ids([identity.serial]))} of 60 stored; PUBACK reason codes "
            f"{sorted(set(publisher.acknowledged.values()))}"
        )
    finally:
        publisher.stop()
        first.stop(timeout=5)
        second.stop(timeout=5)
        broker.kill()


# --- the machine's Mosquitto ------------------------------------------------------------------


@pytest.fixture
def mosquitto(settings: Any) -> str:
    _require_mosquitto()
    settings.MQTT_URL = MOSQUITTO_URL
    return MOSQUITTO_URL


def _publish_and_wait(messages: list[tuple[str, bytes]]) -> None:
    """Publish with QoS 1 from a throwaway client and wait for every PUBACK."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=MQTTProtocolVersion.MQTTv5)
    client.max_inflight_messages_set(200)
    client.connect(*MOSQUITTO)
    client.loop_start()
    try:
        infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
        for info in infos:
            info.wait_for_publish(5)
        assert all(info.is_published() for info in infos)
    finally:
        client.disconnect()
        client.loop_stop()


def test_two_gateways_share_the_load_through_a_shared_subscription(mosquitto: str) -> None:
    suffix = uuid.uuid4().hex[:8]
    client_ids = [f"test-share-{suffix}-1", f"test-share-{suffix}-2"]
    identities = simulated_fleet_create(8)
    serials = [identity.serial for identity in identities]
    total = 400
    messages = [
        (_topic(identity), _telemetry(identity, temperature=20 + index / 100))
        for index in range(total)
        for identity in [identities[index % len(identities)]]
    ]
    gateways: list[Gateway] = []
    try:
        for client_id in client_ids:
            gateway = Gateway(
                client_id=client_id,
                url=mosquitto,
                shared=True,
                group=f"test-{suffix}",
                session_expiry=60,
                batch_size=20,
            )
            gateways.append(gateway)
            gateway.start()
        for gateway in gateways:
            assert gateway.subscribed.wait(5), f"{gateway.client_id} did not subscribe"

        _publish_and_wait(messages)

        assert _wait(
            lambda: sum(g.stats.snapshot()["acknowledged"] for g in gateways) == total, timeout=15
        ), [g.stats.snapshot() for g in gateways]
        first, second = (gateway.stats.snapshot() for gateway in gateways)
        assert first["received"] > 0 and second["received"] > 0, (first, second)
        # Each message went to one gateway only, and was stored by it.
        assert first["received"] + second["received"] == total
        assert first["stored"] + second["stored"] == total
        assert (first["duplicates"], second["duplicates"]) == (0, 0)
        assert (first["refused"], second["refused"]) == ({}, {})
        sent = sorted(json.loads(payload)["id"] for _topic_, payload in messages)
        assert sorted(_readings_ids(serials)) == sent
    finally:
        for gateway in gateways:
            gateway.stop(timeout=5)
        for client_id in client_ids:
            _session_end(MOSQUITTO, client_id)


def test_a_rolled_device_credential_is_refused_over_mqtt(mosquitto: str, owner: User) -> None:
    (identity,) = simulated_fleet_create(1)
    Device.objects.filter(serial=identity.serial).update(owner=owner, status=DeviceStatus.BOUND)
    suffix = uuid.uuid4().hex[:8]
    client_id = f"test-roll-{suffix}"
    gateway = Gateway(
        client_id=client_id, url=mosquitto, shared=True, group=f"test-{suffix}", session_expiry=60
    )
    try:
        gateway.start()
        assert gateway.subscribed.wait(5), "the gateway did not subscribe"
        before = str(uuid.uuid4())
        _publish_and_wait([(_topic(identity), _telemetry(identity, id=before))])
        assert _wait(lambda: gateway.stats.snapshot()["acknowledged"] == 1)
        assert _readings_ids([identity.serial]) == [before]  # the token worked until the roll

        device = _retry(lambda: Device.objects.get(serial=identity.serial))
        _credential, token = _retry(lambda: credential_roll(device=device, actor=owner))
        rolled = DeviceIdentity(serial=identity.serial, token=token)
        old, new = str(uuid.uuid4()), str(uuid.uuid4())
        _publish_and_wait(
            [
                (_topic(identity), _telemetry(identity, id=old)),
                (_topic(rolled), _telemetry(rolled, id=new)),
            ]
        )

        assert _wait(lambda: gateway.stats.snapshot()["acknowledged"] == 3)
        figures = gateway.stats.snapshot()
        assert (figures["received"], figures["stored"]) == (3, 2)
        assert figures["refused"] == {"device_unauthenticated": 1}
        assert sorted(_readings_ids([identity.serial])) == sorted([before, new])
    finally:
        gateway.stop(timeout=5)
        _session_end(MOSQUITTO, client_id)
