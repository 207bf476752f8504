"""Schemas of the ledger's API: accounts, lines with running balances, the trial balance."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema


class AccountOut(Schema):
    uid: UUID
    kind: str
    name: str
    currency: str
    balance: Decimal


class LineOut(Schema):
    posting_uid: UUID
    posted_at: datetime
    posting_kind: str
    memo: str
    account_uid: UUID
    account_kind: str
    amount: Decimal
    currency: str
    term: str
    running_balance: Decimal
    order_uid: UUID | None
    order_label: str | None
    order_url: str | None


class AccountLinesOut(Schema):
    accounts: list[AccountOut]
    count: int
    lines: list[LineOut]


class BooksOut(AccountLinesOut):
    venture: str


class LedgerAccountOut(AccountOut):
    key: str
    owner_user: UUID | None
    owner_venture: str | None  # the venture's slug


class KindTotalOut(Schema):
    kind: str
    currency: str
    accounts: int
    balance: Decimal


class LedgerAccountsOut(Schema):
    count: int
    items: list[LedgerAccountOut]
    kinds: list[KindTotalOut]
    totals: dict[str, Decimal]
    balanced: bool
