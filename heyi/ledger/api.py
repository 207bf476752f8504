"""The JSON API of the ledger: my wallet, a venture's books, operators' accounts and export."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from heyi.accounts.selectors import operator_require
from heyi.ledger import selectors
from heyi.ledger.export import ledger_export_text
from heyi.ledger.models import Account
from heyi.ledger.schemas import AccountLinesOut, BooksOut, LedgerAccountsOut

router = Router(tags=["ledger"])


def _lines_out(page: selectors.LinePage) -> list[dict[str, Any]]:
    out = []
    for line in page.lines:
        posting = line.posting
        label, url = (
            page.links.get(posting.order_uid, (None, None)) if posting.order_uid else (None, None)
        )
        out.append(
            {
                "posting_uid": posting.uid,
                "posted_at": posting.posted_at,
                "posting_kind": posting.kind,
                "memo": posting.memo,
                "account_uid": line.account.uid,
                "account_kind": line.account.kind,
                "amount": line.amount,
                "currency": line.currency,
                "term": line.term,
                "running_balance": line.running_balance,  # type: ignore[attr-defined]
                "order_uid": posting.order_uid,
                "order_label": label,
                "order_url": url,
            }
        )
    return out


@router.get("/me/wallet", response=AccountLinesOut)
def wallet_get(
    request: HttpRequest, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0)
) -> dict[str, Any]:
    """My wallet (and investor account, if any): balances and lines, newest first, each with
    the account's balance after it. Nobody else's wallet is reachable."""
    accounts = selectors.account_list_for_user(user=request.user)
    page = selectors.line_page(accounts=accounts, limit=limit, offset=offset)
    return {"accounts": list(accounts), "count": page.count, "lines": _lines_out(page)}


@router.get("/ventures/{slug}/books", response=BooksOut)
def books_get(
    request: HttpRequest,
    slug: str,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """A venture's account and its lines: its members and operators only (others: 404)."""
    venture = selectors.venture_get_for_books(slug=slug, user=request.user)
    accounts = selectors.account_list_for_venture(venture=venture)
    page = selectors.line_page(accounts=accounts, limit=limit, offset=offset)
    return {
        "venture": venture.slug,
        "accounts": list(accounts),
        "count": page.count,
        "lines": _lines_out(page),
    }


def _ledger_account_out(account: Account) -> dict[str, Any]:
    return {
        "uid": account.uid,
        "key": account.key,
        "kind": account.kind,
        "name": account.name,
        "currency": account.currency,
        "balance": account.balance,
        "owner_user": account.user.uid if account.user else None,
        "owner_venture": account.venture.slug if account.venture else None,
    }


@router.get("/ledger/accounts", response=LedgerAccountsOut)
def ledger_accounts(
    request: HttpRequest,
    kind: str = "",
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Every account with its balance, and the trial balance by kind (operators)."""
    trial = selectors.trial_balance(actor=request.user)
    accounts = selectors.account_list(actor=request.user, kind=kind)
    return {
        "count": accounts.count(),
        "items": [_ledger_account_out(a) for a in accounts[offset : offset + limit]],
        "kinds": [
            {"kind": k.kind, "currency": k.currency, "accounts": k.accounts, "balance": k.balance}
            for k in trial.kinds
        ],
        "totals": trial.totals,
        "balanced": trial.balanced,
    }


@router.get(
    "/ledger/export.beancount",
    openapi_extra={
        "responses": {
            200: {
                "description": "The ledger as beancount text.",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    },
)
def ledger_export_get(request: HttpRequest) -> HttpResponse:
    """The whole ledger as beancount text (operators); `bean-check` accepts it."""
    operator_require(request.user)
    response = HttpResponse(ledger_export_text(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="heyi.beancount"'
    return response
