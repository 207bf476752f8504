"""Device pages: the list of my devices, binding with a code (as the QR code leads there), and
one device's page: who sees it, live JSON, charts, control, sharing, unbinding, its token."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

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
from heyi.devices.services import device_authenticate, device_bind, device_share
from heyi.devices.tests.factories import device_make

SVG = "{http://www.w3.org/2000/svg}"
QUERIES_LIVE = 8
QUERIES_LIST = 5

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_binding_through_the_page(operator: Any, owner: Any, rival: Any) -> None:
    device = device_make(operator, owner)
    code = DeviceBindingCode.objects.get(device=device).code

    anonymous = _client(None).get(f"/devices/bind/?code={code}")
    shown = _client(owner).get(f"/devices/bind/?code={code}")
    bound = _client(owner).post("/devices/bind/", {"code": code})
    used = _client(rival).post("/devices/bind/", {"code": code})
    listed = _client(owner).get("/devices/")

    assert anonymous.status_code == 302
    assert f'value="{code}"' in shown.content.decode()
    assert (bound.status_code, bound["Location"]) == (302, "/devices/")
    assert used.status_code == 409
    assert "This binding code was already used." in used.content.decode()
    assert device.serial in listed.content.decode()
    assert device.serial not in _client(rival).get("/devices/").content.decode()
    assert Device.objects.get(pk=device.pk).owner_id == owner.pk


# --- the device page ------------------------------------------------------------------------


def _bound(operator: Any, owner: Any) -> Device:
    device = device_make(operator, owner)
    return device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)


def _readings(device: Device, *, count: int, every: timedelta, end: datetime) -> None:
    Reading.objects.bulk_create(
        Reading(
            device=device,
            message_id=f"m{index}",
            device_ts=end - every * (count - index),
            received_at=end,
            values={"temperature": 4 + (index % 10) / 10, "door_open": index % 2 == 0},
        )
        for index in range(count)
    )


def _people(operator: Any, owner: Any) -> tuple[Device, Any, Any]:
    device = _bound(operator, owner)
    viewer = person_make("grandma@example.com", "Grandma")
    controller = person_make("partner@example.com", "Partner")
    device_share(device=device, actor=owner, user=viewer, role="view")
    device_share(device=device, actor=owner, user=controller, role="control")
    return device, viewer, controller


def test_the_page_is_seen_by_owner_members_and_operators_only(
    operator: Any, owner: Any, rival: Any
) -> None:
    device, viewer, controller = _people(operator, owner)
    url = f"/devices/{device.serial}/"

    statuses = {
        name: _client(user).get(url).status_code
        for name, user in [
            ("owner", owner),
            ("viewer", viewer),
            ("controller", controller),
            ("operator", operator),
            ("rival", rival),
        ]
    }
    anonymous = _client(None).get(url)
    owner_page = _client(owner).get(url).content.decode()
    viewer_page = _client(viewer).get(url).content.decode()
    operator_page = _client(operator).get(url).content.decode()
    controller_page = _client(controller).get(url).content.decode()

    assert statuses == {
        "owner": 200,
        "viewer": 200,
        "controller": 200,
        "operator": 200,
        "rival": 404,
    }
    assert anonymous.status_code == 302
    assert "No readings yet: the device has not reported since it was bound." in owner_page
    # Control forms for those who may control; the owner's tools for the owner only.
    assert f'action="/devices/{device.serial}/commands/"' in owner_page
    assert f'action="/devices/{device.serial}/commands/"' in controller_page
    assert f'action="/devices/{device.serial}/commands/"' not in viewer_page
    assert f'action="/devices/{device.serial}/commands/"' not in operator_page
    assert "Unbind this device" in owner_page
    assert "Unbind this device" not in controller_page
    assert "grandma@example.com" in owner_page
    assert "grandma@example.com" not in controller_page


def test_the_list_links_each_device_with_its_alarms(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    now = timezone.now()
    DeviceAlarm.objects.create(
        device=device, code="door_left_open", severity="warning", raised_at=now, message_id="a1"
    )
    DeviceAlarm.objects.create(
        device=device,
        code="compressor_fault",
        severity="critical",
        raised_at=now - timedelta(hours=2),
        cleared_at=now - timedelta(hours=1),
        message_id="a2",
    )

    page = _client(owner).get("/devices/").content.decode()

    assert f'<a href="/devices/{device.serial}/">{device.serial}</a>' in page
    assert f'href="/devices/{device.serial}/#alarms">1</a>' in page


def test_charts_history_and_period(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    _readings(device, count=400, every=timedelta(minutes=5), end=timezone.now())

    day = _client(owner).get(f"/devices/{device.serial}/")
    week = _client(owner).get(f"/devices/{device.serial}/charts/?period=7d")
    page_two = _client(owner).get(f"/devices/{device.serial}/?page=2")

    body = day.content.decode()
    charts_fragment = week.content.decode()
    assert day.status_code == 200
    assert body.count('class="telemetry-chart"') == 1  # temperature; door_open is not numeric
    assert "Page 1 of 20" in body
    assert "Page 2 of 20" in page_two.content.decode()
    assert charts_fragment.lstrip().startswith('<div id="device-charts"')
    assert "period=7d" in charts_fragment
    # Over 7 days the 400 readings fall into buckets of 33.6 minutes: fewer points than readings.
    svg = charts_fragment[charts_fragment.index("<svg") : charts_fragment.index("</svg>") + 6]
    root = ElementTree.fromstring(svg)
    points = sum(len(line.get("points", "").split()) for line in root.iter(f"{SVG}polyline"))
    assert 55 <= points <= 65


def test_live_json_follows_the_device(operator: Any, owner: Any, rival: Any) -> None:
    device = _bound(operator, owner)
    url = f"/devices/{device.serial}/live.json"
    before = _client(owner).get(url).json()
    _readings(device, count=3, every=timedelta(minutes=5), end=timezone.now())
    Device.objects.filter(pk=device.pk).update(is_online=True, last_seen_at=timezone.now())
    DeviceAlarm.objects.create(
        device=device,
        code="door_left_open",
        severity="warning",
        message="Door open",
        raised_at=timezone.now(),
        message_id="a1",
    )
    after = _client(owner).get(url).json()

    assert before["online"] == {"text": "Offline", "class": "badge text-bg-secondary"}
    assert before["tables"]["readings"]["rows"] == []
    assert after["online"] == {"text": "Online", "class": "badge text-bg-success"}
    assert after["active_alarm_count"] == 1
    assert after["alarms"]["text"] == "1 active alarm"
    assert len(after["tables"]["readings"]["rows"]) == 3
    assert after["tables"]["alarms"]["rows"][0][1] == {"text": "Door left open", "class": ""}
    assert _client(rival).get(url).status_code == 404


def test_commands_by_role_and_delivery(
    operator: Any, owner: Any, device_transport: Any, django_capture_on_commit_callbacks: Any
) -> None:
    device, viewer, controller = _people(operator, owner)
    Device.objects.filter(pk=device.pk).update(is_online=True, last_seen_at=timezone.now())
    url = f"/devices/{device.serial}/commands/"
    form = {"command": "defrost", "v_minutes": "10", "v_quiet": "true"}

    denied = {
        name: _client(user).post(url, form).status_code
        for name, user in [("viewer", viewer), ("operator", operator)]
    }
    assert DeviceCommand.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = _client(controller).post(url, form)
    invalid = _client(owner).post(url, {"command": "defrost", "v_minutes": "99"})
    unknown = _client(owner).post(url, {"command": "explode"})

    command = DeviceCommand.objects.get()
    assert denied == {"viewer": 403, "operator": 403}
    assert (sent.status_code, sent["Location"]) == (302, f"/devices/{device.serial}/#commands")
    assert (command.name, command.args, command.status) == (
        "defrost",
        {"minutes": 10, "quiet": True},
        "sent",
    )
    assert len(device_transport.sent) == 1
    assert json.loads(device_transport.sent[0][1])["id"] == str(command.message_id)
    assert (invalid.status_code, unknown.status_code) == (302, 302)
    assert DeviceCommand.objects.count() == 1


def test_desired_settings_from_the_page(operator: Any, owner: Any) -> None:
    device, viewer, _controller = _people(operator, owner)
    url = f"/devices/{device.serial}/desired/"

    refused = _client(viewer).post(url, {"v_target_temperature": "5"})
    done = _client(owner).post(url, {"v_target_temperature": "5", "v_mode": "", "v_power": ""})

    shadow = DeviceShadow.objects.get(device=device)
    assert refused.status_code == 403
    assert done.status_code == 302
    assert (shadow.desired, shadow.desired_version) == ({"target_temperature": 5.0}, 1)


def test_the_owner_shares_and_unshares(operator: Any, owner: Any, rival: Any) -> None:
    device = _bound(operator, owner)
    grandma = person_make("grandma@example.com", "Grandma")

    shared = _client(owner).post(
        f"/devices/{device.serial}/shares/", {"email": "grandma@example.com", "role": "view"}
    )
    stranger = _client(rival).post(
        f"/devices/{device.serial}/shares/", {"email": "rival@example.com", "role": "view"}
    )
    share = DeviceShare.objects.get(device=device)
    not_owner = _client(grandma).post(
        f"/devices/{device.serial}/shares/", {"email": "rival@example.com", "role": "control"}
    )
    removed = _client(owner).post(f"/devices/{device.serial}/shares/{grandma.uid}/remove/")

    assert shared.status_code == 302
    assert (share.user_id, share.role) == (grandma.pk, "view")
    assert stranger.status_code == 404
    assert not_owner.status_code == 403
    assert removed.status_code == 302
    assert not DeviceShare.objects.filter(device=device).exists()


def test_unbind_needs_a_confirmation_and_gives_the_next_code(operator: Any, owner: Any) -> None:
    device, _viewer, controller = _people(operator, owner)
    url = f"/devices/{device.serial}/unbind/"

    confirm = _client(owner).get(url)
    refused = _client(controller).post(url)
    done = _client(owner).post(url)

    device.refresh_from_db()
    code = DeviceBindingCode.objects.get(device=device, used_at__isnull=True).code
    assert "Yes, unbind it" in confirm.content.decode()
    assert refused.status_code == 403
    assert done.status_code == 200
    assert code in done.content.decode()
    assert (device.owner_id, device.status) == (None, "unbound")
    assert _client(owner).get(f"/devices/{device.serial}/").status_code == 404


def test_the_owner_rolls_and_revokes_the_token(operator: Any, owner: Any) -> None:
    device, _viewer, controller = _people(operator, owner)
    roll = f"/devices/{device.serial}/credentials/roll/"

    refused = _client(controller).post(roll)
    rolled = _client(owner).post(roll)
    token = re.search(r'id="token" value="([^"]+)"', rolled.content.decode())
    assert token is not None
    assert device_authenticate(serial=device.serial, token=token.group(1)) == device
    revoked = _client(owner).post(f"/devices/{device.serial}/credentials/revoke/")

    assert refused.status_code == 403
    assert rolled["Cache-Control"] == "no-store"
    assert revoked.status_code == 302
    assert device_authenticate(serial=device.serial, token=token.group(1)) is None
    assert DeviceCredential.objects.filter(device=device, revoked_at__isnull=True).count() == 0


def test_live_json_and_the_list_keep_to_a_query_budget(
    operator: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    device = _bound(operator, owner)
    _readings(device, count=30, every=timedelta(minutes=5), end=timezone.now())
    client = _client(owner)
    client.get("/devices/")  # the session is loaded once before counting

    # session, user, device, latest readings, active and cleared alarms, commands, shadow
    with django_assert_num_queries(QUERIES_LIVE):
        client.get(f"/devices/{device.serial}/live.json")
    # session, user, devices, their active alarm counts, the nav's unread notifications
    with django_assert_num_queries(QUERIES_LIST):
        client.get("/devices/")


def test_a_family_member_can_stop_seeing_a_shared_device(operator: Any, owner: Any) -> None:
    device, viewer, controller = _people(operator, owner)
    page = _client(viewer).get(f"/devices/{device.serial}/").content.decode()
    owners_page = _client(owner).get(f"/devices/{device.serial}/").content.decode()

    left = _client(viewer).post(f"/devices/{device.serial}/shares/{viewer.uid}/remove/")

    assert "Stop seeing this device" in page and "Stop seeing this device" not in owners_page
    assert left.status_code == 302 and left["Location"] == "/devices/"
    assert list(DeviceShare.objects.filter(device=device).values_list("user_id", flat=True)) == [
        controller.pk
    ]
    assert _client(viewer).get(f"/devices/{device.serial}/").status_code == 404
