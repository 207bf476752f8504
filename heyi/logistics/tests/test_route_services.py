"""Route planning services: a wave planned into routes, replanning, tenders, assignment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from heyi.contention.models import SubjectType, Tender, TenderStatus
from heyi.contention.services import bid_submit, tender_close
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.logistics import route_services
from heyi.logistics.models import Route, RoutePlan, RouteStatus, RouteStop, Shipment
from heyi.logistics.route_selectors import local_midnight, local_seconds, wave_shipment_list
from heyi.logistics.route_services import (
    route_assign,
    route_start,
    route_tender_open,
    station_vans,
    wave_plan_make,
)
from heyi.logistics.solver import Plan, check
from heyi.logistics.solver import Route as SolverRoute
from heyi.logistics.tests.route_fixtures import (
    World,
    delivery_venture_make,
    shipment_make,
    world_make,
)
from heyi.logistics.waves import WAVES, Delivery, wave_problem
from heyi.orders.models import OrderStage
from heyi.ventures.tests.factories import venture_found

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _state() -> list[Any]:
    return [
        list(RoutePlan.objects.order_by("id").values_list("uid", "stops", "vehicles")),
        list(Route.objects.order_by("id").values_list("uid", "status", "venture_id")),
        RouteStop.objects.count(),
        AuditEvent.objects.filter(type__startswith="logistics.route").count(),
    ]


def _stored_check(plan: RoutePlan) -> list[str]:
    """Rebuild the wave's problem and the stored plan, and let the independent checker judge."""
    wave = WAVES[plan.wave]
    due = wave_shipment_list(station=plan.station, day=plan.date, wave=wave)
    problem = wave_problem(
        station=(plan.station.latitude, plan.station.longitude),
        deliveries=[
            Delivery(
                key=str(item.shipment.pk),
                latitude=float(item.shipment.order.latitude),
                longitude=float(item.shipment.order.longitude),
                volume_litres=item.shipment.volume_litres,
                weight_kg=item.shipment.weight_kg,
                window_start=item.window_start,
                window_end=item.window_end,
            )
            for item in due
        ],
        vans=station_vans(),
        wave=wave,
    )
    index = {item.shipment.pk: number for number, item in enumerate(due)}
    routes = []
    for route in plan.routes.order_by("number"):
        stops = list(route.stops.order_by("position"))
        routes.append(
            SolverRoute(
                vehicle=0,
                stops=tuple(index[stop.shipment_id] for stop in stops),
                arrivals=tuple(local_seconds(plan.date, stop.planned_arrival) for stop in stops),
                start=local_seconds(plan.date, route.starts_at),
                end=local_seconds(plan.date, route.ends_at),
                distance=route.distance_m,
                load=(route.load_volume_litres, route.load_weight_kg),
            )
        )
    return check(problem, Plan(routes=tuple(routes), distance=plan.distance_m, seconds=0.0))


def _extra(world: World, number: int, **fields: Any) -> Shipment:
    """One more order of the world's product and buyer near its station, due in a morning slot."""
    values: dict[str, Any] = {"latitude": 36.08, "longitude": 120.40, "day": world.day}
    values.update(fields)
    return shipment_make(
        station=world.station, product=world.product, buyer=world.buyer, number=number, **values
    )


def test_a_wave_is_planned_into_routes_that_serve_every_stop_once(operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(
        station=world.station, date=world.day, wave="morning", actor=operator, seconds=0.5
    )
    morning = {s.pk for s in world.shipments if s.order.delivery_window in ("09-12", "12-15")}
    stops = list(RouteStop.objects.filter(route__plan=plan).select_related("shipment__order"))
    assert sorted(stop.shipment_id for stop in stops) == sorted(morning)
    assert (plan.stops, plan.wave, plan.date, plan.planned_by) == (
        8,
        "morning",
        world.day,
        operator,
    )
    assert plan.vehicles == Route.objects.filter(plan=plan).count()
    assert plan.distance_m == sum(route.distance_m for route in plan.routes.all())
    assert _stored_check(plan) == []
    for stop in stops:
        window = stop.shipment.order.delivery_window
        start_hour, end_hour = (int(part) for part in window.split("-"))
        local_start = stop.window_start.astimezone(SHANGHAI)
        local_end = stop.window_end.astimezone(SHANGHAI)
        arrival = stop.planned_arrival.astimezone(SHANGHAI)
        assert (local_start.date(), local_start.hour, local_start.minute) == (
            world.day,
            start_hour,
            0,
        )
        assert (local_end.date(), local_end.hour, local_end.minute) == (world.day, end_hour, 0)
        assert stop.window_start <= arrival <= stop.window_end
    for route in plan.routes.all():
        positions = list(route.stops.order_by("position").values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))
        assert route.starts_at.astimezone(SHANGHAI).strftime("%H:%M") == "08:30"
        assert route.ends_at.astimezone(SHANGHAI) <= route.starts_at.astimezone(SHANGHAI).replace(
            hour=16, minute=0
        )
        assert (route.status, route.vehicle) == (RouteStatus.PLANNED, "Light van")
    assert list(
        AuditEvent.objects.filter(type__startswith="logistics.route").values_list("type", "actor")
    ) == [("logistics.route_plan.planned", operator.pk)]


def test_capacities_are_respected(operator: Any, settings: Any) -> None:
    settings.HEYI_STATION_VANS = [
        {"name": "Small van", "volume_litres": 1000, "weight_kg": 200, "count": 8}
    ]
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.5)
    routes = list(plan.routes.prefetch_related("stops__shipment"))
    # 8 stops of 400 L / 80 kg: at most two fit a 1000 L van.
    assert len(routes) == 4
    for route in routes:
        volume = sum(stop.shipment.volume_litres for stop in route.stops.all())
        weight = sum(stop.shipment.weight_kg for stop in route.stops.all())
        assert (route.load_volume_litres, route.load_weight_kg) == (volume, weight) == (800, 160)
        assert (route.capacity_volume_litres, route.capacity_weight_kg) == (1000, 200)
    assert _stored_check(plan) == []
    assert plan.planned_by is None


def test_the_afternoon_wave_takes_the_afternoon_slots(operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="afternoon", seconds=0.3)
    windows = sorted(
        RouteStop.objects.filter(route__plan=plan).values_list(
            "shipment__order__delivery_window", flat=True
        )
    )
    assert windows == ["15-18", "15-18", "18-21", "18-21"]
    assert (
        plan.routes.order_by("number")[0].starts_at.astimezone(SHANGHAI).strftime("%H:%M")
        == "14:30"
    )


def test_an_order_with_no_slot_goes_in_the_morning_with_the_whole_wave(operator: Any) -> None:
    world = world_make(operator, points=())
    promised = local_midnight(world.day) + timedelta(hours=20)
    unslotted = _extra(world, 2001, day=None, promised_at=promised)
    # Promised the day after: not in this wave; cancelled or delivered: never.
    _extra(world, 2002, day=None, promised_at=promised + timedelta(days=1))
    _extra(world, 2003, window="09-12", stage="cancelled")
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    stop = RouteStop.objects.get(route__plan=plan)
    assert stop.shipment == unslotted
    assert (
        stop.window_start.astimezone(SHANGHAI).strftime("%H:%M"),
        stop.window_end.astimezone(SHANGHAI).strftime("%H:%M"),
    ) == ("08:30", "16:00")
    afternoon = wave_plan_make(station=world.station, date=world.day, wave="afternoon", seconds=0.2)
    assert (afternoon.stops, afternoon.vehicles, afternoon.routes.count()) == (0, 0, 0)


def test_replanning_a_planned_wave_replaces_its_routes(operator: Any) -> None:
    world = world_make(operator)
    first = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    old_routes = set(Route.objects.values_list("pk", flat=True))
    extra = _extra(world, 3001, window="09-12")
    second = wave_plan_make(
        station=world.station, date=world.day, wave="morning", actor=operator, seconds=0.2
    )
    assert second.pk == first.pk
    assert RoutePlan.objects.count() == 1
    assert not old_routes & set(Route.objects.values_list("pk", flat=True))
    assert second.stops == 9
    assert RouteStop.objects.filter(shipment=extra).count() == 1
    assert RouteStop.objects.count() == 9
    assert list(
        AuditEvent.objects.filter(type__startswith="logistics.route")
        .order_by("id")
        .values_list("type", flat=True)
    ) == ["logistics.route_plan.planned", "logistics.route_plan.replanned"]


def test_replanning_is_refused_once_a_route_is_assigned(operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    venture, _founder = delivery_venture_make("vans@example.com", "Blue Vans")
    route_assign(route=plan.routes.order_by("number")[0], venture=venture, actor=operator)
    before = _state()
    with pytest.raises(DomainError) as caught:
        wave_plan_make(station=world.station, date=world.day, wave="morning", actor=operator)
    assert (caught.value.code, caught.value.status) == ("wave_plan_locked", 409)
    assert _state() == before


@pytest.mark.parametrize(
    ("case", "code", "status"),
    [
        ("past date", "wave_date_in_past", 422),
        ("unknown wave", "wave_unknown", 422),
        ("too heavy", "routing_stop_too_large", 422),
        ("not an operator", "not_operator", 403),
    ],
)
def test_refused_plans_write_nothing(
    operator: Any, owner: Any, case: str, code: str, status: int
) -> None:
    world = world_make(operator)
    if case == "too heavy":
        # Heavier than any van: the solver's own check refuses the wave.
        _extra(world, 4001, window="09-12", weight_kg=5000)
    before = _state()
    with pytest.raises(DomainError) as caught:
        wave_plan_make(
            station=world.station,
            date=world.day - timedelta(days=2) if case == "past date" else world.day,
            wave="night" if case == "unknown wave" else "morning",
            actor=owner if case == "not an operator" else operator,
        )
    assert (caught.value.code, caught.value.status) == (code, status)
    assert _state() == before


def test_assignment_rules(operator: Any, owner: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    route = plan.routes.order_by("number")[0]
    venture, founder = delivery_venture_make("vans@example.com", "Blue Vans")
    maker = venture_found(founder=owner, name="Cold Makers")
    before = _state()
    for kwargs, code in [
        ({"venture": venture, "actor": owner}, "not_operator"),
        ({"venture": maker, "actor": operator}, "venture_not_delivery"),
        ({"venture": venture, "driver": owner, "actor": operator}, "driver_not_member"),
    ]:
        with pytest.raises(DomainError) as caught:
            route_assign(route=route, **kwargs)
        assert caught.value.code == code
    assert _state() == before
    route_assign(
        route=route, venture=venture, driver=founder, actor=operator, fee=Decimal("300.00")
    )
    route.refresh_from_db()
    assert (route.status, route.venture, route.driver, route.fee) == (
        RouteStatus.ASSIGNED,
        venture,
        founder,
        Decimal("300.00"),
    )


def _bid(tender: Tender, venture: Any, actor: Any, fee: str) -> None:
    """A van team's bid on a route: its fee for the whole route, for quantity 1."""
    bid_submit(
        tender=tender, venture=venture, actor=actor, unit_price=fee, lead_time_days=0, capacity=1
    )


def test_a_route_tender_awards_the_route_to_the_best_bid(
    operator: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    route = plan.routes.order_by("number")[0]
    with pytest.raises(DomainError) as caught:
        route_tender_open(route=route, actor=owner, closes_at=timezone.now() + timedelta(hours=2))
    assert caught.value.code == "not_operator"
    tender = route_tender_open(
        route=route, actor=operator, closes_at=timezone.now() + timedelta(hours=2)
    )
    route.refresh_from_db()
    assert (route.status, route.tender_uid) == (RouteStatus.TENDERED, tender.uid)
    assert (tender.subject_type, tender.subject_uid, tender.status, tender.quantity) == (
        SubjectType.DELIVERY_ROUTE,
        route.uid,
        TenderStatus.OPEN,
        1,
    )
    blue, blue_founder = delivery_venture_make("blue@example.com", "Blue Vans")
    red, red_founder = delivery_venture_make("red@example.com", "Red Vans")
    maker = venture_found(founder=owner, name="Cold Makers")
    with pytest.raises(DomainError) as refused:
        _bid(tender, maker, owner, "100")
    assert refused.value.code == "not_eligible"
    _bid(tender, blue, blue_founder, "420")
    _bid(tender, red, red_founder, "380")
    # A tendered route is in the contention engine's hands: the wave is locked.
    with pytest.raises(DomainError) as locked:
        wave_plan_make(station=world.station, date=world.day, wave="morning")
    assert locked.value.code == "wave_plan_locked"
    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=Tender.objects.get(pk=tender.pk), actor=operator)
    route.refresh_from_db()
    assert (route.status, route.venture, route.fee) == (
        RouteStatus.ASSIGNED,
        red,
        Decimal("380.00"),
    )
    # The handler is idempotent.
    route_services.route_award_apply(tender=Tender.objects.get(pk=tender.pk))
    route.refresh_from_db()
    assert (route.status, route.venture, route.fee) == (
        RouteStatus.ASSIGNED,
        red,
        Decimal("380.00"),
    )


def test_a_route_tender_without_bids_returns_the_route_to_planned(
    operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    route = plan.routes.order_by("number")[0]
    tender = route_tender_open(
        route=route, actor=operator, closes_at=timezone.now() + timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=tender, actor=operator)
    route.refresh_from_db()
    assert (route.status, route.venture) == (RouteStatus.PLANNED, None)


def test_a_route_whose_goods_are_not_all_at_the_station_does_not_start(operator: Any) -> None:
    world = world_make(operator, points=())
    _extra(world, 5001, window="09-12")
    late = _extra(world, 5002, window="12-15", stage=OrderStage.SHIPPED)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    route = plan.routes.order_by("number")[0]
    venture, crew = delivery_venture_make("vans@example.com", "Blue Vans")
    route_assign(route=route, venture=venture, driver=crew, actor=operator)
    before = _state()
    with pytest.raises(DomainError) as caught:
        route_start(route=route, actor=crew)
    assert caught.value.code == "shipment_step_out_of_order"
    assert _state() == before
    assert list(Shipment.objects.order_by("id").values_list("out_for_delivery_at", flat=True)) == [
        None,
        None,
    ]
    late.refresh_from_db()
    assert late.order.stage == OrderStage.SHIPPED


# --- the background improvement -------------------------------------------------------------


def _route_ids(plan: RoutePlan) -> set[int]:
    return set(Route.objects.filter(plan=plan).values_list("pk", flat=True))


def test_a_better_plan_found_in_the_background_replaces_the_routes(operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    old_routes = _route_ids(plan)
    # As if the interactive plan had been poor: every van, and 1,000 km.
    RoutePlan.objects.filter(pk=plan.pk).update(vehicles=8, distance_m=1_000_000)

    assert route_services.wave_plan_improve(plan=plan, seconds=0.5) is True

    plan.refresh_from_db()
    assert plan.improved_at is not None
    assert not old_routes & _route_ids(plan)
    assert (plan.stops, RouteStop.objects.filter(route__plan=plan).count()) == (8, 8)
    assert plan.vehicles == Route.objects.filter(plan=plan).count()
    assert plan.distance_m == sum(route.distance_m for route in plan.routes.all())
    assert _stored_check(plan) == []
    assert plan.notes.endswith(
        f"Improved in the background: 8 vans, 1000.0 km → {plan.vehicles} vans, "
        f"{plan.distance_m / 1000:.1f} km."
    )
    assert AuditEvent.objects.filter(type="logistics.route_plan.improved").count() == 1
    # Once only.
    assert route_services.wave_plan_improve(plan=plan, seconds=0.5) is False
    assert AuditEvent.objects.filter(type="logistics.route_plan.improved").count() == 1


def test_a_plan_no_better_is_not_replaced_but_new_stops_are_always_taken(operator: Any) -> None:
    world = world_make(operator)
    plan = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    old_routes = _route_ids(plan)
    # Nothing beats no van and no distance: the routes stay.
    RoutePlan.objects.filter(pk=plan.pk).update(vehicles=0, distance_m=0)
    assert route_services.wave_plan_improve(plan=plan, seconds=0.3) is False
    plan.refresh_from_db()
    assert (_route_ids(plan), plan.improved_at is not None) == (old_routes, True)

    # A new order since the first plan: the background plan serves it, better or not.
    RoutePlan.objects.filter(pk=plan.pk).update(improved_at=None)
    extra = _extra(world, 3001, window="09-12")
    assert route_services.wave_plan_improve(plan=plan, seconds=0.3) is True
    plan.refresh_from_db()
    assert plan.stops == 9
    assert RouteStop.objects.filter(route__plan=plan, shipment=extra).count() == 1


def test_the_sweep_improves_each_open_wave_once_and_leaves_locked_ones(
    operator: Any, settings: Any
) -> None:
    settings.HEYI_ROUTE_IMPROVE_SECONDS = 0.3
    world = world_make(operator)
    morning = wave_plan_make(station=world.station, date=world.day, wave="morning", seconds=0.2)
    afternoon = wave_plan_make(station=world.station, date=world.day, wave="afternoon", seconds=0.2)
    venture, _founder = delivery_venture_make("vans@example.com", "Blue Vans")
    route_assign(route=morning.routes.order_by("number")[0], venture=venture, actor=operator)
    morning_routes = _route_ids(morning)

    route_services.route_plans_improve()
    route_services.route_plans_improve()

    morning.refresh_from_db()
    afternoon.refresh_from_db()
    assert (morning.improved_at, _route_ids(morning)) == (None, morning_routes)
    assert afternoon.improved_at is not None
