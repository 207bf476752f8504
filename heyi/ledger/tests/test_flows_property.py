"""The ledger's invariants under random sequences of money flows (hypothesis).

`ledger_invariants_check` is the whole-ledger check that every flow test runs after each step
(the order chain's own property test, which drives the orders services, lives in
`tests/flows/test_money_flows_property.py`: the ledger's tests may not import the apps above
it). Here the flows are the ledger's own services over a few buyers: payments into escrow
(wallet first, the rest charged, some declined), escrow moved on, refunds to the card,
compensations paid by the platform, and escrows settled by a share rule with `split_compute`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_user
from heyi.ledger.errors import LedgerError
from heyi.ledger.models import Account, Payment, Posting, PostingKind, PostingLine
from heyi.ledger.posting import NEVER_NEGATIVE
from heyi.ledger.services import (
    Entry,
    escrow_account,
    payment_collect,
    platform_account,
    posting_record,
    refund_to_payer,
    share_rule_current,
    wallet_account,
)
from heyi.ledger.share import OrderFacts, Party, PartyKind, ShareTerms, split_compute

pytestmark = pytest.mark.django_db

D = Decimal


def ledger_invariants_check() -> None:
    """Every posting balances per currency, no never-negative account is below zero, all the
    balances sum to zero, and every account's balance is the sum of its lines.

    The sums are taken in Python: SQLite adds decimals as floating point."""
    by_posting: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    by_account: dict[int, Decimal] = defaultdict(Decimal)
    for posting_id, account_id, currency, amount in PostingLine.objects.values_list(
        "posting_id", "account_id", "currency", "amount"
    ):
        by_posting[(posting_id, currency)] += amount
        by_account[account_id] += amount
    assert {key: total for key, total in by_posting.items() if total != 0} == {}
    never_negative = {kind.value for kind in NEVER_NEGATIVE}
    by_currency: dict[str, Decimal] = defaultdict(Decimal)
    for account_id, key, kind, currency, balance in Account.objects.values_list(
        "id", "key", "kind", "currency", "balance"
    ):
        assert kind not in never_negative or balance >= 0, f"{key} holds {balance}"
        assert balance == by_account[account_id], f"{key}: {balance} ≠ its lines"
        by_currency[currency] += balance
    assert {currency: total for currency, total in by_currency.items() if total != 0} == {}


def _settle(*, escrow: Account, total: Decimal, key: str, maker: Account) -> None:
    """Empty an escrow by the default standard rule: the maker's share to its account, the
    rest (the platform's terms, and the delivery fee with no delivery venture) to the platform."""
    rule = share_rule_current(scope="default_standard")
    maker_party = Party(PartyKind.VENTURE, "maker", "Maker")
    lines = split_compute(
        ShareTerms.from_json(rule.terms),
        OrderFacts(
            total=total,
            quantity=1,
            currency="CNY",
            maker=maker_party,
            maker_unit_price=(total * D("0.6")).quantize(D("0.01")),
        ),
    )
    to_maker = sum((line.amount for line in lines if line.party == maker_party), D(0))
    to_platform = total - to_maker
    posting_record(
        idempotency_key=key,
        kind=PostingKind.SETTLEMENT,
        memo="Settled by the share rule",
        entries=[
            Entry(escrow, -total),
            Entry(maker, to_maker),
            Entry(platform_account(), to_platform),
        ],
    )


BUYERS = 3
actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("pay"),
            st.integers(0, BUYERS - 1),
            st.decimals(D("0.01"), D("500.00"), places=2),
            st.booleans(),
        ),
        st.tuples(st.just("refund"), st.integers(0, 20)),
        st.tuples(st.just("move"), st.integers(0, 20)),
        st.tuples(st.just("settle"), st.integers(0, 20)),
        st.tuples(
            st.just("compensate"),
            st.integers(0, BUYERS - 1),
            st.decimals(D("0.01"), D("50.00"), places=2),
        ),
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture
def people(db: Any) -> list[Any]:
    return [make_user(f"flow{i}@example.com", name=f"Flow {i}") for i in range(BUYERS)]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=actions)
def test_random_money_flows_keep_the_ledger_whole(people: list[Any], steps: list[Any]) -> None:
    # Each example runs in its own savepoint, rolled back at the end: examples do not share rows.
    with transaction.atomic():
        _flows_run(people, steps)
        transaction.set_rollback(True)


def _flows_run(people: list[Any], steps: list[Any]) -> None:
    maker = escrow_account(
        subject_type="maker", subject_uid=uuid.uuid4(), label="maker", currency="CNY"
    )
    # Escrows holding money: (escrow, payer, the subject its money was charged for, what it
    # holds); a moved escrow keeps the subject it was charged for, so a refund finds the card.
    held: list[tuple[Account, Any, uuid.UUID, Decimal]] = []
    emptied: list[Account] = []
    for index, step in enumerate(steps):
        kind = step[0]
        if kind == "pay":
            _, who, amount, declined = step
            subject = uuid.uuid4()
            escrow = escrow_account(
                subject_type="order", subject_uid=subject, label=f"O{index}", currency="CNY"
            )
            before = (Posting.objects.count(), Payment.objects.count())
            wallet_before = wallet_account(user=people[who]).balance
            try:
                payment_collect(
                    user=people[who],
                    amount=amount,
                    currency="CNY",
                    into=escrow,
                    memo=f"Order {index}",
                    idempotency_key=f"order:{subject}:pay",
                    method="test-card-declined" if declined else "",
                    order_uid=subject,
                    subject_type="order",
                    subject_uid=subject,
                )
            except LedgerError as error:
                # Declined only when the wallet could not pay it all; then nothing is written.
                assert (declined, error.code, wallet_before < amount) == (
                    True,
                    "payment_declined",
                    True,
                )
                assert (Posting.objects.count(), Payment.objects.count()) == before
            else:
                held.append((escrow, people[who], subject, amount))
        elif kind == "refund" and held:
            escrow, payer, subject, amount = held.pop(step[1] % len(held))
            refund_to_payer(
                user=payer,
                source=escrow,
                memo="Refund",
                idempotency_key=f"order:{subject}:refund",
                charges_of=[("order", subject)],
                order_uid=subject,
            )
            emptied.append(escrow)
        elif kind == "move" and held:
            # The escrow moves whole to another subject's (a pre-order becoming an order).
            escrow, payer, subject, amount = held.pop(step[1] % len(held))
            moved_to = uuid.uuid4()
            target = escrow_account(
                subject_type="order", subject_uid=moved_to, label="moved", currency="CNY"
            )
            posting_record(
                idempotency_key=f"order:{moved_to}:from-preorder",
                kind=PostingKind.ESCROW_TRANSFER,
                memo="Moved on",
                entries=[Entry(escrow, -amount), Entry(target, amount)],
            )
            emptied.append(escrow)
            held.append((target, payer, subject, amount))
        elif kind == "settle" and held:
            escrow, _payer, subject, amount = held.pop(step[1] % len(held))
            _settle(escrow=escrow, total=amount, key=f"order:{subject}:settle", maker=maker)
            emptied.append(escrow)
        elif kind == "compensate":
            _, who, amount = step
            posting_record(
                idempotency_key=f"compensation:{uuid.uuid4()}",
                kind=PostingKind.COMPENSATION,
                memo="Missed promise",
                entries=[
                    Entry(platform_account(), -amount),
                    Entry(wallet_account(user=people[who]), amount),
                ],
            )
        ledger_invariants_check()
        for escrow, _payer, _subject, amount in held:
            assert Account.objects.get(pk=escrow.pk).balance == amount
    for escrow in emptied:
        assert Account.objects.get(pk=escrow.pk).balance == D("0.00")
    # What a card paid and was not refunded is what the outside world is owed back, exactly.
    charged = sum(Payment.objects.filter(kind="charge").values_list("amount", flat=True), D(0))
    refunded = sum(Payment.objects.filter(kind="refund").values_list("amount", flat=True), D(0))
    outside = sum(Account.objects.filter(kind="external").values_list("balance", flat=True), D(0))
    assert outside == refunded - charged
