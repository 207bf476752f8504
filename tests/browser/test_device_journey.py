"""In a real browser: a delivered smart fridge is bound by its QR code, reports, takes a command,
is shared with the family, connected to a developer's app, and the app disconnected again."""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from heyi.developers.models import AppGrant
from heyi.developers.tests.factories import (
    REDIRECT_URI,
    OAuthClient,
    app_in_production,
    query_of,
)
from heyi.devices.models import CommandStatus, Device, DeviceBindingCode, DeviceCommand, Reading
from heyi.devices.services import credential_roll, device_bind, devices_on_delivery
from heyi.devices.tests.factories import delivered_order, fridge_model
from tests.browser.conftest import sign_out
from tests.browser.test_contention_journey import person, shot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# The live page polls live.json every 5 seconds: two ticks and some slack.
LIVE_WAIT_MS = 12_000
SCOPES = "devices:read telemetry:read"


def _post_telemetry(base_url: str, serial: str, token: str, payload: dict[str, Any]) -> Any:
    """What a device that speaks HTTPS does: one telemetry message, authenticated by its token."""
    request = urllib.request.Request(
        f"{base_url}/api/v1/devices/{serial}/telemetry",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={"Authorization": f"Device {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def _menu(page: Any, item: str) -> None:
    """Open an entry of the account menu in the navigation bar, as a person would."""
    page.locator("nav .dropdown-toggle").click()
    page.get_by_role("link", name=item).click()


def test_bind_watch_command_share_and_connect_an_app(
    page: Any, live_server: Any, device_transport: Any, screenshots_dir: str
) -> None:
    operator = person("ops@example.com", "Operator Ming", operator=True)
    buyer = person("mei@example.com", "Mei")
    person("lan@example.com", "Lan")
    developer = person("dev@example.com", "Dev Zhou")
    model = fridge_model(operator)
    # Two fridges delivered to Mei: the app will be given one of them only.
    order = delivered_order(model, buyer, quantity=2)
    first, second = devices_on_delivery(order=order)
    code = DeviceBindingCode.objects.get(device=first).code
    device_bind(code=DeviceBindingCode.objects.get(device=second).code, actor=buyer)
    app = app_in_production(developer, operator)
    assert app.production_client is not None

    # Mei scans the QR code in the box: the binding page opens with the code filled in.
    sign_in(page, "mei@example.com")
    page.goto(f"/devices/bind/?code={code}")
    assert page.get_by_label(re.compile("^Binding code")).input_value() == code
    shot(page, screenshots_dir, "40-device-bind")
    page.get_by_role("button", name="Bind", exact=True).click()
    page.wait_for_url(re.compile(r"/devices/$"))
    page.get_by_text(f"Device {first.serial} is now yours.").wait_for()
    first.refresh_from_db()
    assert first.owner == buyer
    rows = page.locator("main tbody tr")
    assert rows.count() == 2
    mine = page.locator("main tbody tr", has_text=first.serial)
    cells = [cell.strip() for cell in mine.locator("td").all_inner_texts()]
    assert cells[:4] == [first.serial, "Smart fridge 300 L", "Bound", "Offline"], cells
    shot(page, screenshots_dir, "41-my-devices")
    page.get_by_role("link", name=first.serial).click()
    page.wait_for_url(re.compile(rf"/devices/{first.serial}/$"))
    page.get_by_role("heading", name="Smart fridge 300 L").wait_for()
    readings = page.locator('[data-live-rows="readings"]')
    assert readings.inner_text().strip() == (
        "No readings yet: the device has not reported since it was bound."
    )
    online = page.locator('[data-live-badge="online"]')
    assert online.inner_text() == "Offline"

    # The fridge reports twice over HTTPS with its token; the open page shows it, no reload.
    _credential, token = credential_roll(device=first, actor=buyer)
    now_ms = int(time.time() * 1000)
    for offset, temperature, door_open in ((60_000, 4.5, False), (0, 5.25, True)):
        status, body = _post_telemetry(
            live_server.url,
            first.serial,
            token,
            {
                "v": 1,
                "id": str(uuid.uuid4()),
                "ts": now_ms - offset,
                "values": {"temperature": temperature, "door_open": door_open},
            },
        )
        assert (status, body) == (202, {"stored": 1, "duplicates": 0})
    assert Reading.objects.filter(device=first).count() == 2
    expect(readings.locator("tr")).to_have_count(2, timeout=LIVE_WAIT_MS)
    latest = [
        [cell.strip() for cell in row.split("\t")]
        for row in readings.inner_text().strip().split("\n")
    ]
    assert [row[1:] for row in latest] == [["5.25 °C", "yes"], ["4.5 °C", "no"]], latest
    expect(online).to_have_text("Online", timeout=LIVE_WAIT_MS)
    shot(page, screenshots_dir, "42-device-live-readings")

    # Mei asks for a 5-minute defrost from the page; the online fridge is sent it at once.
    control = page.locator("#control form", has_text="Defrost")
    control.get_by_label("Minutes").fill("5")
    control.get_by_role("button", name="Send").click()
    page.get_by_text("Command defrost sent.").wait_for()
    command = DeviceCommand.objects.get(device=first)
    assert (command.name, command.args, command.status) == (
        "defrost",
        {"minutes": 5},
        CommandStatus.SENT,
    )
    [(topic, payload)] = device_transport.sent
    assert topic == f"heyi/v1/devices/{first.serial}/commands"
    assert json.loads(payload)["id"] == str(command.message_id)
    commands_row = page.locator('[data-live-rows="commands"] tr').first
    cells = [cell.strip() for cell in commands_row.locator("td").all_inner_texts()]
    assert cells[1:4] == ["defrost(minutes=5)", "Sent", "A person"], cells
    shot(page, screenshots_dir, "43-device-command-sent")

    # She lets Lan see the fridge (view only).
    sharing = page.locator("#sharing")
    sharing.get_by_label("E-mail address of a family member").fill("lan@example.com")
    sharing.get_by_label("They may").select_option("view")
    sharing.get_by_role("button", name="Share").click()
    page.get_by_text("Shared with lan@example.com.").wait_for()
    assert "Lan <lan@example.com> · View" in page.locator("#sharing li").first.inner_text()
    sign_out(page)

    # Lan sees the fridge and its readings, but may not command it nor share it.
    sign_in(page, "lan@example.com")
    _menu(page, "My devices")
    page.wait_for_url(re.compile(r"/devices/$"))
    assert page.locator("main tbody tr").count() == 1
    page.get_by_role("link", name=first.serial).click()
    page.get_by_role("heading", name="Smart fridge 300 L").wait_for()
    expect(page.locator('[data-live-rows="readings"] tr')).to_have_count(2)
    assert page.locator("#control").count() == 0
    assert page.get_by_role("button", name="Send").count() == 0
    assert page.locator("#sharing").count() == 0
    assert page.locator("#credentials").count() == 0
    shot(page, screenshots_dir, "44-device-shared-view")
    sign_out(page)

    # Fridge Watch asks Mei for her devices; she gives it the first fridge only.
    client = OAuthClient(client_id=app.production_client.client_id)
    page.route(
        "https://app.example/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<h1>Fridge Watch</h1>"
        ),
    )
    sign_in(page, "mei@example.com")
    page.goto(client.authorize_url(SCOPES))
    page.get_by_role("heading", name="Fridge Watch wants to reach your devices").wait_for()
    consent = page.locator("main").inner_text()
    assert "An app made by Dev Zhou, not by heyi." in consent
    assert [item.strip() for item in page.locator("main form ul li").all_inner_texts()] == [
        "See the devices you connect and their current state",
        "Read the readings and alarms of those devices",
    ]
    boxes = page.get_by_role("checkbox")
    assert boxes.count() == 2
    page.get_by_label(f"Smart fridge 300 L · {first.serial}").check()
    shot(page, screenshots_dir, "45-oauth-consent")
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{REDIRECT_URI}?**")
    query = query_of(page.url)
    assert query["state"] == client.state
    grant = AppGrant.objects.get(app=app, user=buyer, revoked_at__isnull=True)
    assert list(grant.devices.values_list("serial", flat=True)) == [first.serial]

    # The app trades the code (with its PKCE verifier) for a token and lists Mei's devices.
    tokens = client.exchange(query["code"])
    assert tokens.status_code == 200, tokens.content
    access = tokens.json()["access_token"]
    assert set(tokens.json()["scope"].split()) == set(SCOPES.split())
    listed = client.api("get", "devices", access)
    assert listed.status_code == 200, listed.content
    assert [device["serial"] for device in listed.json()] == [first.serial]
    assert client.api("get", f"devices/{second.serial}", access).status_code == 404

    # Mei finds the app under Connected apps and disconnects it: the token stops at once.
    page.goto("/")
    _menu(page, "Connected apps")
    page.wait_for_url(re.compile(r"/account/apps/$"))
    card = page.locator("main .card", has_text="Fridge Watch")
    card_text = card.inner_text()
    assert "By Dev Zhou" in card_text
    assert first.serial in card_text
    assert second.serial not in card_text
    shot(page, screenshots_dir, "46-connected-apps")
    card.get_by_role("button", name="Disconnect").click()
    page.get_by_text("Fridge Watch is disconnected: its access is revoked.").wait_for()
    assert page.locator("main .card").count() == 0
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    refused = client.api("get", "devices", access)
    assert refused.status_code == 401, refused.content
    assert Device.objects.filter(owner=buyer).count() == 2
    shot(page, screenshots_dir, "47-app-disconnected")
