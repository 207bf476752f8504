"""Deliveries against a real HTTP server: signatures, retries with backoff, failure, replay."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from standardwebhooks import Webhook

from heyi.core.errors import DomainError
from heyi.webhooks import services
from heyi.webhooks.models import (
    AttemptTrigger,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from heyi.webhooks.services import MAX_ATTEMPTS, RETRY_DELAYS, NewDelivery
from heyi.webhooks.tasks import delivery_retry_sweep
from heyi.webhooks.tests.conftest import Receiver, app_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(owner: Any, receiver: Receiver) -> WebhookEndpoint:
    app = app_make(owner)
    created = services.endpoint_create(
        app=app, actor=owner, url=receiver.url, event_types=["device.alarm.raised"]
    )
    receiver.secrets = [created.secret]
    return created


def _deliver(endpoint: WebhookEndpoint, capture: Any, **data: Any) -> WebhookDelivery:
    with capture(execute=True):
        (delivery,) = services.deliveries_create(
            new=[
                NewDelivery(
                    endpoint_id=endpoint.pk,
                    event_type="device.alarm.raised",
                    at=timezone.now(),
                    data={"device": "HF-1", "code": "door_left_open", **data},
                )
            ]
        )
    delivery.refresh_from_db()
    return delivery


def test_a_delivery_is_signed_as_standard_webhooks_verifies_it(
    endpoint: WebhookEndpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)

    (request,) = receiver.received
    assert request.verified == delivery.payload
    assert request.headers["webhook-id"] == delivery.message_id
    assert delivery.message_id.startswith("msg_")
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {
        "type": "device.alarm.raised",
        "timestamp": delivery.payload["timestamp"],
        "data": {"device": "HF-1", "code": "door_left_open"},
    }
    # Verified again here, independently of the receiver, with the library's own check.
    assert Webhook(endpoint.secret).verify(request.body, request.headers) == delivery.payload
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.SUCCEEDED,
        1,
        200,
    )
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    (attempt,) = WebhookAttempt.objects.filter(delivery=delivery)
    assert (attempt.number, attempt.trigger, attempt.status_code, attempt.response_excerpt) == (
        1,
        AttemptTrigger.AUTOMATIC,
        200,
        '{"status": 200}',
    )
    assert attempt.headers["webhook-signature"] == request.headers["webhook-signature"]


def test_a_wrong_secret_does_not_verify(
    endpoint: WebhookEndpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.secrets = ["whsec_" + "QUJD" * 8]
    _deliver(endpoint, django_capture_on_commit_callbacks)
    (request,) = receiver.received
    assert isinstance(request.verified, Exception)


def test_a_failure_is_retried_after_the_backoff_by_the_sweep(
    endpoint: WebhookEndpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.statuses = [500, 503]
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    first_due = delivery.next_attempt_at
    assert first_due is not None

    # Not due yet: the sweep sends nothing.
    assert delivery_retry_sweep.call() == {"sent": 0, "disabled": 0}
    assert len(receiver.received) == 1

    with time_machine.travel(first_due + timedelta(seconds=1)):
        assert delivery_retry_sweep.call() == {"sent": 1, "disabled": 0}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 2, 503)
    second_due = delivery.next_attempt_at
    assert second_due is not None
    assert second_due - first_due >= RETRY_DELAYS[1]

    with time_machine.travel(second_due + timedelta(seconds=1)):
        assert delivery_retry_sweep.call() == {"sent": 1, "disabled": 0}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "succeeded",
        3,
        200,
    )
    # Every attempt carried the same webhook-id, and each signature verified when it arrived.
    assert [request.headers["webhook-id"] for request in receiver.received] == [
        delivery.message_id
    ] * 3
    assert [request.verified for request in receiver.received] == [delivery.payload] * 3
    assert list(
        WebhookAttempt.objects.filter(delivery=delivery)
        .order_by("number")
        .values_list("number", "status_code")
    ) == [(1, 500), (2, 503), (3, 200)]
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_a_delivery_failing_every_attempt_ends_failed(
    endpoint: WebhookEndpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.statuses = [500] * MAX_ATTEMPTS
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    for _attempt in range(MAX_ATTEMPTS - 1):
        assert delivery.next_attempt_at is not None
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
            assert services.deliveries_send_due() == 1
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.FAILED,
        MAX_ATTEMPTS,
        None,
    )
    assert len(receiver.received) == MAX_ATTEMPTS
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert services.deliveries_send_due() == 0
    assert len(receiver.received) == MAX_ATTEMPTS


def test_a_closed_port_is_an_error_and_retried(
    owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = app_make(owner)
    endpoint = services.endpoint_create(
        app=app, actor=owner, url="http://127.0.0.1:9/hooks", event_types=["device.online"]
    )
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    assert delivery.status == "pending"
    assert delivery.last_status_code is None
    assert delivery.last_error != ""


def test_replay_resends_now_with_the_same_webhook_id(
    owner: Any,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.statuses = [500] * MAX_ATTEMPTS
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    delivery.refresh_from_db()
    receiver.statuses = []

    attempt = services.delivery_replay(delivery=delivery, actor=owner)

    delivery.refresh_from_db()
    assert (attempt.number, attempt.trigger, attempt.status_code) == (2, "replay", 200)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)
    assert [request.headers["webhook-id"] for request in receiver.received] == [
        delivery.message_id,
        delivery.message_id,
    ]
    assert receiver.received[1].verified == delivery.payload


def test_replay_by_someone_else_sends_nothing(
    rival: Any,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as raised:
        services.delivery_replay(delivery=delivery, actor=rival)
    assert raised.value.status == 404
    assert len(receiver.received) == 1
    assert WebhookAttempt.objects.count() == 1


def test_a_delivery_being_sent_is_not_sent_again(
    endpoint: WebhookEndpoint, receiver: Receiver, owner: Any
) -> None:
    # Created without running its task: as if a worker had just claimed it.
    (delivery,) = services.deliveries_create(
        new=[NewDelivery(endpoint.pk, "device.alarm.raised", timezone.now(), {})]
    )
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        sending_until=timezone.now() + timedelta(seconds=60), attempts=1
    )
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
    assert services.deliveries_send_due() == 0
    with pytest.raises(DomainError) as raised:
        services.delivery_replay(delivery=delivery, actor=owner)
    assert raised.value.code == "webhook_delivery_busy"
    assert receiver.received == []
    # A sender that died leaves a lease that runs out; then the sweep sends it.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert services.deliveries_send_due() == 1
    assert len(receiver.received) == 1


def test_rotation_signs_with_both_secrets_for_a_day(
    owner: Any,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old_secret = endpoint.secret
    services.endpoint_secret_rotate(endpoint=endpoint, actor=owner)
    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret
    _deliver(endpoint, django_capture_on_commit_callbacks)
    (request,) = receiver.received
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old_secret, endpoint.secret):
        assert Webhook(secret).verify(request.body, request.headers)["type"] == (
            "device.alarm.raised"
        )
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        _deliver(endpoint, django_capture_on_commit_callbacks)
        later = receiver.received[1]
        assert len(later.headers["webhook-signature"].split(" ")) == 1
        assert Webhook(endpoint.secret).verify(later.body, later.headers)


def test_disabling_fails_the_pending_deliveries_and_sends_nothing_more(
    owner: Any,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.statuses = [500]
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    services.endpoint_set_active(endpoint=endpoint, actor=owner, is_active=False)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("failed", "endpoint disabled")
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.deliveries_send_due() == 0
    with pytest.raises(DomainError) as raised:
        services.delivery_replay(delivery=delivery, actor=owner)
    assert raised.value.code == "webhook_endpoint_disabled"
    assert len(receiver.received) == 1


def test_an_endpoint_failing_for_days_is_disabled_and_its_owner_told(
    owner: Any, endpoint: WebhookEndpoint, django_capture_on_commit_callbacks: Any
) -> None:
    from heyi.notifications.models import Notification

    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    since = timezone.now() - timedelta(days=6)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=since)
    # A single failure long ago is not enough.
    assert services.endpoints_disable_failing() == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
    assert services.endpoints_disable_failing() == 1
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert endpoint.disabled_reason == "Every delivery failed for 5 days."
    assert Notification.objects.filter(user=owner, kind="developers.webhook.disabled").count() == 1


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/hooks", "webhook_url_invalid"),
        ("https://user:pw@example.com/hooks", "webhook_url_invalid"),
        ("", "webhook_url_invalid"),
        ("http://example.com/hooks", "webhook_url_not_https"),
    ],
)
def test_production_accepts_only_https_urls(owner: Any, settings: Any, url: str, code: str) -> None:
    settings.HEYI_WEBHOOKS_ALLOW_LOCAL = False
    app = app_make(owner)
    with pytest.raises(DomainError) as raised:
        services.endpoint_create(app=app, actor=owner, url=url, event_types=["device.online"])
    assert raised.value.code == code
    assert WebhookEndpoint.objects.count() == 0


def test_production_refuses_to_send_to_private_addresses(
    owner: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = app_make(owner)
    endpoint = services.endpoint_create(
        app=app, actor=owner, url="https://127.0.0.1:1/hooks", event_types=["device.online"]
    )
    settings.HEYI_WEBHOOKS_ALLOW_LOCAL = False
    delivery = _deliver(endpoint, django_capture_on_commit_callbacks)
    assert delivery.last_error == "refused: 127.0.0.1 resolves to a non-public address"
    assert delivery.last_status_code is None


@pytest.mark.parametrize(
    ("event_types", "thresholds", "code"),
    [
        ([], [], "webhook_event_types_invalid"),
        (["device.exploded"], [], "webhook_event_types_invalid"),
        (["device.telemetry.threshold"], [], "webhook_threshold_invalid"),
        (
            ["device.telemetry.threshold"],
            [{"field": "temperature", "op": ">", "value": "hot"}],
            "webhook_threshold_invalid",
        ),
        (
            ["device.telemetry.threshold"],
            [{"field": "temperature", "op": "~", "value": 3}],
            "webhook_threshold_invalid",
        ),
    ],
)
def test_bad_subscriptions_are_refused_and_nothing_is_written(
    owner: Any, receiver: Receiver, event_types: Any, thresholds: Any, code: str
) -> None:
    app = app_make(owner)
    with pytest.raises(DomainError) as raised:
        services.endpoint_create(
            app=app, actor=owner, url=receiver.url, event_types=event_types, thresholds=thresholds
        )
    assert raised.value.code == code
    assert WebhookEndpoint.objects.count() == 0


def test_only_the_owner_creates_endpoints(owner: Any, rival: Any, receiver: Receiver) -> None:
    app = app_make(owner)
    with pytest.raises(DomainError) as raised:
        services.endpoint_create(
            app=app, actor=rival, url=receiver.url, event_types=["device.online"]
        )
    assert raised.value.status == 404
    assert WebhookEndpoint.objects.count() == 0


def test_test_event_is_sent_to_the_endpoint(
    owner: Any,
    endpoint: WebhookEndpoint,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.delivery_test_send(endpoint=endpoint, actor=owner)
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    (request,) = receiver.received
    assert request.verified["type"] == "webhook.test"
