"""What the apps above orders do when an order reaches a stage, without orders importing them.

An app registers a plain function once, in its AppConfig.ready() (devices: a delivered smart
product becomes a device). `order_advance` calls the handlers of the new stage inside the same
transaction, after the stage and its timeline entry are written, so the order and what follows
from it commit or roll back together. Explicit registrations, not Django signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StageHandler = Callable[..., Any]

_HANDLERS: dict[str, list[StageHandler]] = {}


def register(stage: str, handler: StageHandler) -> None:
    """Call `handler(order=...)` whenever an order reaches `stage` (once per handler)."""
    handlers = _HANDLERS.setdefault(stage, [])
    if handler not in handlers:
        handlers.append(handler)


def unregister(stage: str, handler: StageHandler) -> None:
    if handler in _HANDLERS.get(stage, []):
        _HANDLERS[stage].remove(handler)


def dispatch(*, order: Any, stage: str) -> None:
    for handler in list(_HANDLERS.get(stage, [])):
        handler(order=order)
