"""The devices API: my devices, binding by code, desired state, sharing, readings, alarms,
commands, unbinding and credentials, per role, and for apps within their scopes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi import api_auth
from heyi.core.access import ApiAccess
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.devices.models import (
    Device,
    DeviceAlarm,
    DeviceBindingCode,
    DeviceCommand,
    DeviceCredential,
    DeviceShadow,
    DeviceShare,
    Reading,
)
from heyi.devices.services import (
    device_authenticate,
    device_bind,
    device_register,
    device_share,
)
from heyi.devices.tests.factories import delivered_order, device_make, fridge_model

pytestmark = pytest.mark.django_db


def test_binding_by_code_then_seeing_the_device(api_as: Any, operator: Any, owner: Any) -> None:
    device = device_make(operator, owner)
    code = DeviceBindingCode.objects.get(device=device).code

    anonymous = api_as(None).post("devices/bind", {"code": code})
    bound = api_as(owner).post("devices/bind", {"code": code})
    again = api_as(owner).post("devices/bind", {"code": code})
    listed = api_as(owner).get("devices")

    assert anonymous.status_code == 401
    assert bound.status_code == 200
    assert bound.json() == {
        "serial": device.serial,
        "model": "Smart fridge 300 L",
        "status": "bound",
        "is_owner": True,
        "can_control": True,
        "is_online": False,
        "last_seen_at": None,
        "shadow": {
            "reported": {},
            "desired": {},
            "reported_version": 0,
            "desired_version": 0,
            "updated_at": bound.json()["shadow"]["updated_at"],
        },
    }
    assert (again.status_code, again.json()["code"]) == (409, "binding_code_used")
    assert [item["serial"] for item in listed.json()] == [device.serial]


def test_desired_state_per_role(api_as: Any, operator: Any, owner: Any, rival: Any) -> None:
    device = device_make(operator, owner)
    device = device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)
    viewer = person_make("grandma@example.com", "Grandma")
    device_share(device=device, actor=owner, user=viewer, role="view")
    path = f"devices/{device.serial}/desired"

    statuses = {
        name: api_as(user).put(path, {"values": {"target_temperature": 5}}).status_code
        for name, user in [
            ("anonymous", None),
            ("rival", rival),
            ("viewer", viewer),
            ("operator", operator),
        ]
    }
    out_of_range = api_as(owner).put(path, {"values": {"target_temperature": 20}})
    assert DeviceShadow.objects.get(device=device).desired_version == 0
    done = api_as(owner).put(path, {"values": {"target_temperature": 5}})

    assert statuses == {"anonymous": 401, "rival": 404, "viewer": 403, "operator": 403}
    assert (out_of_range.status_code, out_of_range.json()["code"]) == (
        422,
        "capability_value_out_of_range",
    )
    assert (done.status_code, done.json()["desired"], done.json()["desired_version"]) == (
        200,
        {"target_temperature": 5},
        1,
    )


def test_only_the_owner_shares_and_members_learn_nothing_of_emails(
    api_as: Any, operator: Any, owner: Any
) -> None:
    device = device_make(operator, owner)
    device = device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)
    viewer = person_make("grandma@example.com", "Grandma")
    device_share(device=device, actor=owner, user=viewer, role="view")
    person_make("son@example.com", "Son")
    path = f"devices/{device.serial}/shares"
    as_viewer, as_owner = api_as(viewer), api_as(owner)
    events = AuditEvent.objects.count()

    probing = as_viewer.post(path, {"email": "nobody@example.com", "role": "view"})
    assert (probing.status_code, probing.json()["code"]) == (403, "device_not_owner")
    assert AuditEvent.objects.count() == events
    shared = as_owner.post(path, {"email": "son@example.com", "role": "control"})
    unknown = as_owner.post(path, {"email": "nobody@example.com", "role": "view"})

    assert shared.json() == {"email": "son@example.com", "role": "control"}
    assert unknown.status_code == 404
    assert sorted(DeviceShare.objects.values_list("user__email", "role")) == [
        ("grandma@example.com", "view"),
        ("son@example.com", "control"),
    ]


# --- readings, alarms, commands, unbinding, credentials; apps within their scopes ----------


@pytest.fixture
def app_as(api_as: Any) -> Iterator[Any]:
    """`app_as(user, device, scopes)`: a client with an app's OAuth2 token acting for `user`,
    reaching `device` with `scopes`. The token check is the resolver heyi.developers installs;
    here a stand-in that maps one token to one grant."""
    previous = api_auth._oauth2_resolver
    grants: dict[str, tuple[Any, ApiAccess]] = {}
    api_auth.oauth2_resolver_set(grants.get)

    def make(user: Any, device: Device, scopes: set[str]) -> Any:
        token = f"app-token-{len(grants)}"
        grants[token] = (
            user,
            ApiAccess(
                app_id=77,
                grant_id=len(grants) + 1,
                environment="test",
                scopes=frozenset(scopes),
                device_ids=frozenset({device.pk}),
            ),
        )
        client = api_as(None)
        client.headers["Authorization"] = f"Bearer {token}"
        return client

    yield make
    api_auth.oauth2_resolver_set(previous)


def _bound(operator: Any, owner: Any) -> Device:
    device = device_make(operator, owner)
    return device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)


def _family(operator: Any, owner: Any) -> tuple[Device, Any, Any]:
    device = _bound(operator, owner)
    viewer = person_make("grandma@example.com", "Grandma")
    controller = person_make("partner@example.com", "Partner")
    device_share(device=device, actor=owner, user=viewer, role="view")
    device_share(device=device, actor=owner, user=controller, role="control")
    return device, viewer, controller


def test_readings_newest_first_within_a_window(
    api_as: Any, operator: Any, owner: Any, rival: Any
) -> None:
    device = _bound(operator, owner)
    end = timezone.now().replace(microsecond=0)
    Reading.objects.bulk_create(
        Reading(
            device=device,
            message_id=f"m{index}",
            device_ts=end - timedelta(minutes=10 - index),
            received_at=end,
            values={"temperature": float(index)},
        )
        for index in range(10)
    )
    path = f"devices/{device.serial}/readings"

    latest = api_as(owner).get(path, {"limit": 3})
    window = api_as(operator).get(
        path,
        {
            "since": (end - timedelta(minutes=8)).isoformat(),
            "until": (end - timedelta(minutes=5)).isoformat(),
        },
    )
    hidden = api_as(rival).get(path)
    too_many = api_as(owner).get(path, {"limit": 5000})

    assert [item["values"]["temperature"] for item in latest.json()] == [9.0, 8.0, 7.0]
    assert latest.json()[0]["id"] == "m9"
    assert [item["id"] for item in window.json()] == ["m4", "m3", "m2"]
    assert (hidden.status_code, hidden.json()["code"]) == (404, "device_not_found")
    assert too_many.status_code == 422


def test_alarms_active_first(api_as: Any, operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    now = timezone.now()
    DeviceAlarm.objects.create(
        device=device,
        code="compressor_fault",
        severity="critical",
        raised_at=now - timedelta(hours=1),
        cleared_at=now,
        message_id="a1",
    )
    DeviceAlarm.objects.create(
        device=device,
        code="door_left_open",
        severity="warning",
        message="Door open 5 min",
        raised_at=now - timedelta(hours=3),
        message_id="a2",
    )

    alarms = api_as(owner).get(f"devices/{device.serial}/alarms").json()

    assert [(a["code"], a["is_active"]) for a in alarms] == [
        ("door_left_open", True),
        ("compressor_fault", False),
    ]


def test_commands_per_role(
    api_as: Any,
    operator: Any,
    owner: Any,
    rival: Any,
    device_transport: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    device, viewer, controller = _family(operator, owner)
    Device.objects.filter(pk=device.pk).update(is_online=True, last_seen_at=timezone.now())
    path = f"devices/{device.serial}/commands"
    body = {"name": "defrost", "args": {"minutes": 10}, "ttl_seconds": 60}

    statuses = {
        name: api_as(user).post(path, body).status_code
        for name, user in [
            ("anonymous", None),
            ("rival", rival),
            ("viewer", viewer),
            ("operator", operator),
        ]
    }
    assert DeviceCommand.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = api_as(controller).post(path, body)
    bad_args = api_as(owner).post(path, {"name": "defrost", "args": {"minutes": 99}})
    reserved = api_as(owner).post(path, {"name": "set", "args": {"power": False}})
    short_ttl = api_as(owner).post(path, {**body, "ttl_seconds": 1})

    assert statuses == {"anonymous": 401, "rival": 404, "viewer": 403, "operator": 403}
    assert sent.status_code == 202
    command = DeviceCommand.objects.get()
    assert sent.json()["id"] == str(command.message_id)
    assert (sent.json()["name"], sent.json()["args"], sent.json()["source"]) == (
        "defrost",
        {"minutes": 10},
        "user",
    )
    # Delivered on commit: the answer was built inside the request's transaction.
    assert command.status == "sent"
    assert [topic for topic, _payload in device_transport.sent] == [
        f"heyi/v1/devices/{device.serial}/commands"
    ]
    assert json.loads(device_transport.sent[0][1])["args"] == {"minutes": 10}
    assert (bad_args.status_code, bad_args.json()["code"]) == (
        422,
        "capability_value_out_of_range",
    )
    assert (reserved.status_code, reserved.json()["code"]) == (422, "command_invalid")
    assert short_ttl.status_code == 422
    assert DeviceCommand.objects.count() == 1

    listed = api_as(viewer).get(path)
    one = api_as(operator).get(f"{path}/{command.message_id}")
    missing = api_as(owner).get(f"{path}/{uuid.uuid4()}")
    garbage = api_as(owner).get(f"{path}/not-a-uuid")
    assert [item["id"] for item in listed.json()] == [str(command.message_id)]
    assert (one.json()["status"], one.json()["sent_at"] is not None) == ("sent", True)
    assert (missing.status_code, missing.json()["code"]) == (404, "command_not_found")
    assert garbage.status_code == 404


def test_a_command_to_an_offline_device_waits(
    api_as: Any,
    operator: Any,
    owner: Any,
    device_transport: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    device = _bound(operator, owner)

    with django_capture_on_commit_callbacks(execute=True):
        sent = api_as(owner).post(
            f"devices/{device.serial}/commands", {"name": "defrost", "args": {"minutes": 5}}
        )

    assert (sent.status_code, sent.json()["status"]) == (202, "pending")
    assert device_transport.sent == []


def test_idempotency_key_sends_a_command_once(
    api_as: Any, operator: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device = _bound(operator, owner)
    client = api_as(owner)
    path = f"devices/{device.serial}/commands"
    body = {"name": "defrost", "args": {"minutes": 5}}

    first = client.post(path, body, **{"Idempotency-Key": "defrost-1"})
    again = client.post(path, body, **{"Idempotency-Key": "defrost-1"})

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert DeviceCommand.objects.count() == 1


def test_apps_within_their_scopes_and_devices(
    app_as: Any, operator: Any, owner: Any, device_transport: Any
) -> None:
    model = fridge_model(operator)
    device, other = (
        device_bind(code=DeviceBindingCode.objects.get(device=unit).code, actor=owner)
        for unit in device_register(order=delivered_order(model, owner, quantity=2), model=model)
    )
    reader = app_as(owner, device, {"devices:read", "telemetry:read"})
    sender = app_as(owner, device, {"commands:send"})
    body = {"name": "defrost", "args": {"minutes": 5}}

    no_scope = reader.post(f"devices/{device.serial}/commands", body)
    other_device = sender.post(f"devices/{other.serial}/commands", body)
    sent = sender.post(f"devices/{device.serial}/commands", body)
    readings = reader.get(f"devices/{device.serial}/readings")
    sender_readings = sender.get(f"devices/{device.serial}/readings")
    follows = sender.get(f"devices/{device.serial}/commands/{sent.json()['id']}")
    history = reader.get(f"devices/{device.serial}/commands")
    roll = sender.post(f"devices/{device.serial}/credentials")
    unbind = sender.post(f"devices/{device.serial}/unbind")

    assert (no_scope.status_code, no_scope.json()["code"]) == (403, "scope_missing")
    assert other_device.status_code == 404
    assert (sent.status_code, sent.json()["source"], sent.json()["app_id"]) == (202, "app", 77)
    assert DeviceCommand.objects.get().app_id == 77
    assert readings.status_code == 200
    assert sender_readings.status_code == 403
    assert follows.json()["id"] == sent.json()["id"]
    assert [item["id"] for item in history.json()] == [sent.json()["id"]]
    assert (roll.status_code, roll.json()["code"]) == (403, "app_not_allowed")
    assert (unbind.status_code, unbind.json()["code"]) == (403, "app_not_allowed")


def test_unsharing_by_email_or_id_and_leaving(
    api_as: Any, operator: Any, owner: Any, rival: Any
) -> None:
    device, _viewer, controller = _family(operator, owner)
    path = f"devices/{device.serial}/shares"

    by_member = api_as(controller).delete(f"{path}/grandma@example.com")
    by_rival = api_as(rival).delete(f"{path}/grandma@example.com")
    by_email = api_as(owner).delete(f"{path}/Grandma@example.com")
    again = api_as(owner).delete(f"{path}/grandma@example.com")
    leaves = api_as(controller).delete(f"{path}/{controller.uid}")

    assert (by_member.status_code, by_member.json()["code"]) == (403, "device_not_owner")
    assert by_rival.status_code == 404
    assert by_email.status_code == 204
    assert (again.status_code, again.json()["code"]) == (404, "share_not_found")
    assert leaves.status_code == 204
    assert not DeviceShare.objects.filter(device=device).exists()


def test_unbind_gives_the_next_owner_a_code(api_as: Any, operator: Any, owner: Any) -> None:
    device, viewer, _controller = _family(operator, owner)
    path = f"devices/{device.serial}/unbind"

    refused = api_as(viewer).post(path)
    done = api_as(owner).post(path)

    code = DeviceBindingCode.objects.get(device=device, used_at__isnull=True)
    assert (refused.status_code, refused.json()["code"]) == (403, "device_not_owner")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["binding_code"]) == ("unbound", code.code)
    assert api_as(owner).get(f"devices/{device.serial}").status_code == 404
    assert not DeviceShare.objects.filter(device=device).exists()


def test_rolling_the_credential_is_the_owners_alone(api_as: Any, operator: Any, owner: Any) -> None:
    device, _viewer, controller = _family(operator, owner)
    path = f"devices/{device.serial}/credentials"

    by_operator = api_as(operator).post(path)
    by_member = api_as(controller).post(path)
    first = api_as(owner).post(path)
    second = api_as(owner).post(path)

    assert (by_operator.status_code, by_member.status_code) == (403, 403)
    assert first.status_code == 201
    assert device_authenticate(serial=device.serial, token=first.json()["token"]) is None
    assert device_authenticate(serial=device.serial, token=second.json()["token"]) == device
    assert DeviceCredential.objects.filter(device=device).count() == 2
