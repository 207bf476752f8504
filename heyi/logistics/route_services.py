"""Writes of route planning: plan a station's wave into routes, tender or assign them, start them.

`wave_plan_make` adapts the wave's shipments to the pure routing problem
(`heyi.logistics.waves`), lets the solver plan it outside any transaction, then stores the plan,
its routes and stops in one transaction. Times in the solver are seconds since local midnight
(Asia/Shanghai); the rows hold aware datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require, user_is_operator
from heyi.contention.models import SubjectType, Tender, TenderStatus
from heyi.contention.scoring import KNOWN_CRITERIA, Criterion, ScoringRule
from heyi.contention.selectors import award_winner_line
from heyi.contention.services import tender_create, tender_publish
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, PermissionDenied
from heyi.logistics.errors import LogisticsDomainError, LogisticsErrorCode
from heyi.logistics.models import (
    Route,
    RoutePlan,
    RoutePlanStatus,
    RouteStatus,
    RouteStop,
    Station,
)
from heyi.logistics.route_selectors import (
    DueShipment,
    local_moment,
    route_user_drives,
    wave_get,
    wave_shipment_list,
)
from heyi.logistics.solver import InfeasibleProblem, Plan, Problem
from heyi.logistics.waves import Delivery, Van, Wave, wave_plan, wave_problem
from heyi.ventures.models import Venture, VentureKind, VentureStatus
from heyi.ventures.selectors import membership_is_active

DEFAULT_VANS: tuple[Mapping[str, Any], ...] = (
    {"name": "Light van", "volume_litres": 6000, "weight_kg": 1200, "count": 8},
)
# The published rule of delivery-route tenders: the fee first, then the van team's on-time
# record.
ROUTE_RULE_WEIGHTS: dict[str, str] = {"unit_price": "0.8", "on_time_rate": "0.2"}
FEE_MAX = Decimal("9999999999.99")
BIDDING_STATUSES = (
    VentureStatus.INCUBATING,
    VentureStatus.ACCELERATING,
    VentureStatus.RAISING,
    VentureStatus.SPUN_OFF,
)


def station_vans() -> list[Van]:
    """The vans of a station (settings.HEYI_STATION_VANS)."""
    configured = getattr(settings, "HEYI_STATION_VANS", None) or DEFAULT_VANS
    return [
        Van(
            name=str(van["name"]),
            volume_litres=int(van["volume_litres"]),
            weight_kg=int(van["weight_kg"]),
            count=int(van["count"]),
        )
        for van in configured
    ]


def route_scoring_rule() -> ScoringRule:
    return ScoringRule(
        version=1,
        criteria=tuple(
            Criterion(name=name, weight=Decimal(weight), direction=KNOWN_CRITERIA[name])
            for name, weight in ROUTE_RULE_WEIGHTS.items()
        ),
    )


def _locked_error() -> LogisticsDomainError:
    return LogisticsDomainError(
        LogisticsErrorCode.WAVE_PLAN_LOCKED,
        _(
            "This wave's routes are already out to tender, assigned or on the road; "
            "it can no longer be replanned."
        ),
    )


def _plan_is_locked(plan: RoutePlan) -> bool:
    return plan.status != RoutePlanStatus.PLANNED or (
        plan.routes.exclude(status=RouteStatus.PLANNED).exists()
    )


# --- planning ---------------------------------------------------------------------------------


def wave_plan_make(
    *,
    station: Station,
    date: date,
    wave: str,
    actor: Any = None,
    seconds: float | None = None,
) -> RoutePlan:
    """Plan the station's deliveries of one wave on one date into vehicle routes and store them.

    An operator (or the platform, actor None) plans. Replanning a wave whose routes are all still
    `planned` replaces them; once any is tendered, assigned or out, the wave is locked. A solver
    refusal (InfeasibleProblem, 422) writes nothing.
    """
    if actor is not None:
        operator_require(actor)
    shape = wave_get(wave)
    if shape is None:
        raise InvalidInput(
            _("Unknown wave %(wave)s; the waves are morning and afternoon.") % {"wave": wave},
            code=LogisticsErrorCode.WAVE_UNKNOWN,
        )
    if date < timezone.localdate():
        raise InvalidInput(
            _("%(date)s is in the past; plan today or a later date.") % {"date": date.isoformat()},
            code=LogisticsErrorCode.WAVE_DATE_IN_PAST,
        )
    existing = RoutePlan.objects.filter(station=station, date=date, wave=wave).first()
    if existing is not None and _plan_is_locked(existing):
        raise _locked_error()
    due, problem, solved = _wave_solve(station=station, day=date, shape=shape, seconds=seconds)
    with transaction.atomic():
        plan = (
            RoutePlan.objects.select_for_update()
            .filter(station=station, date=date, wave=wave)
            .first()
        )
        replaced = plan is not None
        if plan is not None and _plan_is_locked(plan):
            raise _locked_error()
        plan = _wave_store(
            plan=plan,
            station=station,
            day=date,
            wave=wave,
            due=due,
            problem=problem,
            solved=solved,
            actor=actor,
        )
        audit_record(
            type="logistics.route_plan.replanned" if replaced else "logistics.route_plan.planned",
            summary=f"{station.name} {date.isoformat()} {wave}: {len(due)} stops in "
            f"{solved.vehicles} routes, {solved.distance / 1000:.1f} km",
            actor=actor,
            subject=plan,
            data={
                "station": str(station.uid),
                "date": date.isoformat(),
                "wave": wave,
                "stops": len(due),
                "vehicles": solved.vehicles,
                "distance_m": solved.distance,
                "seconds": round(solved.seconds, 3),
            },
            is_public=False,
        )
    return plan


def _wave_solve(
    *, station: Station, day: date, shape: Wave, seconds: float | None
) -> tuple[list[DueShipment], Problem, Plan]:
    """The wave's due shipments, its routing problem and the solver's plan (outside any
    transaction: InfeasibleProblem propagates with nothing written)."""
    due = wave_shipment_list(station=station, day=day, wave=shape)
    deliveries = [
        Delivery(
            key=f"O{item.shipment.order.number}",
            latitude=float(item.shipment.order.latitude),
            longitude=float(item.shipment.order.longitude),
            volume_litres=item.shipment.volume_litres,
            weight_kg=item.shipment.weight_kg,
            window_start=item.window_start,
            window_end=item.window_end,
        )
        for item in due
    ]
    problem = wave_problem(
        station=(station.latitude, station.longitude),
        deliveries=deliveries,
        vans=station_vans(),
        wave=shape,
    )
    return due, problem, wave_plan(problem, seconds=seconds)


def _wave_store(
    *,
    plan: RoutePlan | None,
    station: Station,
    day: date,
    wave: str,
    due: list[DueShipment],
    problem: Problem,
    solved: Plan,
    actor: Any,
    notes: str = "",
) -> RoutePlan:
    """Write a solved wave (inside the caller's transaction, the plan row locked): the plan's
    figures, its routes and their stops, replacing any routes it had."""
    fields = {
        "status": RoutePlanStatus.PLANNED,
        "stops": len(due),
        "vehicles": solved.vehicles,
        "distance_m": solved.distance,
        "seconds": round(solved.seconds, 3),
        "objective": solved.objective,
        "notes": "\n".join([*solved.notes, *([notes] if notes else [])]),
        "planned_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    if plan is not None:
        plan.routes.all().delete()
        for field, value in fields.items():
            setattr(plan, field, value)
        plan.save(update_fields=[*fields, "updated_at"])
    else:
        try:
            with transaction.atomic():
                plan = RoutePlan.objects.create(station=station, date=day, wave=wave, **fields)
        except IntegrityError as error:
            raise LogisticsDomainError(
                LogisticsErrorCode.WAVE_PLAN_LOCKED,
                _("This wave is being planned right now; try again in a moment."),
            ) from error
    stop_rows = []
    for number, solved_route in enumerate(solved.routes, start=1):
        vehicle = problem.vehicles[solved_route.vehicle]
        route = Route.objects.create(
            plan=plan,
            number=number,
            vehicle=vehicle.name,
            capacity_volume_litres=vehicle.capacity[0],
            capacity_weight_kg=vehicle.capacity[1],
            starts_at=local_moment(day, solved_route.start),
            ends_at=local_moment(day, solved_route.end),
            distance_m=solved_route.distance,
            load_volume_litres=solved_route.load[0],
            load_weight_kg=solved_route.load[1],
        )
        for position, (index, arrival) in enumerate(
            zip(solved_route.stops, solved_route.arrivals, strict=True), start=1
        ):
            item = due[index]
            stop_rows.append(
                RouteStop(
                    route=route,
                    shipment=item.shipment,
                    position=position,
                    window_start=local_moment(day, item.window_start),
                    window_end=local_moment(day, item.window_end),
                    planned_arrival=local_moment(day, arrival),
                )
            )
    RouteStop.objects.bulk_create(stop_rows)
    return plan


def wave_plan_improve(*, plan: RoutePlan, seconds: float | None = None) -> bool:
    """Plan a wave again with a longer budget, in the background, and keep the better plan.

    The first plan of a wave comes within about a second (interactive use); this takes
    HEYI_ROUTE_IMPROVE_SECONDS more. It keeps the new routes when the wave's stops are the same
    and the plan uses fewer vans, or as many vans and less distance, or when the stops changed
    meanwhile (the new plan is then the only current one). Nothing changes once any route of the
    wave is tendered, assigned or out, or when the date has passed. Returns whether the routes
    were replaced; either way the plan is marked improved, so the sweep takes it once.
    """
    budget = seconds if seconds is not None else settings.HEYI_ROUTE_IMPROVE_SECONDS
    shape = wave_get(plan.wave)
    if shape is None or plan.date < timezone.localdate() or _plan_is_locked(plan):
        return False
    try:
        due, problem, solved = _wave_solve(
            station=plan.station, day=plan.date, shape=shape, seconds=budget
        )
    except InfeasibleProblem:
        RoutePlan.objects.filter(pk=plan.pk).update(improved_at=timezone.now())
        return False
    with transaction.atomic():
        locked = RoutePlan.objects.select_for_update().select_related("station").get(pk=plan.pk)
        if locked.improved_at is not None or _plan_is_locked(locked):
            return False
        before = set(
            RouteStop.objects.filter(route__plan=locked).values_list("shipment_id", flat=True)
        )
        same_stops = before == {item.shipment.pk for item in due}
        better = (solved.vehicles, solved.distance) < (locked.vehicles, locked.distance_m)
        replaced = better or not same_stops
        if replaced:
            note = _(
                "Improved in the background: %(before_vans)d vans, %(before_km).1f km → "
                "%(after_vans)d vans, %(after_km).1f km."
            ) % {
                "before_vans": locked.vehicles,
                "before_km": locked.distance_m / 1000,
                "after_vans": solved.vehicles,
                "after_km": solved.distance / 1000,
            }
            audit_record(
                type="logistics.route_plan.improved",
                summary=f"{locked}: {note}",
                subject=locked,
                data={
                    "vehicles": [locked.vehicles, solved.vehicles],
                    "distance_m": [locked.distance_m, solved.distance],
                    "same_stops": same_stops,
                },
                is_public=False,
            )
            locked = _wave_store(
                plan=locked,
                station=locked.station,
                day=locked.date,
                wave=locked.wave,
                due=due,
                problem=problem,
                solved=solved,
                actor=locked.planned_by,
                notes=note,
            )
        locked.improved_at = timezone.now()
        locked.save(update_fields=["improved_at", "updated_at"])
    return replaced


def route_plans_improve(*, limit: int = 5) -> int:
    """The sweep: improve the waves planned but not yet improved, today's and later, a few at a
    time (oldest first); return how many had their routes replaced."""
    plans = (
        RoutePlan.objects.filter(
            status=RoutePlanStatus.PLANNED,
            improved_at__isnull=True,
            date__gte=timezone.localdate(),
        )
        .select_related("station")
        .order_by("created_at", "id")[:limit]
    )
    return sum(1 for plan in list(plans) if wave_plan_improve(plan=plan))


# --- tender, assignment and start ---------------------------------------------------------------


def _route_lock(route: Route) -> Route:
    locked = Route.objects.select_for_update().select_related("plan__station").get(pk=route.pk)
    return locked


def _status_error(route: Route, *, wanted: Any) -> LogisticsDomainError:
    return LogisticsDomainError(
        LogisticsErrorCode.ROUTE_STATUS_CONFLICT,
        _("Route %(number)s is %(status)s; only a route that is %(wanted)s can do this.")
        % {"number": route.number, "status": route.get_status_display(), "wanted": wanted},
    )


def _route_refresh(route: Route, locked: Route) -> Route:
    for field in ("status", "venture_id", "driver_id", "tender_uid", "fee", "updated_at"):
        setattr(route, field, getattr(locked, field))
    # Drop the cached relations that may have changed.
    for relation in ("venture", "driver"):
        route._state.fields_cache.pop(relation, None)
    return route


def _route_requirements(route: Route) -> str:
    plan = route.plan
    return "\n".join(
        [
            f"Delivery route {route.number} of {plan.station.name}, {plan.date.isoformat()} "
            f"({plan.wave} wave).",
            f"{route.stops.count()} stops, {route.distance_m / 1000:.1f} km, leaving "
            f"{timezone.localtime(route.starts_at):%H:%M}, back by "
            f"{timezone.localtime(route.ends_at):%H:%M}.",
            f"Vehicle: {route.vehicle} ({route.capacity_volume_litres} L, "
            f"{route.capacity_weight_kg} kg); load {route.load_volume_litres} L, "
            f"{route.load_weight_kg} kg.",
            "Bid the fee for the whole route as the unit price, with a capacity of 1.",
        ]
    )


@transaction.atomic
def route_tender_open(
    *,
    route: Route,
    actor: Any,
    closes_at: datetime,
    opens_at: datetime | None = None,
    minimum_rating: Decimal | str | None = None,
) -> Tender:
    """Put a planned route out to tender for delivery ventures (van teams), opening at once.

    Bidders are delivery ventures that are incubating, active or spun off (as supply RFQs take
    supplier ventures); each bids its fee for the whole route as the unit price for quantity 1.
    The award handler (`route_award_apply`) assigns the route to the winner at its fee.
    """
    if actor is not None:
        operator_require(actor)
    locked = _route_lock(route)
    if locked.status != RouteStatus.PLANNED:
        raise _status_error(locked, wanted=RouteStatus.PLANNED.label)
    plan = locked.plan
    tender = tender_create(
        subject_type=SubjectType.DELIVERY_ROUTE,
        subject_uid=locked.uid,
        title=f"Delivery route {locked.number}: {plan.station.name}, {plan.date.isoformat()} "
        f"{plan.wave}"[:200],
        requirements=_route_requirements(locked),
        quantity=1,
        opens_at=opens_at or timezone.now(),
        closes_at=closes_at,
        rule=route_scoring_rule(),
        created_by=actor,
        minimum_rating=minimum_rating,
        venture_kinds=[VentureKind.DELIVERY],
        venture_statuses=list(BIDDING_STATUSES),
    )
    tender = tender_publish(tender=tender, actor=actor)
    locked.status = RouteStatus.TENDERED
    locked.tender_uid = tender.uid
    locked.save(update_fields=["status", "tender_uid", "updated_at"])
    audit_record(
        type="logistics.route.tendered",
        summary=f"{locked} put out to tender #{tender.number}",
        actor=actor,
        subject=locked,
        data={"tender": tender.number, "closes_at": closes_at.isoformat()},
        is_public=False,
    )
    _route_refresh(route, locked)
    return tender


@transaction.atomic
def route_award_apply(*, tender: Tender) -> Route | None:
    """The award handler of delivery-route tenders (registered in LogisticsConfig.ready).

    Idempotent: only a route still tendered under this tender changes. The winner gets the route
    at its bid (`fee`); with no bid the route returns to `planned`, ready for another tender or
    a direct assignment.
    """
    route = (
        Route.objects.select_for_update()
        .filter(uid=tender.subject_uid, tender_uid=tender.uid)
        .first()
    )
    if route is None or route.status != RouteStatus.TENDERED:
        return route
    tender = Tender.objects.get(pk=tender.pk)
    if tender.status == TenderStatus.AWARDED:
        line = award_winner_line(tender=tender)
        if line is None:
            return route
        route.venture = line.venture
        route.fee = line.unit_price * line.quantity
        route.status = RouteStatus.ASSIGNED
        route.save(update_fields=["venture", "fee", "status", "updated_at"])
        audit_record(
            type="logistics.route.assigned",
            summary=f"{route} awarded to {line.venture.name} for {route.fee} CNY",
            subject=route,
            data={"venture": line.venture.slug, "fee": str(route.fee), "tender": tender.number},
            is_public=False,
        )
    elif tender.status == TenderStatus.NO_AWARD:
        route.status = RouteStatus.PLANNED
        route.save(update_fields=["status", "updated_at"])
        audit_record(
            type="logistics.route.tender_failed",
            summary=f"{route}: nobody bid on tender #{tender.number}",
            subject=route,
            data={"tender": tender.number},
            is_public=False,
        )
    return route


def _fee_clean(value: Decimal | str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        fee = Decimal(str(value))
    except InvalidOperation:
        fee = Decimal(-1)
    if not fee.is_finite() or fee < 0 or fee > FEE_MAX or fee != fee.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("The fee is an amount of 0 to %(max)s with at most 2 decimals.") % {"max": FEE_MAX},
            code=LogisticsErrorCode.INVALID_PARAMETERS,
        )
    return fee.quantize(Decimal("0.01"))


@transaction.atomic
def route_assign(
    *,
    route: Route,
    venture: Venture,
    driver: Any = None,
    actor: Any,
    fee: Decimal | str | None = None,
) -> Route:
    """An operator assigns a planned (or reassigns an assigned) route to a delivery venture and,
    optionally, one of its members as the driver."""
    operator_require(actor)
    if venture.kind != VentureKind.DELIVERY or venture.status == VentureStatus.DISSOLVED:
        raise InvalidInput(
            _("%(venture)s is not a working delivery venture.") % {"venture": venture.name},
            code=LogisticsErrorCode.VENTURE_NOT_DELIVERY,
        )
    if driver is not None and not membership_is_active(venture=venture, user=driver):
        raise InvalidInput(
            _("The driver must be a member of %(venture)s.") % {"venture": venture.name},
            code=LogisticsErrorCode.DRIVER_NOT_MEMBER,
        )
    fee = _fee_clean(fee)
    locked = _route_lock(route)
    if locked.status not in (RouteStatus.PLANNED, RouteStatus.ASSIGNED):
        raise _status_error(locked, wanted=RouteStatus.PLANNED.label)
    locked.venture = venture
    locked.driver = driver
    if fee is not None:
        locked.fee = fee
    locked.status = RouteStatus.ASSIGNED
    locked.save(update_fields=["venture", "driver", "fee", "status", "updated_at"])
    audit_record(
        type="logistics.route.assigned",
        summary=f"{locked} assigned to {venture.name}",
        actor=actor,
        subject=locked,
        data={
            "venture": venture.slug,
            "driver": str(driver.uid) if driver is not None else None,
            "fee": None if locked.fee is None else str(locked.fee),
        },
        is_public=False,
    )
    return _route_refresh(route, locked)


@transaction.atomic
def route_start(*, route: Route, actor: Any) -> Route:
    """The driver (or a member of the route's venture, or an operator) starts an assigned
    route: every stop's shipment goes out for delivery, in the order of the stops."""
    from heyi.logistics.shipment_services import shipment_step

    if not (route_user_drives(route=route, user=actor) or user_is_operator(actor)):
        raise PermissionDenied(
            _("Only the route's delivery venture or an operator may start it."),
            code=LogisticsErrorCode.NOT_ROUTE_MEMBER,
        )
    locked = _route_lock(route)
    if locked.status != RouteStatus.ASSIGNED:
        raise _status_error(locked, wanted=RouteStatus.ASSIGNED.label)
    stops = list(
        RouteStop.objects.filter(route=locked)
        .select_related("shipment__order")
        .order_by("position")
    )
    for stop in stops:
        shipment_step(shipment=stop.shipment, step="out_for_delivery", actor=actor, route=locked)
    locked.status = RouteStatus.OUT
    locked.save(update_fields=["status", "updated_at"])
    RoutePlan.objects.filter(pk=locked.plan_id, status=RoutePlanStatus.PLANNED).update(
        status=RoutePlanStatus.DISPATCHED, updated_at=timezone.now()
    )
    audit_record(
        type="logistics.route.started",
        summary=f"{locked} out for delivery: {len(stops)} stops",
        actor=actor,
        subject=locked,
        data={"stops": len(stops)},
        is_public=False,
    )
    return _route_refresh(route, locked)


def tender_window_default() -> timedelta:
    """How long a route's tender takes bids when the caller gives no closing time."""
    return timedelta(hours=2)


@transaction.atomic
def route_complete(*, route: Route) -> Route:
    """Mark an out route done once every stop is delivered (idempotent; the platform's step)."""
    locked = _route_lock(route)
    if (
        locked.status == RouteStatus.OUT
        and not locked.stops.filter(delivered_at__isnull=True).exists()
    ):
        locked.status = RouteStatus.DONE
        locked.save(update_fields=["status", "updated_at"])
        audit_record(
            type="logistics.route.done",
            summary=f"{locked}: every stop delivered",
            subject=locked,
            is_public=False,
        )
        plan = locked.plan
        if not plan.routes.exclude(status=RouteStatus.DONE).exists():
            RoutePlan.objects.filter(pk=plan.pk).update(
                status=RoutePlanStatus.DONE, updated_at=timezone.now()
            )
    return _route_refresh(route, locked)
