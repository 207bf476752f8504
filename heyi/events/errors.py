"""Error codes of events."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class EventsErrorCode(StrEnum):
    EVENT_NOT_FOUND = "event_not_found"
    REGISTRATION_CLOSED = "registration_closed"
    REGISTRATION_EXISTS = "registration_exists"
    REGISTRATION_NOT_FOUND = "registration_not_found"
    REGISTRATION_CHECKED_IN = "registration_checked_in"
    TICKET_NOT_FOUND = "ticket_not_found"
    TICKET_NOT_VALID = "ticket_not_valid"
    TICKET_ALREADY_CHECKED_IN = "ticket_already_checked_in"
    NOT_EVENT_STAFF = "not_event_staff"
    BADGE_NAME_REQUIRED = "badge_name_required"


class EventsError(DomainError):
    """A rule of events refused the action (409 unless a status is given)."""
