"""Race safety of sending: workers, the sweep and a replay racing for one delivery send it once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from heyi.orders.tests.test_concurrency import _at_once
from heyi.webhooks import services
from heyi.webhooks.models import WebhookAttempt, WebhookDelivery
from heyi.webhooks.services import NewDelivery
from heyi.webhooks.tests.conftest import Receiver, app_make

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions (SQLite locks the whole file)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_four_senders_at_once_send_one_delivery_once(
    owner: Any, receiver: Receiver, monkeypatch: Any
) -> None:
    # No first attempt on commit: the four racers below are the only senders.
    monkeypatch.setattr(services, "_send_on_commit", lambda delivery_ids: None)
    app = app_make(owner)
    endpoint = services.endpoint_create(
        app=app, actor=owner, url=receiver.url, event_types=["device.online"]
    )
    receiver.secrets = [endpoint.secret]
    (delivery,) = services.deliveries_create(
        new=[NewDelivery(endpoint.pk, "device.online", timezone.now(), {"device": "X"})]
    )

    results = _at_once(
        lambda: services.delivery_attempt(delivery_id=delivery.pk),
        lambda: services.delivery_attempt(delivery_id=delivery.pk),
        services.deliveries_send_due,
        services.deliveries_send_due,
    )

    sent = [result for result in results if isinstance(result, WebhookAttempt)]
    sent += [result for result in results if result == 1]
    assert len(sent) == 1
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    assert WebhookDelivery.objects.count() == 1
