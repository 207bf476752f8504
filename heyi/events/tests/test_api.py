"""The events API: reads, registering, cancelling, the door's check-in, the feed."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from heyi.events import services
from heyi.events.models import Registration
from heyi.events.tests.factories import event_make, programme_make

pytestmark = pytest.mark.django_db


def test_event_reads_anonymous(api_as: Any) -> None:
    event = event_make()
    programme_make(event)
    event_make(slug="draft", published=False)
    listing = api_as(None).get("events").json()
    assert [e["slug"] for e in listing] == ["open-day"]
    assert listing[0]["confirmed"] == 0
    detail = api_as(None).get("events/open-day").json()
    assert [s["title"] for s in detail["sessions"]] == ["Opening", "Panel"]
    assert [s["name"] for s in detail["speakers"]] == ["Lin Hai", "Zhou Yu"]
    assert [(p["name"], p["tier"]) for p in detail["partners"]] == [
        ("Harbour Daily", "media"),
        ("Coast Group", "strategic"),
    ]
    assert api_as(None).get("events/draft").json()["code"] == "event_not_found"


def test_register_waitlist_and_cancel(api_as: Any) -> None:
    event_make(capacity=1)
    ada, bo = make_user("ada@example.com"), make_user("bo@example.com")
    first = api_as(ada).post("events/open-day/registrations", {"badge_name": "Ada"})
    assert first.status_code == 201
    token = Registration.objects.get(user=ada).token
    assert first.json()["status"] == "confirmed"
    assert first.json()["ticket_url"] == f"/events/open-day/tickets/{token}/"
    second = api_as(bo).post("events/open-day/registrations", {"badge_name": "Bo"})
    assert (second.status_code, second.json()["status"], second.json()["waitlist_position"]) == (
        201,
        "waitlisted",
        1,
    )
    again = api_as(bo).post("events/open-day/registrations", {"badge_name": "Bo"})
    assert (again.status_code, again.json()["code"]) == (409, "registration_exists")
    cancelled = api_as(ada).delete("events/open-day/registration")
    assert cancelled.json()["status"] == "cancelled"
    mine = api_as(bo).get("me/registrations").json()
    assert [(r["event"], r["status"]) for r in mine] == [("open-day", "confirmed")]


def test_bad_input_is_422_and_writes_nothing(api_as: Any) -> None:
    event_make()
    ada = make_user("ada@example.com")
    for payload in ({}, {"badge_name": ""}, {"badge_name": "x" * 81}, {"badge_name": "   "}):
        response = api_as(ada).post("events/open-day/registrations", payload)
        assert response.status_code == 422
    assert Registration.objects.count() == 0
    assert (
        api_as(None).post("events/open-day/registrations", {"badge_name": "A"}).status_code == 401
    )


def test_check_in_api(api_as: Any, operator: Any) -> None:
    event = event_make()
    ada = make_user("ada@example.com")
    registration = services.event_register(event=event, user=ada, badge_name="Ada")
    path = f"tickets/{registration.token}/check-in"
    denied = api_as(ada).post(path)
    assert (denied.status_code, denied.json()["code"]) == (403, "not_event_staff")
    done = api_as(operator).post(path)
    assert (done.status_code, done.json()["badge_name"]) == (200, "Ada")
    twice = api_as(operator).post(path)
    assert (twice.status_code, twice.json()["code"]) == (409, "ticket_already_checked_in")
    missing = api_as(operator).post("tickets/nope/check-in")
    assert (missing.status_code, missing.json()["code"]) == (404, "ticket_not_found")


def test_feed_api(api_as: Any) -> None:
    assert api_as(None).get("feed").json() == []
