"""Pages for ventures: browse, found, describe, invite, ask to join, decide, leave."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.accounts.models import User
from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import DomainError
from heyi.ventures import selectors, services
from heyi.ventures.forms import (
    InvitationForm,
    JoinRequestForm,
    VentureEditForm,
    VentureFilterForm,
    VentureForm,
    VentureStatusForm,
)
from heyi.ventures.models import Venture

PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def venture_list(request: HttpRequest) -> HttpResponse:
    form = VentureFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    ventures = selectors.venture_list(**filters)
    page = Paginator(ventures, PAGE_SIZE).get_page(request.GET.get("page"))
    # The filters, without the page number, for the pagination links.
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "ventures/list.html",
        {
            "form": form,
            "page": page,
            "is_filtered": any(filters.values()),
            "query": query.urlencode(),
        },
    )


@login_required
def venture_create(request: HttpRequest) -> HttpResponse:
    form = VentureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            venture = services.venture_create(actor=_user(request), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("%(venture)s is founded. Welcome, founder.") % {"venture": venture.name}
            )
            return redirect("ventures:detail", slug=venture.slug)
    return render(request, "ventures/form.html", {"form": form, "venture": None})


def venture_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = selectors.venture_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    user = request.user
    is_member = selectors.membership_is_active(venture=venture, user=user)
    is_operator = user_is_operator(user)
    context = {
        "venture": venture,
        "members": selectors.member_list(venture=venture),
        "is_member": is_member,
        "can_set_status": is_member or is_operator,
        "status_form": VentureStatusForm(initial={"status": venture.status}),
        "pending_invitation": selectors.invitation_pending_for(venture=venture, user=user),
        "pending_request": selectors.join_request_pending_for(venture=venture, user=user),
        "pending_request_count": (
            selectors.join_request_list_for_venture(venture=venture, actor=user).count()
            if is_member
            else 0
        ),
    }
    return render(request, "ventures/detail.html", context)


@login_required
def venture_edit(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = selectors.venture_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    if not selectors.membership_is_active(venture=venture, user=request.user):
        return render(
            request,
            "error.html",
            {"message": _("Only the venture's members may change its description.")},
            status=403,
        )
    if request.method == "POST":
        form = VentureEditForm(request.POST)
        if form.is_valid():
            try:
                services.venture_update(venture=venture, actor=_user(request), **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The description is saved."))
                return redirect("ventures:detail", slug=venture.slug)
    else:
        form = VentureEditForm(
            initial={
                "mission": venture.mission,
                "city": venture.city,
                "categories": [c.slug for c in venture.categories.all()],
                "capacity_per_day": venture.capacity_per_day,
            }
        )
    return render(request, "ventures/form.html", {"form": form, "venture": venture})


@login_required
@require_POST
def venture_status_change(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = selectors.venture_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    form = VentureStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses."))
        return redirect("ventures:detail", slug=venture.slug)
    try:
        venture = services.venture_status_change(
            venture=venture, actor=_user(request), status=form.cleaned_data["status"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(venture)s is now %(status)s.")
            % {"venture": venture.name, "status": venture.get_status_display()},
        )
    return redirect("ventures:detail", slug=venture.slug)


@login_required
def venture_invite(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = selectors.venture_get(slug=slug)
        # Members only: this also guards the list of the venture's invitations.
        invitations = list(
            selectors.invitation_list_for_venture(venture=venture, actor=request.user)
        )
    except DomainError as error:
        return _error_page(request, error)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(
                venture=venture,
                actor=_user(request),
                message=form.cleaned_data["message"],
                **form.cleaned_data["person"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(person)s is invited.") % {"person": invitation.invitee.name},
            )
            return redirect("ventures:invite", slug=venture.slug)
    return render(
        request,
        "ventures/invite.html",
        {"venture": venture, "form": form, "invitations": invitations},
    )


@login_required
def venture_join(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = selectors.venture_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_send(
                venture=venture, actor=_user(request), message=form.cleaned_data["message"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your request is sent. The members of %(venture)s will decide.")
                % {"venture": venture.name},
            )
            return redirect("ventures:detail", slug=venture.slug)
    return render(request, "ventures/join.html", {"venture": venture, "form": form})


@login_required
def venture_requests(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = selectors.venture_get(slug=slug)
        join_requests = list(
            selectors.join_request_list_for_venture(venture=venture, actor=request.user)
        )
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request, "ventures/requests.html", {"venture": venture, "join_requests": join_requests}
    )


@login_required
def venture_leave(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = selectors.venture_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    error_message = ""
    if request.method == "POST":
        try:
            services.membership_leave(venture=venture, actor=_user(request))
        except DomainError as error:
            error_message = error.message
        else:
            messages.success(request, _("You have left %(venture)s.") % {"venture": venture.name})
            return redirect("ventures:detail", slug=venture.slug)
    is_member = selectors.membership_is_active(venture=venture, user=request.user)
    return render(
        request,
        "ventures/leave.html",
        {"venture": venture, "is_member": is_member, "error_message": error_message},
        status=409 if error_message else 200,
    )


@login_required
def invitation_inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "ventures/inbox.html",
        {
            "invitations": selectors.invitation_list_for_user(user=user),
            "join_requests": selectors.join_request_list_for_user(user=user),
            "ventures": selectors.venture_list_for_user(user=user),
        },
    )


def _on_invitation(
    request: HttpRequest, *, uid: uuid.UUID, decide: Callable[..., object], success: str
) -> tuple[Venture | None, bool]:
    """Run one decision on an invitation and say how it went; give its venture and success."""
    try:
        invitation = selectors.invitation_get(uid=uid)
    except DomainError as error:
        messages.error(request, error.message)
        return None, False
    try:
        decide(invitation=invitation, actor=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
        return invitation.venture, False
    messages.success(request, success % {"venture": invitation.venture.name})
    return invitation.venture, True


def _on_join_request(
    request: HttpRequest, *, uid: uuid.UUID, decide: Callable[..., object], success: str
) -> tuple[Venture | None, bool]:
    """Run one decision on a join request and say how it went; give its venture and success."""
    try:
        join_request = selectors.join_request_get(uid=uid)
    except DomainError as error:
        messages.error(request, error.message)
        return None, False
    try:
        decide(join_request=join_request, actor=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
        return join_request.venture, False
    messages.success(request, success % {"venture": join_request.venture.name})
    return join_request.venture, True


@login_required
@require_POST
def invitation_accept(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    venture, done = _on_invitation(
        request,
        uid=uid,
        decide=services.invitation_accept,
        success=_("Welcome to %(venture)s: you are a member now."),
    )
    if done and venture is not None:
        return redirect("ventures:detail", slug=venture.slug)
    return redirect("ventures:inbox")


@login_required
@require_POST
def invitation_decline(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    _on_invitation(
        request,
        uid=uid,
        decide=services.invitation_decline,
        success=_("You declined the invitation to %(venture)s."),
    )
    return redirect("ventures:inbox")


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    venture, done = _on_invitation(
        request,
        uid=uid,
        decide=services.invitation_withdraw,
        success=_("The invitation to %(venture)s is withdrawn."),
    )
    if done and venture is not None:
        return redirect("ventures:invite", slug=venture.slug)
    if venture is not None:
        return redirect("ventures:detail", slug=venture.slug)
    return redirect("ventures:list")


@login_required
@require_POST
def join_request_approve(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    venture, done = _on_join_request(
        request,
        uid=uid,
        decide=services.join_request_approve,
        success=_("The request is approved: a new member joins %(venture)s."),
    )
    return _after_decision(venture, done)


@login_required
@require_POST
def join_request_reject(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    venture, done = _on_join_request(
        request,
        uid=uid,
        decide=services.join_request_reject,
        success=_("The request to join %(venture)s is turned down."),
    )
    return _after_decision(venture, done)


def _after_decision(venture: Venture | None, done: bool) -> HttpResponse:
    if venture is None:
        return redirect("ventures:list")
    # A member goes back to the queue; anyone refused goes to the public page.
    return redirect("ventures:requests" if done else "ventures:detail", slug=venture.slug)


@login_required
@require_POST
def join_request_withdraw(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    _on_join_request(
        request,
        uid=uid,
        decide=services.join_request_withdraw,
        success=_("Your request to join %(venture)s is withdrawn."),
    )
    return redirect("ventures:inbox")
