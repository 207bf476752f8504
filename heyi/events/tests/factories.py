"""Events for tests, built as an operator would in the admin."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from heyi.events.models import Event, Partner, PartnerTier, Session, Speaker

SHANGHAI = ZoneInfo("Asia/Shanghai")


def event_make(
    *,
    slug: str = "open-day",
    capacity: int = 2,
    starts_at: datetime | None = None,
    published: bool = True,
    **fields: Any,
) -> Event:
    start = starts_at or (timezone.now() + timedelta(days=30)).astimezone(SHANGHAI).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    values: dict[str, Any] = {
        "slug": slug,
        "title": "Open Day",
        "theme": "Meet the makers",
        "starts_at": start,
        "ends_at": start + timedelta(hours=8),
        "time_zone": "Asia/Shanghai",
        "venue_name": "Harbour Hall",
        "venue_address": "1 Harbour Road",
        "venue_city": "Qingdao",
        "introduction": "A day with the makers.",
        "contact_email": "events@example.com",
        "capacity": capacity,
        "registration_opens_at": min(timezone.now(), start) - timedelta(days=1),
        "registration_closes_at": start,
        "is_published": published,
        **fields,
    }
    return Event.objects.create(**values)


def programme_make(event: Event) -> list[Session]:
    first = Speaker.objects.create(event=event, name="Lin Hai", title="Host", position=1)
    second = Speaker.objects.create(
        event=event, name="Zhou Yu", organisation="Maker Co", position=2
    )
    opening = Session.objects.create(
        event=event,
        title="Opening",
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(minutes=30),
        room="Hall A",
        description="Welcome.",
    )
    opening.speakers.set([first])
    panel = Session.objects.create(
        event=event,
        title="Panel",
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.starts_at + timedelta(hours=2),
        room="Room 2",
        description="Talk.",
    )
    panel.speakers.set([first, second])
    Partner.objects.create(event=event, tier=PartnerTier.MEDIA, name="Harbour Daily", position=1)
    Partner.objects.create(event=event, tier=PartnerTier.STRATEGIC, name="Coast Group", position=2)
    return [opening, panel]
