"""The demo's events load through the services: the 2015 symposium as history, an open day ahead."""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from django.utils import timezone

from conftest import make_user
from heyi.demo.events import demo_events_add
from heyi.events.models import Event, Registration, Session

pytestmark = pytest.mark.django_db


def test_demo_events(operator: object) -> None:
    people = [operator] + [
        make_user(f"d{i}@example.com", name=f"Demo Person{i}") for i in range(55)
    ]
    limit = timezone.now()
    counts = demo_events_add(operator=operator, people=people, limit=limit, rng=random.Random(7))
    symposium = Event.objects.get(slug="haier-model-symposium-2015")
    assert (
        timezone.localtime(symposium.starts_at, symposium.zone).date()
        == datetime(2015, 1, 8).date()
    )
    assert symposium.theme == "Shift gears and accelerate"
    registrations = Registration.objects.filter(event=symposium)
    assert registrations.count() == 55
    assert registrations.filter(status="confirmed").count() == 48
    assert registrations.filter(status="cancelled").count() == 3
    assert registrations.filter(status="waitlisted").count() == 4
    assert registrations.exclude(checked_in_at=None).count() == counts["event check-ins"]
    assert all(
        timezone.localtime(r.checked_in_at, symposium.zone).date() == datetime(2015, 1, 8).date()
        for r in registrations.exclude(checked_in_at=None)
    )
    assert Session.objects.filter(event=symposium).count() == 9
    assert symposium.speakers.count() == 11
    assert symposium.partners.count() == 7
    upcoming = Event.objects.exclude(pk=symposium.pk).get()
    assert upcoming.starts_at > limit
    assert upcoming.registration_opens_at <= timezone.now() <= upcoming.registration_closes_at
    assert Registration.objects.filter(event=upcoming, status="confirmed").count() == 18
    assert counts == {
        "events": 2,
        "event sessions": 9,
        "event speakers": 11,
        "event registrations": 55,
        "event check-ins": counts["event check-ins"],
        "upcoming event registrations": 18,
    }
