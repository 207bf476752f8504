"""Commands: permission and capability checks, delivery, answers, expiry and the offline sweep."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.core.schedule import periodic_tasks_discover
from heyi.designs.tests.factories import person_make
from heyi.devices import events
from heyi.devices.commands import (
    command_answer,
    command_send,
    commands_expire,
    commands_flush,
    devices_offline_sweep,
)
from heyi.devices.gateway.codec import Command, decode
from heyi.devices.models import (
    CommandSource,
    CommandStatus,
    Device,
    DeviceBindingCode,
    DeviceCommand,
)
from heyi.devices.services import (
    device_bind,
    device_register,
    device_share,
    shadow_desire,
    shadow_report,
)
from heyi.devices.tests.factories import delivered_order, device_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def fridge(operator: Any, owner: Any) -> Device:
    device = device_make(operator, owner)
    code = DeviceBindingCode.objects.get(device=device).code
    return device_bind(code=code, actor=owner)


def _another(*, fridge_of: Device, owner: Any) -> Device:
    return device_register(order=delivered_order(fridge_of.model, owner), model=fridge_of.model)[0]


@pytest.fixture
def online(fridge: Device) -> Device:
    Device.objects.filter(pk=fridge.pk).update(is_online=True, last_seen_at=timezone.now())
    fridge.refresh_from_db()
    return fridge


@pytest.fixture
def seen() -> Iterator[list[events.DeviceEvent]]:
    received: list[events.DeviceEvent] = []

    def handler(batch: Sequence[events.DeviceEvent]) -> None:
        received.extend(batch)

    events.register(handler)
    yield received
    events.unregister(handler)


def test_a_command_to_an_online_device_is_published_after_commit(
    online: Device, owner: Any, device_transport: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        command = command_send(
            device=online, actor=owner, name="defrost", args={"minutes": 5, "quiet": True}
        )
        assert device_transport.sent == []  # nothing leaves before the row is committed

    command.refresh_from_db()
    assert (command.status, command.send_attempts, command.source) == (
        CommandStatus.SENT,
        1,
        CommandSource.USER,
    )
    assert command.requested_by_id == owner.pk
    ((topic, payload),) = device_transport.sent
    wire = decode(topic, payload)
    assert isinstance(wire, Command)
    assert (wire.serial, wire.id, wire.name, dict(wire.args)) == (
        online.serial,
        command.message_id,
        "defrost",
        {"minutes": 5, "quiet": True},
    )
    assert wire.expires - wire.ts == 600_000
    assert AuditEvent.objects.filter(type="devices.command.requested").count() == 1


def test_a_command_to_an_offline_device_waits_for_it(
    fridge: Device, owner: Any, device_transport: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        command = command_send(device=fridge, actor=owner, name="defrost", args={"minutes": 5})

    command.refresh_from_db()
    assert (command.status, command.send_attempts, device_transport.sent) == (
        CommandStatus.PENDING,
        0,
        [],
    )
    assert commands_flush(device=fridge) == 1
    command.refresh_from_db()
    assert command.status == CommandStatus.SENT
    assert commands_flush(device=fridge) == 0  # sent once


def test_a_broker_outage_leaves_the_command_pending(
    online: Device, owner: Any, device_transport: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device_transport.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        command = command_send(device=online, actor=owner, name="defrost", args={"minutes": 5})
    command.refresh_from_db()
    assert (command.status, command.send_attempts) == (CommandStatus.PENDING, 1)

    device_transport.fail = False
    assert commands_flush(device=online) == 1
    command.refresh_from_db()
    assert (command.status, command.send_attempts, len(device_transport.sent)) == (
        CommandStatus.SENT,
        2,
        1,
    )


@pytest.mark.parametrize(
    ("name", "args", "code"),
    [
        ("explode", {}, "capability_command_unknown"),
        ("defrost", {}, "capability_argument_missing"),
        ("defrost", {"minutes": 90}, "capability_value_out_of_range"),
        ("defrost", {"minutes": 5, "loud": True}, "capability_field_unknown"),
        ("set", {"firmware": "9.9"}, "capability_not_writable"),
        ("set", {"target_temperature": 20}, "capability_value_out_of_range"),
    ],
)
def test_commands_must_fit_the_model(
    fridge: Device, owner: Any, name: str, args: dict[str, Any], code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        command_send(device=fridge, actor=owner, name=name, args=args)
    assert refused.value.code == code
    assert DeviceCommand.objects.count() == 0


def test_only_those_who_control_the_device_send_commands(
    fridge: Device, owner: Any, rival: Any, operator: Any
) -> None:
    viewer = person_make("viewer@example.com", "Viewer")
    member = person_make("member@example.com", "Member")
    device_share(device=fridge, actor=owner, user=viewer, role="view")
    device_share(device=fridge, actor=owner, user=member, role="control")

    refused = []
    for actor in (rival, operator, viewer, None):
        with pytest.raises(DomainError) as denied:
            command_send(device=fridge, actor=actor, name="defrost", args={"minutes": 5})
        refused.append(denied.value.code)
    allowed = command_send(device=fridge, actor=member, name="defrost", args={"minutes": 5})
    by_rule = command_send(
        device=fridge,
        actor=None,
        name="defrost",
        args={"minutes": 5},
        source=CommandSource.RULE,
        rule_id=7,
    )

    assert refused == ["device_not_allowed"] * 4
    assert list(DeviceCommand.objects.order_by("id").values_list("pk", "source", "rule_id")) == [
        (allowed.pk, "user", None),
        (by_rule.pk, "rule", 7),
    ]


def test_a_retired_device_or_a_silly_lifetime_is_refused(
    fridge: Device, owner: Any, operator: Any
) -> None:
    with pytest.raises(DomainError) as too_long:
        command_send(
            device=fridge, actor=owner, name="defrost", args={"minutes": 5}, ttl=timedelta(days=31)
        )
    Device.objects.filter(pk=fridge.pk).update(status="retired")
    fridge.refresh_from_db()
    with pytest.raises(DomainError) as retired:
        command_send(device=fridge, actor=owner, name="defrost", args={"minutes": 5})
    assert (too_long.value.code, retired.value.code) == ("command_ttl_invalid", "device_retired")
    assert DeviceCommand.objects.count() == 0


def test_an_answer_is_final_and_only_from_the_devices_own(
    online: Device,
    owner: Any,
    operator: Any,
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    other = _another(fridge_of=online, owner=owner)
    with django_capture_on_commit_callbacks(execute=True):
        command = command_send(device=online, actor=owner, name="defrost", args={"minutes": 5})
        with pytest.raises(DomainError) as stranger:
            command_answer(device=other, command_id=command.message_id, status="ok")
        with pytest.raises(DomainError) as unknown:
            command_answer(device=online, command_id=uuid.uuid4(), status="ok")
        failed = command_answer(
            device=online, command_id=command.message_id, status="failed", detail="ice"
        )
        again = command_answer(device=online, command_id=command.message_id, status="ok")

    assert (stranger.value.code, unknown.value.code) == ("command_not_found", "command_not_found")
    assert (failed.status, again.status, again.detail) == (
        CommandStatus.FAILED,
        CommandStatus.FAILED,
        "ice",
    )
    assert [e.data["status"] for e in seen] == ["failed"]


def test_rejected_maps_to_rejected(online: Device, owner: Any) -> None:
    command = command_send(device=online, actor=owner, name="defrost", args={"minutes": 5})
    answered = command_answer(
        device=online, command_id=command.message_id, status="rejected", detail="busy"
    )
    assert answered.status == CommandStatus.REJECTED


def test_unanswered_commands_time_out_once(
    online: Device,
    owner: Any,
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = command_send(device=online, actor=owner, name="defrost", args={"minutes": 5})
        fresh = command_send(
            device=online, actor=owner, name="defrost", args={"minutes": 6}, ttl=timedelta(hours=1)
        )
    later = timezone.now() + timedelta(minutes=11)

    with django_capture_on_commit_callbacks(execute=True):
        assert commands_expire(now=later) == 1
        assert commands_expire(now=later) == 0

    assert list(DeviceCommand.objects.order_by("id").values_list("pk", "status")) == [
        (sent.pk, CommandStatus.TIMED_OUT),
        (fresh.pk, CommandStatus.SENT),
    ]
    assert [(e.type, e.data["status"], e.data["command"]) for e in seen] == [
        (events.DeviceEventType.COMMAND_ANSWERED, "timed_out", str(sent.message_id))
    ]
    # An answer after the time-out changes nothing.
    late = command_answer(device=online, command_id=sent.message_id, status="ok")
    assert late.status == CommandStatus.TIMED_OUT


def test_silent_devices_go_offline_once(
    online: Device,
    fridge: Device,
    operator: Any,
    owner: Any,
    settings: Any,
    seen: list[events.DeviceEvent],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.HEYI_DEVICE_OFFLINE_AFTER_SECONDS = 300
    talking = _another(fridge_of=fridge, owner=owner)
    Device.objects.filter(pk=talking.pk).update(is_online=True, last_seen_at=timezone.now())
    later = timezone.now() + timedelta(seconds=200)
    much_later = timezone.now() + timedelta(seconds=400)
    Device.objects.filter(pk=talking.pk).update(last_seen_at=later)

    with django_capture_on_commit_callbacks(execute=True):
        assert devices_offline_sweep(now=later) == 0
        assert devices_offline_sweep(now=much_later) == 1
        assert devices_offline_sweep(now=much_later) == 0

    assert list(Device.objects.filter(is_online=True).values_list("pk", flat=True)) == [talking.pk]
    assert [(e.type, e.serial) for e in seen] == [(events.DeviceEventType.OFFLINE, online.serial)]
    assert seen[0].data["last_seen_at"] == online.last_seen_at.isoformat()  # type: ignore[union-attr]


def test_a_desired_state_goes_to_the_device_as_a_set_command(
    online: Device, owner: Any, device_transport: Any, django_capture_on_commit_callbacks: Any
) -> None:
    shadow_report(device=online, values={"power": True, "mode": "normal"})

    with django_capture_on_commit_callbacks(execute=True):
        shadow_desire(device=online, actor=owner, values={"power": True, "mode": "eco"})
        shadow_desire(device=online, actor=owner, values={"power": True})  # nothing differs

    command = DeviceCommand.objects.get()
    assert (command.name, command.args, command.source, command.status) == (
        "set",
        {"mode": "eco"},
        CommandSource.SHADOW,
        CommandStatus.SENT,
    )
    wire = decode(*device_transport.sent[0])
    assert isinstance(wire, Command)
    assert (wire.name, dict(wire.args)) == ("set", {"mode": "eco"})


def test_the_sweeps_are_periodic_tasks() -> None:
    registry = periodic_tasks_discover()
    assert (
        registry["heyi.devices.tasks.device_commands_expire"].interval_seconds,
        registry["heyi.devices.tasks.devices_offline_sweep"].interval_seconds,
    ) == (30, 60)
