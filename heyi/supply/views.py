"""Supply pages: the catalogue, an item, a venture's catalogue, BOMs, RFQs and contracts."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.contention.selectors import tender_get_by_uid
from heyi.core.errors import DomainError
from heyi.demands.selectors import demand_get
from heyi.designs.selectors import proposal_get, version_get, version_list
from heyi.supply import selectors, services
from heyi.supply.forms import BomLineForm, CatalogueFilterForm, CatalogueItemForm, RfqForm
from heyi.supply.models import CatalogueItem, ItemStatus
from heyi.ventures.selectors import venture_get

PAGE_SIZE = 30


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _item_initial(item: CatalogueItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "kind": item.kind,
        "category": item.category.slug,
        "unit_price": item.unit_price,
        "lead_time_days": item.lead_time_days,
        "capacity_per_week": item.capacity_per_week,
        "certification": item.certification,
        "certification_valid_until": item.certification_valid_until,
        "description": item.description,
    }


# --- the catalogue ----------------------------------------------------------------------------


def catalogue_list(request: HttpRequest) -> HttpResponse:
    """The public catalogue with its search and filters."""
    form = CatalogueFilterForm(request.GET)
    filters = form.filters()
    items = selectors.catalogue_item_list(
        search=filters["q"],
        kind=filters["kind"],
        category=filters["category"],
        supplier=filters["supplier"],
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "supply/catalogue_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "supplier": filters["supplier"],
            "mine": selectors.venture_list_for_user_by_kind(user=request.user),
        },
    )


def catalogue_item_detail(request: HttpRequest, number: int) -> HttpResponse:
    try:
        item = selectors.catalogue_item_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    return _item_page(request, item)


def _item_page(
    request: HttpRequest, item: CatalogueItem, form: CatalogueItemForm | None = None
) -> HttpResponse:
    manages = selectors.user_acts_for_venture(venture=item.supplier, user=request.user)
    if manages and form is None and item.status == ItemStatus.ACTIVE:
        form = CatalogueItemForm(initial=_item_initial(item))
    return render(
        request,
        "supply/item_detail.html",
        {"item": item, "manages": manages, "form": form},
        status=422 if form is not None and form.is_bound else 200,
    )


@login_required
@require_POST
def catalogue_item_edit(request: HttpRequest, number: int) -> HttpResponse:
    try:
        item = selectors.catalogue_item_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    form = CatalogueItemForm(request.POST)
    if form.is_valid():
        try:
            services.catalogue_item_update(item=item, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            if error.status == 403:
                return _error_page(request, error)
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The item is updated."))
            return redirect("supply:item", item.number)
    return _item_page(request, item, form)


@login_required
@require_POST
def catalogue_item_retire(request: HttpRequest, number: int) -> HttpResponse:
    try:
        item = services.catalogue_item_retire(
            item=selectors.catalogue_item_get(number=number), actor=request.user
        )
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, _("C%(number)d is retired.") % {"number": item.number})
    return redirect("supply:venture_catalogue", item.supplier.slug)


@login_required
def venture_catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    """A supplier's members manage its catalogue: every item, and a form for a new one."""
    try:
        venture = venture_get(slug=slug)
        items = list(selectors.catalogue_item_list_for_venture(venture=venture, user=request.user))
    except DomainError as error:
        return _error_page(request, error)
    form = CatalogueItemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = services.catalogue_item_create(
                    supplier=venture, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                if error.status == 403:
                    return _error_page(request, error)
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("C%(number)d is in the catalogue.") % {"number": item.number}
                )
                return redirect("supply:venture_catalogue", venture.slug)
        status = 422
    return render(
        request,
        "supply/venture_catalogue.html",
        {
            "venture": venture,
            "items": items,
            "form": form,
            "manages": selectors.user_acts_for_venture(venture=venture, user=request.user),
        },
        status=status,
    )


# --- bills of materials -----------------------------------------------------------------------


def proposal_bom(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """A design version's bill of materials; its author (or venture) edits it here."""
    try:
        proposal = proposal_get(uid=uid)
        number = request.GET.get("version")
        version = version_get(
            proposal=proposal, number=int(number) if number and number.isdigit() else None
        )
    except DomainError as error:
        return _error_page(request, error)
    edits = selectors.user_edits_bom(proposal=proposal, user=request.user)
    form = BomLineForm(request.POST or None, version=version) if edits else None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form is None:
            return render(
                request,
                "error.html",
                {"message": _("Only the proposal's author or its venture's members may do this.")},
                status=403,
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.bom_line_add(
                    version=version,
                    actor=request.user,
                    item=selectors.catalogue_item_get(number=data["item"]),
                    quantity_per_unit=data["quantity_per_unit"],
                    module=selectors.module_find(version=version, name=data["module"]),
                    note=data["note"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The line is added."))
                return _bom_redirect(proposal_uid=proposal.uid, version=version.number)
        status = 422
    return render(
        request,
        "supply/proposal_bom.html",
        {
            "proposal": proposal,
            "version": version,
            "versions": version_list(proposal=proposal),
            "lines": selectors.bom_line_list(version=version),
            "edits": edits,
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def bom_line_remove(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        line = selectors.bom_line_get(uid=uid)
        services.bom_line_remove(line=line, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, _("The line is removed."))
    return _bom_redirect(proposal_uid=line.version.proposal.uid, version=line.version.number)


def _bom_redirect(*, proposal_uid: uuid.UUID, version: int) -> HttpResponse:
    url = reverse("supply:proposal_bom", args=[proposal_uid])
    return redirect(f"{url}?version={version}")


def demand_bom(request: HttpRequest, number: int) -> HttpResponse:
    """The chosen design's BOM: what production winners ask suppliers to quote for."""
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    return _demand_bom_page(request, demand)


def _demand_bom_page(
    request: HttpRequest, demand: Any, form: RfqForm | None = None, status: int = 200
) -> HttpResponse:
    bom = selectors.bom_for_demand(demand=demand)
    awards = selectors.production_award_list_for_user(demand=demand, user=request.user)
    return render(
        request,
        "supply/demand_bom.html",
        {
            "demand": demand,
            "bom": bom,
            "awards": awards,
            "form": form,
            "edits": bom.selection is not None
            and selectors.user_edits_bom(proposal=bom.selection.proposal, user=request.user),
            "rfqs": selectors.rfq_list_for_demand(demand=demand),
        },
        status=status,
    )


@login_required
@require_POST
def rfq_open(request: HttpRequest, number: int) -> HttpResponse:
    try:
        demand = demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    awards = selectors.production_award_list_for_user(demand=demand, user=request.user)
    if not awards:
        return render(
            request,
            "error.html",
            {"message": _("Only members of a venture that won this production open RFQs.")},
            status=403,
        )
    form = RfqForm(request.POST, awards=awards)
    if form.is_valid():
        data = form.cleaned_data
        award = next(a for a in awards if a.venture.slug == data["venture"])
        try:
            rfq = services.rfq_open(
                production_tender=award.tender,
                venture=award.venture,
                bom_line=selectors.bom_line_get(uid=data["bom_line"]),
                actor=request.user,
                needed_by=data["needed_by"],
            )
        except DomainError as error:
            messages.error(request, error.message)
            return _demand_bom_page(request, demand, form, status=error.status)
        messages.success(
            request, _("RFQ%(number)d is open for quotations.") % {"number": rfq.number}
        )
        return redirect("supply:rfq", rfq.number)
    messages.error(request, _("Choose your venture and the date the parts are needed by."))
    return _demand_bom_page(request, demand, form, status=422)


# --- RFQs and contracts -----------------------------------------------------------------------


def rfq_detail(request: HttpRequest, number: int) -> HttpResponse:
    try:
        rfq = selectors.rfq_get(number=number)
        tender = tender_get_by_uid(uid=rfq.tender_uid)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "supply/rfq_detail.html",
        {"rfq": rfq, "tender": tender, "contracts": selectors.contract_list_for_rfq(rfq=rfq)},
    )


@login_required
def venture_rfqs(request: HttpRequest, slug: str) -> HttpResponse:
    """The RFQs a venture opened as buyer, and the productions where it may open more."""
    try:
        venture = venture_get(slug=slug)
        rfqs = list(selectors.rfq_list_for_venture(venture=venture, user=request.user))
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "supply/venture_rfqs.html",
        {
            "venture": venture,
            "rfqs": rfqs,
            "demands": selectors.production_demand_list_for_venture(venture=venture),
        },
    )


@login_required
def venture_contracts(request: HttpRequest, slug: str) -> HttpResponse:
    """The supply contracts a supplier venture won."""
    try:
        venture = venture_get(slug=slug)
        contracts = list(selectors.contract_list_for_venture(venture=venture, user=request.user))
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request, "supply/venture_contracts.html", {"venture": venture, "contracts": contracts}
    )
