"""Writes of events: register (with a waiting list), cancel (the list moves up), check in, contact.

Registration is race-safe at the last seat: the event row is locked (`select_for_update`), the
confirmed registrations counted and the seat decided under that lock; a unique constraint keeps
one registration per person per event. A ticket is checked in by one conditional UPDATE on
`checked_in_at IS NULL`, so it works once however many phones scan it at the same moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, NotFound, PermissionDenied
from heyi.events import emails
from heyi.events.errors import EventsError, EventsErrorCode
from heyi.events.models import ContactMessage, Event, Registration, RegistrationStatus
from heyi.events.selectors import event_staff_is


def _registration_open_check(*, event: Event, now: datetime) -> None:
    if not event.is_published:
        raise NotFound(_("There is no such event."), code=EventsErrorCode.EVENT_NOT_FOUND)
    if not event.registration_opens_at <= now <= event.registration_closes_at:
        raise EventsError(
            EventsErrorCode.REGISTRATION_CLOSED, _("Registration for this event is not open.")
        )


@transaction.atomic
def event_register(
    *,
    event: Event,
    user: Any,
    badge_name: str,
    organisation: str = "",
) -> Registration:
    """Register a signed-in person: a seat while the capacity lasts, else the waiting list."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to register."), code="not_authenticated")
    badge_name = badge_name.strip()
    organisation = organisation.strip()
    if not badge_name:
        raise InvalidInput(
            _("Give the name to print on your badge."), code=EventsErrorCode.BADGE_NAME_REQUIRED
        )
    at = timezone.now()
    locked = Event.objects.select_for_update().get(pk=event.pk)
    _registration_open_check(event=locked, now=at)
    existing = Registration.objects.filter(event=locked, user=user).first()
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise EventsError(
            EventsErrorCode.REGISTRATION_EXISTS, _("You are already registered for this event.")
        )
    confirmed = Registration.objects.filter(
        event=locked, status=RegistrationStatus.CONFIRMED
    ).count()
    status = (
        RegistrationStatus.CONFIRMED
        if confirmed < locked.capacity
        else RegistrationStatus.WAITLISTED
    )
    fields: dict[str, Any] = {
        "badge_name": badge_name[:80],
        "organisation": organisation[:120],
        "status": status,
        "registered_at": at,
        "confirmed_at": at if status == RegistrationStatus.CONFIRMED else None,
        "cancelled_at": None,
        "checked_in_at": None,
        "checked_in_by": None,
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        registration = existing
    else:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(event=locked, user=user, **fields)
        except IntegrityError as error:
            raise EventsError(
                EventsErrorCode.REGISTRATION_EXISTS,
                _("You are already registered for this event."),
            ) from error
    audit_record(
        type="events.registration.created",
        summary=f"Registration for {locked.slug}: {status}",
        actor=user,
        subject=registration,
        data={"event": locked.slug, "status": status},
        is_public=False,
    )
    registration.event = locked
    pk = registration.pk
    if status == RegistrationStatus.CONFIRMED:
        transaction.on_commit(lambda: emails.ticket_email_send(registration_id=pk), robust=True)
    else:
        transaction.on_commit(lambda: emails.waitlist_email_send(registration_id=pk), robust=True)
    return registration


@transaction.atomic
def registration_cancel(*, event: Event, user: Any) -> Registration:
    """Cancel one's own registration; a freed seat goes to the first on the waiting list."""
    at = timezone.now()
    locked = Event.objects.select_for_update().get(pk=event.pk)
    registration = Registration.objects.filter(event=locked, user=user).first()
    if registration is None or registration.status == RegistrationStatus.CANCELLED:
        raise NotFound(
            _("You are not registered for this event."),
            code=EventsErrorCode.REGISTRATION_NOT_FOUND,
        )
    if registration.checked_in_at is not None:
        raise EventsError(
            EventsErrorCode.REGISTRATION_CHECKED_IN,
            _("This ticket was already used at the door; it cannot be cancelled."),
        )
    was = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = at
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_record(
        type="events.registration.cancelled",
        summary=f"Registration for {locked.slug} cancelled",
        actor=user,
        subject=registration,
        data={"event": locked.slug, "was": was},
        is_public=False,
    )
    _waitlist_promote(event=locked, now=at)
    registration.event = locked
    return registration


def _waitlist_promote(*, event: Event, now: datetime) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served (event row locked)."""
    confirmed = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).count()
    free = event.capacity - confirmed
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.select_for_update()
        .filter(event=event, status=RegistrationStatus.WAITLISTED)
        .order_by("registered_at", "id")[:free]
    )
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at", "updated_at"])
        audit_record(
            type="events.registration.promoted",
            summary=f"Registration for {event.slug} moved up from the waiting list",
            subject=registration,
            data={"event": event.slug},
            is_public=False,
        )
        pk = registration.pk
        transaction.on_commit(
            lambda pk=pk: emails.ticket_email_send(registration_id=pk, promoted=True),  # type: ignore[misc]
            robust=True,
        )
    return promoted


def _zone_time(event: Event, moment: datetime) -> str:
    return time_format(timezone.localtime(moment, event.zone), "H:i")


@transaction.atomic
def ticket_check_in(*, registration: Registration, actor: Any) -> Registration:
    """Let the ticket's holder in, once. Door staff of the event and operators only."""
    event = registration.event
    if not event_staff_is(event=event, user=actor):
        raise PermissionDenied(
            _("Only the event's door staff may check tickets in."),
            code=EventsErrorCode.NOT_EVENT_STAFF,
        )
    current = Registration.objects.get(pk=registration.pk)
    if current.status != RegistrationStatus.CONFIRMED:
        message = (
            _("This ticket was cancelled.")
            if current.status == RegistrationStatus.CANCELLED
            else _("This registration is on the waiting list: it is not a ticket yet.")
        )
        raise EventsError(EventsErrorCode.TICKET_NOT_VALID, message)
    now = timezone.now()
    updated = Registration.objects.filter(pk=current.pk, checked_in_at__isnull=True).update(
        checked_in_at=now, checked_in_by=actor, updated_at=now
    )
    if updated == 0:
        current.refresh_from_db(fields=["checked_in_at"])
        assert current.checked_in_at is not None
        raise EventsError(
            EventsErrorCode.TICKET_ALREADY_CHECKED_IN,
            _("Already checked in at %(time)s.")
            % {"time": _zone_time(event, current.checked_in_at)},
        )
    audit_record(
        type="events.registration.checked_in",
        summary=f"Ticket checked in at {event.slug}",
        actor=actor,
        subject=current,
        data={"event": event.slug},
        is_public=False,
    )
    current.refresh_from_db()
    current.event = event
    return current


@transaction.atomic
def contact_message_send(
    *, event: Event | None, name: str, email: str, message: str
) -> ContactMessage:
    """Store a message to the platform (about an event or not); the event's contact address
    gets a copy after commit."""
    name, email, message = name.strip(), email.strip(), message.strip()
    if not name or not email or not message:
        raise InvalidInput(_("Give your name, your e-mail address and a message."))
    row = ContactMessage.objects.create(event=event, name=name, email=email, message=message)
    audit_record(
        type="events.contact_message.received",
        summary="Contact message received" + (f" about {event.slug}" if event else ""),
        subject=row,
        data={"event": event.slug if event else None},
        is_public=False,
    )
    pk = row.pk
    transaction.on_commit(lambda: emails.contact_email_send(message_id=pk), robust=True)
    return row
