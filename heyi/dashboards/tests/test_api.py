"""The API: public numbers, the operators' dashboard, permissions, bad periods, query budgets."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine

from conftest import make_user
from heyi.dashboards.tests.conftest import NOW, World
from heyi.dashboards.tests.test_views import NAMES, PER_PARTY_AMOUNTS

PERIOD = {"from": "2026-01-01", "to": "2026-02-28", "bucket": "month"}


@time_machine.travel(NOW, tick=False)
def test_public_numbers_for_anyone(world: World, api_as: Any) -> None:
    response = api_as(None).get("numbers", PERIOD)
    assert response.status_code == 200
    body = response.json()
    assert (body["first_day"], body["last_day"], body["bucket"]) == (
        "2026-01-01",
        "2026-02-28",
        "month",
    )
    assert body["currency"] == "CNY"
    assert body["headline"] == {
        "people": 8,
        "ventures": 3,
        "ventures_by_status": {
            "incubating": 2,
            "accelerating": 1,
            "raising": 0,
            "spun_off": 0,
            "dissolved": 0,
        },
        "demands": 4,
        "orders_completed": 2,
        "money_settled": "1500.00",
        "devices_bound": 1,
        "devices_online": 1,
    }
    january, february = body["buckets"]
    assert january == {
        "start": "2026-01-01",
        "first_day": "2026-01-01",
        "last_day": "2026-01-31",
        "demands_raised": 1,
        "orders_placed": 2,
        "deliveries_promised": 2,
        "deliveries_on_time": 1,
        "on_time_rate": "0.5000",
        "orders_settled": 1,
        "value": {
            "ventures": "617.50",
            "people": "190.00",
            "platform": "192.50",
            "total": "1000.00",
        },
        "active_devices": 2,
    }
    assert february["demands_raised"] == 2
    assert february["value"] == {
        "ventures": "370.00",
        "people": "5.00",
        "platform": "125.00",
        "total": "500.00",
    }
    assert body["totals"]["on_time_rate"] == "0.6667"
    assert body["totals"]["value"]["total"] == "1500.00"
    assert body["orders_by_stage"]["completed"] == 2
    assert body["demands_by_status"]["open"] == 2
    # Public: no operators' detail, no names, no single party's money.
    assert "attention" not in body
    assert "tenders_opened" not in january
    text = json.dumps(body)
    for name in NAMES:
        assert name not in text
    for amount in PER_PARTY_AMOUNTS:
        assert f'"{amount.lstrip("¥")}"' not in text


@time_machine.travel(NOW, tick=False)
def test_operator_dashboard_api(world: World, api_as: Any) -> None:
    response = api_as(world.operator).get("operations/dashboard", PERIOD)
    assert response.status_code == 200
    body = response.json()
    january, february = body["buckets"]
    assert (january["tenders_opened"], january["tenders_awarded"], january["tenders_no_award"]) == (
        1,
        1,
        0,
    )
    assert (
        february["tenders_opened"],
        february["tenders_awarded"],
        february["tenders_no_award"],
    ) == (2, 0, 1)
    assert january["value"] == {
        "ventures": "617.50",
        "people": "190.00",
        "platform": "192.50",
        "total": "1000.00",
        "royalties": "40.00",
        "members_pay": "150.00",
    }
    assert february["orders_placed_by_phase"] == {
        "waiting": 1,
        "making": 1,
        "on_the_way": 0,
        "delivered": 2,
        "stopped": 1,
        "exception": 0,
    }
    attention = body["attention"]
    assert attention["late_orders"] == 2
    assert [row["number"] for row in attention["late_order_list"]] == [103, 107]
    assert attention["tenders_closing"] == 1
    assert attention["tender_list"][0]["title"] == "Produce 40 tiny fridges"
    assert attention["compensations"] == 1
    assert attention["compensation_total"] == "40.00"
    assert attention["compensation_list"] == [
        {
            "order_number": 102,
            "amount": "40.00",
            "fault": "maker",
            "detected_at": "2026-01-21T04:00:00Z",
        }
    ]


@pytest.mark.django_db
def test_operator_dashboard_api_permissions(operator: Any, api_as: Any) -> None:
    anonymous = api_as(None).get("operations/dashboard")
    assert anonymous.status_code == 401
    person = make_user("someone@example.com", name="Someone")
    refused = api_as(person).get("operations/dashboard")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_operator"
    assert api_as(operator).get("operations/dashboard").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"from": "2026-02-30"},
        {"days": "0"},
        {"days": "ten"},
        {"bucket": "year"},
        {"from": "2020-01-01", "to": "2026-01-01", "bucket": "day"},
    ],
)
def test_bad_periods_are_422(operator: Any, api_as: Any, query: dict[str, str]) -> None:
    for client, path in ((api_as(None), "numbers"), (api_as(operator), "operations/dashboard")):
        response = client.get(path, query)
        assert response.status_code == 422
        assert response.json()["code"] == "period_invalid"


@time_machine.travel(NOW, tick=False)
def test_public_api_query_budget(
    world: World, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = api_as(None)
    with django_assert_max_num_queries(14):
        assert client.get("numbers", {"days": "365"}).status_code == 200
