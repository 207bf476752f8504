"""Explicit registry of what the layers above contention do when a tender is decided.

Contention sits below orders, supply, logistics and services in the dependency rule, so it may
not import them; yet an awarded production tender must turn pre-orders into orders, an awarded
request for quotation must become a supply order, and so on. Instead of Django signals (hidden
control flow, banned by the conventions), the layer above registers a plain function here, once,
from its AppConfig.ready():

    from heyi.contention import award_handlers

    class OrdersConfig(AppConfig):
        def ready(self) -> None:
            award_handlers.register("demand_production", orders_award_apply)

`register(subject_type, handler)` takes one of the SubjectType values and a callable taking one
keyword argument, `tender` (a Tender whose status is `awarded` or `no_award`; its AwardLine rows
and `award` JSON say who won what). One handler per subject type; registering a second one for
the same subject is refused, so two apps cannot silently fight over a subject.

tender_close calls `dispatch(tender=...)` through `transaction.on_commit(..., robust=True)`: the
handler runs only once the award is committed, after the close's own transaction, and a failing
handler is logged without undoing the award. Handlers must therefore be idempotent and do their
own writes in their own transaction (typically by calling their app's service, or enqueuing a
task with the tender's uid). Subjects nobody registered for are simply not dispatched.

Besides the one handler, any number of observers may watch a subject: `observe(subject_type,
observer)` (same signature as a handler). `dispatch` calls them after the handler, in the order
they were added; each is guarded, so an observer that fails is logged and the others still run
(investment observes `demand_production` to turn winning bids' bet targets into bet contracts).
Observers run even when no handler is registered for the subject.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

AwardHandler = Callable[..., Any]

_HANDLERS: dict[str, AwardHandler] = {}
_OBSERVERS: dict[str, list[AwardHandler]] = {}


def _subject_check(subject_type: str) -> None:
    from heyi.contention.models import SubjectType

    if subject_type not in SubjectType.values:
        raise ValueError(f"Unknown subject type {subject_type!r}.")


def register(subject_type: str, handler: AwardHandler) -> None:
    """Register the handler called after a tender of `subject_type` is awarded or not awarded."""
    _subject_check(subject_type)
    existing = _HANDLERS.get(subject_type)
    if existing is not None and existing is not handler:
        raise ValueError(f"A handler is already registered for {subject_type!r}.")
    _HANDLERS[subject_type] = handler


def unregister(subject_type: str) -> None:
    """Forget the handler of a subject type (tests use it to restore the registry)."""
    _HANDLERS.pop(subject_type, None)


def handler_get(subject_type: str) -> AwardHandler | None:
    return _HANDLERS.get(subject_type)


def observe(subject_type: str, observer: AwardHandler) -> None:
    """Add an observer of a subject's decided tenders; adding the same one twice adds it once."""
    _subject_check(subject_type)
    observers = _OBSERVERS.setdefault(subject_type, [])
    if observer not in observers:
        observers.append(observer)


def unobserve(subject_type: str, observer: AwardHandler) -> None:
    """Remove an observer (tests use it to restore the registry)."""
    observers = _OBSERVERS.get(subject_type, [])
    if observer in observers:
        observers.remove(observer)


def observers_get(subject_type: str) -> list[AwardHandler]:
    return list(_OBSERVERS.get(subject_type, []))


def dispatch(*, tender: Any) -> bool:
    """Call the handler registered for the tender's subject, then its observers (each guarded:
    one failing is logged and does not stop the next); return whether there was a handler."""
    handler = _HANDLERS.get(tender.subject_type)
    try:
        if handler is not None:
            handler(tender=tender)
    finally:
        for observer in observers_get(tender.subject_type):
            try:
                observer(tender=tender)
            except Exception:
                logger.exception(
                    "award observer %r failed for tender %s",
                    getattr(observer, "__qualname__", observer),
                    getattr(tender, "uid", "?"),
                )
    return handler is not None
