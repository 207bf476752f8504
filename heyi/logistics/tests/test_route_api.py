"""Route planning API: plan a wave, read it, assign, tender and start routes; who may do what."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from heyi.core.models import AuditEvent
from heyi.logistics.models import Route, RoutePlan, RouteStatus, RouteStop
from heyi.logistics.route_services import route_assign, wave_plan_make
from heyi.logistics.tests.route_fixtures import delivery_venture_make, world_make
from heyi.orders.models import OrderStage

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _state() -> list[Any]:
    return [
        list(RoutePlan.objects.order_by("id").values_list("uid", "stops")),
        list(Route.objects.order_by("id").values_list("uid", "status", "venture_id", "driver_id")),
        RouteStop.objects.count(),
        AuditEvent.objects.filter(type__startswith="logistics.").count(),
    ]


def _people(owner: Any, rival: Any, operator: Any, crew: Any) -> dict[str, Any]:
    return {"anonymous": None, "owner": owner, "rival": rival, "operator": operator, "crew": crew}


@pytest.mark.parametrize(
    ("caller", "status"),
    [("anonymous", 401), ("owner", 403), ("rival", 403), ("operator", 200)],
)
def test_planning_a_wave_over_every_caller(
    api_as: Any, owner: Any, rival: Any, operator: Any, caller: str, status: int
) -> None:
    world = world_make(operator)
    user = {"anonymous": None, "owner": owner, "rival": rival, "operator": operator}[caller]
    before = _state()
    response = api_as(user).post(
        f"stations/{world.station.uid}/waves",
        {"date": world.day.isoformat(), "wave": "morning", "seconds": 0.2},
    )
    assert response.status_code == status
    if status != 200:
        assert _state() == before
        return
    body = response.json()
    assert (body["station"], body["wave"], body["date"], body["stops"], body["status"]) == (
        str(world.station.uid),
        "morning",
        world.day.isoformat(),
        8,
        "planned",
    )
    stops = [stop for route in body["routes"] for stop in route["stops"]]
    assert sorted(stop["order_number"] for stop in stops) == [
        1000,
        1001,
        1002,
        1003,
        1004,
        1005,
        1006,
        1007,
    ]
    for route in body["routes"]:
        assert [stop["position"] for stop in route["stops"]] == list(
            range(1, len(route["stops"]) + 1)
        )
        starts_at = datetime.fromisoformat(route["starts_at"]).astimezone(SHANGHAI)
        assert (starts_at.date(), starts_at.strftime("%H:%M")) == (world.day, "08:30")
    listed = api_as(user).get(
        f"stations/{world.station.uid}/waves", {"date": world.day.isoformat()}
    )
    assert listed.status_code == 200
    assert [plan["uid"] for plan in listed.json()] == [body["uid"]]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"date": "2020-01-01", "wave": "morning"}, "wave_date_in_past"),
        ({"wave": "night"}, "wave_unknown"),
        ({"wave": "morning", "seconds": -1}, "invalid"),
    ],
)
def test_bad_wave_input_is_refused_and_writes_nothing(
    api_as: Any, operator: Any, payload: dict[str, Any], code: str
) -> None:
    world = world_make(operator)
    before = _state()
    response = api_as(operator).post(
        f"stations/{world.station.uid}/waves", {"date": world.day.isoformat(), **payload}
    )
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert _state() == before


def test_the_wave_list_is_for_operators(api_as: Any, operator: Any, owner: Any) -> None:
    world = world_make(operator)
    wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    response = api_as(owner).get(f"stations/{world.station.uid}/waves")
    assert (response.status_code, response.json()["code"]) == (403, "not_operator")
    response = api_as(operator).get(f"stations/{world.station.uid}/waves")
    assert [(plan["wave"], plan["stops"]) for plan in response.json()] == [("morning", 8)]


def test_route_read_assign_tender_and_start_over_every_caller(
    api_as: Any, owner: Any, rival: Any, operator: Any
) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    first, *others = list(plan.routes.order_by("number"))
    venture, crew = delivery_venture_make("vans@example.com", "Blue Vans")
    people = _people(owner, rival, operator, crew)
    # Reading a route: its crew (once assigned) and operators.
    expected_read = {"anonymous": 401, "owner": 403, "rival": 403, "operator": 200, "crew": 403}
    for caller, status in expected_read.items():
        assert api_as(people[caller]).get(f"routes/{first.uid}").status_code == status, caller
    # Assigning: operators only; a refusal writes nothing.
    for caller in ("anonymous", "owner", "rival", "crew"):
        before = _state()
        response = api_as(people[caller]).post(
            f"routes/{first.uid}/assign", {"venture": venture.slug, "fee": "350.00"}
        )
        assert response.status_code == (401 if caller == "anonymous" else 403), caller
        assert _state() == before
    response = api_as(operator).post(
        f"routes/{first.uid}/assign",
        {"venture": venture.slug, "driver": str(crew.uid), "fee": "350.00"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["venture"], body["driver"], body["fee"]) == (
        "assigned",
        venture.slug,
        str(crew.uid),
        "350.00",
    )
    assert api_as(crew).get(f"routes/{first.uid}").status_code == 200
    # Starting: the crew or an operator.
    for caller in ("owner", "rival"):
        before = _state()
        response = api_as(people[caller]).post(f"routes/{first.uid}/start")
        assert (response.status_code, response.json()["code"]) == (403, "not_route_member")
        assert _state() == before
    response = api_as(crew).post(f"routes/{first.uid}/start")
    assert response.status_code == 200
    assert response.json()["status"] == "out"
    first.refresh_from_db()
    for stop in first.stops.select_related("shipment__order"):
        assert stop.shipment.out_for_delivery_at is not None
        assert stop.shipment.order.stage == OrderStage.OUT_FOR_DELIVERY
    # The wave is locked now.
    response = api_as(operator).post(
        f"stations/{world.station.uid}/waves", {"date": world.day.isoformat(), "wave": "morning"}
    )
    assert (response.status_code, response.json()["code"]) == (409, "wave_plan_locked")
    # Tendering: operators only, planned routes only.
    if others:
        second = others[0]
        closes = (timezone.now() + timedelta(hours=3)).isoformat()
        assert (
            api_as(owner).post(f"routes/{second.uid}/tender", {"closes_at": closes}).status_code
            == 403
        )
        response = api_as(operator).post(f"routes/{second.uid}/tender", {"closes_at": closes})
        assert response.status_code == 200
        assert response.json()["status"] == "tendered"
        assert response.json()["tender_uid"] is not None
    response = api_as(operator).post(f"routes/{first.uid}/tender", {})
    assert (response.status_code, response.json()["code"]) == (409, "route_status_conflict")


def test_starting_an_unassigned_route_is_refused(api_as: Any, operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    route = plan.routes.order_by("number")[0]
    response = api_as(operator).post(f"routes/{route.uid}/start")
    assert (response.status_code, response.json()["code"]) == (409, "route_status_conflict")
    venture, _crew = delivery_venture_make("vans@example.com", "Blue Vans")
    route_assign(route=route, venture=venture, actor=operator)
    route.refresh_from_db()
    assert route.status == RouteStatus.ASSIGNED
