"""Reads of the ledger: wallets and books with running balances, the trial balance, postings.

Every list is shaped so that its query count does not grow with the rows: running balances come
from a window function in the database, lines arrive with their postings joined, and the orders
they concern are labelled through one call to the provider the orders app registers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require, user_is_operator
from heyi.core.errors import NotFound
from heyi.ledger.models import Account, AccountKindChoice, Posting, PostingLine
from heyi.ventures.errors import VenturesErrorCode
from heyi.ventures.models import Venture
from heyi.ventures.selectors import membership_is_active, venture_get

# --- links to the orders postings concern ------------------------------------------------------

# The layer above (orders) tells how to name and link an order from its uid:
# uids → {uid: (label, url)}. The ledger sits below orders and cannot ask it directly.
OrderLinks = Callable[[set[UUID]], dict[UUID, tuple[str, str]]]
_order_links: list[OrderLinks] = []


def order_link_provider_set(provider: OrderLinks | None) -> None:
    """Register (or, with None, remove) the provider of order labels and links."""
    _order_links.clear()
    if provider is not None:
        _order_links.append(provider)


def order_links(uids: Iterable[UUID | None]) -> dict[UUID, tuple[str, str]]:
    wanted = {uid for uid in uids if uid is not None}
    if not wanted or not _order_links:
        return {}
    return _order_links[0](wanted)


def _cents(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(Decimal("0.01"))


# --- accounts and their lines ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinePage:
    """One page of an account list's lines, newest first, each with the balance after it."""

    count: int
    lines: list[PostingLine]
    links: dict[UUID, tuple[str, str]]


def account_list_for_user(*, user: Any) -> QuerySet[Account]:
    """The person's own accounts (their wallet, their investor account): nobody else's."""
    if not getattr(user, "is_authenticated", False):
        return Account.objects.none()
    return Account.objects.filter(user=user).order_by("kind", "currency", "id")


def venture_get_for_books(*, slug: str, user: Any) -> Venture:
    """The venture whose books `user` asks for: its active members and operators only; for
    anyone else it does not exist (404)."""
    venture = venture_get(slug=slug)
    if not (user_is_operator(user) or membership_is_active(venture=venture, user=user)):
        raise NotFound(
            _("No venture called “%(slug)s”.") % {"slug": slug},
            code=VenturesErrorCode.VENTURE_NOT_FOUND,
        )
    return venture


def account_list_for_venture(*, venture: Venture) -> QuerySet[Account]:
    return Account.objects.filter(venture=venture).order_by("kind", "currency", "id")


def line_page(*, accounts: QuerySet[Account], limit: int = 50, offset: int = 0) -> LinePage:
    """The accounts' lines, newest first, with each account's running balance after the line
    (three queries: the count, the page, the order links)."""
    lines = PostingLine.objects.filter(account__in=accounts)
    page = list(
        lines.select_related("posting", "account")
        .annotate(
            running_balance=Window(
                Sum("amount"),
                partition_by=[F("account_id")],
                order_by=[F("posting__posted_at").asc(), F("posting_id").asc()],
            )
        )
        .order_by("-posting__posted_at", "-posting_id", "-id")[offset : offset + limit]
    )
    for line in page:
        # SQLite sums decimals without their scale: keep the currency's two places.
        line.running_balance = _cents(line.running_balance)  # type: ignore[attr-defined]
    return LinePage(
        count=lines.count(),
        lines=page,
        links=order_links(line.posting.order_uid for line in page),
    )


# --- the operators' view ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindTotal:
    kind: str
    label: str
    currency: str
    accounts: int
    balance: Decimal


@dataclass(frozen=True, slots=True)
class TrialBalance:
    kinds: list[KindTotal]
    totals: dict[str, Decimal]  # per currency: zero when the books balance
    # Accounts whose kept balance differs from the sum of their lines (none, when all is well).
    mismatched: Sequence[Account]

    @property
    def balanced(self) -> bool:
        return all(total == 0 for total in self.totals.values()) and not self.mismatched


def trial_balance(*, actor: Any) -> TrialBalance:
    """Every account's balance summed by kind and currency, and the check that each account's
    kept balance is the sum of its lines. Operators only; two queries (and the roles')."""
    operator_require(actor)
    labels = dict(AccountKindChoice.choices)
    rows = (
        Account.objects.values("kind", "currency")
        .annotate(accounts=Count("id"), balance=Sum("balance"))
        .order_by("currency", "kind")
    )
    kinds = [
        KindTotal(
            kind=row["kind"],
            label=str(labels.get(row["kind"], row["kind"])),
            currency=row["currency"],
            accounts=row["accounts"],
            balance=_cents(row["balance"]),
        )
        for row in rows
    ]
    totals: dict[str, Decimal] = {}
    for kind in kinds:
        totals[kind.currency] = totals.get(kind.currency, Decimal("0.00")) + kind.balance
    mismatched = list(
        Account.objects.annotate(lines_sum=Sum("lines__amount"))
        .filter(
            (Q(lines_sum__isnull=True) & ~Q(balance=0))
            | (Q(lines_sum__isnull=False) & ~Q(balance=F("lines_sum")))
        )
        .order_by("id")[:50]
    )
    return TrialBalance(kinds=kinds, totals=totals, mismatched=mismatched)


def account_list(*, actor: Any, kind: str = "") -> QuerySet[Account]:
    """All accounts (operators), optionally of one kind, largest balances first."""
    operator_require(actor)
    accounts = Account.objects.select_related("user", "venture")
    if kind:
        accounts = accounts.filter(kind=kind)
    return accounts.order_by("kind", "-balance", "key")


def posting_list_recent(*, actor: Any, limit: int = 30) -> list[Posting]:
    """The latest postings with their lines and accounts (operators): three queries."""
    operator_require(actor)
    return list(
        Posting.objects.prefetch_related("lines__account").order_by("-posted_at", "-id")[:limit]
    )
