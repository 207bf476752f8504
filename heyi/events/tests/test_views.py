"""The events pages for anonymous visitors, attendees, door staff and operators."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from heyi.events import services
from heyi.events.models import ContactMessage, Registration
from heyi.events.tests.factories import event_make, programme_make

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_public_pages_anonymous() -> None:
    event = event_make()
    programme_make(event)
    event_make(slug="draft", published=False, title="Draft Day")
    client = Client()
    listing = client.get("/events/").content.decode()
    assert "Open Day" in listing and "Draft Day" not in listing
    home = client.get("/events/open-day/")
    body = home.content.decode()
    assert home.status_code == 200
    assert "Meet the makers" in body and "Sign in to register" in body
    assert "<svg" in body and "/contact/?event=open-day" in body
    assert 'id="live-feed"' in body
    assert "Lin Hai" in body and "Coast Group" in body
    programme = client.get("/events/open-day/programme/").content.decode()
    assert "Welcome." in programme and "Hall A" in programme
    assert "Zhou Yu" in client.get("/events/open-day/speakers/").content.decode()
    partners = client.get("/events/open-day/partners/").content.decode()
    assert partners.index("Strategic cooperator") < partners.index("Media")
    assert client.get("/events/draft/").status_code == 404
    assert client.get("/events/open-day/check-in/").status_code == 302


def test_operator_sees_unpublished(operator: Any) -> None:
    event_make(slug="draft", published=False)
    assert client_for(operator).get("/events/draft/").status_code == 200


def test_register_through_the_page_then_cancel() -> None:
    event = event_make(capacity=1)
    person = make_user("ada@example.com", name="Ada")
    client = client_for(person)
    response = client.post(
        "/events/open-day/register/", {"badge_name": "Ada L", "organisation": ""}
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/events/open-day/tickets/{registration.token}/"
    ticket = client.get(response["Location"]).content.decode()
    assert "Ada L" in ticket and "QR code of your ticket" in ticket
    assert "Check in" not in ticket
    client.post("/events/open-day/cancel/")
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert event.registrations.count() == 1


def test_register_with_blank_badge_shows_error() -> None:
    event_make()
    client = client_for(make_user("ada@example.com"))
    response = client.post("/events/open-day/register/", {"badge_name": ""}, follow=True)
    assert "This field is required." in response.content.decode()
    assert Registration.objects.count() == 0


def test_ticket_page_for_stranger_shows_no_personal_data() -> None:
    event = event_make()
    owner = make_user("ada@example.com", name="Ada")
    registration = services.event_register(
        event=event, user=owner, badge_name="Ada Secret", organisation="Org X"
    )
    url = f"/events/open-day/tickets/{registration.token}/"
    for client in (Client(), client_for(make_user("other@example.com"))):
        body = client.get(url).content.decode()
        assert "This is a ticket for Open Day." in body
        assert "Ada Secret" not in body and "Org X" not in body
        assert client.post(url).status_code in (403,)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_staff_checks_in_once_through_the_page() -> None:
    event = event_make()
    door = make_user("door@example.com")
    event.staff.add(door)
    registration = services.event_register(
        event=event, user=make_user("ada@example.com"), badge_name="Ada Secret"
    )
    url = f"/events/open-day/tickets/{registration.token}/"
    client = client_for(door)
    page = client.get(url).content.decode()
    assert "Ada Secret" in page and "Check in" in page
    done = client.post(url, follow=True).content.decode()
    assert "Ada Secret is checked in." in done
    second = client.post(url)
    assert second.status_code == 409
    assert "Already checked in at" in second.content.decode()


def test_check_in_page_opens_a_typed_code(operator: Any) -> None:
    event = event_make()
    registration = services.event_register(
        event=event, user=make_user("ada@example.com"), badge_name="Ada"
    )
    client = client_for(operator)
    assert client.get("/events/open-day/check-in/").status_code == 200
    response = client.post("/events/open-day/check-in/", {"code": f" {registration.token} "})
    assert response["Location"] == f"/events/open-day/tickets/{registration.token}/"
    refused = client_for(make_user("x@example.com")).get("/events/open-day/check-in/")
    assert refused.status_code == 403


def test_contact_form(django_capture_on_commit_callbacks: Any) -> None:
    event_make()
    client = Client()
    page = client.get("/contact/?event=open-day").content.decode()
    assert "About Open Day." in page
    bad = client.post("/contact/?event=open-day", {"name": "", "email": "nope", "message": ""})
    assert bad.status_code == 422
    assert "Enter a valid email address." in bad.content.decode()
    assert ContactMessage.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            "/contact/?event=open-day",
            {"name": "Wu", "email": "wu@example.com", "message": "Hello"},
        )
    assert ok["Location"] == "/events/open-day/"
    row = ContactMessage.objects.get()
    assert (row.event.slug, row.name, row.message) == ("open-day", "Wu", "Hello")  # type: ignore[union-attr]


def test_feed_page() -> None:
    assert "Platform news" in Client().get("/feed/").content.decode()


def test_home_query_count_does_not_grow(django_assert_max_num_queries: Any) -> None:
    event = event_make()
    programme_make(event)
    client = Client()
    client.get("/events/open-day/")
    with django_assert_max_num_queries(11):
        client.get("/events/open-day/")


def test_admin_edits_events_with_inlines(admin_client: Any) -> None:
    event = event_make()
    programme_make(event)
    services.contact_message_send(event=event, name="Wu", email="wu@example.com", message="Hi")
    page = admin_client.get(f"/admin/events/event/{event.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Lin Hai" in body and "Opening" in body and "Coast Group" in body
    assert admin_client.get("/admin/events/contactmessage/").status_code == 200
    assert admin_client.get("/admin/events/registration/").status_code == 200


def test_admin_checks_portraits_with_the_picture_rules(settings: Any) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict
    from PIL import Image

    from heyi.events.admin import SpeakerForm

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 80, 160)).save(buffer, format="PNG")
    settings.HEYI_MAX_PICTURE_BYTES = 100
    event = event_make()
    form = SpeakerForm(
        data={"name": "Lin Hai", "position": 0},
        files=MultiValueDict(
            {"portrait": [SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")]}
        ),
    )
    form.instance.event = event
    assert not form.is_valid()
    assert form.errors["portrait"] == ["The picture is too large: the limit is 0 MB."]
