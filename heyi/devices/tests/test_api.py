"""The devices API: my devices, binding by code, desired state and sharing, per role."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.devices.models import DeviceBindingCode, DeviceShadow, DeviceShare
from heyi.devices.services import device_bind, device_share
from heyi.devices.tests.factories import device_make

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
