"""The gateway process: MQTT in, batches stored through `ingest_messages`, PUBACK after commit.

Two threads: paho's network loop receives messages into a queue (it never touches the
database), and a worker decodes them, stores them in batches of up to `batch_size` messages or
`batch_window` seconds, and only then acknowledges each one (`manual_ack`). So a crash between
receiving and committing leads to a redelivery, never to a loss, and a redelivery is stored once
(reading ids). A database failure keeps the batch, closes the connection and retries it with a
growing pause; a message the scheme refuses is counted by code, logged (at most once per code
and interval) and acknowledged, since it would be refused again.

The session is persistent (stable client id, no clean start, a session expiry), so messages
published while the gateway is down wait at the broker for it.
"""

from __future__ import annotations

import logging
import queue
import signal
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)

from heyi.devices.gateway.codec import CodecError, Message, decode
from heyi.devices.gateway.publisher import (
    MqttEndpoint,
    connect_arguments,
    mqtt_client,
    mqtt_endpoint,
    subscriptions,
)
from heyi.devices.gateway.topics import SHARE_GROUP, subscription_filters

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
DEFAULT_BATCH_WINDOW = 0.05
SESSION_EXPIRY_SECONDS = 24 * 3600
# How many unacknowledged messages the broker may have in flight to us (MQTT 5 Receive
# Maximum): enough to fill several batches while one is being committed.
RECEIVE_MAXIMUM = 5000
MAX_BACKOFF = 30.0


def gateway_client_id(number: int = 1) -> str:
    """`heyi-gateway-<host>-<n>`: stable across restarts, so the broker keeps the session."""
    host = "".join(ch for ch in socket.gethostname() if ch.isalnum() or ch in "-_")[:40]
    return f"heyi-gateway-{host or 'host'}-{number}"


@dataclass
class GatewayStats:
    """Running totals, read by the stats log and by the benchmark (under `lock`)."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    states: int = 0
    alarms: int = 0
    acks: int = 0
    batches: int = 0
    acknowledged: int = 0
    db_errors: int = 0
    stale_acks_skipped: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "received": self.received,
                "stored": self.stored,
                "duplicates": self.duplicates,
                "states": self.states,
                "alarms": self.alarms,
                "acks": self.acks,
                "batches": self.batches,
                "acknowledged": self.acknowledged,
                "db_errors": self.db_errors,
                "stale_acks_skipped": self.stale_acks_skipped,
                "refused": dict(self.refused),
            }


@dataclass(frozen=True, slots=True)
class _Incoming:
    mid: int
    qos: int
    topic: str
    payload: bytes
    # Which connection brought it: a packet id is only meaningful on its own connection.
    connection: int = 0


class Gateway:
    """One gateway: `start()`, then `stop()`; `subscribed` is set once the broker confirmed."""

    def __init__(
        self,
        *,
        client_id: str | None = None,
        url: str | None = None,
        shared: bool | None = None,
        group: str = SHARE_GROUP,
        batch_size: int = DEFAULT_BATCH_SIZE,
        batch_window: float = DEFAULT_BATCH_WINDOW,
        session_expiry: int = SESSION_EXPIRY_SECONDS,
        refusal_log_interval: float = 60.0,
    ) -> None:
        from django.conf import settings

        self.endpoint: MqttEndpoint = mqtt_endpoint(url)
        self.client_id = client_id or gateway_client_id()
        use_shared = settings.MQTT_SHARED_SUBSCRIPTIONS if shared is None else shared
        self.filters = subscription_filters(shared=use_shared, group=group)
        self.batch_size = max(1, batch_size)
        self.batch_window = batch_window
        self.session_expiry = session_expiry
        self.refusal_log_interval = refusal_log_interval
        self.stats = GatewayStats()
        self.subscribed = threading.Event()
        self._queue: queue.Queue[_Incoming] = queue.Queue()
        self._stopping = threading.Event()
        self._stopping_hard = threading.Event()  # give up a batch the database keeps refusing
        self._worker: threading.Thread | None = None
        self._refusal_logged: dict[str, float] = {}
        self._connection = 0  # counts connects and disconnects; see _Incoming.connection
        self._client = mqtt_client(
            self.endpoint, client_id=self.client_id, persistent=True, manual_ack=True
        )
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message

    # --- network thread ---------------------------------------------------------------------

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if reason.is_failure:
            logger.error("gateway %s: broker refused the connection: %s", self.client_id, reason)
            return
        self._connection += 1
        logger.info(
            "gateway %s connected to %s (session present: %s)",
            self.client_id,
            self.endpoint,
            flags.session_present,
        )
        # Subscribing again on a present session is harmless and covers an expired one.
        client.subscribe(subscriptions(self.endpoint, self.filters))

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, properties: Any
    ) -> None:
        failed = [reason for reason in reasons if reason.is_failure]
        if failed:
            logger.error("gateway %s: subscription refused: %s", self.client_id, failed)
            return
        self.subscribed.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        self.subscribed.clear()
        self._connection += 1
        if not self._stopping.is_set():
            logger.warning("gateway %s disconnected (%s); reconnecting", self.client_id, reason)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self._queue.put(
            _Incoming(message.mid, message.qos, message.topic, message.payload, self._connection)
        )

    # --- worker thread ----------------------------------------------------------------------

    def _batch_take(self) -> list[_Incoming]:
        try:
            first = self._queue.get(timeout=0.2)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.batch_window
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(
                    self._queue.get(timeout=remaining)
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                break
        return batch

    def _refused(self, code: str, incoming: _Incoming, reason: str) -> None:
        now = time.monotonic()
        if now - self._refusal_logged.get(code, -1e9) >= self.refusal_log_interval:
            self._refusal_logged[code] = now
            logger.warning(
                "gateway refused a message on %s: %s (%s); further %s refusals are counted "
                "and logged at most every %g s",
                incoming.topic,
                code,
                reason,
                code,
                self.refusal_log_interval,
            )

    def _process(self, batch: list[_Incoming]) -> None:
        from heyi.devices.ingest import IngestReport

        decoded: list[Message] = []
        refused: Counter[str] = Counter()
        for incoming in batch:
            try:
                decoded.append(decode(incoming.topic, incoming.payload))
            except CodecError as error:
                refused[error.code] += 1
                self._refused(error.code, incoming, error.message)
        report = self._store(decoded) if decoded else IngestReport()
        stale = 0
        for incoming in batch:
            if incoming.connection != self._connection:
                # Received on a connection that has since dropped: after the reconnect the broker
                # redelivers it (stored once, by its id), and its old packet id may now name
                # another message, which an acknowledgement here would confirm unstored.
                stale += 1
                continue
            self._client.ack(incoming.mid, incoming.qos)
        refused.update(report.refused)
        with self.stats.lock:
            self.stats.received += len(batch)
            self.stats.stale_acks_skipped += stale
            self.stats.stored += report.stored
            self.stats.duplicates += report.duplicates
            self.stats.states += report.states
            self.stats.alarms += report.alarms
            self.stats.acks += report.acks
            self.stats.batches += 1
            self.stats.acknowledged += len(batch) - stale
            self.stats.refused.update(refused)

    def _store(self, decoded: list[Message]) -> Any:
        """Ingest until it commits: an outage is waited out, the batch is never dropped.

        Other database errors (a unique conflict with another gateway, a deadlock) are retried a
        few times; what still fails, or fails with anything else, is a fault of one message (a
        bug, not an outage): the batch is split, and a message that fails alone is logged,
        counted as `ingest_failed` and let go, so that it cannot stop the gateway.
        """
        from heyi.devices.ingest import ingest_messages

        pause, conflicts = 0.5, 0
        while True:
            try:
                return ingest_messages(decoded)
            except (OperationalError, InterfaceError):
                with self.stats.lock:
                    self.stats.db_errors += 1
                logger.exception("gateway: storing a batch failed; retrying in %.1f s", pause)
                connection.close()
                if self._stopping_hard.wait(pause):
                    raise _Abandon() from None
                pause = min(pause * 2, MAX_BACKOFF)
            except DatabaseError:
                conflicts += 1
                if conflicts < 3:
                    continue
                logger.exception("gateway: a batch keeps failing; storing it message by message")
                return self._store_one_by_one(decoded)
            except Exception:
                logger.exception("gateway: a batch failed; storing it message by message")
                return self._store_one_by_one(decoded)

    def _store_one_by_one(self, decoded: list[Message]) -> Any:
        from heyi.devices.ingest import IngestReport, report_merge

        total = IngestReport()
        if len(decoded) == 1:
            logger.error(
                "gateway: a message from %s could not be stored; dropped", decoded[0].serial
            )
            total.refuse("ingest_failed")
            return total
        for message in decoded:
            report_merge(total, self._store([message]))
        return total

    def _work(self) -> None:
        close_old_connections()
        try:
            while True:
                batch = self._batch_take()
                if not batch:
                    if self._stopping.is_set():
                        return
                    continue
                try:
                    self._process(batch)
                except _Abandon:
                    return  # not acknowledged: the broker redelivers it
        finally:
            connection.close()

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        self._client.connect_async(
            **connect_arguments(
                self.endpoint,
                persistent=True,
                session_expiry=self.session_expiry,
                receive_maximum=RECEIVE_MAXIMUM,
            )
        )
        self._client.loop_start()
        self._worker = threading.Thread(target=self._work, name=f"{self.client_id}-worker")
        self._worker.start()

    def stop(self, *, timeout: float = 30.0) -> None:
        """Store and acknowledge what was received, then disconnect; the session (subscriptions
        and messages queued meanwhile) stays at the broker for the next start."""
        self._stopping.set()
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            if worker.is_alive():
                self._stopping_hard.set()
                worker.join(5)
        self._client.disconnect()
        self._client.loop_stop()

    def stats_line(self) -> str:
        figures = self.stats.snapshot()
        refused = ", ".join(f"{code} {count}" for code, count in sorted(figures["refused"].items()))
        return (
            f"gateway {self.client_id}: received {figures['received']}, stored "
            f"{figures['stored']}, duplicates {figures['duplicates']}, states {figures['states']}, "
            f"alarms {figures['alarms']}, acks {figures['acks']}, batches {figures['batches']}, "
            f"refused {{{refused}}}, db errors {figures['db_errors']}"
        )


class _Abandon(Exception):
    """Stop retrying a batch because the gateway is shutting down (it stays unacknowledged)."""


def run_gateway(
    *,
    client_id: str | None = None,
    url: str | None = None,
    shared: bool | None = None,
    group: str = SHARE_GROUP,
    batch_size: int = DEFAULT_BATCH_SIZE,
    batch_window: float = DEFAULT_BATCH_WINDOW,
    stats_interval: float = 10.0,
    stop_event: threading.Event | None = None,
    on_start: Callable[[Gateway], Any] | None = None,
) -> GatewayStats:
    """Run a gateway until `stop_event` is set (or SIGTERM/SIGINT in the main thread)."""
    stop = stop_event or threading.Event()
    gateway = Gateway(
        client_id=client_id,
        url=url,
        shared=shared,
        group=group,
        batch_size=batch_size,
        batch_window=batch_window,
    )
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
    logger.info(
        "gateway %s starting: %s, filters %s", gateway.client_id, gateway.endpoint, gateway.filters
    )
    gateway.start()
    if on_start is not None:
        on_start(gateway)
    try:
        while not stop.wait(stats_interval):
            logger.info("%s", gateway.stats_line())
    finally:
        gateway.stop()
        logger.info("%s (stopped)", gateway.stats_line())
    return gateway.stats
