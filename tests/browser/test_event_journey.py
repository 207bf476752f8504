"""Register for an event, open the ticket from the e-mail, and be checked in at the door once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from heyi.events.models import Registration
from heyi.events.tests.factories import event_make, programme_make
from tests.browser.conftest import sign_out
from tests.browser.test_contention_journey import person, shot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_ticket_and_check_in(page: Any, screenshots_dir: str) -> None:
    event = event_make(
        slug="symposium",
        title="Symposium",
        capacity=10,
        starts_at=timezone.now() + timedelta(days=10),
    )
    programme_make(event)
    person("ada@example.com", "Ada Attendee")
    person("door@example.com", "Door Operator", operator=True)

    sign_in(page, "ada@example.com")
    page.goto("/events/symposium/")
    shot(page, screenshots_dir, "event-home")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, screenshots_dir, "event-home-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Name on badge").fill("Ada A.")
    page.get_by_label("Organisation (optional)").fill("Harbour Lab")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/events/symposium/tickets/[^/]+/$"))
    page.get_by_text("You are registered.").wait_for()
    shot(page, screenshots_dir, "event-ticket")

    (message,) = mail.outbox
    assert message.subject == "Your ticket: Symposium"
    match = re.search(r"https?://[^/\s]+(/events/symposium/tickets/[\w-]+/)", str(message.body))
    assert match is not None
    ticket_path = match.group(1)
    token = Registration.objects.get().token
    assert ticket_path == f"/events/symposium/tickets/{token}/"
    page.goto(ticket_path)
    page.get_by_role("img", name="QR code of your ticket").wait_for()
    assert page.get_by_role("button", name="Check in").count() == 0
    sign_out(page)

    sign_in(page, "door@example.com")
    page.goto(ticket_path)
    page.get_by_role("heading", name="Ada A.").wait_for()
    page.get_by_role("button", name="Check in").click()
    page.get_by_text("Ada A. is checked in.").wait_for()
    assert Registration.objects.get().checked_in_at is not None

    # The same ticket again, typed at the door: refused, with the time it was used.
    page.goto("/events/symposium/check-in/")
    page.get_by_label("Ticket code").fill(token)
    page.get_by_role("button", name="Open the ticket").click()
    page.get_by_text(re.compile(r"Already checked in at \d\d:\d\d\.")).wait_for()
    assert page.get_by_role("button", name="Check in").count() == 0
    shot(page, screenshots_dir, "event-already-checked-in")
