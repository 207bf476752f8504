"""The webhooks pages: the owner adds endpoints, reveals and rotates the secret, sends a test
event and replays a delivery; operators look; others get 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from heyi.webhooks import services
from heyi.webhooks.models import WebhookDelivery, WebhookEndpoint
from heyi.webhooks.tests.conftest import Receiver, app_make

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _base(app: Any) -> str:
    return f"/developers/apps/{app.uid}/webhooks/"


def test_the_owner_adds_an_endpoint_on_the_page(owner: Any, receiver: Receiver) -> None:
    app = app_make(owner)
    client = _client(owner)
    assert client.get(_base(app)).status_code == 200
    answer = client.post(
        _base(app),
        {
            "url": receiver.url,
            "event_types": ["device.telemetry.threshold", "order.stage"],
            "thresholds": "temperature > 8\ndoor_open == true",
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"{_base(app)}{endpoint.uid}/"
    assert endpoint.thresholds == [
        {"field": "temperature", "op": ">", "value": 8},
        {"field": "door_open", "op": "==", "value": True},
    ]
    page = client.get(answer["Location"])
    assert page.status_code == 200
    assert endpoint.secret in page.content.decode()
    assert page["Cache-Control"] == "no-store"


def test_a_bad_threshold_shows_on_the_form(owner: Any, receiver: Receiver) -> None:
    app = app_make(owner)
    answer = _client(owner).post(
        _base(app),
        {"url": receiver.url, "event_types": ["device.telemetry.threshold"], "thresholds": "hot"},
    )
    assert answer.status_code == 400
    assert "Line 1: write it as `field &gt; value`." in answer.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_rotate_test_event_replay_and_disable(
    owner: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    app = app_make(owner)
    endpoint = services.endpoint_create(
        app=app, actor=owner, url=receiver.url, event_types=["device.online"]
    )
    client = _client(owner)
    base = f"{_base(app)}{endpoint.uid}/"

    old = endpoint.secret
    assert client.post(f"{base}rotate/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    receiver.secrets = [endpoint.secret]

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{base}test/")
    delivery = WebhookDelivery.objects.get()
    assert answer["Location"] == f"{_base(app)}deliveries/{delivery.uid}/"
    detail = client.get(answer["Location"])
    assert detail.status_code == 200
    assert delivery.message_id in detail.content.decode()
    assert "webhook-signature" in detail.content.decode()

    assert client.post(f"{_base(app)}deliveries/{delivery.uid}/replay/").status_code == 302
    assert [request.headers["webhook-id"] for request in receiver.received] == [
        delivery.message_id
    ] * 2
    assert all(request.verified["type"] == "webhook.test" for request in receiver.received)

    assert client.post(f"{base}toggle/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    listing = client.get(f"{base}?status=succeeded")
    assert listing.status_code == 200
    assert str(delivery.uid) in listing.content.decode()


@pytest.mark.parametrize("who", ["rival", "operator"])
def test_others_get_404_and_operators_only_look(
    owner: Any, rival: Any, operator: Any, receiver: Receiver, who: str
) -> None:
    app = app_make(owner)
    endpoint = services.endpoint_create(
        app=app, actor=owner, url=receiver.url, event_types=["device.online"]
    )
    client = _client({"rival": rival, "operator": operator}[who])
    base = f"{_base(app)}{endpoint.uid}/"
    reads = [client.get(_base(app)).status_code, client.get(base).status_code]
    assert reads == ([404, 404] if who == "rival" else [200, 200])
    if who == "operator":
        assert endpoint.secret not in client.get(base).content.decode()
    for action in ("rotate/", "toggle/", "delete/", "test/"):
        assert client.post(f"{base}{action}").status_code == 404
    created = client.post(_base(app), {"url": receiver.url, "event_types": ["device.online"]})
    assert created.status_code == 404
    assert WebhookEndpoint.objects.count() == 1
    endpoint.refresh_from_db()
    assert endpoint.is_active is True
    assert WebhookDelivery.objects.count() == 0


def test_anonymous_is_sent_to_sign_in(owner: Any, receiver: Receiver) -> None:
    app = app_make(owner)
    answer = Client().get(_base(app))
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]
