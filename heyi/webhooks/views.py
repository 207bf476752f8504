"""Pages of webhooks under /developers/apps/<app>/webhooks/: endpoints, their secret, the
delivery log with replays, and a test event. The app's owner acts; operators only look;
everyone else is told the app does not exist."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.core.errors import DomainError, NotFound
from heyi.developers.models import DeveloperApp
from heyi.webhooks import selectors, services
from heyi.webhooks.forms import EndpointForm
from heyi.webhooks.models import DeliveryStatus, EventType, WebhookEndpoint
from heyi.webhooks.sender import body_encode
from heyi.webhooks.thresholds import thresholds_to_text


def _app(request: HttpRequest, app_uid: uuid.UUID, *, manage: bool = False) -> DeveloperApp:
    try:
        return selectors.app_get_for_user(app_uid=app_uid, user=request.user, manage=manage)
    except NotFound as error:
        raise Http404(error.message) from error


def _endpoint(
    request: HttpRequest, app_uid: uuid.UUID, endpoint_uid: uuid.UUID, *, manage: bool = False
) -> WebhookEndpoint:
    app = _app(request, app_uid, manage=manage)
    try:
        return selectors.endpoint_get(app=app, endpoint_uid=endpoint_uid)
    except NotFound as error:
        raise Http404(error.message) from error


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _private(response: HttpResponse) -> HttpResponse:
    # The pages show signing secrets and payloads: no cache may keep them.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def endpoint_list(request: HttpRequest, app_uid: uuid.UUID) -> HttpResponse:
    """The app's endpoints, and (for its owner) the form that adds one."""
    app = _app(request, app_uid, manage=request.method == "POST")
    is_owner = selectors.app_can_manage(app=app, user=request.user)
    form = EndpointForm(request.POST or None) if is_owner else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                app=app,
                actor=request.user,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                thresholds=form.cleaned_data["thresholds"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Endpoint added. Its signing secret is on this page: keep it safe.")
            )
            return redirect("webhooks:endpoint_detail", app_uid=app.uid, endpoint_uid=endpoint.uid)
    endpoints = selectors.endpoint_list_for_app(app=app)
    return render(
        request,
        "webhooks/endpoint_list.html",
        {
            "app": app,
            "endpoints": endpoints,
            "form": form,
            "is_owner": is_owner,
            "event_labels": dict(EventType.choices),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def endpoint_detail(
    request: HttpRequest, app_uid: uuid.UUID, endpoint_uid: uuid.UUID
) -> HttpResponse:
    """One endpoint: its secret (owner only), its actions, and its deliveries, newest first."""
    endpoint = _endpoint(request, app_uid, endpoint_uid)
    status = request.GET.get("status", "")
    if status not in DeliveryStatus.values:
        status = ""
    deliveries = selectors.delivery_list_for_endpoint(endpoint=endpoint, status=status, limit=100)
    return _private(
        render(
            request,
            "webhooks/endpoint_detail.html",
            {
                "app": endpoint.app,
                "endpoint": endpoint,
                "is_owner": selectors.app_can_manage(app=endpoint.app, user=request.user),
                "thresholds_text": thresholds_to_text(endpoint.thresholds),
                "deliveries": deliveries,
                "status": status,
                "statuses": DeliveryStatus.choices,
            },
        )
    )


def _endpoint_action(request: HttpRequest, app_uid: uuid.UUID, endpoint_uid: uuid.UUID) -> Any:
    return _endpoint(request, app_uid, endpoint_uid, manage=True)


@login_required
@require_POST
def endpoint_rotate(
    request: HttpRequest, app_uid: uuid.UUID, endpoint_uid: uuid.UUID
) -> HttpResponse:
    endpoint = _endpoint_action(request, app_uid, endpoint_uid)
    services.endpoint_secret_rotate(endpoint=endpoint, actor=request.user)
    messages.success(
        request, _("New signing secret. The previous one also signs for the next 24 hours.")
    )
    return redirect("webhooks:endpoint_detail", app_uid=app_uid, endpoint_uid=endpoint_uid)


@login_required
@require_POST
def endpoint_toggle(
    request: HttpRequest, app_uid: uuid.UUID, endpoint_uid: uuid.UUID
) -> HttpResponse:
    endpoint = _endpoint_action(request, app_uid, endpoint_uid)
    services.endpoint_set_active(
        endpoint=endpoint, actor=request.user, is_active=not endpoint.is_active
    )
    if endpoint.is_active:
        messages.success(request, _("Endpoint enabled."))
    else:
        messages.success(request, _("Endpoint disabled: nothing is sent to it any more."))
    return redirect("webhooks:endpoint_detail", app_uid=app_uid, endpoint_uid=endpoint_uid)


@login_required
@require_POST
def endpoint_delete(
    request: HttpRequest, app_uid: uuid.UUID, endpoint_uid: uuid.UUID
) -> HttpResponse:
    endpoint = _endpoint_action(request, app_uid, endpoint_uid)
    services.endpoint_delete(endpoint=endpoint, actor=request.user)
    messages.success(request, _("Endpoint removed."))
    return redirect("webhooks:endpoint_list", app_uid=app_uid)


@login_required
@require_POST
def endpoint_test(
    request: HttpRequest, app_uid: uuid.UUID, endpoint_uid: uuid.UUID
) -> HttpResponse:
    """Send a `webhook.test` event now (through the normal delivery path)."""
    endpoint = _endpoint_action(request, app_uid, endpoint_uid)
    try:
        delivery = services.delivery_test_send(endpoint=endpoint, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, _("Test event queued."))
    return redirect("webhooks:delivery_detail", app_uid=app_uid, delivery_uid=delivery.uid)


def _delivery(
    request: HttpRequest, app_uid: uuid.UUID, delivery_uid: uuid.UUID, *, manage: bool = False
) -> Any:
    app = _app(request, app_uid, manage=manage)
    try:
        delivery = selectors.delivery_get_for_user(
            delivery_uid=delivery_uid, user=request.user, manage=manage
        )
    except NotFound as error:
        raise Http404(error.message) from error
    if delivery.endpoint.app_id != app.pk:
        raise Http404(_("No such delivery."))
    return delivery


@login_required
def delivery_detail(
    request: HttpRequest, app_uid: uuid.UUID, delivery_uid: uuid.UUID
) -> HttpResponse:
    """A delivery: the body as sent, the signed headers of each attempt, and the answers."""
    delivery = _delivery(request, app_uid, delivery_uid)
    attempts = list(selectors.attempt_list(delivery=delivery))
    return _private(
        render(
            request,
            "webhooks/delivery_detail.html",
            {
                "app": delivery.endpoint.app,
                "endpoint": delivery.endpoint,
                "delivery": delivery,
                "body": body_encode(delivery.payload),
                "attempts": attempts,
                "is_owner": selectors.app_can_manage(app=delivery.endpoint.app, user=request.user),
            },
        )
    )


@login_required
@require_POST
def delivery_replay(
    request: HttpRequest, app_uid: uuid.UUID, delivery_uid: uuid.UUID
) -> HttpResponse:
    """Send the delivery again now, as a new attempt with the same webhook-id."""
    delivery = _delivery(request, app_uid, delivery_uid, manage=True)
    try:
        attempt = services.delivery_replay(delivery=delivery, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    if attempt.succeeded:
        messages.success(
            request, _("Sent again: answered %(code)s.") % {"code": attempt.status_code}
        )
    else:
        messages.warning(
            request,
            _("Sent again, but it failed: %(why)s.")
            % {"why": attempt.status_code or attempt.error},
        )
    return redirect("webhooks:delivery_detail", app_uid=app_uid, delivery_uid=delivery_uid)
