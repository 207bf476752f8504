"""Route pages (station page, driver's page, my routes), the route picture and plan_routes."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from heyi.logistics.models import Route, RoutePlan, RouteStatus, RouteStop
from heyi.logistics.route_map import MapRoute, MapStop, routes_svg
from heyi.logistics.route_services import route_assign, route_start, wave_plan_make
from heyi.logistics.tests.route_fixtures import delivery_venture_make, world_make
from heyi.orders.models import OrderStage

pytestmark = pytest.mark.django_db

# Queries of the station page and "My routes", whatever the number of routes and stops.
BUDGET_STATION = 11
BUDGET_ROUTES = 4


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_picture_has_one_polyline_per_route_and_numbered_stops() -> None:
    svg = routes_svg(
        station=("Qingdao <north>", 36.0, 120.0),
        routes=[
            MapRoute(1, (MapStop("O1", 36.1, 120.1), MapStop("O2", 36.05, 120.2))),
            MapRoute(2, (MapStop("O3 & co", 35.9, 119.9),)),
        ],
        title="Qingdao",
    )
    assert svg.count("<polyline") == 2
    assert svg.count("<circle") == 3
    assert "Qingdao &lt;north&gt;" in svg and "O3 &amp; co" in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # The station sits at the centre of the picture; the farthest stop within the margins.
    assert '<rect x="313.0" y="233.0" width="14" height="14"' in svg


@pytest.mark.parametrize(
    ("caller", "status"), [("anonymous", 302), ("owner", 403), ("operator", 200)]
)
def test_the_station_page_is_for_operators(
    owner: Any, operator: Any, caller: str, status: int
) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    user = {"anonymous": None, "owner": owner, "operator": operator}[caller]
    response = _client(user).get(f"/network/stations/{world.station.uid}/")
    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert text.count("<polyline") == plan.routes.count()
        for number in range(1000, 1008):
            assert f"O{number}" in text
        assert "Plan this wave" in text


def test_planning_from_the_station_page(owner: Any, operator: Any) -> None:
    world = world_make(operator)
    url = f"/network/stations/{world.station.uid}/waves/"
    data = {"date": world.day.isoformat(), "wave": "afternoon", "seconds": "0.2"}
    assert _client(owner).post(url, data).status_code == 403
    assert RoutePlan.objects.count() == 0
    response = _client(operator).post(url, data, follow=True)
    assert response.status_code == 200
    assert "Planned: stops 4, routes " in response.content.decode()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = _client(operator).post(url, {**data, "date": past}, follow=True)
    assert "is in the past" in response.content.decode()
    assert RoutePlan.objects.count() == 1
    # The network page leads to the stations with waves planned.
    network = _client(operator).get("/network/").content.decode()
    assert "Stations with waves planned from today" in network
    assert (
        f'<a href="/network/stations/{world.station.uid}/">Qingdao</a> '
        '<span class="badge text-bg-light">1 wave</span>'
    ) in network


def test_the_driver_page_start_and_delivery_codes(owner: Any, rival: Any, operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    route = plan.routes.order_by("number")[0]
    venture, crew = delivery_venture_make("vans@example.com", "Blue Vans")
    url = f"/routes/{route.uid}/"
    assert _client(crew).get(url).status_code == 403
    route_assign(route=route, venture=venture, actor=operator)
    for user, status in [(None, 302), (owner, 403), (rival, 403), (crew, 200), (operator, 200)]:
        assert _client(user).get(url).status_code == status
    page = _client(crew).get(url).content.decode()
    stops = list(route.stops.order_by("position").select_related("shipment__order"))
    for stop in stops:
        assert stop.shipment.order.address in page
    assert "Start the route" in page
    assert _client(rival).post(f"/routes/{route.uid}/start/").status_code == 403
    assert Route.objects.get(pk=route.pk).status == RouteStatus.ASSIGNED
    _client(crew).post(f"/routes/{route.uid}/start/")
    assert Route.objects.get(pk=route.pk).status == RouteStatus.OUT
    first = stops[0]
    response = _client(crew).post(
        f"/routes/{route.uid}/stops/1/deliver/", {"code": "999999"}, follow=True
    )
    assert "Wrong delivery code" in response.content.decode()
    first.shipment.refresh_from_db()
    assert (first.shipment.delivered_at, first.shipment.code_attempts) == (None, 1)
    for stop in stops:
        response = _client(crew).post(
            f"/routes/{route.uid}/stops/{stop.position}/deliver/",
            {"code": stop.shipment.delivery_code},
            follow=True,
        )
        assert f"Stop {stop.position} delivered" in response.content.decode()
    assert list(
        RouteStop.objects.filter(route=route).values_list("shipment__order__stage", flat=True)
    ) == [OrderStage.DELIVERED] * len(stops)
    assert Route.objects.get(pk=route.pk).status == RouteStatus.DONE


def test_my_routes_lists_the_ventures_routes(operator: Any, rival: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    route = plan.routes.order_by("number")[0]
    venture, crew = delivery_venture_make("vans@example.com", "Blue Vans")
    route_assign(route=route, venture=venture, actor=operator)
    page = _client(crew).get("/routes/").content.decode()
    assert f"/routes/{route.uid}/" in page
    assert f"/routes/{route.uid}/" not in _client(rival).get("/routes/").content.decode()


def test_plan_routes_command_prints_every_route(operator: Any) -> None:
    world = world_make(operator)
    out = io.StringIO()
    call_command(
        "plan_routes",
        "--station",
        "qingdao",
        "--date",
        world.day.isoformat(),
        "--seconds",
        "0.2",
        stdout=out,
    )
    text = out.getvalue()
    plans = {plan.wave: plan for plan in RoutePlan.objects.all()}
    assert sorted(plans) == ["afternoon", "morning"]
    for wave, plan in plans.items():
        vehicles = "1 vehicle" if plan.vehicles == 1 else f"{plan.vehicles} vehicles"
        header = (
            f"Qingdao {world.day.isoformat()} {wave}: {plan.stops} stops, {vehicles}, "
            f"{plan.distance_m / 1000:.1f} km, solver {plan.seconds:.2f} s"
        )
        assert header in text
        for route in plan.routes.all():
            assert f"route {route.number} (Light van): {route.stops.count()} stops" in text
            for stop in route.stops.select_related("shipment__order"):
                arrival = timezone.localtime(stop.planned_arrival).strftime("%H:%M")
                assert (
                    f"{stop.position:>2}. O{stop.shipment.order.number}  window" in text
                    and f"arrival {arrival}" in text
                )
    with pytest.raises(CommandError, match="wave_date_in_past"):
        call_command(
            "plan_routes",
            "--station",
            str(world.station.uid),
            "--date",
            "2020-01-01",
            "--wave",
            "morning",
        )
    with pytest.raises(CommandError, match="station_not_found"):
        call_command("plan_routes", "--station", "Atlantis", "--date", world.day.isoformat())


def test_route_start_records_each_stop_out_for_delivery(operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    route = plan.routes.order_by("number")[0]
    venture, crew = delivery_venture_make("vans@example.com", "Blue Vans")
    route_assign(route=route, venture=venture, driver=crew, actor=operator)
    route_start(route=route, actor=crew)
    plan.refresh_from_db()
    assert (route.status, plan.status) == (RouteStatus.OUT, "dispatched")
    for stop in route.stops.select_related("shipment__order"):
        assert stop.shipment.order.stage == OrderStage.OUT_FOR_DELIVERY
        assert stop.shipment.out_for_delivery_at is not None


def test_assigning_and_tendering_from_the_station_page(
    owner: Any, operator: Any, settings: Any
) -> None:
    world = world_make(operator)
    settings.HEYI_STATION_VANS = [
        {"name": "Small van", "volume_litres": 1000, "weight_kg": 200, "count": 8}
    ]
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    first, second = list(plan.routes.order_by("number"))[:2]
    page = f"/network/stations/{world.station.uid}/?date={world.day.isoformat()}"
    background = "The platform plans this wave again in the background"
    assert background in _client(operator).get(page).content.decode()
    venture, crew = delivery_venture_make("vans@example.com", "Blue Vans")
    assign = {"venture": venture.slug, "driver": crew.email, "fee": "320.50"}
    assert _client(owner).post(f"/routes/{first.uid}/assign/", assign).status_code == 403
    assert Route.objects.get(pk=first.pk).status == RouteStatus.PLANNED
    response = _client(operator).post(f"/routes/{first.uid}/assign/", assign, follow=True)
    assert f"Route {first.number} assigned." in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.venture, first.driver, str(first.fee)) == (
        RouteStatus.ASSIGNED,
        venture,
        crew,
        "320.50",
    )
    # Assigned: the wave is no longer replanned, in the background either; the form keeps the
    # current venture, driver and fee.
    text = _client(operator).get(page).content.decode()
    assert background not in text
    assert f'value="{crew.email}"' in text
    assert 'value="320.50"' in text
    closes = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = _client(operator).post(
        f"/routes/{second.uid}/tender/", {"closes_at": closes}, follow=True
    )
    assert f"Route {second.number} is open to delivery ventures as tender #" in (
        response.content.decode()
    )
    assert Route.objects.get(pk=second.pk).status == RouteStatus.TENDERED
    response = _client(operator).post(
        f"/routes/{first.uid}/tender/", {"closes_at": closes}, follow=True
    )
    assert "only a route that is Planned can do this" in response.content.decode()


def test_page_query_budgets(operator: Any, django_assert_num_queries: Any, settings: Any) -> None:
    settings.HEYI_STATION_VANS = [
        {"name": "Small van", "volume_litres": 1000, "weight_kg": 200, "count": 8}
    ]
    world = world_make(operator)
    wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    wave_plan_make(station=world.station, date=world.day, wave="afternoon", seconds=0.2)
    venture, crew = delivery_venture_make("vans@example.com", "Blue Vans")
    for route in Route.objects.all():
        route_assign(route=route, venture=venture, actor=operator)
    client = _client(operator)
    with django_assert_num_queries(BUDGET_STATION):
        assert client.get(f"/network/stations/{world.station.uid}/").status_code == 200
    crew_client = _client(crew)
    with django_assert_num_queries(BUDGET_ROUTES):
        assert crew_client.get("/routes/").status_code == 200


def test_the_admin_shows_plans_read_only(admin_client: Any, operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    assert admin_client.get("/admin/logistics/routeplan/").status_code == 200
    page = admin_client.get(f"/admin/logistics/routeplan/{plan.pk}/change/")
    assert page.status_code == 200
    assert "Light van" in page.content.decode()
    assert admin_client.get("/admin/logistics/routeplan/add/").status_code == 403
