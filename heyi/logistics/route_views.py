"""Route pages: a station's waves and routes for operators; a route's stops for its crew."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.accounts.selectors import user_get_by_email, user_is_operator
from heyi.core.errors import DomainError
from heyi.logistics import route_selectors, route_services
from heyi.logistics.models import Route
from heyi.logistics.route_forms import DeliveryCodeForm, RouteAssignForm, RouteTenderForm, WaveForm
from heyi.logistics.selectors import station_get
from heyi.logistics.shipment_services import shipment_deliver
from heyi.ventures.models import VentureKind
from heyi.ventures.selectors import venture_get, venture_list

# The station page shows waves from a few days back on, unless one date is asked for.
DAYS_BACK = 3


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _form_errors(request: HttpRequest, form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for error in errors:
            messages.error(request, error)


def _date_param(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def station_page(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A station's figures, its planned waves by date with each wave's routes drawn, and forms."""
    try:
        station = station_get(uid=uid)
        day = _date_param(request.GET.get("date", ""))
        plans = list(
            route_selectors.station_wave_list(
                station=station,
                actor=request.user,
                day=day,
                since=None if day else timezone.localdate() - timedelta(days=DAYS_BACK),
            )
        )
    except DomainError as error:
        return _error_page(request, error)
    tomorrow = timezone.localdate() + timedelta(days=1)
    return render(
        request,
        "logistics/station.html",
        {
            "station": station,
            "plans": [
                # Our own SVG: every label in it is escaped by routes_svg.
                (plan, mark_safe(route_selectors.route_plan_svg(plan=plan)))
                for plan in plans
            ],
            "day": day,
            "wave_form": WaveForm(initial={"date": tomorrow, "wave": "morning"}),
            "delivery_ventures": venture_list(kind=VentureKind.DELIVERY),
            "tender_closes": (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )


@login_required
@require_POST
def station_wave_plan(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        station = station_get(uid=uid)
    except DomainError as error:
        return _error_page(request, error)
    form = WaveForm(request.POST)
    target = reverse("logistics:station", args=[station.uid])
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(target)
    try:
        plan = route_services.wave_plan_make(
            station=station,
            date=form.cleaned_data["date"],
            wave=form.cleaned_data["wave"],
            actor=request.user,
            seconds=form.cleaned_data["seconds"],
        )
    except DomainError as error:
        if error.status == 403:
            return _error_page(request, error)
        messages.error(request, error.message)
        return redirect(target)
    messages.success(
        request,
        _("Planned: stops %(stops)d, routes %(vehicles)d.")
        % {"stops": plan.stops, "vehicles": plan.vehicles},
    )
    return redirect(f"{target}?date={plan.date.isoformat()}")


def _station_target(route_uid: uuid.UUID) -> str:
    route = route_selectors.route_get(uid=route_uid)
    return (
        reverse("logistics:station", args=[route.plan.station.uid])
        + f"?date={route.plan.date.isoformat()}"
    )


def _operator_action(
    request: HttpRequest, uid: uuid.UUID, form: forms.Form, act: Callable[[Route], str]
) -> HttpResponse:
    """Run an operator's action on a route from the station page; back there with its message."""
    try:
        route = route_selectors.route_get(uid=uid)
        if not form.is_valid():
            _form_errors(request, form)
        else:
            messages.success(request, act(route))
    except DomainError as error:
        if error.status == 403:
            return _error_page(request, error)
        messages.error(request, error.message)
    return redirect(_station_target(uid))


@login_required
@require_POST
def route_assign(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    form = RouteAssignForm(request.POST)

    def act(route: Route) -> str:
        email = form.cleaned_data["driver"]
        route_services.route_assign(
            route=route,
            venture=venture_get(slug=form.cleaned_data["venture"]),
            driver=user_get_by_email(email=email) if email else None,
            actor=request.user,
            fee=form.cleaned_data["fee"],
        )
        return _("Route %(number)d assigned.") % {"number": route.number}

    return _operator_action(request, uid, form, act)


@login_required
@require_POST
def route_tender(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    form = RouteTenderForm(request.POST)

    def act(route: Route) -> str:
        tender = route_services.route_tender_open(
            route=route, actor=request.user, closes_at=form.cleaned_data["closes_at"]
        )
        return _("Route %(number)d is open to delivery ventures as tender #%(tender)d.") % {
            "number": route.number,
            "tender": tender.number,
        }

    return _operator_action(request, uid, form, act)


@login_required
def route_list_mine(request: HttpRequest) -> HttpResponse:
    """The routes of the viewer's delivery ventures, and those they drive."""
    routes = list(route_selectors.route_list_for_user(user=request.user)[:200])
    return render(request, "logistics/route_list.html", {"routes": routes})


@login_required
def route_page(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The driver's page: stops in order, windows, what to carry, start and delivery codes."""
    try:
        route = route_selectors.route_get_for_user(uid=uid, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "logistics/route.html",
        {
            "route": route,
            "stops": list(route.stops.all()),
            "may_start": route.status == "assigned",
            "may_deliver": route.status == "out",
            "is_operator": user_is_operator(request.user),
            "code_form": DeliveryCodeForm(),
        },
    )


@login_required
@require_POST
def route_start(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        route = route_selectors.route_get(uid=uid)
        route_services.route_start(route=route, actor=request.user)
    except DomainError as error:
        if error.status in (403, 404):
            return _error_page(request, error)
        messages.error(request, error.message)
        return redirect("logistics:route", uid=uid)
    messages.success(request, _("Route started: every stop is out for delivery."))
    return redirect("logistics:route", uid=uid)


@login_required
@require_POST
def route_stop_deliver(request: HttpRequest, uid: uuid.UUID, position: int) -> HttpResponse:
    """The driver enters the code the user gives at the door."""
    try:
        route = route_selectors.route_get_for_user(uid=uid, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    stop = next((stop for stop in route.stops.all() if stop.position == position), None)
    form = DeliveryCodeForm(request.POST)
    if stop is None or not form.is_valid():
        messages.error(request, _("Enter the delivery code the user gives you."))
        return redirect("logistics:route", uid=uid)
    try:
        shipment_deliver(shipment=stop.shipment, code=form.cleaned_data["code"], actor=request.user)
    except DomainError as error:
        messages.error(
            request,
            _("Stop %(position)d: %(message)s") % {"position": position, "message": error.message},
        )
        return redirect("logistics:route", uid=uid)
    messages.success(
        request,
        _("Stop %(position)d delivered (order O%(number)d).")
        % {"position": position, "number": stop.shipment.order.number},
    )
    return redirect("logistics:route", uid=uid)
