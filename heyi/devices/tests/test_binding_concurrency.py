"""Race safety of binding: two people entering the same code at once bind the device once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from heyi.core.errors import DomainError
from heyi.designs.tests.factories import person_make
from heyi.devices.models import Device, DeviceBindingCode
from heyi.devices.services import device_bind
from heyi.devices.tests.factories import device_make

# The same release-together harness as the orders' own race tests.
from heyi.orders.tests.test_concurrency import _at_once

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions with row locks (SQLite locks the file)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_binds_of_one_code_bind_once(operator: Any, owner: Any) -> None:
    device = device_make(operator, owner)
    code = DeviceBindingCode.objects.get(device=device).code
    people = [owner, person_make("partner@example.com", "Partner")]

    results = _at_once(
        *(lambda person=person: device_bind(code=code, actor=person) for person in people)
    )

    winners = [result for result in results if isinstance(result, Device)]
    losers = [result for result in results if isinstance(result, DomainError)]
    assert (len(winners), [loser.code for loser in losers]) == (1, ["binding_code_used"])
    device.refresh_from_db()
    assert device.owner_id == winners[0].owner_id
    assert DeviceBindingCode.objects.get(code=code).used_by_id == device.owner_id
