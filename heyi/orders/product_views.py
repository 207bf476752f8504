"""Pages of standard products: the shop window, a product with its order form, and placing it.

They live in orders (not products) because ordering is what they are for, and the page shows
how many makers stand ready (contention), which the products layer may not know.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.contention.daily_selectors import daily_run_list, standing_bid_counts
from heyi.contention.models import DailyRunTrigger
from heyi.core.errors import DomainError, PermissionDenied
from heyi.orders import fulfilment, standard_services
from heyi.orders.forms import StandardOrderForm
from heyi.orders.models import Fulfilment
from heyi.products.models import Product
from heyi.products.selectors import product_get, product_list


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def product_list_page(request: HttpRequest) -> HttpResponse:
    products = list(product_list())
    counts = standing_bid_counts(products=products)
    return render(
        request,
        "orders/product_list.html",
        {
            "products": [(product, counts.get(product.pk, 0)) for product in products],
            "daily_hour": settings.HEYI_DAILY_CONTENTION_HOUR,
        },
    )


def _product_page(
    request: HttpRequest,
    product: Product,
    form: StandardOrderForm,
    *,
    status: int = 200,
    promise: fulfilment.Promise | None = None,
    checked: bool = False,
) -> HttpResponse:
    return render(
        request,
        "orders/product_detail.html",
        {
            "product": product,
            "form": form,
            "makers": standing_bid_counts(products=[product]).get(product.pk, 0),
            "last_run": daily_run_list().first(),
            "daily_hour": settings.HEYI_DAILY_CONTENTION_HOUR,
            "promise": promise,
            "checked": checked,
        },
        status=status,
    )


def _delivery_check(request: HttpRequest, product: Product) -> HttpResponse:
    """The promised delivery for the entered point, before ordering; the form stays filled in."""
    form = StandardOrderForm(request.POST)
    if not form.is_valid():
        return _product_page(request, product, form, status=422)
    try:
        promise = fulfilment.quote(
            product=product,
            quantity=form.cleaned_data["quantity"],
            latitude=form.cleaned_data["latitude"],
            longitude=form.cleaned_data["longitude"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _product_page(request, product, form, status=422)
    return _product_page(request, product, form, promise=promise, checked=True)


def product_detail_page(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the product and its order form. POST `action=check`: the promised delivery for the
    entered point (anybody). POST otherwise: place the order (signed in)."""
    try:
        product = product_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    if request.method != "POST":
        return _product_page(request, product, StandardOrderForm())
    if request.POST.get("action") == "check":
        return _delivery_check(request, product)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = StandardOrderForm(request.POST)
    if form.is_valid():
        try:
            order = standard_services.standard_order_place(
                product=product,
                user=request.user,
                quantity=form.cleaned_data["quantity"],
                address=form.cleaned_data["address"],
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Order O%(number)d is placed. Pay for it to enter the daily order contention.")
                % {"number": order.number}
                if order.fulfilment != Fulfilment.STOCK
                else _("Order O%(number)d is placed, from stock. Pay for it and it is confirmed.")
                % {"number": order.number},
            )
            return redirect("orders:order_detail", order.number)
    return _product_page(request, product, form, status=422)


@login_required
@require_POST
def daily_run_now(request: HttpRequest) -> HttpResponse:
    """An operator runs the daily order contention at once (the service checks who may)."""
    try:
        run = standard_services.daily_contention_run(
            trigger=DailyRunTrigger.OPERATOR, actor=request.user
        )
    except PermissionDenied as error:
        return _error_page(request, error)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("contention:daily_run_list")
    messages.success(
        request,
        _("Run D%(number)d allocated %(allocated)d of %(orders)d orders.")
        % {"number": run.number, "allocated": run.allocated_count, "orders": run.order_count},
    )
    return redirect("contention:daily_run_detail", run.number)
