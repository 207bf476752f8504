"""Notification pages: my notices (open, mark read), the live nav badge, my preferences."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from heyi.core.errors import DomainError
from heyi.notifications import selectors, services
from heyi.notifications.forms import PreferenceForm
from heyi.notifications.models import KIND_GROUPS, Notification

PAGE_SIZE = 20


def _is_partial(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """Back to the list page the person came from (same page number and filter)."""
    source = QueryDict(request.POST.get("return_query", ""))
    kept = {key: source[key] for key in ("unread", "page") if source.get(key)}
    url = reverse("notifications:list")
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    notices = selectors.notification_list_for_user(
        user=request.user, unread=True if unread_only else None
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "return_query": request.GET.urlencode()},
    )


@login_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The badge alone, which every page fetches every 30 seconds to stay current."""
    return render(
        request,
        "notifications/_badge.html",
        {"count": selectors.notification_unread_count(user=request.user)},
    )


def _mark_read(request: HttpRequest, uid: uuid.UUID) -> Notification | HttpResponse:
    """Mark the person's own notice read, or the error page (404) for anybody else's."""
    try:
        notification = selectors.notification_get_for_user(uid=uid, user=request.user)
        return services.notification_mark_read(notification=notification, user=request.user)
    except DomainError as error:
        return _error_page(request, error)


@login_required
@require_GET
def notification_open(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Follow a notice to its page, marking it read on the way."""
    notification = _mark_read(request, uid)
    if isinstance(notification, HttpResponse):
        return notification
    # The link was checked to be a path on this site when the notice was sent; check again.
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    notification = _mark_read(request, uid)
    if isinstance(notification, HttpResponse):
        return notification
    if _is_partial(request):
        return render(
            request,
            "notifications/_item.html",
            {"notification": notification, "return_query": request.POST.get("return_query", "")},
        )
    return _back_to_list(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notice marked read.", "%(count)d notices marked read.", count)
        % {"count": count},
    )
    return _back_to_list(request)


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.notification_preference_update(
                    user=request.user,
                    email_enabled=form.cleaned_data["email_enabled"],
                    email_muted_groups=form.muted_groups(),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your notice preferences are saved."))
                return redirect("notifications:preferences")
    else:
        preference = selectors.notification_preference_get(user=request.user)
        form = PreferenceForm(
            initial={
                "email_enabled": preference.email_enabled,
                "email_groups": [
                    group for group in KIND_GROUPS if group not in preference.email_muted_groups
                ],
            }
        )
    return render(request, "notifications/preferences.html", {"form": form})
