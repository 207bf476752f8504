"""The MQTT side of the platform's downlink: publish a command and wait for the broker's PUBACK.

Also the one place that reads `settings.MQTT_URL` into connection options, shared by the
gateway process and the device simulator:

    mqtt://host:1883            MQTT 5 (Mosquitto, EMQX, …)
    mqtts://user:pass@host:8883 TLS, with a user name and password
    mqtt://host:1884?protocol=3.1.1

The embedded amqtt broker of `heyi demo` speaks only MQTT 3.1.1, so the protocol defaults to
3.1.1 for its address (127.0.0.1:1884) and to 5 elsewhere; `?protocol=` says it explicitly.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion

from heyi.devices.transport import TransportError

logger = logging.getLogger(__name__)

EMBEDDED_HOST = "127.0.0.1"
EMBEDDED_PORT = 1884
CONNECT_TIMEOUT = 5.0
PUBLISH_TIMEOUT = 5.0


@dataclass(frozen=True)
class MqttEndpoint:
    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None
    protocol: MQTTProtocolVersion = MQTTProtocolVersion.MQTTv5

    @property
    def is_v5(self) -> bool:
        return self.protocol == MQTTProtocolVersion.MQTTv5

    def __str__(self) -> str:
        scheme = "mqtts" if self.tls else "mqtt"
        version = "5" if self.is_v5 else "3.1.1"
        return f"{scheme}://{self.host}:{self.port} (MQTT {version})"


def mqtt_endpoint(url: str | None = None) -> MqttEndpoint:
    """Parse an MQTT URL (default: `settings.MQTT_URL`); raise ValueError if malformed."""
    if url is None:
        from django.conf import settings

        url = settings.MQTT_URL
    parts = urlsplit(url)
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"MQTT URL {url!r} must start with mqtt:// or mqtts://")
    tls = parts.scheme in ("mqtts", "ssl")
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (8883 if tls else 1883)
    requested = parse_qs(parts.query).get("protocol", [""])[0]
    if requested in ("5", "v5"):
        protocol = MQTTProtocolVersion.MQTTv5
    elif requested in ("3.1.1", "311", "v311"):
        protocol = MQTTProtocolVersion.MQTTv311
    elif requested:
        raise ValueError(f"MQTT URL {url!r}: protocol must be 5 or 3.1.1")
    elif (host, port) == (EMBEDDED_HOST, EMBEDDED_PORT):
        protocol = MQTTProtocolVersion.MQTTv311
    else:
        protocol = MQTTProtocolVersion.MQTTv5
    return MqttEndpoint(
        host=host,
        port=port,
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        protocol=protocol,
    )


def mqtt_client(
    endpoint: MqttEndpoint,
    *,
    client_id: str,
    persistent: bool = False,
    manual_ack: bool = False,
) -> mqtt.Client:
    """A paho client for the endpoint, not connected yet. `persistent`: the broker keeps the
    session (subscriptions and queued QoS 1 messages) across disconnections."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=endpoint.protocol,
        clean_session=None if endpoint.is_v5 else not persistent,
        manual_ack=manual_ack,
    )
    if endpoint.username:
        client.username_pw_set(endpoint.username, endpoint.password)
    if endpoint.tls:
        client.tls_set()
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def connect_arguments(
    endpoint: MqttEndpoint,
    *,
    persistent: bool = False,
    session_expiry: int = 3600,
    receive_maximum: int | None = None,
    keepalive: int = 30,
) -> dict[str, Any]:
    """The keyword arguments of `client.connect`/`connect_async` for the endpoint."""
    arguments: dict[str, Any] = {"host": endpoint.host, "port": endpoint.port}
    arguments["keepalive"] = keepalive
    if endpoint.is_v5:
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        properties = Properties(PacketTypes.CONNECT)
        if persistent:
            properties.SessionExpiryInterval = session_expiry
        if receive_maximum is not None:
            properties.ReceiveMaximum = receive_maximum
        arguments["clean_start"] = not persistent
        arguments["properties"] = properties
    return arguments


def subscriptions(endpoint: MqttEndpoint, topics: Iterable[str]) -> list[tuple[str, Any]]:
    """QoS 1 subscriptions in the form paho wants for the endpoint's protocol version."""
    if endpoint.is_v5:
        from paho.mqtt.subscribeoptions import SubscribeOptions

        return [(topic, SubscribeOptions(qos=1)) for topic in topics]
    return [(topic, 1) for topic in topics]


def _client_id(prefix: str) -> str:
    return f"{prefix}-{socket.gethostname()[:20]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class MqttPublisher:
    """Publishes QoS 1 messages for the platform (commands), one connection per process.

    Connects on first use and keeps the connection; a failed publish drops the connection so that
    the next publish starts afresh (a message paho still held would otherwise go out later,
    behind the caller's back, after the caller was told it failed).
    """

    def __init__(self, url: str | None = None, *, timeout: float = PUBLISH_TIMEOUT) -> None:
        self._url = url
        self._timeout = timeout
        self._lock = threading.Lock()
        self._client: mqtt.Client | None = None
        self._connected = threading.Event()

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if not reason.is_failure:
            self._connected.set()
        else:
            logger.warning("MQTT publisher: broker refused the connection: %s", reason)

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        self._connected.clear()

    def _connect(self) -> mqtt.Client:
        endpoint = mqtt_endpoint(self._url)
        client = mqtt_client(endpoint, client_id=_client_id("heyi-publisher"))
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        self._connected.clear()
        try:
            client.connect(**connect_arguments(endpoint))
        except OSError as error:
            raise TransportError(f"cannot reach the MQTT broker at {endpoint}: {error}") from error
        client.loop_start()
        if not self._connected.wait(CONNECT_TIMEOUT):
            self._teardown(client)
            raise TransportError(f"the MQTT broker at {endpoint} did not accept the connection")
        return client

    @staticmethod
    def _teardown(client: mqtt.Client) -> None:
        try:
            client.disconnect()
        finally:
            client.loop_stop()

    def publish(self, topic: str, payload: bytes) -> None:
        """Publish with QoS 1 and return once the broker acknowledged it (PUBACK)."""
        with self._lock:
            if self._client is None or not self._connected.is_set():
                if self._client is not None:
                    self._teardown(self._client)
                    self._client = None
                self._client = self._connect()
            client = self._client
            try:
                info = client.publish(topic, payload, qos=1)
                info.wait_for_publish(self._timeout)
                if not info.is_published():
                    raise TransportError(f"no PUBACK for {topic} within {self._timeout:g} s")
            except (RuntimeError, ValueError) as error:
                self._teardown(client)
                self._client = None
                raise TransportError(f"could not publish to {topic}: {error}") from error
            except TransportError:
                self._teardown(client)
                self._client = None
                raise

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._teardown(self._client)
                self._client = None


_default: MqttPublisher | None = None
_default_lock = threading.Lock()


def mqtt_publisher_default() -> MqttPublisher:
    """The process's publisher to `settings.MQTT_URL` (created on first use)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = MqttPublisher()
        return _default
