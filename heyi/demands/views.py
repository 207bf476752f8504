"""Pages for demands: browse and search, raise, read, edit, follow, support, comment, decline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.core.errors import DomainError, InvalidInput
from heyi.demands.forms import (
    CommentForm,
    DeclineForm,
    DemandEditForm,
    DemandFilterForm,
    DemandForm,
    SupportForm,
)
from heyi.demands.models import Demand
from heyi.demands.selectors import (
    comment_thread_list,
    demand_can_edit,
    demand_get,
    demand_list,
    demand_picture_list,
    demand_trace_list,
    demand_viewer_get,
    status_change_list,
)
from heyi.demands.services import (
    comment_post,
    demand_decline,
    demand_raise,
    demand_update,
    fan_add,
    fan_remove,
    support_add,
    support_withdraw,
)

PAGE_SIZE = 20


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _is_partial(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def demand_list_page(request: HttpRequest) -> HttpResponse:
    form = DemandFilterForm(request.GET)
    form.is_valid()  # fields that do not validate are simply left out of the filters
    filters: dict[str, Any] = form.cleaned_data
    search = filters.get("q") or ""
    sort = filters.get("sort") or ("relevance" if search else "newest")
    demands = demand_list(
        search=search or None,
        category=filters.get("category") or None,
        status=filters.get("status") or None,
        tag=filters.get("tag") or None,
        sort=sort,
    )
    page = Paginator(demands, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "demands/list.html",
        {
            "form": form,
            "page": page,
            "search": search,
            "is_filtered": any(filters.get(key) for key in ("q", "category", "status", "tag")),
        },
    )


@login_required
def demand_create_page(request: HttpRequest) -> HttpResponse:
    form = DemandForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                demand = demand_raise(
                    author=request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    category=form.cleaned_data["category"],
                    tags=form.cleaned_data["tags"],
                    pictures=form.cleaned_data["pictures"],
                    selection_mode=form.cleaned_data["selection_mode"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your demand is raised. Tell people about it!"))
                return redirect("demands:detail", number=demand.number)
        status = 422
    return render(request, "demands/form.html", {"form": form, "demand": None}, status=status)


def _detail_context(request: HttpRequest, demand: Demand, **forms: Any) -> dict[str, Any]:
    viewer = demand_viewer_get(demand=demand, user=request.user)
    return {
        "demand": demand,
        "viewer": viewer,
        "tags": sorted(tag.name for tag in demand.tags.all()),
        "pictures": demand_picture_list(demand=demand),
        "threads": comment_thread_list(demand=demand),
        "status_changes": status_change_list(demand=demand),
        "support_form": forms.get("support_form") or SupportForm(),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "decline_form": forms.get("decline_form") or DeclineForm(),
    }


def demand_detail_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    return render(request, "demands/detail.html", _detail_context(request, demand))


@login_required
def demand_edit_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    if request.method != "POST" and not demand_can_edit(demand=demand, user=request.user):
        return render(
            request,
            "error.html",
            {"message": _("Only the author may edit a demand, while it is open or in co-design.")},
            status=403,
        )
    pictures = list(demand_picture_list(demand=demand))
    initial = {
        "title": demand.title,
        "description": demand.description,
        "category": demand.category.slug,
        "tags": ", ".join(sorted(tag.name for tag in demand.tags.all())),
    }
    form = DemandEditForm(
        request.POST or None, request.FILES or None, initial=initial, pictures=pictures
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                demand_update(
                    demand=demand,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    category=form.cleaned_data["category"],
                    tags=form.cleaned_data["tags"],
                    pictures_add=form.cleaned_data["pictures"],
                    pictures_remove=form.cleaned_data["remove_pictures"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect("demands:detail", number=demand.number)
        else:
            status = 422
    return render(
        request,
        "demands/form.html",
        {"form": form, "demand": demand, "pictures": pictures},
        status=status,
    )


def _engagement_response(
    request: HttpRequest, demand: Demand, error: DomainError | None = None
) -> HttpResponse:
    """After a fan or support action: the engagement partial for scripts, else the page."""
    if _is_partial(request):
        demand.refresh_from_db(fields=["fan_count", "support_count", "comment_count"])
        return render(
            request,
            "demands/detail.html#engagement",
            {
                "demand": demand,
                "viewer": demand_viewer_get(demand=demand, user=request.user),
                "support_form": SupportForm(),
                "engagement_error": error.message if error is not None else "",
            },
            status=error.status if error is not None else 200,
        )
    if error is not None:
        messages.error(request, error.message)
    return redirect(reverse("demands:detail", args=[demand.number]) + "#engagement")


@login_required
@require_POST
def demand_fan_page(request: HttpRequest, number: int) -> HttpResponse:
    """`action=add` follows, `action=remove` stops following."""
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    try:
        if request.POST.get("action") == "remove":
            fan_remove(demand=demand, user=request.user)
        else:
            fan_add(demand=demand, user=request.user)
    except DomainError as error:
        return _engagement_response(request, demand, error)
    return _engagement_response(request, demand)


@login_required
@require_POST
def demand_support_page(request: HttpRequest, number: int) -> HttpResponse:
    """`action=add` supports with the optional note, `action=remove` withdraws."""
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    form = SupportForm(request.POST)
    try:
        if request.POST.get("action") == "remove":
            support_withdraw(demand=demand, user=request.user)
        elif form.is_valid():
            support_add(demand=demand, user=request.user, note=form.cleaned_data["note"])
        else:
            raise InvalidInput(_("The note is at most 500 characters."), code="too_long")
    except DomainError as error:
        return _engagement_response(request, demand, error)
    return _engagement_response(request, demand)


@login_required
@require_POST
def demand_comment_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    form = CommentForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            comment = comment_post(
                demand=demand,
                author=request.user,
                body=form.cleaned_data["body"],
                parent_uid=form.cleaned_data["parent"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            return redirect(
                reverse("demands:detail", args=[demand.number]) + f"#comment-{comment.uid}"
            )
    return render(
        request,
        "demands/detail.html",
        _detail_context(request, demand, comment_form=form),
        status=status,
    )


@login_required
@require_POST
def demand_decline_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    form = DeclineForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            demand_decline(demand=demand, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if error.status == 403:
                # The form is not on the page for this person: say it on its own.
                return _error_page(request, error)
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("The demand is declined; the reason is public."))
            return redirect("demands:detail", number=demand.number)
    return render(
        request,
        "demands/detail.html",
        _detail_context(request, demand, decline_form=form),
        status=status,
    )


def demand_trace_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "demands/trace.html",
        {"demand": demand, "entries": demand_trace_list(demand=demand)},
    )
