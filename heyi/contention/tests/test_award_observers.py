"""Observers of decided tenders: many per subject, after the handler, each failure contained."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from heyi.contention import award_handlers


@pytest.fixture
def clean_registry() -> Iterator[None]:
    """Stand in for what the apps registered for `supply_rfq`, and put it back afterwards."""
    handler = award_handlers.handler_get("supply_rfq")
    observers = award_handlers.observers_get("supply_rfq")
    award_handlers.unregister("supply_rfq")
    for observer in observers:
        award_handlers.unobserve("supply_rfq", observer)
    yield
    award_handlers.unregister("supply_rfq")
    for observer in award_handlers.observers_get("supply_rfq"):
        award_handlers.unobserve("supply_rfq", observer)
    if handler is not None:
        award_handlers.register("supply_rfq", handler)
    for observer in observers:
        award_handlers.observe("supply_rfq", observer)


def test_observers_run_after_the_handler_in_order(clean_registry: None) -> None:
    calls: list[tuple[str, int]] = []
    tender = SimpleNamespace(subject_type="supply_rfq", number=7, uid="t-7")

    def handler(*, tender: Any) -> None:
        calls.append(("handler", tender.number))

    def first(*, tender: Any) -> None:
        calls.append(("first", tender.number))

    def second(*, tender: Any) -> None:
        calls.append(("second", tender.number))

    award_handlers.observe("supply_rfq", first)
    award_handlers.register("supply_rfq", handler)
    award_handlers.observe("supply_rfq", second)
    award_handlers.observe("supply_rfq", first)  # the same observer once

    assert award_handlers.dispatch(tender=tender) is True
    assert calls == [("handler", 7), ("first", 7), ("second", 7)]


def test_a_failing_observer_is_logged_and_the_others_still_run(
    clean_registry: None, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []
    tender = SimpleNamespace(subject_type="supply_rfq", number=8, uid="t-8")

    def broken(*, tender: Any) -> None:
        raise RuntimeError("observer bug")

    def after(*, tender: Any) -> None:
        calls.append("after")

    award_handlers.observe("supply_rfq", broken)
    award_handlers.observe("supply_rfq", after)

    with caplog.at_level(logging.ERROR, logger="heyi.contention.award_handlers"):
        # No handler is registered: observers still hear of the tender.
        assert award_handlers.dispatch(tender=tender) is False

    assert calls == ["after"]
    assert [record.getMessage() for record in caplog.records] == [
        f"award observer {broken.__qualname__!r} failed for tender t-8"
    ]


def test_observers_run_even_when_the_handler_fails(clean_registry: None) -> None:
    calls: list[str] = []
    tender = SimpleNamespace(subject_type="supply_rfq", number=9, uid="t-9")

    def handler(*, tender: Any) -> None:
        raise ValueError("handler bug")

    award_handlers.register("supply_rfq", handler)
    award_handlers.observe("supply_rfq", lambda *, tender: calls.append("observer"))

    with pytest.raises(ValueError, match="handler bug"):
        award_handlers.dispatch(tender=tender)
    assert calls == ["observer"]


def test_an_unknown_subject_cannot_be_observed() -> None:
    with pytest.raises(ValueError):
        award_handlers.observe("nothing", lambda *, tender: None)


def test_investment_observes_production_awards() -> None:
    # Named, not imported: contention sits below investment.
    observers = award_handlers.observers_get("demand_production")
    assert [f"{o.__module__}.{o.__qualname__}" for o in observers] == [
        "heyi.investment.services.award_observe"
    ]
