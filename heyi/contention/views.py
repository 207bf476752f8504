"""Pages of the contention engine: tender list and detail, bidding, close, award, verification."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.accounts.selectors import user_is_operator
from heyi.contention import award as award_module
from heyi.contention import scoring
from heyi.contention.forms import BidForm, BidWithdrawForm, TenderFilterForm
from heyi.contention.models import BidStatus, SubjectType, Tender
from heyi.contention.selectors import (
    bid_list_for_tender,
    tender_award_table,
    tender_get,
    tender_list,
    venture_ids_for_user,
    venture_list_eligible_for_user,
)
from heyi.contention.services import (
    bid_revise,
    bid_submit,
    bid_withdraw,
    tender_close,
    tender_publish,
    tender_verify,
)
from heyi.core.errors import DomainError
from heyi.ledger.share_selectors import share_rule_for_tender_view
from heyi.ventures.selectors import venture_get

PAGE_SIZE = 20


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _method_text(module: Any) -> str:
    """The published method: a module docstring without its first (summary) line."""
    doc = (module.__doc__ or "").strip()
    return doc.split("\n", 1)[1].strip() if "\n" in doc else doc


def tender_list_page(request: HttpRequest) -> HttpResponse:
    form = TenderFilterForm(request.GET)
    form.is_valid()  # fields that do not validate are simply left out of the filters
    filters: dict[str, Any] = form.cleaned_data
    tenders = tender_list(
        status=filters.get("status") or None,
        subject_type=filters.get("subject_type") or None,
        demand_uid=filters.get("demand") or None,
    )
    page = Paginator(tenders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "contention/tender_list.html",
        {
            "form": form,
            "page": page,
            "is_filtered": bool(
                filters.get("status") or filters.get("subject_type") or filters.get("demand")
            ),
        },
    )


def _detail_context(
    request: HttpRequest, tender: Tender, *, bid_form: BidForm | None = None
) -> dict[str, Any]:
    # While sealed this is only the viewer's own bids; after award it is every bid, so keep
    # the viewer's own for "your bid" and "your rank".
    mine = venture_ids_for_user(user=request.user)
    visible = [
        bid
        for bid in bid_list_for_tender(tender=tender, viewer=request.user)
        if bid.venture_id in mine
    ]
    table = tender_award_table(tender=tender)
    eligible = venture_list_eligible_for_user(tender=tender, user=request.user)
    active_by_venture = {bid.venture.slug: bid for bid in visible if bid.status == BidStatus.ACTIVE}
    if bid_form is None and eligible and tender.status == "open":
        bid_form = BidForm(ventures=eligible)
    rule = tender.rule
    return {
        "tender": tender,
        "criteria": rule["criteria"],
        "tie_break": [scoring.TIE_BREAK_KEYS[key] for key in rule["tie_break"]],
        "scoring_method": _method_text(scoring),
        "award_method": _method_text(award_module),
        "my_bids": visible,
        "active_by_venture": active_by_venture,
        "bid_form": bid_form,
        "table": table,
        "is_operator": user_is_operator(request.user),
        "withdraw_form": BidWithdrawForm(),
        # The value equation published with a production tender (ledger: the share rule).
        "share_rule": share_rule_for_tender_view(tender_uid=tender.uid)
        if tender.subject_type == SubjectType.DEMAND_PRODUCTION
        else None,
    }


def tender_detail_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        tender = tender_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    return render(request, "contention/tender_detail.html", _detail_context(request, tender))


@login_required
@require_POST
def bid_submit_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        tender = tender_get(number=number)
    except DomainError as error:
        return _error_page(request, error)
    eligible = venture_list_eligible_for_user(tender=tender, user=request.user)
    form = BidForm(request.POST, ventures=eligible)
    if form.is_valid():
        data = form.cleaned_data
        service = bid_revise if data["action"] == BidForm.ACTION_REVISE else bid_submit
        try:
            service(
                tender=tender,
                venture=venture_get(slug=data["venture"]),
                actor=request.user,
                unit_price=data["unit_price"],
                lead_time_days=data["lead_time_days"],
                capacity=data["capacity"],
                plan=data["plan"],
                bet_target=data["bet_target"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your sealed bid is recorded. Only your venture sees it."))
            return redirect("contention:tender_detail", number=tender.number)
    return render(
        request,
        "contention/tender_detail.html",
        _detail_context(request, tender, bid_form=form),
        status=422,
    )


@login_required
@require_POST
def bid_withdraw_page(request: HttpRequest, number: int) -> HttpResponse:
    form = BidWithdrawForm(request.POST)
    try:
        tender = tender_get(number=number)
        if not form.is_valid():
            return render(
                request, "error.html", {"message": _("Choose a bid to withdraw.")}, status=422
            )
        bid_withdraw(
            tender=tender,
            venture=venture_get(slug=form.cleaned_data["venture"]),
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your bid is withdrawn."))
    return redirect("contention:tender_detail", number=number)


@login_required
@require_POST
def tender_publish_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        tender_publish(tender=tender_get(number=number), actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The tender and its scoring rule are published."))
    return redirect("contention:tender_detail", number=number)


@login_required
@require_POST
def tender_close_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        tender_close(tender=tender_get(number=number), actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The tender is closed and awarded."))
    return redirect("contention:tender_detail", number=number)


def tender_verify_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        tender = tender_get(number=number)
        verification = tender_verify(tender=tender)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "contention/tender_verify.html",
        {
            "tender": tender,
            "verification": verification,
            "table": tender_award_table(tender=tender),
            "scoring_method": _method_text(scoring),
        },
    )
