"""Who hears of what: device events and order stages reach only the apps their owners granted
`events:receive`, in the environment that allows it; thresholds fire on crossing only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi.designs.tests.factories import person_make
from heyi.developers.models import AppStatus, Environment
from heyi.devices.events import DeviceEvent, DeviceEventType, dispatch_now
from heyi.devices.models import Device, DeviceModel
from heyi.orders.order_services import order_advance
from heyi.orders.tests.standard_factories import paid_order
from heyi.webhooks import services
from heyi.webhooks.models import ThresholdState, WebhookDelivery, WebhookEndpoint
from heyi.webhooks.sources import device_events_deliver, order_stage_deliver
from heyi.webhooks.tests.conftest import Receiver, app_make, grant_make, owned_device

pytestmark = pytest.mark.django_db

ALL_TYPES = [
    "device.telemetry.threshold",
    "device.alarm.raised",
    "device.alarm.cleared",
    "device.online",
    "device.offline",
    "device.command.answered",
    "order.stage",
]


def _endpoint(app: Any, url: str, **extra: Any) -> WebhookEndpoint:
    return services.endpoint_create(
        app=app,
        actor=app.owner,
        url=url,
        event_types=extra.pop("event_types", ALL_TYPES),
        thresholds=extra.pop("thresholds", [{"field": "temperature", "op": ">", "value": 8}]),
    )


def _alarm(device: Device) -> DeviceEvent:
    return DeviceEvent(
        type=DeviceEventType.ALARM_RAISED,
        device_id=device.pk,
        serial=device.serial,
        at=timezone.now(),
        data={"code": "door_left_open", "severity": "warning", "message": "Door open"},
    )


def _reading(device: Device, temperature: float, seconds: int = 0, **values: Any) -> DeviceEvent:
    at = timezone.now() + timedelta(seconds=seconds)
    return DeviceEvent(
        type=DeviceEventType.TELEMETRY,
        device_id=device.pk,
        serial=device.serial,
        at=at,
        data={
            "values": {"temperature": temperature, **values},
            "reading_id": f"r{seconds}",
            "ts": at.isoformat(),
        },
    )


@pytest.fixture
def buyer(db: Any) -> Any:
    return person_make("buyer@example.com", "Buyer Bo")


@pytest.fixture
def developer(db: Any) -> Any:
    return person_make("dev@example.com", "Dev Dana")


def _sent(endpoint: WebhookEndpoint) -> list[tuple[str, str]]:
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .order_by("id")
        .values_list("event_type", "payload__data__device")
    )


def test_an_alarm_reaches_the_app_the_owner_granted(
    fridge: DeviceModel,
    buyer: Any,
    developer: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    device = owned_device(fridge, buyer)
    app = app_make(developer)
    endpoint = _endpoint(app, receiver.url)
    receiver.secrets = [endpoint.secret]
    grant_make(app, buyer, [device])

    with django_capture_on_commit_callbacks(execute=True):
        dispatch_now([_alarm(device)])  # through the registry, as the ingest does

    (request,) = receiver.received
    assert request.verified["type"] == "device.alarm.raised"
    assert request.verified["data"] == {
        "device": device.serial,
        "user": str(buyer.uid),
        "code": "door_left_open",
        "severity": "warning",
        "message": "Door open",
    }


@pytest.mark.parametrize(
    "grant_change",
    ["revoked", "no_events_scope", "other_device", "device_sold", "app_not_approved"],
)
def test_events_reach_no_app_without_a_live_grant_with_events_receive(
    fridge: DeviceModel, buyer: Any, developer: Any, receiver: Receiver, grant_change: str
) -> None:
    device = owned_device(fridge, buyer)
    other = owned_device(fridge, buyer)
    app = app_make(
        developer,
        status=AppStatus.IN_REVIEW if grant_change == "app_not_approved" else AppStatus.PRODUCTION,
    )
    endpoint = _endpoint(app, receiver.url)
    scopes = ("devices:read",) if grant_change == "no_events_scope" else ("events:receive",)
    grant = grant_make(
        app, buyer, [other] if grant_change == "other_device" else [device], scopes=scopes
    )
    if grant_change == "revoked":
        grant.revoked_at = timezone.now()
        grant.save()
    if grant_change == "device_sold":
        Device.objects.filter(pk=device.pk).update(owner=developer)

    assert device_events_deliver([_alarm(device), _reading(device, 12.0)]) == 0
    assert _sent(endpoint) == []


def test_another_users_device_never_reaches_the_app(
    fridge: DeviceModel, buyer: Any, developer: Any, receiver: Receiver
) -> None:
    mine = owned_device(fridge, buyer)
    neighbour = person_make("neighbour@example.com", "Neighbour")
    theirs = owned_device(fridge, neighbour)
    app = app_make(developer)
    endpoint = _endpoint(app, receiver.url)
    grant_make(app, buyer, [mine])

    assert device_events_deliver([_alarm(theirs), _alarm(mine)]) == 1
    assert _sent(endpoint) == [("device.alarm.raised", mine.serial)]


def test_a_test_grant_carries_only_the_developers_own_devices(
    fridge: DeviceModel, buyer: Any, developer: Any, receiver: Receiver
) -> None:
    own = owned_device(fridge, developer)
    foreign = owned_device(fridge, buyer)
    app = app_make(developer, status=AppStatus.TEST)
    endpoint = _endpoint(app, receiver.url)
    grant_make(app, developer, [own], environment=Environment.TEST)
    grant_make(app, buyer, [foreign], environment=Environment.TEST)

    assert device_events_deliver([_alarm(own), _alarm(foreign)]) == 1
    assert _sent(endpoint) == [("device.alarm.raised", own.serial)]


def test_endpoints_get_only_the_types_they_subscribed_to(
    fridge: DeviceModel, buyer: Any, developer: Any, receiver: Receiver
) -> None:
    device = owned_device(fridge, buyer)
    app = app_make(developer)
    alarms = _endpoint(app, receiver.url, event_types=["device.alarm.raised"])
    presence = _endpoint(app, receiver.url, event_types=["device.online", "device.offline"])
    grant_make(app, buyer, [device])
    online = DeviceEvent(DeviceEventType.ONLINE, device.pk, device.serial, timezone.now(), {})
    state = DeviceEvent(DeviceEventType.STATE, device.pk, device.serial, timezone.now(), {})

    assert device_events_deliver([online, _alarm(device), state, _reading(device, 30.0)]) == 2
    assert _sent(alarms) == [("device.alarm.raised", device.serial)]
    assert _sent(presence) == [("device.online", device.serial)]


def test_a_threshold_fires_when_crossed_not_on_every_reading_above(
    fridge: DeviceModel, buyer: Any, developer: Any, receiver: Receiver
) -> None:
    device = owned_device(fridge, buyer)
    app = app_make(developer)
    endpoint = _endpoint(
        app,
        receiver.url,
        event_types=["device.telemetry.threshold"],
        thresholds=[
            {"field": "temperature", "op": ">", "value": 8},
            {"field": "door_open", "op": "==", "value": True},
        ],
    )
    grant_make(app, buyer, [device])

    # One batch: 5 (below), 9 (crosses), 10 (still above: quiet), 7 (back below), 11 (crosses).
    batch = [_reading(device, value, seconds) for seconds, value in enumerate([5, 9, 10, 7, 11])]
    assert device_events_deliver(batch) == 2
    # Later batches that stay above say nothing more; the door opening is its own threshold.
    assert device_events_deliver([_reading(device, 12, 10), _reading(device, 13, 11)]) == 0
    assert device_events_deliver([_reading(device, 13, 12, door_open=True)]) == 1
    # A reading without the field leaves the state alone.
    assert device_events_deliver([_reading(device, 14, 13)]) == 0

    sent = list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .order_by("id")
        .values_list("payload__data__field", "payload__data__value")
    )
    assert sent == [("temperature", 9), ("temperature", 11), ("door_open", True)]
    first = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id").first()
    assert first is not None
    assert first.payload["data"]["threshold"] == 8
    assert first.payload["data"]["op"] == ">"
    assert ThresholdState.objects.filter(endpoint=endpoint, device=device).count() == 2


def test_the_first_reading_already_above_fires_once(
    fridge: DeviceModel, buyer: Any, developer: Any, receiver: Receiver
) -> None:
    device = owned_device(fridge, buyer)
    app = app_make(developer)
    endpoint = _endpoint(app, receiver.url, event_types=["device.telemetry.threshold"])
    grant_make(app, buyer, [device])
    assert device_events_deliver([_reading(device, 20)]) == 1
    assert device_events_deliver([_reading(device, 21, 1)]) == 0
    assert len(_sent(endpoint)) == 1


def test_a_batch_costs_one_query_when_no_app_listens(
    fridge: DeviceModel, buyer: Any, django_assert_num_queries: Any
) -> None:
    device = owned_device(fridge, buyer)
    batch = [_reading(device, value, seconds) for seconds, value in enumerate(range(200))]
    with django_assert_num_queries(1):
        assert device_events_deliver(batch) == 0
    state_only = [DeviceEvent(DeviceEventType.STATE, device.pk, device.serial, timezone.now(), {})]
    with django_assert_num_queries(0):
        assert device_events_deliver(state_only) == 0


def test_order_stages_reach_only_apps_the_orders_user_granted(
    fridge: DeviceModel,
    buyer: Any,
    developer: Any,
    operator: Any,
    receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    neighbour = person_make("neighbour@example.com", "Neighbour")
    granted = app_make(developer, name="Order Tracker")
    granted_endpoint = _endpoint(granted, receiver.url, event_types=["order.stage"])
    receiver.secrets = [granted_endpoint.secret]
    other_developer = person_make("other.dev@example.com", "Other Dev")
    ungranted = app_make(other_developer, name="Other App")
    ungranted_endpoint = _endpoint(ungranted, receiver.url, event_types=["order.stage"])
    grant_make(granted, buyer, [])
    grant_make(ungranted, neighbour, [])
    assert fridge.product is not None

    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(fridge.product, buyer, 1)  # placed, then paid: one stage move

    assert list(
        WebhookDelivery.objects.filter(endpoint=granted_endpoint).values_list(
            "event_type", "payload__data__order__stage"
        )
    ) == [("order.stage", "paid")]
    assert WebhookDelivery.objects.filter(endpoint=ungranted_endpoint).count() == 0
    (request,) = receiver.received
    assert request.verified["data"]["order"]["number"] == order.number
    assert request.verified["data"]["user"] == str(buyer.uid)

    order_advance(order=order, actor=operator, to_stage="cancelled", note="Changed my mind")
    stages = list(
        WebhookDelivery.objects.filter(endpoint=granted_endpoint)
        .order_by("id")
        .values_list("payload__data__order__stage", flat=True)
    )
    assert stages == ["paid", "cancelled", "refunded"]


def test_order_stages_of_a_test_app_are_the_developers_own_orders_only(
    fridge: DeviceModel, buyer: Any, developer: Any, receiver: Receiver
) -> None:
    app = app_make(developer, status=AppStatus.TEST)
    endpoint = _endpoint(app, receiver.url, event_types=["order.stage"])
    grant_make(app, buyer, [], environment=Environment.TEST)
    grant_make(app, developer, [], environment=Environment.TEST)
    assert fridge.product is not None
    paid_order(fridge.product, buyer, 1)
    paid_order(fridge.product, developer, 1)
    assert list(
        WebhookDelivery.objects.filter(endpoint=endpoint).values_list(
            "payload__data__user", flat=True
        )
    ) == [str(developer.uid)]


def test_a_broken_webhook_never_blocks_the_order(monkeypatch: Any, buyer: Any) -> None:
    from heyi.webhooks import selectors

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(selectors, "subscription_list_for_user", broken)

    class FakeOrder:
        pk = 1
        user_id = buyer.pk

    assert order_stage_deliver(order=FakeOrder()) == 0


def test_a_disabled_endpoint_hears_nothing(
    fridge: DeviceModel, buyer: Any, developer: Any, receiver: Receiver
) -> None:
    device = owned_device(fridge, buyer)
    app = app_make(developer)
    disabled = _endpoint(app, receiver.url, event_types=["device.alarm.raised"])
    active = _endpoint(app, receiver.url, event_types=["device.alarm.raised"])
    services.endpoint_set_active(endpoint=disabled, actor=developer, is_active=False)
    grant_make(app, buyer, [device])
    assert device_events_deliver([_alarm(device)]) == 1
    assert (_sent(disabled), _sent(active)) == ([], [("device.alarm.raised", device.serial)])
