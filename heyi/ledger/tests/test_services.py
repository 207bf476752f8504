"""The ledger's writer: posting rules on the database, append-only rows, payments and refunds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from conftest import make_user
from heyi.ledger.errors import LedgerError
from heyi.ledger.models import Account, Payment, Posting, PostingKind, PostingLine
from heyi.ledger.posting import PostingError
from heyi.ledger.services import (
    Entry,
    escrow_account,
    escrow_balances,
    external_account,
    payment_collect,
    platform_account,
    posting_record,
    posting_reverse,
    refund_to_payer,
    wallet_account,
)

pytestmark = pytest.mark.django_db

D = Decimal


def _balances(*accounts: Account) -> list[Decimal]:
    return [Account.objects.get(pk=account.pk).balance for account in accounts]


def _fund(user: Any, amount: str, key: str = "fund") -> Account:
    """Put money in a person's wallet from the platform (as a compensation would)."""
    wallet = wallet_account(user=user)
    posting_record(
        idempotency_key=key,
        kind=PostingKind.COMPENSATION,
        memo="Funding for the test",
        entries=[Entry(platform_account(), -D(amount)), Entry(wallet, D(amount))],
    )
    return wallet


@pytest.fixture
def buyer(db: Any) -> Any:
    return make_user("payer@example.com", name="Payer Pei")


def test_a_balanced_posting_moves_every_balance(buyer: Any) -> None:
    wallet = _fund(buyer, "50.00")
    escrow = escrow_account(subject_type="order", subject_uid=buyer.uid, label="O1", currency="CNY")
    posting = posting_record(
        idempotency_key="k1",
        kind=PostingKind.ESCROW,
        memo="Into escrow",
        entries=[Entry(wallet, D("-30.00")), Entry(escrow, D("30.00"), "price")],
        actor=buyer,
    )
    assert _balances(wallet, escrow, platform_account()) == [D("20.00"), D("30.00"), D("-50.00")]
    lines = sorted((line.account.key, line.amount, line.term) for line in posting.lines.all())
    assert lines == sorted([(wallet.key, D("-30.00"), ""), (escrow.key, D("30.00"), "price")])
    assert (posting.kind, posting.actor) == ("escrow", buyer)


@pytest.mark.parametrize(
    ("amounts", "code"),
    [
        (["-10.00", "9.99"], "posting_unbalanced"),
        (["-10.00"], "posting_too_few_lines"),
        (["-10.001", "10.001"], "posting_amount_precision"),
    ],
)
def test_a_malformed_posting_writes_nothing(buyer: Any, amounts: list[str], code: str) -> None:
    platform = platform_account()
    wallet = wallet_account(user=buyer)
    accounts = [platform, wallet]
    with pytest.raises(PostingError) as raised:
        posting_record(
            idempotency_key="bad",
            kind=PostingKind.PAYMENT,
            memo="Bad",
            entries=[Entry(accounts[i], D(a)) for i, a in enumerate(amounts)],
        )
    assert (raised.value.code, raised.value.status) == (code, 422)
    assert (Posting.objects.count(), PostingLine.objects.count()) == (0, 0)
    assert _balances(platform, wallet) == [D("0.00"), D("0.00")]


def test_an_account_repeated_in_a_posting_is_refused(buyer: Any) -> None:
    wallet = wallet_account(user=buyer)
    with pytest.raises(PostingError) as raised:
        posting_record(
            idempotency_key="twice",
            kind=PostingKind.PAYMENT,
            memo="Twice",
            entries=[
                Entry(platform_account(), D("-2.00")),
                Entry(wallet, D("1.00")),
                Entry(wallet, D("1.00")),
            ],
        )
    assert raised.value.code == "posting_account_repeated"
    assert Posting.objects.count() == 0


def test_an_overdraft_is_refused_and_nothing_is_written(buyer: Any) -> None:
    wallet = _fund(buyer, "10.00")
    platform = platform_account()
    with pytest.raises(PostingError) as raised:
        posting_record(
            idempotency_key="too-much",
            kind=PostingKind.PAYOUT,
            memo="Too much",
            entries=[
                Entry(wallet, D("-10.01")),
                Entry(external_account(provider="test"), D("10.01")),
            ],
        )
    assert (raised.value.code, raised.value.status) == ("posting_overdrawn", 409)
    assert list(Posting.objects.values_list("idempotency_key", flat=True)) == ["fund"]
    assert PostingLine.objects.count() == 2
    assert _balances(wallet, platform) == [D("10.00"), D("-10.00")]
    # The platform and the outside world may go below zero.
    posting_record(
        idempotency_key="platform-pays",
        kind=PostingKind.PAYOUT,
        memo="Platform pays out",
        entries=[Entry(platform, D("-5.00")), Entry(external_account(provider="test"), D("5.00"))],
    )
    assert _balances(platform) == [D("-15.00")]


def test_a_replay_returns_the_first_posting_and_moves_nothing_twice(buyer: Any) -> None:
    wallet = wallet_account(user=buyer)
    platform = platform_account()
    entries = [Entry(platform, D("-7.50")), Entry(wallet, D("7.50"))]
    first = posting_record(
        idempotency_key="once", kind=PostingKind.COMPENSATION, memo="Once", entries=entries
    )
    again = posting_record(
        idempotency_key="once", kind=PostingKind.COMPENSATION, memo="Once", entries=entries
    )
    assert again.pk == first.pk
    assert Posting.objects.count() == 1
    assert _balances(wallet, platform) == [D("7.50"), D("-7.50")]


def test_the_same_key_with_other_lines_is_a_conflict(buyer: Any) -> None:
    wallet = wallet_account(user=buyer)
    platform = platform_account()
    posting_record(
        idempotency_key="once",
        kind=PostingKind.COMPENSATION,
        memo="Once",
        entries=[Entry(platform, D("-7.50")), Entry(wallet, D("7.50"))],
    )
    with pytest.raises(LedgerError) as raised:
        posting_record(
            idempotency_key="once",
            kind=PostingKind.COMPENSATION,
            memo="Once",
            entries=[Entry(platform, D("-8.00")), Entry(wallet, D("8.00"))],
        )
    assert (raised.value.code, raised.value.status) == ("posting_idempotency_conflict", 409)
    assert Posting.objects.count() == 1
    assert _balances(wallet, platform) == [D("7.50"), D("-7.50")]


def test_a_reversal_is_the_mirror_image(buyer: Any) -> None:
    wallet = _fund(buyer, "12.34")
    platform = platform_account()
    first = Posting.objects.get()
    reversal = posting_reverse(posting=first, memo="Posted in error")
    assert (reversal.kind, reversal.reverses, reversal.idempotency_key) == (
        "reversal",
        first,
        "reverse:fund",
    )
    assert sorted(reversal.lines.values_list("amount", flat=True)) == [D("-12.34"), D("12.34")]
    assert _balances(wallet, platform) == [D("0.00"), D("0.00")]
    # Reversing again is the same reversal, not a second one.
    assert posting_reverse(posting=first, memo="Posted in error").pk == reversal.pk
    assert Posting.objects.count() == 2


def test_postings_and_lines_are_append_only(buyer: Any) -> None:
    _fund(buyer, "1.00")
    posting = Posting.objects.get()
    line = PostingLine.objects.first()
    assert line is not None
    posting.memo = "Changed"
    for attempt in (
        posting.save,
        posting.delete,
        line.save,
        line.delete,
        lambda: Posting.objects.filter(pk=posting.pk).update(memo="Changed"),
        lambda: Posting.objects.all().delete(),
        lambda: PostingLine.objects.filter(pk=line.pk).update(amount=D("2.00")),
        lambda: PostingLine.objects.all().delete(),
    ):
        with pytest.raises(TypeError, match="append-only"):
            attempt()
    assert Posting.objects.get().memo == "Funding for the test"
    assert PostingLine.objects.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the append-only triggers exist there only (migration 0002)",
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_posting SET memo = 'Changed'",
        "DELETE FROM ledger_posting",
        "UPDATE ledger_postingline SET amount = amount * 2",
        "DELETE FROM ledger_postingline",
    ],
)
def test_the_database_refuses_to_change_postings(buyer: Any, sql: str) -> None:
    _fund(buyer, "1.00")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert Posting.objects.get().memo == "Funding for the test"
    assert sorted(PostingLine.objects.values_list("amount", flat=True)) == [D("-1.00"), D("1.00")]


# --- payments ----------------------------------------------------------------------------------


def _escrow(buyer: Any) -> Account:
    return escrow_account(subject_type="order", subject_uid=buyer.uid, label="O9", currency="CNY")


def test_payment_takes_the_wallet_first_and_charges_the_rest(buyer: Any) -> None:
    wallet = _fund(buyer, "30.00")
    escrow = _escrow(buyer)
    posting = payment_collect(
        user=buyer,
        amount=D("100.00"),
        currency="CNY",
        into=escrow,
        memo="Order O9",
        idempotency_key="order:9:pay",
        subject_type="order",
        subject_uid=buyer.uid,
    )
    external = external_account(provider="test")
    assert _balances(wallet, escrow, external) == [D("0.00"), D("100.00"), D("-70.00")]
    assert posting.idempotency_key == "order:9:pay:into"
    charge = Payment.objects.get()
    assert (charge.kind, charge.amount, charge.status, charge.subject_type) == (
        "charge",
        D("70.00"),
        "succeeded",
        "order",
    )
    assert charge.posting is not None and charge.posting.idempotency_key == "order:9:pay:charge"
    # A retry charges nothing more.
    again = payment_collect(
        user=buyer,
        amount=D("100.00"),
        currency="CNY",
        into=escrow,
        memo="Order O9",
        idempotency_key="order:9:pay",
    )
    assert again.pk == posting.pk
    assert Payment.objects.count() == 1
    assert _balances(wallet, escrow, external) == [D("0.00"), D("100.00"), D("-70.00")]


def test_a_declined_charge_writes_nothing(buyer: Any) -> None:
    wallet = _fund(buyer, "30.00")
    escrow = _escrow(buyer)
    with pytest.raises(LedgerError) as raised:
        payment_collect(
            user=buyer,
            amount=D("100.00"),
            currency="CNY",
            into=escrow,
            memo="Order O9",
            idempotency_key="order:9:pay",
            method="test-card-declined",
        )
    assert (raised.value.code, raised.value.status) == ("payment_declined", 402)
    assert list(Posting.objects.values_list("idempotency_key", flat=True)) == ["fund"]
    assert Payment.objects.count() == 0
    assert _balances(wallet, escrow) == [D("30.00"), D("0.00")]


def test_a_refund_goes_back_to_the_card_for_what_was_charged(buyer: Any) -> None:
    wallet = _fund(buyer, "30.00")
    escrow = _escrow(buyer)
    payment_collect(
        user=buyer,
        amount=D("100.00"),
        currency="CNY",
        into=escrow,
        memo="Order O9",
        idempotency_key="order:9:pay",
        subject_type="order",
        subject_uid=buyer.uid,
    )
    assert escrow_balances(subject_type="order", subject_uids=[buyer.uid]) == {
        buyer.uid: D("100.00")
    }
    refund_to_payer(
        user=buyer,
        source=escrow,
        memo="Refund of O9",
        idempotency_key="order:9:refund",
        charges_of=[("order", buyer.uid)],
    )
    external = external_account(provider="test")
    # What the card paid goes back to the card; what the wallet paid, to the wallet.
    assert _balances(wallet, escrow, external) == [D("30.00"), D("0.00"), D("0.00")]
    refund = Payment.objects.get(kind="refund")
    charge = Payment.objects.get(kind="charge")
    assert (refund.amount, refund.status, refund.charge) == (D("70.00"), "succeeded", charge)
    # Nothing is left to give back: a second call is a no-op.
    assert (
        refund_to_payer(
            user=buyer,
            source=escrow,
            memo="Refund of O9",
            idempotency_key="order:9:refund",
            charges_of=[("order", buyer.uid)],
        )
        is None
    )
    assert Payment.objects.filter(kind="refund").count() == 1
    assert escrow_balances(subject_type="order", subject_uids=[buyer.uid, wallet.uid]) == {
        buyer.uid: D("0.00"),
        wallet.uid: D("0"),
    }
