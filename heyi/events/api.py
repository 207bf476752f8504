"""The JSON API of events: the events, my registrations, the door's check-in, the live feed."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from heyi.api_auth import OPTIONAL_AUTH
from heyi.events import selectors, services
from heyi.events.models import Event, Registration, RegistrationStatus
from heyi.events.qr import ticket_path
from heyi.events.schemas import (
    CheckInOut,
    EventOut,
    EventSummaryOut,
    FeedItemOut,
    RegistrationIn,
    RegistrationOut,
)

router = Router(tags=["events"])


def _summary(event: Event, confirmed: int) -> dict[str, Any]:
    return {
        "slug": event.slug,
        "title": event.title,
        "theme": event.theme,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "venue_name": event.venue_name,
        "venue_city": event.venue_city,
        "capacity": event.capacity,
        "confirmed": confirmed,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
    }


def _registration_out(registration: Registration, *, position: int | None = None) -> dict[str, Any]:
    event = registration.event
    return {
        "uid": registration.uid,
        "event": event.slug,
        "status": registration.status,
        "badge_name": registration.badge_name,
        "organisation": registration.organisation,
        "registered_at": registration.registered_at,
        "checked_in_at": registration.checked_in_at,
        "ticket_url": ticket_path(slug=event.slug, token=registration.token)
        if registration.status == RegistrationStatus.CONFIRMED
        else None,
        "waitlist_position": position,
    }


@router.get("/events", response=list[EventSummaryOut], auth=OPTIONAL_AUTH)
def event_list(request: HttpRequest) -> Any:
    """Published events, the latest first."""
    return [
        _summary(event, event.confirmed_count)  # type: ignore[attr-defined]
        for event in selectors.event_list_published()
    ]


@router.get("/events/{slug}", response=EventOut, auth=OPTIONAL_AUTH)
def event_get(request: HttpRequest, slug: str) -> Any:
    """One event with its programme, speakers and partners (times in UTC; `time_zone` is the
    event's own)."""
    event = selectors.event_get(slug=slug, user=request.user)
    return {
        **_summary(event, selectors.event_confirmed_count(event=event)),
        "venue_address": event.venue_address,
        "introduction": event.introduction,
        "letter_author": event.letter_author,
        "letter_author_title": event.letter_author_title,
        "letter_body": event.letter_body,
        "contact_email": event.contact_email,
        "contact_phone": event.contact_phone,
        "contact_address": event.contact_address,
        "sessions": [
            {
                "uid": s.uid,
                "title": s.title,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "room": s.room,
                "description": s.description,
                "speakers": [sp.uid for sp in s.speakers.all()],
            }
            for s in event.sessions.all()
        ],
        "speakers": [
            {
                "uid": sp.uid,
                "name": sp.name,
                "title": sp.title,
                "organisation": sp.organisation,
                "biography": sp.biography,
                "portrait_url": sp.portrait.url if sp.portrait else None,
            }
            for sp in event.speakers.all()
        ],
        "partners": [
            {"name": p.name, "tier": p.tier, "link": p.link} for p in event.partners.all()
        ],
    }


@router.post("/events/{slug}/registrations", response={201: RegistrationOut})
def event_register(request: HttpRequest, slug: str, payload: RegistrationIn) -> Any:
    """Register myself: `confirmed` while seats last, else `waitlisted`."""
    event = selectors.event_get(slug=slug, user=request.user)
    registration = services.event_register(
        event=event,
        user=request.user,
        badge_name=payload.badge_name,
        organisation=payload.organisation,
    )
    return Status(
        201,
        _registration_out(
            registration, position=selectors.waitlist_position(registration=registration)
        ),
    )


@router.delete("/events/{slug}/registration", response=RegistrationOut)
def registration_cancel(request: HttpRequest, slug: str) -> Any:
    """Cancel my registration; the first on the waiting list takes the seat."""
    event = selectors.event_get(slug=slug, user=request.user)
    return _registration_out(services.registration_cancel(event=event, user=request.user))


@router.get("/me/registrations", response=list[RegistrationOut])
def my_registrations(request: HttpRequest) -> Any:
    return [_registration_out(r) for r in selectors.registration_list_for_user(user=request.user)]


@router.post("/tickets/{token}/check-in", response=CheckInOut)
def ticket_check_in(request: HttpRequest, token: str) -> Any:
    """The door: let a ticket's holder in, once (409 `ticket_already_checked_in` the second
    time). Operators and the event's door staff."""
    registration = services.ticket_check_in(
        registration=selectors.ticket_get(token=token), actor=request.user
    )
    return {
        "uid": registration.uid,
        "event": registration.event.slug,
        "badge_name": registration.badge_name,
        "organisation": registration.organisation,
        "checked_in_at": registration.checked_in_at,
    }


@router.get("/feed", response=list[FeedItemOut], auth=OPTIONAL_AUTH)
def feed(request: HttpRequest, limit: int = 30) -> Any:
    """Platform news from the public trace: new demands, awards, deliveries, new ventures."""
    return [item.__dict__ for item in selectors.feed_list(limit=max(1, min(limit, 100)))]
