"""iCalendar (RFC 5545) of an event and of its programme, built with the `icalendar` library."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from icalendar import Calendar, Timezone
from icalendar import Event as VEvent

from heyi.events.models import Event, Session


def _calendar(event: Event, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//heyi//events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", event.time_zone)
    return calendar


def _with_zone(calendar: Calendar, event: Event, moments: Iterable[datetime]) -> None:
    values = list(moments)
    calendar.add_component(
        Timezone.from_tzid(
            event.time_zone, first_date=min(values).date(), last_date=max(values).date()
        )
    )


def _location(event: Event, room: str = "") -> str:
    parts = [room, event.venue_name, event.venue_address, event.venue_city]
    return ", ".join(p for p in parts if p)


def event_ics(*, event: Event, stamp: datetime | None = None) -> bytes:
    """One VEVENT for the whole event, times in the event's zone with its VTIMEZONE."""
    zone = event.zone
    calendar = _calendar(event, event.title)
    _with_zone(calendar, event, [event.starts_at, event.ends_at])
    vevent = VEvent()
    vevent.add("uid", f"event-{event.uid}@heyi")
    vevent.add("dtstamp", stamp or timezone.now())
    vevent.add("dtstart", timezone.localtime(event.starts_at, zone))
    vevent.add("dtend", timezone.localtime(event.ends_at, zone))
    vevent.add("summary", event.title)
    if event.theme or event.introduction:
        vevent.add("description", "\n\n".join(p for p in [event.theme, event.introduction] if p))
    vevent.add("location", _location(event))
    calendar.add_component(vevent)
    return calendar.to_ical()


def programme_ics(
    *, event: Event, sessions: Iterable[Session], stamp: datetime | None = None
) -> bytes:
    """One VEVENT per session, with its room and the venue, and its speakers in the description."""
    zone = event.zone
    rows = list(sessions)
    calendar = _calendar(event, event.title)
    _with_zone(
        calendar,
        event,
        [event.starts_at, event.ends_at, *(s.starts_at for s in rows), *(s.ends_at for s in rows)],
    )
    moment = stamp or timezone.now()
    for session in rows:
        vevent = VEvent()
        vevent.add("uid", f"session-{session.uid}@heyi")
        vevent.add("dtstamp", moment)
        vevent.add("dtstart", timezone.localtime(session.starts_at, zone))
        vevent.add("dtend", timezone.localtime(session.ends_at, zone))
        vevent.add("summary", session.title)
        speakers = ", ".join(s.name for s in session.speakers.all())
        description = "\n\n".join(p for p in [session.description, speakers] if p)
        if description:
            vevent.add("description", description)
        vevent.add("location", _location(event, session.room))
        calendar.add_component(vevent)
    return calendar.to_ical()
