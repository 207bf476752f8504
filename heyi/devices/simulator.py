"""Simulated devices for the demo, the tests and the benchmark: they speak MQTT v1 like real ones.

Each device publishes telemetry that fits its model's capabilities (a random walk inside the
declared ranges), reports its state now and then, raises and clears a declared alarm rarely, and
listens on its commands topic: a `set` command changes its state (and it reports the new state),
another declared command is done, anything else or anything expired is rejected; every command
is answered with an acknowledgement.

Thousands of devices run in one thread: every MQTT connection is a paho client, and one
`selectors` loop reads all their sockets and times all the publications (no thread per client).
A connection is one device with its serial as client id, as in reality, or with
`connections=K` each of K connections speaks for a share of the devices, which a broker allows
because devices authenticate in the payload, not by connection.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import logging
import math
import random
import secrets
import selectors
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from django.db import transaction

from heyi.devices.capabilities import Capabilities, ValueSpec, capabilities_parse
from heyi.devices.gateway.codec import CodecError, Command, decode
from heyi.devices.gateway.publisher import (
    MqttEndpoint,
    connect_arguments,
    mqtt_client,
    mqtt_endpoint,
    subscriptions,
)
from heyi.devices.gateway.topics import TopicKind, topic_for

logger = logging.getLogger(__name__)

SIMULATED_MODEL_NAME = "Simulated room sensor"
SIMULATED_CAPABILITIES: dict[str, Any] = {
    "attributes": [
        {"name": "power", "type": "bool", "writable": True},
        {
            "name": "target_temperature",
            "type": "float",
            "unit": "°C",
            "min": 5,
            "max": 30,
            "writable": True,
        },
        {"name": "mode", "type": "enum", "values": ["eco", "comfort", "away"], "writable": True},
        {"name": "firmware", "type": "string"},
    ],
    "telemetry": [
        {"name": "temperature", "type": "float", "unit": "°C", "min": -20, "max": 50},
        {"name": "humidity", "type": "float", "unit": "%", "min": 0, "max": 100},
        {"name": "window_open", "type": "bool"},
    ],
    "commands": [
        {"name": "identify", "arguments": [{"name": "seconds", "type": "int", "min": 1, "max": 60}]}
    ],
    "alarms": [
        {"code": "overheat", "severity": "critical", "description": "Above 45 °C."},
        {"code": "battery_low", "severity": "warning", "description": "Replace the battery."},
    ],
}

# MQTT 5 PUBACK reason "no matching subscribers": taken, delivered to nobody.
NO_MATCHING_SUBSCRIBERS = 0x10
RESEND_AFTER_SECONDS = 2.0
STATE_CHANCE = 0.05  # per telemetry tick
ALARM_CHANCE = 0.002  # per telemetry tick, when no alarm is active
ALARM_CLEAR_CHANCE = 0.2  # per telemetry tick, while an alarm is active


@dataclass
class DeviceIdentity:
    """What a device needs to speak: its serial, its plain token and its model's document."""

    serial: str
    token: str
    capabilities: dict[str, Any] = field(default_factory=dict)
    # Where a known device left off (its last reading, its reported state): the simulated one
    # goes on from there instead of jumping to fresh random values.
    last_values: dict[str, Any] = field(default_factory=dict)
    reported: dict[str, Any] = field(default_factory=dict)


# --- fleets ---------------------------------------------------------------------------------


def simulated_fleet_create(count: int, *, prefix: str | None = None) -> list[DeviceIdentity]:
    """Create `count` devices of the simulated model, each with a credential; return them.

    For tests and the benchmark: the devices are not made from orders (the delivery chain is not
    what is measured) and belong to nobody. Rows are written in bulk, so thousands are quick.
    """
    from heyi.devices.models import Device, DeviceCredential, DeviceModel, DeviceShadow
    from heyi.devices.services import token_hash

    run = prefix or f"SIM-{secrets.token_hex(2).upper()}"
    identities = [
        DeviceIdentity(
            serial=f"{run}-{index:05d}",
            token=secrets.token_urlsafe(24),
            capabilities=SIMULATED_CAPABILITIES,
        )
        for index in range(count)
    ]
    with transaction.atomic():
        model, _created = DeviceModel.objects.get_or_create(
            name=SIMULATED_MODEL_NAME, defaults={"capabilities": SIMULATED_CAPABILITIES}
        )
        devices = Device.objects.bulk_create(
            [Device(serial=identity.serial, model=model) for identity in identities],
            batch_size=1000,
        )
        if any(device.pk is None for device in devices):  # backends without RETURNING
            by_serial = dict(
                Device.objects.filter(serial__in=[i.serial for i in identities]).values_list(
                    "serial", "pk"
                )
            )
            for device in devices:
                device.pk = by_serial[device.serial]
        DeviceShadow.objects.bulk_create(
            [DeviceShadow(device=device) for device in devices], batch_size=1000
        )
        DeviceCredential.objects.bulk_create(
            [
                DeviceCredential(device=device, token_hash=token_hash(identity.token))
                for device, identity in zip(devices, identities, strict=True)
            ],
            batch_size=1000,
        )
    return identities


def existing_fleet_credentials(
    *, serials: Sequence[str] = (), limit: int | None = None
) -> list[DeviceIdentity]:
    """Bound devices (named, or the first `limit`), each with a freshly rolled credential.

    Only a hash of a device's token is stored, so the simulator cannot learn an existing one: it
    rolls a new one as the device's owner would, which revokes the old (fine for the demo's
    devices, which have no hardware holding it).
    """
    from heyi.devices.models import Device, DeviceShadow, DeviceStatus
    from heyi.devices.services import credential_roll

    devices = Device.objects.select_related("model", "owner").filter(
        status=DeviceStatus.BOUND, owner__isnull=False
    )
    if serials:
        devices = devices.filter(serial__in=list(serials))
    devices = devices.order_by("serial")
    if limit is not None:
        devices = devices[:limit]
    identities = []
    for device in devices:
        _credential, token = credential_roll(device=device, actor=device.owner)
        last = device.readings.order_by("-device_ts", "-id").values_list("values", flat=True)
        shadow = DeviceShadow.objects.filter(device=device).first()
        identities.append(
            DeviceIdentity(
                serial=device.serial,
                token=token,
                capabilities=device.model.capabilities,
                last_values=dict(last.first() or {}),
                reported=dict(shadow.reported) if shadow is not None else {},
            )
        )
    return identities


# --- one device -----------------------------------------------------------------------------


def _initial(spec: ValueSpec, rng: random.Random) -> Any:
    if spec.type == "bool":
        return False
    if spec.type == "enum":
        return spec.values[0]
    if spec.type == "string":
        return "1.0.0"
    low = spec.minimum if spec.minimum is not None else 0.0
    high = spec.maximum if spec.maximum is not None else low + 40.0
    value = low + (high - low) * (0.4 + 0.2 * rng.random())
    return round(value) if spec.type == "int" else round(value, 2)


def _step(spec: ValueSpec, value: Any, rng: random.Random, anchor: Any = None) -> Any:
    if spec.type == "bool":
        return (not value) if rng.random() < 0.05 else value
    if spec.type == "enum":
        return rng.choice(spec.values) if rng.random() < 0.02 else value
    if spec.type == "string":
        return value
    low = spec.minimum if spec.minimum is not None else -math.inf
    high = spec.maximum if spec.maximum is not None else math.inf
    span = (high - low) if math.isfinite(high - low) else 40.0
    # A small random step, pulled back towards where the device started (its usual level).
    pull = 0.05 * (anchor - value) if isinstance(anchor, (int, float)) else 0.0
    moved = min(high, max(low, value + pull + rng.gauss(0.0, span * 0.005)))
    return round(moved) if spec.type == "int" else round(moved, 2)


def _seed(spec: ValueSpec, known: Any, rng: random.Random) -> Any:
    """A known value of the right type, else a fresh one."""
    if known is None:
        return _initial(spec, rng)
    if spec.type == "bool":
        return bool(known) if isinstance(known, bool) else _initial(spec, rng)
    if spec.type in ("int", "float"):
        if isinstance(known, bool) or not isinstance(known, (int, float)):
            return _initial(spec, rng)
        return int(known) if spec.type == "int" else float(known)
    if spec.type == "enum":
        return known if known in spec.values else _initial(spec, rng)
    return known if isinstance(known, str) else _initial(spec, rng)


class SimulatedDevice:
    """One device's state and its next message; knows nothing about connections."""

    def __init__(self, identity: DeviceIdentity, rng: random.Random) -> None:
        self.serial = identity.serial
        self.token = identity.token
        try:
            self.capabilities = capabilities_parse(identity.capabilities)
        except Exception:
            self.capabilities = Capabilities()
        self.rng = rng
        telemetry = self.capabilities.telemetry or (ValueSpec("temperature", "float", "°C"),)
        self.telemetry_specs = telemetry
        self.readings = {
            spec.name: _seed(spec, identity.last_values.get(spec.name), rng) for spec in telemetry
        }
        self.anchors = dict(self.readings)
        self.state = {
            spec.name: _seed(spec, identity.reported.get(spec.name), rng)
            for spec in self.capabilities.attributes
        }
        self.active_alarm: str | None = None
        self.seen_commands: set[uuid.UUID] = set()

    def _envelope(self, now_ms: int) -> dict[str, Any]:
        return {"v": 1, "id": str(uuid.uuid4()), "ts": now_ms, "auth": self.token}

    def telemetry(self, now_ms: int) -> tuple[str, bytes]:
        for spec in self.telemetry_specs:
            self.readings[spec.name] = _step(
                spec, self.readings[spec.name], self.rng, self.anchors.get(spec.name)
            )
        body = self._envelope(now_ms) | {"values": dict(self.readings)}
        return topic_for(self.serial, TopicKind.TELEMETRY), _json(body)

    def state_report(self, now_ms: int) -> tuple[str, bytes] | None:
        if not self.state:
            return None
        body = self._envelope(now_ms) | {"attributes": dict(self.state)}
        return topic_for(self.serial, TopicKind.STATE), _json(body)

    def alarm(self, now_ms: int) -> tuple[str, bytes] | None:
        """Now and then raise a declared alarm, and later clear it."""
        declared = self.capabilities.alarms
        if not declared:
            return None
        if self.active_alarm is None:
            if self.rng.random() >= ALARM_CHANCE:
                return None
            chosen = self.rng.choice(declared)
            self.active_alarm = chosen.code
            body = self._envelope(now_ms) | {
                "code": chosen.code,
                "severity": chosen.severity,
                "message": chosen.description[:512],
                "active": True,
            }
        else:
            if self.rng.random() >= ALARM_CLEAR_CHANCE:
                return None
            severity = next(a.severity for a in declared if a.code == self.active_alarm)
            body = self._envelope(now_ms) | {
                "code": self.active_alarm,
                "severity": severity,
                "message": "",
                "active": False,
            }
            self.active_alarm = None
        return topic_for(self.serial, TopicKind.ALARMS), _json(body)

    def command(self, command: Command, now_ms: int) -> list[tuple[str, bytes]]:
        """Carry out a command; return the acknowledgement (and a state report after `set`)."""
        if command.id in self.seen_commands:  # a redelivery: answer again, do not redo
            status, detail = "ok", "already done"
        elif command.expires <= now_ms:
            status, detail = "rejected", "expired"
        elif command.name == "set":
            status, detail = self._set(dict(command.args))
        elif self.capabilities.command(command.name) is not None:
            status, detail = "ok", ""
        else:
            status, detail = "rejected", f"unknown command {command.name}"
        if status == "ok":
            self.seen_commands.add(command.id)
        body = self._envelope(now_ms) | {"command": str(command.id), "status": status}
        if detail:
            body["detail"] = detail
        out = [(topic_for(self.serial, TopicKind.COMMAND_ACKS), _json(body))]
        if command.name == "set" and status == "ok":
            report = self.state_report(now_ms)
            if report is not None:
                out.append(report)
        return out

    def _set(self, values: dict[str, Any]) -> tuple[str, str]:
        for name in values:
            spec = self.capabilities.attribute(name)
            if spec is None or not spec.writable:
                return "rejected", f"{name} cannot be set"
        self.state.update(values)
        return "ok", ""


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


# --- connections and the loop ---------------------------------------------------------------


@dataclass
class SimulatorStats:
    telemetry: int = 0
    states: int = 0
    alarms: int = 0
    commands: int = 0
    acks: int = 0
    connected: int = 0
    resent: int = 0

    def line(self) -> str:
        return (
            f"simulator: {self.connected} connected, telemetry {self.telemetry}, states "
            f"{self.states}, alarms {self.alarms}, commands {self.commands}, acks {self.acks}"
        )


class _Connection:
    """One paho client speaking for one or more devices, driven by the simulator's loop."""

    def __init__(
        self, simulator: Simulator, devices: list[SimulatedDevice], endpoint: MqttEndpoint
    ) -> None:
        self.simulator = simulator
        self.devices = {device.serial: device for device in devices}
        client_id = devices[0].serial if len(devices) == 1 else f"heyi-sim-{devices[0].serial}"
        self.client = mqtt_client(endpoint, client_id=client_id, persistent=True)
        # Many devices' messages in flight at once on a shared connection.
        self.client.max_inflight_messages_set(max(20, 10 * len(devices)))
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_publish = self._on_publish
        self.unacknowledged = 0
        # Messages the broker has not acknowledged yet, by packet id, and those it took without
        # delivering (reason 0x10), to be sent again with the same id.
        self.in_flight: dict[int, tuple[str, bytes]] = {}
        self.resend: list[tuple[float, str, bytes]] = []
        self.endpoint = endpoint
        self.socket: Any = None
        self.connected = False
        self.next_attempt = 0.0

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if reason.is_failure:
            logger.warning("simulator: connection refused: %s", reason)
            return
        self.connected = True
        self.simulator.stats.connected += 1
        client.subscribe(
            subscriptions(
                self.endpoint, [topic_for(serial, TopicKind.COMMANDS) for serial in self.devices]
            )
        )

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if self.connected:
            self.simulator.stats.connected -= 1
        self.connected = False

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            command = decode(message.topic, message.payload)
        except CodecError as error:
            logger.warning("simulator: a command on %s was refused: %s", message.topic, error)
            return
        device = self.devices.get(command.serial)
        if device is None or not isinstance(command, Command):
            return
        self.simulator.stats.commands += 1
        for topic, payload in device.command(command, _now_ms()):
            self.publish(topic, payload)
            if topic.endswith("/ack"):
                self.simulator.stats.acks += 1
            else:
                self.simulator.stats.states += 1

    def connect(self) -> None:
        self.next_attempt = time.monotonic() + 2.0
        try:
            self.client.connect(
                **connect_arguments(
                    self.endpoint,
                    persistent=True,
                    session_expiry=self.simulator.session_expiry,
                )
            )
        except OSError as error:
            logger.warning("simulator: cannot connect to %s: %s", self.endpoint, error)

    def _on_publish(
        self, client: mqtt.Client, userdata: Any, mid: int, reason: Any, properties: Any
    ) -> None:
        self.unacknowledged = max(0, self.unacknowledged - 1)
        message = self.in_flight.pop(mid, None)
        if message is not None and getattr(reason, "value", 0) == NO_MATCHING_SUBSCRIBERS:
            # The broker took it but no gateway was subscribed (a restarted Mosquitto forgets
            # shared subscriptions until the gateways subscribe again): the device keeps the
            # message and sends it again, same id, so it is stored once (docs/mqtt.md).
            topic, payload = message
            self.resend.append((time.monotonic() + RESEND_AFTER_SECONDS, topic, payload))
            self.simulator.stats.resent += 1

    def publish(self, topic: str, payload: bytes) -> None:
        self.unacknowledged += 1
        info = self.client.publish(topic, payload, qos=1)
        self.in_flight[info.mid] = (topic, payload)

    def resend_due(self, now: float) -> None:
        due = [item for item in self.resend if item[0] <= now]
        if due:
            self.resend = [item for item in self.resend if item[0] > now]
            for _at, topic, payload in due:
                self.publish(topic, payload)


class Simulator:
    """Drives simulated devices until `stop` is set or `duration` seconds have passed."""

    def __init__(
        self,
        identities: Sequence[DeviceIdentity],
        *,
        url: str | None = None,
        interval: float = 5.0,
        connections: int | None = None,
        seed: int | None = None,
        session_expiry: int = 3600,
    ) -> None:
        if not identities:
            raise ValueError("the simulator needs at least one device")
        self.endpoint = mqtt_endpoint(url)
        self.interval = max(0.01, interval)
        self.session_expiry = session_expiry
        self.stats = SimulatorStats()
        self.ready = threading.Event()  # every connection is up and subscribed
        rng = random.Random(seed)
        self.devices = [
            SimulatedDevice(identity, random.Random(rng.random())) for identity in identities
        ]
        count = (
            len(self.devices)
            if connections is None
            else max(1, min(connections, len(self.devices)))
        )
        groups: list[list[SimulatedDevice]] = [[] for _ in range(count)]
        for index, device in enumerate(self.devices):
            groups[index % count].append(device)
        self.connections = [_Connection(self, group, self.endpoint) for group in groups]
        self._by_serial = {
            device.serial: connection
            for connection in self.connections
            for device in connection.devices.values()
        }

    def run(self, *, stop: threading.Event | None = None, duration: float | None = None) -> None:
        stop = stop or threading.Event()
        ends = None if duration is None else time.monotonic() + duration
        selector = selectors.DefaultSelector()
        for connection in self.connections:
            connection.connect()
        start = time.monotonic()
        # Spread the first readings over one interval so that the load is even.
        schedule = [
            (start + self.interval * index / len(self.devices), index)
            for index in range(len(self.devices))
        ]
        heapq.heapify(schedule)
        last_misc = 0.0
        try:
            while not stop.is_set() and (ends is None or time.monotonic() < ends):
                now = time.monotonic()
                self._sockets_sync(selector, now)
                if not self.ready.is_set() and self.stats.connected == len(self.connections):
                    self.ready.set()
                while schedule and schedule[0][0] <= now:
                    due, index = heapq.heappop(schedule)
                    self._tick(self.devices[index])
                    heapq.heappush(schedule, (max(due + self.interval, now), index))
                for connection in self.connections:
                    if connection.socket is not None and connection.client.want_write():
                        connection.client.loop_write()
                wait = min(0.05, max(0.0, schedule[0][0] - time.monotonic()))
                for key, _events in selector.select(wait):
                    connection = key.data
                    connection.client.loop_read(max_packets=100)
                if now - last_misc >= 1.0:
                    last_misc = now
                    for connection in self.connections:
                        if connection.connected:
                            connection.resend_due(now)
                        if connection.socket is not None:
                            connection.client.loop_misc()
            self._drain(selector)
        finally:
            for connection in self.connections:
                if connection.socket is not None:
                    connection.client.disconnect()
                    connection.client.loop_write()
            selector.close()

    def _drain(self, selector: selectors.BaseSelector, timeout: float = 3.0) -> None:
        """Before disconnecting, let the broker acknowledge what was published (a real device
        keeps an unacknowledged message; a simulator that stops should not lose it)."""
        ends = time.monotonic() + timeout
        while time.monotonic() < ends:
            waiting = [c for c in self.connections if c.unacknowledged and c.socket is not None]
            if not waiting:
                return
            for connection in waiting:
                if connection.client.want_write():
                    connection.client.loop_write()
            for key, _events in selector.select(0.05):
                key.data.client.loop_read(max_packets=100)

    def _sockets_sync(self, selector: selectors.BaseSelector, now: float) -> None:
        """Keep the selector in step with each client's socket; reconnect lost clients."""
        for connection in self.connections:
            sock = connection.client.socket()
            if sock is not connection.socket:
                if connection.socket is not None:
                    with contextlib.suppress(KeyError, ValueError):
                        selector.unregister(connection.socket)
                connection.socket = sock
                if sock is not None:
                    selector.register(sock, selectors.EVENT_READ, connection)
            if sock is None and now >= connection.next_attempt:
                connection.connect()

    def _tick(self, device: SimulatedDevice) -> None:
        connection = self._by_serial[device.serial]
        if not connection.connected:
            return
        now_ms = _now_ms()
        connection.publish(*device.telemetry(now_ms))
        self.stats.telemetry += 1
        if device.rng.random() < STATE_CHANCE:
            report = device.state_report(now_ms)
            if report is not None:
                connection.publish(*report)
                self.stats.states += 1
        alarm = device.alarm(now_ms)
        if alarm is not None:
            connection.publish(*alarm)
            self.stats.alarms += 1


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def simulator_run_in_thread(
    identities: Sequence[DeviceIdentity],
    *,
    url: str | None = None,
    interval: float = 5.0,
    connections: int | None = None,
) -> tuple[Simulator, threading.Thread, threading.Event]:
    """Start a simulator in a daemon thread (the demo); set the returned event to stop it."""
    simulator = Simulator(identities, url=url, interval=interval, connections=connections)
    stop = threading.Event()
    thread = threading.Thread(
        target=simulator.run, kwargs={"stop": stop}, name="heyi-simulator", daemon=True
    )
    thread.start()
    return simulator, thread, stop
