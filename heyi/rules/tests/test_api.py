"""Rules' API: writing, reading, pausing and deleting rules, their firings, service tickets."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.devices import events
from heyi.rules.models import Rule
from heyi.rules.tests.factories import alarm, bound_device, telemetry

pytestmark = pytest.mark.django_db

RULE = {
    "name": "Too warm",
    "trigger": "telemetry",
    "condition": {"field": "temperature", "op": ">", "value": 8},
    "action": "notify",
    "params": {"message": "{serial}: {value} °C"},
}


def test_an_owner_writes_reads_pauses_and_deletes_a_rule(
    operator: Any, owner: Any, rival: Any, api_as: Any
) -> None:
    device = bound_device(operator, owner)
    client = api_as(owner)
    response = client.post("rules", {**RULE, "device": device.serial})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["device"], body["summary"], body["cooldown_minutes"], body["is_active"]) == (
        device.serial,
        "temperature > 8 → notify",
        60,
        True,
    )
    uid = body["uid"]
    assert [rule["uid"] for rule in client.get("rules").json()] == [uid]
    assert [rule["uid"] for rule in client.get(f"rules?device={device.serial}").json()] == [uid]
    # Another person's rule does not exist for them, nor does the device.
    assert api_as(rival).get(f"rules/{uid}").status_code == 404
    assert api_as(rival).get("rules").json() == []
    refused = api_as(rival).post("rules", {**RULE, "device": device.serial})
    assert (refused.status_code, refused.json()["code"]) == (404, "device_not_found")
    paused = client.patch(f"rules/{uid}", {"is_active": False, "cooldown_minutes": 5})
    assert (paused.json()["is_active"], paused.json()["cooldown_minutes"]) == (False, 5)
    client.patch(f"rules/{uid}", {"is_active": True})
    events.dispatch_now(telemetry(device, {"temperature": 9.5}))
    firings = client.get(f"rules/{uid}/firings").json()
    assert [(f["status"], f["notified"], f["evidence"][0]["value"]) for f in firings] == [
        ("ok", 1, 9.5)
    ]
    assert api_as(rival).get(f"rules/{uid}/firings").status_code == 404
    assert api_as(rival).delete(f"rules/{uid}").status_code == 404
    assert client.delete(f"rules/{uid}").status_code == 204
    assert Rule.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"condition": {"field": "humidity", "op": ">", "value": 1}}, "rule_field_unknown"),
        ({"condition": {"field": "temperature", "op": "<>", "value": 1}}, "rule_operator_unknown"),
        ({"action": "command", "params": {"name": "explode"}}, "capability_command_unknown"),
        ({"cooldown_minutes": 0}, "rule_cooldown_invalid"),
        ({"trigger": "sunrise"}, "invalid"),
    ],
)
def test_a_bad_rule_is_refused_with_its_code_and_nothing_written(
    operator: Any, owner: Any, api_as: Any, change: dict[str, Any], code: str
) -> None:
    device = bound_device(operator, owner)
    response = api_as(owner).post("rules", {**RULE, "device": device.serial, **change})
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert Rule.objects.count() == 0


def test_model_wide_rules_are_for_operators(operator: Any, owner: Any, api_as: Any) -> None:
    device = bound_device(operator, owner)
    rule = {**RULE, "device_model": str(device.model.uid), "trigger": "offline", "condition": {}}
    refused = api_as(owner).post("rules", rule)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_operator")
    created = api_as(operator).post("rules", rule)
    assert created.status_code == 201
    assert created.json()["device_model"] == "Smart fridge 300 L"
    both = api_as(operator).post("rules", {**rule, "device": device.serial})
    assert (both.status_code, both.json()["code"]) == (422, "rule_scope_invalid")
    listed = api_as(operator).get("rules?model_wide=true").json()
    assert [item["uid"] for item in listed] == [created.json()["uid"]]
    assert api_as(owner).get("rules?model_wide=true").json() == []


def test_service_tickets_are_listed_for_the_owner_and_operators(
    operator: Any, owner: Any, rival: Any, api_as: Any
) -> None:
    device = bound_device(operator, owner)
    api_as(owner).post(
        "rules",
        {
            "name": "Compressor",
            "device": device.serial,
            "trigger": "alarm",
            "condition": {"code": "compressor_fault"},
            "action": "service_ticket",
            "params": {"title": "Compressor fault"},
        },
    )
    events.dispatch_now([alarm(device)])
    mine = api_as(owner).get("service-tickets").json()
    assert [(t["device"], t["status"], t["title"]) for t in mine] == [
        (device.serial, "tendered", "Compressor fault")
    ]
    assert mine[0]["tender_number"] == 1
    assert [t["uid"] for t in api_as(operator).get("service-tickets").json()] == [mine[0]["uid"]]
    assert api_as(rival).get("service-tickets").json() == []
    assert api_as(rival).get(f"service-tickets/{mine[0]['uid']}").status_code == 404


def test_the_rule_list_has_a_query_budget(
    operator: Any, owner: Any, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    device = bound_device(operator, owner)
    client = api_as(owner)
    for index in range(5):
        client.post("rules", {**RULE, "name": f"Rule {index}", "device": device.serial})
    with django_assert_max_num_queries(4):
        assert len(client.get("rules").json()) == 5


def test_anonymous_callers_are_refused(api_as: Any) -> None:
    assert api_as(None).get("rules").status_code == 401
    assert api_as(None).get("service-tickets").status_code == 401
