"""Schemas of the events API."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import Field


class EventSummaryOut(Schema):
    slug: str
    title: str
    theme: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    venue_name: str
    venue_city: str
    capacity: int
    confirmed: int
    registration_opens_at: datetime
    registration_closes_at: datetime


class SpeakerOut(Schema):
    uid: uuid.UUID
    name: str
    title: str
    organisation: str
    biography: str
    portrait_url: str | None


class SessionOut(Schema):
    uid: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime
    room: str
    description: str
    speakers: list[uuid.UUID]


class PartnerOut(Schema):
    name: str
    tier: str
    link: str


class EventOut(EventSummaryOut):
    venue_address: str
    introduction: str
    letter_author: str
    letter_author_title: str
    letter_body: str
    contact_email: str
    contact_phone: str
    contact_address: str
    sessions: list[SessionOut]
    speakers: list[SpeakerOut]
    partners: list[PartnerOut]


class RegistrationIn(Schema):
    badge_name: str = Field(min_length=1, max_length=80)
    organisation: str = Field(default="", max_length=120)


class RegistrationOut(Schema):
    uid: uuid.UUID
    event: str
    status: str
    badge_name: str
    organisation: str
    registered_at: datetime
    checked_in_at: datetime | None
    ticket_url: str | None
    waitlist_position: int | None


class CheckInOut(Schema):
    uid: uuid.UUID
    event: str
    badge_name: str
    organisation: str
    checked_in_at: datetime


class FeedItemOut(Schema):
    uid: str
    type: str
    occurred_at: datetime
    text: str
    url: str
