"""The iCalendar exports, parsed back with the `icalendar` library."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from heyi.events.tests.factories import SHANGHAI, event_make, programme_make

pytestmark = pytest.mark.django_db


def fetch(path: str) -> Calendar:
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_event_ics() -> None:
    start = datetime(2015, 1, 8, 9, 0, tzinfo=SHANGHAI)
    event = event_make(starts_at=start)
    calendar = fetch("/events/open-day/event.ics")
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//heyi//events//EN"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Shanghai"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.uid}@heyi"
    assert "DTSTAMP" in vevent
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert vevent.decoded("DTSTART") == start
    assert vevent.decoded("DTSTART").strftime("%H:%M") == "09:00"
    assert vevent.decoded("DTEND").strftime("%H:%M") == "17:00"
    assert str(vevent["SUMMARY"]) == "Open Day"
    assert str(vevent["LOCATION"]) == "Harbour Hall, 1 Harbour Road, Qingdao"


def test_programme_ics_has_one_stable_vevent_per_session() -> None:
    event = event_make(starts_at=datetime(2015, 1, 8, 9, 0, tzinfo=SHANGHAI))
    opening, panel = programme_make(event)
    first = fetch("/events/open-day/programme.ics")
    again = fetch("/events/open-day/programme.ics")
    events: list[Any] = first.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Opening", "Panel"]
    assert [str(e["UID"]) for e in events] == [
        f"session-{opening.uid}@heyi",
        f"session-{panel.uid}@heyi",
    ]
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]
    assert [e.decoded("DTSTART").strftime("%H:%M") for e in events] == ["09:00", "10:00"]
    assert all(e["DTSTART"].params["TZID"] == "Asia/Shanghai" for e in events)
    assert all("DTSTAMP" in e for e in events)
    assert str(events[1]["LOCATION"]) == "Room 2, Harbour Hall, 1 Harbour Road, Qingdao"
    assert str(events[1]["DESCRIPTION"]) == "Talk.\n\nLin Hai, Zhou Yu"
    assert [str(z["TZID"]) for z in first.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_unpublished_event_has_no_calendar() -> None:
    event_make(published=False)
    assert Client().get("/events/open-day/event.ics").status_code == 404
