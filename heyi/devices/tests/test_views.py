"""Device pages: the list of my devices and binding with a code, as the QR code leads there."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from heyi.devices.models import Device, DeviceBindingCode
from heyi.devices.tests.factories import device_make

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
