"""The ingest of decoded device messages: batches, duplicates, tokens, state, alarms, answers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi.devices import events
from heyi.devices.commands import command_send
from heyi.devices.gateway.codec import (
    AckStatus,
    Alarm,
    AlarmSeverity,
    CommandAck,
    StateReport,
    Telemetry,
)
from heyi.devices.gateway.codec import (
    Reading as WireReading,
)
from heyi.devices.ingest import LAST_SEEN_RESOLUTION, ingest_messages
from heyi.devices.models import (
    CommandStatus,
    Device,
    DeviceAlarm,
    DeviceBindingCode,
    DeviceCommand,
    DeviceShadow,
    Reading,
)
from heyi.devices.services import credential_roll, device_bind, device_register, device_retire
from heyi.devices.tests.factories import delivered_order, fridge_model

pytestmark = pytest.mark.django_db

T0 = 1_785_000_000_000  # 2026-07-25T17:20:00Z, epoch milliseconds


@pytest.fixture
def fleet(operator: Any, owner: Any) -> list[tuple[Device, str]]:
    """Three bound fridges of the owner, each with its token."""
    model = fridge_model(operator)
    devices = device_register(order=delivered_order(model, owner, quantity=3), model=model)
    out = []
    for device in devices:
        code = DeviceBindingCode.objects.get(device=device).code
        device = device_bind(code=code, actor=owner)
        _credential, token = credential_roll(device=device, actor=owner)
        out.append((device, token))
    return out


@pytest.fixture
def seen() -> Iterator[list[events.DeviceEvent]]:
    """The device events handlers received (dispatched on commit)."""
    received: list[events.DeviceEvent] = []

    def handler(batch: Sequence[events.DeviceEvent]) -> None:
        received.extend(batch)

    events.register(handler)
    yield received
    events.unregister(handler)


def _telemetry(
    device: Device, token: str, values: dict[str, Any], *, ts: int = T0, id: uuid.UUID | None = None
) -> Telemetry:
    return Telemetry(device.serial, id or uuid.uuid4(), ts, token, (WireReading(ts, values),))


def _ingest(capture: Any, messages: Sequence[Any], **kwargs: Any) -> Any:
    with capture(execute=True):
        return ingest_messages(messages, **kwargs)


def test_a_batch_is_stored_with_one_event_per_reading(
    fleet: list[tuple[Device, str]],
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    (fridge, token), (other, other_token) = fleet[0], fleet[1]
    batch_id = uuid.uuid4()
    messages = [
        _telemetry(fridge, token, {"temperature": 4.5, "door_open": False}),
        _telemetry(other, other_token, {"temperature": 5}, ts=T0 + 1000),
        Telemetry(
            fridge.serial,
            batch_id,
            T0 + 60_000,
            token,
            (
                WireReading(T0 + 20_000, {"temperature": 4.6}),
                WireReading(T0 + 40_000, {"temperature": 4.7}),
            ),
        ),
    ]
    now = timezone.now()

    report = _ingest(django_capture_on_commit_callbacks, messages, received_at=now)

    assert (report.stored, report.duplicates, report.refused) == (4, 0, {})
    rows = list(
        Reading.objects.order_by("device_ts").values_list("device__serial", "message_id", "values")
    )
    assert rows == [
        (fridge.serial, str(messages[0].id), {"temperature": 4.5, "door_open": False}),
        (other.serial, str(messages[1].id), {"temperature": 5}),
        (fridge.serial, f"{batch_id}:0", {"temperature": 4.6}),
        (fridge.serial, f"{batch_id}:1", {"temperature": 4.7}),
    ]
    assert Reading.objects.get(message_id=f"{batch_id}:1").device_ts == datetime(
        2026, 7, 25, 17, 20, 40, tzinfo=UTC
    )
    telemetry = [event for event in seen if event.type == events.DeviceEventType.TELEMETRY]
    assert [(event.serial, event.data["reading_id"]) for event in telemetry] == [
        (fridge.serial, str(messages[0].id)),
        (other.serial, str(messages[1].id)),
        (fridge.serial, f"{batch_id}:0"),
        (fridge.serial, f"{batch_id}:1"),
    ]
    assert telemetry[2].data == {
        "values": {"temperature": 4.6},
        "reading_id": f"{batch_id}:0",
        "ts": "2026-07-25T17:20:20.000+00:00",
    }
    # Both devices spoke for the first time: online, seen now, announced before their readings.
    assert [(e.type, e.serial) for e in seen[:2]] == [
        (events.DeviceEventType.ONLINE, fridge.serial),
        (events.DeviceEventType.ONLINE, other.serial),
    ]
    assert list(
        Device.objects.filter(pk__in=[fridge.pk, other.pk]).values_list("is_online", "last_seen_at")
    ) == [(True, now), (True, now)]


def test_a_redelivered_message_is_stored_once(
    fleet: list[tuple[Device, str]],
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    fridge, token = fleet[0]
    message = _telemetry(fridge, token, {"temperature": 4.5})

    first = _ingest(django_capture_on_commit_callbacks, [message, message])
    second = _ingest(django_capture_on_commit_callbacks, [message])

    assert (first.stored, first.duplicates) == (1, 1)
    assert (second.stored, second.duplicates) == (0, 1)
    assert Reading.objects.filter(device=fridge).count() == 1
    assert [e.type for e in seen].count(events.DeviceEventType.TELEMETRY) == 1


def test_unknown_devices_and_wrong_tokens_are_refused_and_the_rest_stored(
    fleet: list[tuple[Device, str]],
    operator: Any,
    owner: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    (fridge, token), (rolled, old_token), (retired, retired_token) = fleet
    credential_roll(device=rolled, actor=owner)  # the old token no longer opens it
    device_retire(device=retired, actor=operator)
    stranger = Device(serial="HY-NONE-NONE")
    messages = [
        _telemetry(fridge, "x" * 43, {"temperature": 4.0}),
        _telemetry(rolled, old_token, {"temperature": 4.0}),
        _telemetry(retired, retired_token, {"temperature": 4.0}),
        _telemetry(stranger, token, {"temperature": 4.0}),
        _telemetry(fridge, token, {"temperature": 4.0}),
    ]

    report = _ingest(django_capture_on_commit_callbacks, messages)

    assert (report.stored, report.refused) == (1, {"device_unauthenticated": 4})
    assert list(Reading.objects.values_list("device_id", flat=True)) == [fridge.pk]
    assert list(Device.objects.filter(is_online=True).values_list("serial", flat=True)) == [
        fridge.serial
    ]


def test_values_outside_the_model_are_refused(
    fleet: list[tuple[Device, str]], django_capture_on_commit_callbacks: Any
) -> None:
    fridge, token = fleet[0]
    messages = [
        _telemetry(fridge, token, {"temperature": 99.0}),  # declared -30..60
        _telemetry(fridge, token, {"door_open": "yes"}),  # declared bool
        _telemetry(fridge, token, {"voltage": 230}),  # not declared
        _telemetry(fridge, token, {"temperature": 3.0}),
    ]

    report = _ingest(django_capture_on_commit_callbacks, messages)

    assert (report.stored, report.refused) == (1, {"telemetry_invalid": 3})
    assert list(Reading.objects.values_list("values", flat=True)) == [{"temperature": 3.0}]


def test_a_state_report_updates_the_shadow_if_it_fits_the_model(
    fleet: list[tuple[Device, str]],
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    fridge, token = fleet[0]
    good = StateReport(fridge.serial, uuid.uuid4(), T0, token, {"power": True, "mode": "eco"})
    bad = StateReport(fridge.serial, uuid.uuid4(), T0, token, {"mode": "turbo"})

    report = _ingest(django_capture_on_commit_callbacks, [good, bad])

    assert (report.states, report.refused) == (1, {"state_invalid": 1})
    shadow = DeviceShadow.objects.get(device=fridge)
    assert (shadow.reported, shadow.reported_version) == ({"power": True, "mode": "eco"}, 1)
    state = [e for e in seen if e.type == events.DeviceEventType.STATE]
    assert [e.data for e in state] == [{"attributes": {"power": True, "mode": "eco"}}]


def _alarm(
    device: Device, token: str, *, active: bool, ts: int, id: uuid.UUID | None = None
) -> Alarm:
    return Alarm(
        device.serial,
        id or uuid.uuid4(),
        ts,
        token,
        code="door_left_open",
        severity=AlarmSeverity.WARNING,
        message="Door open 5 min.",
        active=active,
    )


def test_alarms_are_raised_once_and_cleared(
    fleet: list[tuple[Device, str]],
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    fridge, token = fleet[0]
    raised = _alarm(fridge, token, active=True, ts=T0)

    _ingest(django_capture_on_commit_callbacks, [raised, raised])
    _ingest(django_capture_on_commit_callbacks, [raised])  # redelivered
    _ingest(django_capture_on_commit_callbacks, [_alarm(fridge, token, active=True, ts=T0 + 1000)])
    old_clear = _alarm(fridge, token, active=False, ts=T0 - 5000)
    _ingest(django_capture_on_commit_callbacks, [old_clear])  # older than the alarm: ignored
    assert DeviceAlarm.objects.get().cleared_at is None
    _ingest(django_capture_on_commit_callbacks, [_alarm(fridge, token, active=False, ts=T0 + 9000)])
    _ingest(django_capture_on_commit_callbacks, [_alarm(fridge, token, active=False, ts=T0 + 9500)])

    alarm = DeviceAlarm.objects.get()
    assert (alarm.code, alarm.severity, alarm.message_id) == (
        "door_left_open",
        "warning",
        str(raised.id),
    )
    assert (alarm.raised_at, alarm.cleared_at) == (
        datetime(2026, 7, 25, 17, 20, 0, tzinfo=UTC),
        datetime(2026, 7, 25, 17, 20, 9, tzinfo=UTC),
    )
    alarm_events = [
        (e.type, e.data)
        for e in seen
        if e.type in (events.DeviceEventType.ALARM_RAISED, events.DeviceEventType.ALARM_CLEARED)
    ]
    assert alarm_events == [
        (
            events.DeviceEventType.ALARM_RAISED,
            {"code": "door_left_open", "severity": "warning", "message": "Door open 5 min."},
        ),
        (events.DeviceEventType.ALARM_CLEARED, {"code": "door_left_open"}),
    ]


def test_an_acknowledgement_answers_only_the_devices_own_command(
    fleet: list[tuple[Device, str]],
    owner: Any,
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    (fridge, token), (other, other_token) = fleet[0], fleet[1]
    command = command_send(device=fridge, actor=owner, name="defrost", args={"minutes": 5})
    stolen = CommandAck(
        other.serial, uuid.uuid4(), T0, other_token, command.message_id, AckStatus.OK
    )
    ack = CommandAck(
        fridge.serial, uuid.uuid4(), T0 + 1000, token, command.message_id, AckStatus.OK, "done"
    )

    report = _ingest(django_capture_on_commit_callbacks, [stolen, ack, ack])

    assert (report.acks, report.refused) == (2, {"command_unknown": 1})
    command.refresh_from_db()
    assert (command.status, command.detail, command.answered_at) == (
        CommandStatus.ACKED,
        "done",
        datetime(2026, 7, 25, 17, 20, 1, tzinfo=UTC),
    )
    answered = [e for e in seen if e.type == events.DeviceEventType.COMMAND_ANSWERED]
    assert [e.data for e in answered] == [
        {"command": str(command.message_id), "name": "defrost", "status": "acked", "detail": "done"}
    ]


def test_a_device_coming_online_gets_its_pending_commands(
    fleet: list[tuple[Device, str]],
    owner: Any,
    device_transport: Any,
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    fridge, token = fleet[0]
    with django_capture_on_commit_callbacks(execute=True):
        command = command_send(device=fridge, actor=owner, name="defrost", args={"minutes": 5})
    assert device_transport.sent == []  # offline: it waits

    _ingest(django_capture_on_commit_callbacks, [_telemetry(fridge, token, {"temperature": 4.0})])

    command.refresh_from_db()
    assert command.status == CommandStatus.SENT
    assert [topic for topic, _payload in device_transport.sent] == [
        f"heyi/v1/devices/{fridge.serial}/commands"
    ]
    assert json.loads(device_transport.sent[0][1])["id"] == str(command.message_id)
    # Speaking again while online announces nothing new.
    _ingest(
        django_capture_on_commit_callbacks,
        [_telemetry(fridge, token, {"temperature": 4.1}, ts=T0 + 5000)],
    )
    assert [e.type for e in seen].count(events.DeviceEventType.ONLINE) == 1
    assert DeviceCommand.objects.filter(status=CommandStatus.SENT).count() == 1


def test_presence_is_written_at_most_every_few_seconds(
    fleet: list[tuple[Device, str]], django_capture_on_commit_callbacks: Any
) -> None:
    fridge, token = fleet[0]
    first = timezone.now()
    _ingest(
        django_capture_on_commit_callbacks,
        [_telemetry(fridge, token, {"temperature": 4.0})],
        received_at=first,
    )
    _ingest(
        django_capture_on_commit_callbacks,
        [_telemetry(fridge, token, {"temperature": 4.0})],
        received_at=first + timedelta(seconds=1),
    )
    assert Device.objects.get(pk=fridge.pk).last_seen_at == first
    later = first + LAST_SEEN_RESOLUTION + timedelta(seconds=1)
    _ingest(
        django_capture_on_commit_callbacks,
        [_telemetry(fridge, token, {"temperature": 4.0})],
        received_at=later,
    )
    assert Device.objects.get(pk=fridge.pk).last_seen_at == later


@pytest.mark.parametrize("per_device", [1, 50])
def test_a_batch_costs_a_few_queries_whatever_its_size(
    fleet: list[tuple[Device, str]], django_assert_max_num_queries: Any, per_device: int
) -> None:
    messages = [
        _telemetry(device, token, {"temperature": 4.0 + index / 100}, ts=T0 + index)
        for index in range(per_device)
        for device, token in fleet
    ]
    # Devices, credentials, models, the savepoint pair, presence, the readings already stored
    # and one insert (SQLite's variable limit splits inserts of more than about 200 rows).
    with django_assert_max_num_queries(8):
        report = ingest_messages(messages)
    assert report.stored == 3 * per_device
