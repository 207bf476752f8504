"""Race safety of `posting_record` with real concurrent database sessions (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from conftest import make_user
from heyi.core.errors import DomainError
from heyi.ledger.models import Account, Posting, PostingKind, PostingLine
from heyi.ledger.services import (
    Entry,
    escrow_account,
    external_account,
    platform_account,
    posting_record,
    wallet_account,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions with row locks (SQLite locks the file)",
    ),
    pytest.mark.django_db(transaction=True),
]

D = Decimal


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is a value or the DomainError
    (any other exception, a deadlock included, is kept too, and fails the test's checks)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _fund(account: Account, amount: str, key: str) -> None:
    posting_record(
        idempotency_key=key,
        kind=PostingKind.COMPENSATION,
        memo="Funding for the race",
        entries=[Entry(platform_account(), -D(amount)), Entry(account, D(amount))],
    )


def _balance(account: Account) -> Decimal:
    return Account.objects.get(pk=account.pk).balance


def test_concurrent_spends_never_overdraw_an_account() -> None:
    buyer = make_user("racer@example.com")
    wallet = wallet_account(user=buyer)
    _fund(wallet, "100.00", "fund")
    card = external_account(provider="test")

    def spend(index: int) -> Callable[[], Any]:
        return lambda: posting_record(
            idempotency_key=f"spend:{index}",
            kind=PostingKind.PAYOUT,
            memo=f"Spend {index}",
            entries=[Entry(wallet, D("-30.00")), Entry(card, D("30.00"))],
        )

    results = _at_once(*(spend(i) for i in range(8)))

    posted = [r for r in results if isinstance(r, Posting)]
    refused = [r for r in results if not isinstance(r, Posting)]
    assert len(posted) == 3
    assert all(isinstance(r, DomainError) for r in refused)
    assert sorted({r.code for r in refused}) == ["posting_overdrawn"]
    assert len(refused) == 5
    assert (_balance(wallet), _balance(card)) == (D("10.00"), D("90.00"))
    assert Posting.objects.filter(kind="payout").count() == 3
    assert PostingLine.objects.filter(account=wallet).count() == 4
    assert not Account.objects.filter(kind="user_wallet", balance__lt=0).exists()


def test_postings_in_opposite_directions_do_not_deadlock() -> None:
    first = escrow_account(
        subject_type="order", subject_uid=make_user("a@example.com").uid, label="A", currency="CNY"
    )
    second = escrow_account(
        subject_type="order", subject_uid=make_user("b@example.com").uid, label="B", currency="CNY"
    )
    _fund(first, "100.00", "fund-a")
    _fund(second, "100.00", "fund-b")

    def move(index: int) -> Callable[[], Any]:
        # Even calls list A first, odd calls B first, and the money goes both ways.
        source, target = (first, second) if index % 2 == 0 else (second, first)
        entries = [Entry(source, D("-1.00")), Entry(target, D("1.00"))]
        if index % 4 >= 2:
            entries.reverse()
        return lambda: posting_record(
            idempotency_key=f"move:{index}",
            kind=PostingKind.ESCROW_TRANSFER,
            memo=f"Move {index}",
            entries=entries,
        )

    results = _at_once(*(move(i) for i in range(12)))

    assert [type(r).__name__ for r in results] == ["Posting"] * 12
    assert (_balance(first), _balance(second)) == (D("100.00"), D("100.00"))
    assert Posting.objects.filter(kind="escrow_transfer").count() == 12


def test_one_key_posted_at_once_is_one_posting() -> None:
    buyer = make_user("twin@example.com")
    wallet = wallet_account(user=buyer)
    platform = platform_account()

    def post() -> Any:
        return posting_record(
            idempotency_key="compensation:same",
            kind=PostingKind.COMPENSATION,
            memo="Owed once",
            entries=[Entry(platform, D("-20.00")), Entry(wallet, D("20.00"))],
        )

    results = _at_once(*(post for _ in range(6)))

    assert all(isinstance(r, Posting) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Posting.objects.filter(idempotency_key="compensation:same").count() == 1
    assert (_balance(wallet), _balance(platform)) == (D("20.00"), D("-20.00"))
