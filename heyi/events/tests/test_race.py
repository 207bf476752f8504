"""The last seats under real concurrency: on PostgreSQL, N people register at once for C seats."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from conftest import make_user
from heyi.core.errors import DomainError
from heyi.events import services
from heyi.events.models import Registration, RegistrationStatus
from heyi.events.tests.factories import event_make

pytestmark = pytest.mark.django_db(transaction=True)

SEATS = 3
PEOPLE = 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_registrations_fill_exactly_the_capacity() -> None:
    event = event_make(capacity=SEATS)
    users = [make_user(f"racer{i}@example.com") for i in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE + PEOPLE // 2)
    errors: list[str] = []

    def register(user: Any) -> None:
        try:
            barrier.wait()
            services.event_register(event=event, user=user, badge_name=user.name)
        except DomainError as error:
            errors.append(error.code)
        finally:
            connections.close_all()

    # Half the people also press the button twice at the same moment.
    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    threads += [threading.Thread(target=register, args=(u,)) for u in users[: PEOPLE // 2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == SEATS
    assert statuses.count(RegistrationStatus.WAITLISTED) == PEOPLE - SEATS
    assert len(statuses) == PEOPLE
    assert Registration.objects.filter(event=event).values("user").distinct().count() == PEOPLE
    assert errors == ["registration_exists"] * (PEOPLE // 2)
