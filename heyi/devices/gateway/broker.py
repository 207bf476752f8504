"""The embedded MQTT broker of `heyi demo`: amqtt on 127.0.0.1:1884, in a background thread.

For the demo only: it listens on the loopback interface and lets anyone there connect without a
password (devices still authenticate with the token in each payload, docs/mqtt.md). amqtt speaks
MQTT 3.1.1 and has no shared subscriptions, so exactly one gateway runs against it. Production
uses a real broker (Mosquitto, EMQX) named by MQTT_URL.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from typing import Any

from heyi.devices.gateway.publisher import EMBEDDED_HOST, EMBEDDED_PORT

logger = logging.getLogger(__name__)

EMBEDDED_URL = f"mqtt://{EMBEDDED_HOST}:{EMBEDDED_PORT}?protocol=3.1.1"
START_TIMEOUT = 10.0


class BrokerStartError(Exception):
    """The embedded broker could not start (most often: its port is taken)."""


def port_free(host: str = EMBEDDED_HOST, port: int = EMBEDDED_PORT) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As the broker's own listener will: connections of a previous run in TIME_WAIT do not
        # make the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _config(host: str, port: int) -> dict[str, Any]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}"}},
        "plugins": {
            "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True},
        },
    }


class EmbeddedBroker:
    """`start()` returns once the broker listens; `stop()` shuts it down and ends the thread."""

    def __init__(self, host: str = EMBEDDED_HOST, port: int = EMBEDDED_PORT) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            # Anonymous access is only acceptable where nobody else can connect.
            raise ValueError("the embedded broker listens on the loopback interface only")
        self.host, self.port = host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._broker: Any = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._stopped: asyncio.Event | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{self.host}:{self.port}?protocol=3.1.1"

    def start(self) -> None:
        if not port_free(self.host, self.port):
            raise BrokerStartError(
                f"port {self.port} on {self.host} is taken: another broker or another "
                "heyi demo is running there"
            )
        self._thread = threading.Thread(target=self._run, name="heyi-embedded-broker", daemon=True)
        self._thread.start()
        if not self._started.wait(START_TIMEOUT):
            raise BrokerStartError("the embedded MQTT broker did not start in time")
        if self._error is not None:
            raise BrokerStartError(f"the embedded MQTT broker failed: {self._error}")

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
        finally:
            loop.close()

    async def _serve(self) -> None:
        from amqtt.broker import Broker

        # amqtt's state machine library narrates every transition at INFO.
        logging.getLogger("transitions").setLevel(logging.WARNING)
        logging.getLogger("amqtt").setLevel(logging.WARNING)
        self._stopped = asyncio.Event()
        try:
            self._broker = Broker(_config(self.host, self.port))
            await self._broker.start()
        except Exception as error:  # reported to the starting thread
            self._error = error
            self._started.set()
            return
        logger.info("embedded MQTT broker listening on %s:%s", self.host, self.port)
        self._started.set()
        await self._stopped.wait()
        try:
            await self._broker.shutdown()
        except Exception:
            logger.exception("embedded MQTT broker did not shut down cleanly")

    def stop(self, timeout: float = 10.0) -> None:
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stopped.set)
        if self._thread is not None:
            self._thread.join(timeout)
