"""How the platform sends a message down to a device, behind one small interface.

The command service publishes through `transport_get()`; the default is the MQTT publisher of
`heyi.devices.gateway.publisher` (connected to `settings.MQTT_URL`). Tests that do not need a
broker install a `MemoryTransport` with `transport_set`, and see what would have been sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class TransportError(Exception):
    """The message could not be handed to the broker; the caller keeps it and retries later."""


class Transport(Protocol):
    def publish(self, topic: str, payload: bytes) -> None:
        """Hand one QoS 1 message to the broker; return once the broker has acknowledged it,
        raise `TransportError` if it cannot."""


@dataclass
class MemoryTransport:
    """Keeps what was published; `fail=True` makes every publish raise, as a broker outage."""

    sent: list[tuple[str, bytes]] = field(default_factory=list)
    fail: bool = False

    def publish(self, topic: str, payload: bytes) -> None:
        if self.fail:
            raise TransportError("the broker is unreachable (memory transport set to fail)")
        self.sent.append((topic, payload))


_transport: Transport | None = None


def transport_set(transport: Transport | None) -> None:
    """Install a transport (None: back to the default MQTT publisher)."""
    global _transport
    _transport = transport


def transport_get() -> Transport:
    global _transport
    if _transport is None:
        from heyi.devices.gateway.publisher import mqtt_publisher_default

        _transport = mqtt_publisher_default()
    return _transport
