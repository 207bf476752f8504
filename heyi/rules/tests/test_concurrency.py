"""Race safety of firing: two gateways dispatching the same events fire a rule once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from heyi.devices import events

# The same release-together harness as the orders' own race tests.
from heyi.orders.tests.test_concurrency import _at_once
from heyi.rules.models import RuleFiring, RuleState
from heyi.rules.services import rule_create
from heyi.rules.tests.factories import alarm, bound_device, telemetry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions with row locks (SQLite locks the file)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_dispatches_of_one_alarm_fire_once(operator: Any, owner: Any) -> None:
    device = bound_device(operator, owner)
    rule = rule_create(
        actor=owner,
        device=device,
        name="Compressor",
        trigger="alarm",
        condition={"code": "compressor_fault"},
        action="notify",
    )
    batch = [alarm(device)]

    _at_once(lambda: events.dispatch_now(batch), lambda: events.dispatch_now(batch))

    assert RuleFiring.objects.filter(rule=rule).count() == 1
    assert RuleState.objects.get(rule=rule).last_fired_at == RuleFiring.objects.get().at


def test_two_gateways_with_different_readings_fire_once(operator: Any, owner: Any) -> None:
    device = bound_device(operator, owner)
    rule = rule_create(
        actor=owner,
        device=device,
        name="Too warm",
        trigger="telemetry",
        condition={"field": "temperature", "op": ">", "value": 8},
        action="notify",
    )
    first = telemetry(device, {"temperature": 9}, prefix="a")
    second = telemetry(device, {"temperature": 10}, prefix="b")

    _at_once(lambda: events.dispatch_now(first), lambda: events.dispatch_now(second))

    assert RuleFiring.objects.filter(rule=rule).count() == 1
