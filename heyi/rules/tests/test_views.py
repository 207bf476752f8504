"""Rules' pages: a device's rules, writing one with the form, pausing and deleting it,
operators' model-wide rules, and service tickets linking to their tenders."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from heyi.demands.models import Demand
from heyi.demands.tests.factories import category_make
from heyi.designs.tests.factories import demand_make
from heyi.devices import events
from heyi.rules.models import Rule, ServiceTicket
from heyi.rules.services import rule_create
from heyi.rules.tests.factories import alarm, bound_device, telemetry

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


FORM = {
    "name": "Too warm",
    "trigger": "telemetry",
    "field": "temperature",
    "op": ">",
    "value": "8",
    "for_readings": "2",
    "alarm_code": "any",
    "min_severity": "info",
    "action": "notify",
    "command_args": "{}",
    "message": "{serial} reads {value}",
    "bidding_hours": "24",
    "cooldown_minutes": "30",
}


def test_an_owner_writes_a_rule_on_the_device_page_and_sees_it_fire(
    operator: Any, owner: Any, rival: Any
) -> None:
    device = bound_device(operator, owner)
    client = _client(owner)
    page = client.get(f"/devices/{device.serial}/rules/")
    assert page.status_code == 200
    assert f"/rules/new/?device={device.serial}" in page.content.decode()
    assert _client(rival).get(f"/devices/{device.serial}/rules/").status_code == 404
    assert _client(None).get(f"/devices/{device.serial}/rules/").status_code == 302
    form = client.get(f"/rules/new/?device={device.serial}")
    assert form.status_code == 200 and "defrost" in form.content.decode()
    response = client.post(f"/rules/new/?device={device.serial}", FORM)
    rule = Rule.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/rules/{rule.uid}/"
    assert (rule.condition, rule.params, rule.cooldown_minutes) == (
        {"field": "temperature", "op": ">", "value": 8.0, "for_readings": 2},
        {"message": "{serial} reads {value}"},
        30,
    )
    events.dispatch_now(telemetry(device, {"temperature": 9}, {"temperature": 10}))
    detail = client.get(f"/rules/{rule.uid}/").content.decode()
    assert "temperature=10" in detail and "reading m-2" in detail
    device_page = client.get(f"/devices/{device.serial}/rules/").content.decode()
    assert "temperature &gt; 8.0 for 2 readings → notify" in device_page
    assert _client(rival).get(f"/rules/{rule.uid}/").status_code == 404
    client.post(f"/rules/{rule.uid}/toggle/")
    rule.refresh_from_db()
    assert rule.is_active is False
    assert _client(rival).post(f"/rules/{rule.uid}/delete/").status_code == 404
    deleted = client.post(f"/rules/{rule.uid}/delete/")
    assert deleted["Location"] == f"/devices/{device.serial}/rules/"
    assert Rule.objects.count() == 0


def test_the_form_shows_the_services_refusals(operator: Any, owner: Any, rival: Any) -> None:
    device = bound_device(operator, owner)
    client = _client(owner)
    bad_value = client.post(f"/rules/new/?device={device.serial}", {**FORM, "value": "warm"})
    assert bad_value.status_code == 422 and "Enter a number." in bad_value.content.decode()
    missing = client.post(
        f"/rules/new/?device={device.serial}",
        {**FORM, "action": "command", "command": "defrost", "command_args": "{}"},
    )
    assert missing.status_code == 422 and "minutes is required." in missing.content.decode()
    category_make()
    theirs = demand_make(rival, title="Self-defrosting fridges")
    supported = client.post(
        f"/rules/new/?device={device.serial}",
        {**FORM, "action": "demand", "demand_number": str(theirs.number)},
    )
    assert supported.status_code == 302
    assert Rule.objects.get().params == {"demand_uid": str(theirs.uid), "note": ""}


def test_operators_write_model_wide_rules(operator: Any, owner: Any) -> None:
    device = bound_device(operator, owner)
    assert _client(owner).get("/rules/operator/").status_code == 403
    assert _client(owner).get(f"/rules/new/?model={device.model.uid}").status_code == 403
    page = _client(operator).get("/rules/operator/")
    assert (
        page.status_code == 200 and f"/rules/new/?model={device.model.uid}" in page.content.decode()
    )
    response = _client(operator).post(
        f"/rules/new/?model={device.model.uid}",
        {**FORM, "trigger": "offline", "action": "notify"},
    )
    assert response.status_code == 302
    assert Rule.objects.get().device_model == device.model


def test_a_service_ticket_page_links_to_its_tender(operator: Any, owner: Any, rival: Any) -> None:
    device = bound_device(operator, owner)
    rule_create(
        actor=owner,
        device=device,
        name="Compressor",
        trigger="alarm",
        condition={},
        action="service_ticket",
        params={"title": "Compressor fault"},
    )
    events.dispatch_now([alarm(device)])
    listing = _client(owner).get("/service-tickets/").content.decode()
    assert "Compressor fault" in listing
    ticket = ServiceTicket.objects.get()
    detail = _client(owner).get(f"/service-tickets/{ticket.uid}/").content.decode()
    assert f'href="/tenders/{ticket.tender_number}/"' in detail
    assert _client(rival).get(f"/service-tickets/{ticket.uid}/").status_code == 404
    assert _client(operator).get(f"/service-tickets/{ticket.uid}/").status_code == 200


def test_the_demand_trace_page_shows_the_device_and_its_readings(operator: Any, owner: Any) -> None:
    category_make()
    device = bound_device(operator, owner)
    rule_create(
        actor=owner,
        device=device,
        name="Door left open",
        trigger="telemetry",
        condition={"field": "door_open", "op": "==", "value": True},
        action="demand",
        params={
            "title": "Fridges that close their own door",
            "description": "Mine was left open.",
            "category": "kitchen",
        },
    )
    events.dispatch_now(telemetry(device, {"door_open": True}, prefix="door"))
    demand = Demand.objects.get()
    page = _client(None).get(f"/demands/{demand.number}/trace/").content.decode()
    assert f"Reason: {device.serial}: door_open=true (reading door-1)" in page
    assert "rules.demand.raised_by_device" in page
