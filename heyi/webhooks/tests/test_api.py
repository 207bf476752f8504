"""The webhooks API: the app's owner manages endpoints; operators look; others get 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from heyi.webhooks import services
from heyi.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from heyi.webhooks.services import NewDelivery
from heyi.webhooks.tests.conftest import Receiver, app_make

pytestmark = pytest.mark.django_db


def _create(api: Any, app: Any, url: str) -> Any:
    return api.post(
        f"apps/{app.uid}/webhooks",
        {
            "url": url,
            "event_types": ["device.telemetry.threshold", "device.alarm.raised"],
            "thresholds": [{"field": "temperature", "op": ">=", "value": 8.5}],
            "description": "Production receiver",
        },
    )


def test_the_owner_adds_lists_and_deletes_endpoints(
    owner: Any, api_as: Any, receiver: Receiver
) -> None:
    app = app_make(owner)
    api = api_as(owner)

    created = _create(api, app, receiver.url)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["event_types"] == ["device.telemetry.threshold", "device.alarm.raised"]
    assert body["thresholds"] == [{"field": "temperature", "op": ">=", "value": 8.5}]

    listed = api.get(f"apps/{app.uid}/webhooks")
    assert listed.status_code == 200
    assert [(item["uid"], item["url"]) for item in listed.json()] == [(body["uid"], receiver.url)]
    assert "secret" not in listed.json()[0]

    deleted = api.delete(f"apps/{app.uid}/webhooks/{body['uid']}")
    assert deleted.status_code == 204
    assert WebhookEndpoint.objects.count() == 0


def test_bad_input_is_refused_with_a_code(owner: Any, api_as: Any, settings: Any) -> None:
    settings.HEYI_WEBHOOKS_ALLOW_LOCAL = False
    app = app_make(owner)
    api = api_as(owner)
    answer = api.post(
        f"apps/{app.uid}/webhooks", {"url": "http://example.com/", "event_types": ["order.stage"]}
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "webhook_url_not_https")
    answer = api.post(
        f"apps/{app.uid}/webhooks", {"url": "https://example.com/", "event_types": ["nope"]}
    )
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid")
    assert WebhookEndpoint.objects.count() == 0


def test_deliveries_are_listed_newest_first_and_replayed(
    owner: Any, api_as: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    app = app_make(owner)
    api = api_as(owner)
    endpoint = services.endpoint_create(
        app=app, actor=owner, url=receiver.url, event_types=["device.online"]
    )
    receiver.secrets = [endpoint.secret]
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        services.deliveries_create(
            new=[
                NewDelivery(endpoint.pk, "device.online", timezone.now(), {"device": "A"}),
                NewDelivery(endpoint.pk, "device.online", timezone.now(), {"device": "B"}),
            ]
        )
    listed = api.get(f"apps/{app.uid}/webhooks/{endpoint.uid}/deliveries")
    assert listed.status_code == 200
    assert [(item["payload"]["data"]["device"], item["status"]) for item in listed.json()] == [
        ("B", "succeeded"),
        ("A", "pending"),
    ]
    failed = api.get(f"apps/{app.uid}/webhooks/{endpoint.uid}/deliveries", {"status": "pending"})
    assert [item["payload"]["data"]["device"] for item in failed.json()] == ["A"]

    replayed = api.post(f"webhook-deliveries/{listed.json()[1]['uid']}/replay")
    assert replayed.status_code == 200, replayed.content
    assert (replayed.json()["number"], replayed.json()["status_code"]) == (2, 200)
    assert WebhookDelivery.objects.get(uid=listed.json()[1]["uid"]).status == "succeeded"
    assert receiver.received[-1].verified["data"] == {"device": "A"}


@pytest.mark.parametrize("who", ["anonymous", "rival", "operator"])
def test_others_cannot_touch_an_apps_webhooks(
    owner: Any,
    rival: Any,
    operator: Any,
    api_as: Any,
    receiver: Receiver,
    who: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = app_make(owner)
    endpoint = services.endpoint_create(
        app=app, actor=owner, url=receiver.url, event_types=["device.online"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = services.deliveries_create(
            new=[NewDelivery(endpoint.pk, "device.online", timezone.now(), {})]
        )
    caller = {"anonymous": None, "rival": rival, "operator": operator}[who]
    api = api_as(caller)
    expected = 401 if who == "anonymous" else 404

    assert _create(api, app, receiver.url).status_code == expected
    assert api.delete(f"apps/{app.uid}/webhooks/{endpoint.uid}").status_code == expected
    assert api.post(f"webhook-deliveries/{delivery.uid}/replay").status_code == expected
    reads = [
        api.get(f"apps/{app.uid}/webhooks").status_code,
        api.get(f"apps/{app.uid}/webhooks/{endpoint.uid}/deliveries").status_code,
    ]
    # Operators may look; the rival learns nothing, not even that the app exists.
    assert reads == {"anonymous": [401, 401], "rival": [404, 404], "operator": [200, 200]}[who]
    assert WebhookEndpoint.objects.count() == 1
    assert WebhookAttempt.objects.count() == 1
    assert len(receiver.received) == 1


def test_the_delivery_log_costs_the_same_queries_for_many_deliveries(
    owner: Any, api_as: Any, receiver: Receiver
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    app = app_make(owner)
    api = api_as(owner)
    endpoint = services.endpoint_create(
        app=app, actor=owner, url=receiver.url, event_types=["device.online"]
    )
    path = f"apps/{app.uid}/webhooks/{endpoint.uid}/deliveries"
    page = f"/developers/apps/{app.uid}/webhooks/{endpoint.uid}/"
    from django.test import Client

    browser = Client()
    browser.force_login(owner)

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as api_queries:
            assert api.get(path).status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            assert browser.get(page).status_code == 200
        return len(api_queries), len(page_queries)

    services.deliveries_create(new=[NewDelivery(endpoint.pk, "device.online", timezone.now(), {})])
    counts()  # the first call of a token also records when it was used
    one = counts()
    services.deliveries_create(
        new=[NewDelivery(endpoint.pk, "device.online", timezone.now(), {}) for _ in range(10)]
    )
    assert counts() == one
