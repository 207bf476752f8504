"""Pages of the daily order contention: the runs with their published rule, one run's table,
and a venture's standing bids."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.accounts.selectors import user_is_operator
from heyi.contention.daily_selectors import (
    daily_run_get,
    daily_run_list,
    daily_run_table,
    standing_bid_list_for_venture,
)
from heyi.contention.daily_services import daily_rule, standing_bid_pause, standing_bid_set
from heyi.contention.forms import StandingBidForm
from heyi.core.errors import DomainError
from heyi.products.selectors import product_get, product_list
from heyi.ventures.selectors import venture_get

PAGE_SIZE = 20


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def daily_run_list_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(daily_run_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contention/daily_run_list.html",
        {
            "page": page,
            "rule": daily_rule(),
            "daily_hour": settings.HEYI_DAILY_CONTENTION_HOUR,
            "is_operator": user_is_operator(request.user),
        },
    )


def daily_run_detail_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        run = daily_run_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "contention/daily_run_detail.html",
        {"run": run, "table": daily_run_table(run=run)},
    )


@login_required
def standing_bids_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A venture's standing bids: every product on sale, with its bid and a form to change it."""
    try:
        venture = venture_get(slug=slug)
        bids = {
            bid.product_id: bid
            for bid in standing_bid_list_for_venture(venture=venture, viewer=request.user)
        }
    except DomainError as error:
        return _error_page(request, error)
    rows = [
        (
            product,
            bids.get(product.pk),
            StandingBidForm(
                initial={
                    "unit_price": bids[product.pk].unit_price,
                    "lead_time_days": bids[product.pk].lead_time_days,
                }
                if product.pk in bids
                else None,
                prefix=product.slug,
            ),
        )
        for product in product_list()
    ]
    return render(
        request,
        "contention/standing_bids.html",
        {"venture": venture, "rows": rows, "rule": daily_rule()},
    )


@login_required
@require_POST
def standing_bid_save(request: HttpRequest, slug: str, product: str) -> HttpResponse:
    try:
        venture = venture_get(slug=slug)
        item = product_get(slug=product)
    except DomainError as error:
        return _error_page(request, error)
    try:
        if request.POST.get("action") == "pause":
            standing_bid_pause(venture=venture, product=item, actor=request.user)
            messages.success(
                request, _("Your bid on %(product)s is paused.") % {"product": item.name}
            )
        else:
            form = StandingBidForm(request.POST, prefix=item.slug)
            if not form.is_valid():
                errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
                messages.error(request, errors)
                return redirect("contention:standing_bids", venture.slug)
            standing_bid_set(
                venture=venture,
                product=item,
                actor=request.user,
                unit_price=form.cleaned_data["unit_price"],
                lead_time_days=form.cleaned_data["lead_time_days"],
            )
            messages.success(
                request, _("Your bid on %(product)s is saved.") % {"product": item.name}
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("contention:standing_bids", venture.slug)
