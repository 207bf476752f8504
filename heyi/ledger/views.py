"""Pages of the ledger: my wallet, a venture's books, and the operators' trial balance."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require
from heyi.core.errors import DomainError
from heyi.ledger import selectors
from heyi.ledger.export import ledger_export_text

PAGE_SIZE = 50


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _lines_context(request: HttpRequest, accounts: Any) -> dict[str, Any]:
    number = _page_number(request)
    page = selectors.line_page(accounts=accounts, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    rows = [
        {
            "line": line,
            "order": page.links.get(line.posting.order_uid) if line.posting.order_uid else None,
        }
        for line in page.lines
    ]
    return {
        "accounts": list(accounts),
        "rows": rows,
        "count": page.count,
        "page": number,
        "previous_page": number - 1 if number > 1 else None,
        "next_page": number + 1 if number * PAGE_SIZE < page.count else None,
    }


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    """My wallet (and my investor account): balances and lines with the running balance."""
    accounts = selectors.account_list_for_user(user=request.user)
    return render(request, "ledger/wallet.html", _lines_context(request, accounts))


@login_required
def books(request: HttpRequest, slug: str) -> HttpResponse:
    """A venture's account: its members and operators only."""
    try:
        venture = selectors.venture_get_for_books(slug=slug, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    accounts = selectors.account_list_for_venture(venture=venture)
    return render(
        request, "ledger/books.html", {"venture": venture, **_lines_context(request, accounts)}
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The trial balance by kind (it sums to zero), recent postings and the export."""
    try:
        trial = selectors.trial_balance(actor=request.user)
        postings = selectors.posting_list_recent(actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(request, "ledger/overview.html", {"trial": trial, "postings": postings})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The whole ledger as beancount text (operators)."""
    try:
        operator_require(request.user, _("Only operators may export the ledger."))
    except DomainError as error:
        return _error_page(request, error)
    response = HttpResponse(ledger_export_text(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="heyi.beancount"'
    return response
