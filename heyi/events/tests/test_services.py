"""Registration, the waiting list, cancelling, the door and the contact form, through the services."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from conftest import make_user
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.events import services
from heyi.events.models import ContactMessage, Registration, RegistrationStatus
from heyi.events.tests.factories import event_make

pytestmark = pytest.mark.django_db


def people(count: int) -> list[Any]:
    return [make_user(f"p{i}@example.com", name=f"Person {i}") for i in range(count)]


def test_register_confirms_until_full_then_waitlists(
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = event_make(capacity=2)
    a, b, c = people(3)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.event_register(event=event, user=a, badge_name="A", organisation="Org")
        second = services.event_register(event=event, user=b, badge_name="B")
        third = services.event_register(event=event, user=c, badge_name="C")
    assert [first.status, second.status, third.status] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]
    assert [m.subject for m in mail.outbox] == [
        "Your ticket: Open Day",
        "Your ticket: Open Day",
        "On the waiting list: Open Day",
    ]
    assert mail.outbox[2].to == ["p2@example.com"]
    assert (
        AuditEvent.objects.filter(type="events.registration.created", is_public=False).count() == 3
    )


def test_ticket_email_has_qr_and_token_link(django_capture_on_commit_callbacks: Any) -> None:
    event = event_make()
    (person,) = people(1)
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.event_register(event=event, user=person, badge_name="Ada")
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["p0@example.com"]
    link = f"https://example.com/events/open-day/tickets/{registration.token}/"
    assert link in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert link in str(html) and 'src="cid:ticket-qr"' in str(html)
    (image,) = message.attachments
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<ticket-qr>"
    assert image.get_payload(decode=True)[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(registration.token) == 22


def test_one_registration_per_person(django_capture_on_commit_callbacks: Any) -> None:
    event = event_make()
    (person,) = people(1)
    services.event_register(event=event, user=person, badge_name="Ada")
    with pytest.raises(DomainError) as error:
        services.event_register(event=event, user=person, badge_name="Ada again")
    assert error.value.code == "registration_exists"
    assert Registration.objects.count() == 1


def test_blank_badge_name_is_refused_and_nothing_written() -> None:
    event = event_make()
    (person,) = people(1)
    with pytest.raises(DomainError) as error:
        services.event_register(event=event, user=person, badge_name="   ")
    assert (error.value.code, error.value.status) == ("badge_name_required", 422)
    assert Registration.objects.count() == 0


def test_closed_registration_is_refused() -> None:
    event = event_make(
        registration_closes_at=timezone.now() - timedelta(minutes=1),
        registration_opens_at=timezone.now() - timedelta(days=2),
    )
    (person,) = people(1)
    with pytest.raises(DomainError) as error:
        services.event_register(event=event, user=person, badge_name="Ada")
    assert error.value.code == "registration_closed"
    assert Registration.objects.count() == 0


def test_cancel_moves_the_waiting_list_up_in_order(django_capture_on_commit_callbacks: Any) -> None:
    event = event_make(capacity=1)
    a, b, c = people(3)
    services.event_register(event=event, user=a, badge_name="A")
    services.event_register(event=event, user=b, badge_name="B")
    services.event_register(event=event, user=c, badge_name="C")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.registration_cancel(event=event, user=a)
    assert cancelled.status == RegistrationStatus.CANCELLED
    statuses = dict(Registration.objects.values_list("user__email", "status"))
    assert statuses == {
        "p0@example.com": "cancelled",
        "p1@example.com": "confirmed",
        "p2@example.com": "waitlisted",
    }
    (message,) = mail.outbox
    assert message.to == ["p1@example.com"]
    assert "moved up from the waiting list" in message.body


def test_cancelling_a_waitlisted_place_promotes_nobody() -> None:
    event = event_make(capacity=1)
    a, b = people(2)
    services.event_register(event=event, user=a, badge_name="A")
    services.event_register(event=event, user=b, badge_name="B")
    services.registration_cancel(event=event, user=b)
    assert dict(Registration.objects.values_list("user__email", "status")) == {
        "p0@example.com": "confirmed",
        "p1@example.com": "cancelled",
    }


def test_register_again_after_cancelling() -> None:
    event = event_make(capacity=1)
    (a,) = people(1)
    services.event_register(event=event, user=a, badge_name="A")
    services.registration_cancel(event=event, user=a)
    again = services.event_register(event=event, user=a, badge_name="A2")
    assert (again.status, again.badge_name, Registration.objects.count()) == ("confirmed", "A2", 1)


def test_cancel_without_registration_is_404() -> None:
    event = event_make()
    (a,) = people(1)
    with pytest.raises(DomainError) as error:
        services.registration_cancel(event=event, user=a)
    assert (error.value.code, error.value.status) == ("registration_not_found", 404)


def test_check_in_works_once(operator: Any) -> None:
    event = event_make()
    (a,) = people(1)
    registration = services.event_register(event=event, user=a, badge_name="A")
    done = services.ticket_check_in(registration=registration, actor=operator)
    assert done.checked_in_by == operator
    with pytest.raises(DomainError) as error:
        services.ticket_check_in(registration=registration, actor=operator)
    at = timezone.localtime(done.checked_in_at, event.zone).strftime("%H:%M")
    assert (error.value.code, error.value.status) == ("ticket_already_checked_in", 409)
    assert error.value.message == f"Already checked in at {at}."
    assert AuditEvent.objects.filter(type="events.registration.checked_in").count() == 1


def test_check_in_permissions(operator: Any) -> None:
    event = event_make(capacity=1)
    a, door, stranger = people(3)
    event.staff.add(door)
    registration = services.event_register(event=event, user=a, badge_name="A")
    for actor in (a, stranger):
        with pytest.raises(DomainError) as error:
            services.ticket_check_in(registration=registration, actor=actor)
        assert (error.value.code, error.value.status) == ("not_event_staff", 403)
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    assert services.ticket_check_in(registration=registration, actor=door).checked_in_by == door


def test_waitlisted_and_cancelled_tickets_are_refused(operator: Any) -> None:
    event = event_make(capacity=1)
    a, b = people(2)
    first = services.event_register(event=event, user=a, badge_name="A")
    waiting = services.event_register(event=event, user=b, badge_name="B")
    with pytest.raises(DomainError) as error:
        services.ticket_check_in(registration=waiting, actor=operator)
    assert error.value.code == "ticket_not_valid"
    assert "waiting list" in error.value.message
    services.registration_cancel(event=event, user=a)
    first.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.ticket_check_in(registration=first, actor=operator)
    assert (error.value.code, error.value.message) == (
        "ticket_not_valid",
        "This ticket was cancelled.",
    )


def test_checked_in_ticket_cannot_be_cancelled(operator: Any) -> None:
    event = event_make()
    (a,) = people(1)
    registration = services.event_register(event=event, user=a, badge_name="A")
    services.ticket_check_in(registration=registration, actor=operator)
    with pytest.raises(DomainError) as error:
        services.registration_cancel(event=event, user=a)
    assert error.value.code == "registration_checked_in"


def test_contact_message_stored_and_forwarded(django_capture_on_commit_callbacks: Any) -> None:
    event = event_make()
    with django_capture_on_commit_callbacks(execute=True):
        row = services.contact_message_send(
            event=event, name="Wu", email="wu@example.com", message="Is there parking?"
        )
    assert ContactMessage.objects.get() == row
    (message,) = mail.outbox
    assert message.to == ["events@example.com"]
    assert message.reply_to == ["wu@example.com"]
    assert re.search(r"Is there parking\?", str(message.body))
