"""Pages of events: the public site, registration, tickets, the door, iCalendar, the live feed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.core.errors import DomainError
from heyi.events import selectors, services
from heyi.events.forms import ContactForm, RegistrationForm, TicketCodeForm
from heyi.events.ical import event_ics, programme_ics
from heyi.events.models import Event, RegistrationStatus
from heyi.events.qr import contact_path, qr_svg, site_link, ticket_path


def _styled(form: Any) -> Any:
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    return form


def _domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render(request, "error.html", {"message": error.message}, status=error.status)

    return wrapped


def _event(request: HttpRequest, slug: str) -> Event:
    return selectors.event_get(slug=slug, user=request.user)


def _base_context(request: HttpRequest, event: Event, section: str) -> dict[str, Any]:
    return {"event": event, "section": section, "zone": event.time_zone}


def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = list(selectors.event_list_published())
    return render(
        request,
        "events/event_list.html",
        {
            "upcoming": sorted((e for e in events if e.ends_at >= now), key=lambda e: e.starts_at),
            "past": [e for e in events if e.ends_at < now],
        },
    )


@_domain_errors
def event_home(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    now = timezone.now()
    mine = selectors.registration_get_for_user(event=event, user=request.user)
    confirmed = selectors.event_confirmed_count(event=event)
    initial = (
        {"badge_name": getattr(request.user, "name", "")} if request.user.is_authenticated else {}
    )
    return render(
        request,
        "events/event_home.html",
        {
            **_base_context(request, event, "home"),
            "sessions": list(event.sessions.all()),
            "speakers": list(event.speakers.all()),
            "partner_tiers": selectors.partners_by_tier(event=event),
            "feed": selectors.feed_list(limit=10),
            "mine": mine,
            "waitlist_position": selectors.waitlist_position(registration=mine) if mine else None,
            "confirmed": confirmed,
            "seats_left": max(event.capacity - confirmed, 0),
            "registration_open": event.registration_opens_at <= now <= event.registration_closes_at,
            "form": _styled(RegistrationForm(initial=initial)),
            "contact_qr": qr_svg(site_link(contact_path(slug=event.slug))),
            "contact_url": contact_path(slug=event.slug),
            "is_staff": selectors.event_staff_is(event=event, user=request.user),
        },
    )


@_domain_errors
def event_programme(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    return render(
        request,
        "events/event_programme.html",
        {**_base_context(request, event, "programme"), "sessions": list(event.sessions.all())},
    )


@_domain_errors
def event_speakers(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    return render(
        request,
        "events/event_speakers.html",
        {**_base_context(request, event, "speakers"), "speakers": list(event.speakers.all())},
    )


@_domain_errors
def event_partners(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    return render(
        request,
        "events/event_partners.html",
        {
            **_base_context(request, event, "partners"),
            "partner_tiers": selectors.partners_by_tier(event=event),
        },
    )


@login_required
@require_POST
@_domain_errors
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("events:home", slug=event.slug)
    try:
        registration = services.event_register(
            event=event,
            user=request.user,
            badge_name=form.cleaned_data["badge_name"],
            organisation=form.cleaned_data["organisation"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("events:home", slug=event.slug)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(request, _("You are registered. Your ticket is on its way by e-mail."))
        return redirect("events:ticket", slug=event.slug, token=registration.token)
    messages.info(request, _("The event is full: you are on the waiting list."))
    return redirect("events:home", slug=event.slug)


@login_required
@require_POST
@_domain_errors
def event_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    try:
        services.registration_cancel(event=event, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:home", slug=event.slug)


@_domain_errors
def ticket_page(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    registration = selectors.ticket_get(token=token)
    event = registration.event
    if event.slug != slug:
        return render(request, "error.html", {"message": _("There is no such ticket.")}, status=404)
    is_staff = selectors.event_staff_is(event=event, user=request.user)
    is_owner = request.user.is_authenticated and registration.user_id == request.user.pk
    error = ""
    status = 200
    if request.method == "POST":
        if not is_staff:
            return render(
                request,
                "error.html",
                {"message": _("Only the event's door staff may check tickets in.")},
                status=403,
            )
        try:
            registration = services.ticket_check_in(registration=registration, actor=request.user)
        except DomainError as failure:
            error, status = failure.message, failure.status
            registration = selectors.ticket_get(token=token)
        else:
            messages.success(
                request, _("%(name)s is checked in.") % {"name": registration.badge_name}
            )
            return redirect("events:ticket", slug=event.slug, token=token)
    return render(
        request,
        "events/ticket.html",
        {
            **_base_context(request, event, "ticket"),
            "registration": registration,
            "is_staff": is_staff,
            "is_owner": is_owner,
            "error": error,
            "ticket_qr": qr_svg(site_link(ticket_path(slug=event.slug, token=token)))
            if is_owner
            else "",
        },
        status=status,
    )


@login_required
@_domain_errors
def check_in_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    if not selectors.event_staff_is(event=event, user=request.user):
        return render(
            request,
            "error.html",
            {"message": _("Only the event's door staff may check tickets in.")},
            status=403,
        )
    form = TicketCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("events:ticket", slug=event.slug, token=form.cleaned_data["code"])
    return render(
        request,
        "events/check_in.html",
        {**_base_context(request, event, "check-in"), "form": _styled(form)},
    )


@_domain_errors
def event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    response = HttpResponse(event_ics(event=event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@_domain_errors
def programme_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event(request, slug)
    response = HttpResponse(
        programme_ics(event=event, sessions=event.sessions.all()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-programme.ics"'
    return response


def feed_page(request: HttpRequest) -> HttpResponse:
    return render(request, "events/feed.html", {"feed": selectors.feed_list(limit=50)})


def feed_partial(request: HttpRequest) -> HttpResponse:
    return render(request, "events/_feed.html", {"feed": selectors.feed_list(limit=10)})


def contact_page(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("event", "")
    event = selectors.event_get_published_or_none(slug=slug) if slug else None
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_message_send(event=event, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Thank you: your message was sent. We will answer by e-mail.")
            )
            if event is not None:
                return redirect("events:home", slug=event.slug)
            return redirect("events:contact")
    return render(
        request,
        "events/contact.html",
        {"form": _styled(form), "event": event},
        status=422 if form.errors else 200,
    )
