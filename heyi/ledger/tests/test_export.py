"""The beancount export: the real `bean-check` accepts it and beancount reads our balances back."""

from __future__ import annotations

import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from conftest import make_user
from heyi.accounts.models import User
from heyi.ledger.export import account_name, ledger_export, ledger_export_text, quoted
from heyi.ledger.models import Account, Posting, PostingKind
from heyi.ledger.services import (
    Entry,
    escrow_account,
    investor_account,
    payment_collect,
    platform_account,
    posting_record,
    posting_reverse,
    refund_to_payer,
    venture_account,
    wallet_account,
)
from heyi.ventures.models import Venture, VentureKind
from heyi.ventures.tests.factories import venture_found

BEAN_CHECK = Path(sys.executable).parent / "bean-check"


def ledger_world() -> dict[str, Any]:
    """Payments, a refund, a settlement-like split, members' pay, an investment, a reversal."""
    alice = make_user("alice@example.com", name='Alice "Ali" Wang')
    bob = make_user("bob@example.com", name="Bob")
    founder = make_user("founder@example.com", name="Founder Fu")
    maker = venture_found(founder=founder, name="Cold Chain Makers")
    supplier = venture_found(founder=founder, name="Compressor Supply", kind=VentureKind.SUPPLIER)
    order_uid = uuid.uuid4()
    escrow = escrow_account(subject_type="order", subject_uid=order_uid, label="O1", currency="CNY")
    payment_collect(
        user=alice,
        amount=Decimal("1000.00"),
        currency="CNY",
        into=escrow,
        memo='O1: a fridge "Graphite", 1 unit \\ with care',
        idempotency_key=f"order:{order_uid}:pay",
        order_uid=order_uid,
        subject_type="order",
        subject_uid=order_uid,
    )
    posting_record(
        idempotency_key=f"order:{order_uid}:settle",
        kind=PostingKind.SETTLEMENT,
        memo="O1 settled by its share rule",
        entries=[
            Entry(escrow, Decimal("-1000.00")),
            Entry(venture_account(venture=maker), Decimal("542.50"), "maker_price"),
            Entry(venture_account(venture=supplier), Decimal("200.00"), "supplier_cost"),
            Entry(wallet_account(user=bob), Decimal("10.00"), "author_royalty"),
            Entry(platform_account(), Decimal("247.50"), "platform_fee"),
        ],
        order_uid=order_uid,
    )
    posting_record(
        idempotency_key=f"order:{order_uid}:members-pay",
        kind=PostingKind.MEMBER_PAY,
        memo="Members' pay for O1",
        entries=[
            Entry(venture_account(venture=maker), Decimal("-150.00")),
            Entry(wallet_account(user=founder), Decimal("150.00")),
        ],
        order_uid=order_uid,
    )
    # A pre-order paid and refunded (back to the card).
    pre_order_uid = uuid.uuid4()
    pre_escrow = escrow_account(
        subject_type="pre_order", subject_uid=pre_order_uid, label="P1", currency="CNY"
    )
    payment_collect(
        user=bob,
        amount=Decimal("300.00"),
        currency="CNY",
        into=pre_escrow,
        memo="P1 pre-order",
        idempotency_key=f"preorder:{pre_order_uid}:pay",
        subject_type="pre_order",
        subject_uid=pre_order_uid,
    )
    refund_to_payer(
        user=bob,
        source=pre_escrow,
        memo="P1 cancelled",
        idempotency_key=f"preorder:{pre_order_uid}:refund",
        charges_of=[("pre_order", pre_order_uid)],
        subject_type="pre_order",
        subject_uid=pre_order_uid,
    )
    # Compensation, reversed by mistake's correction.
    compensation = posting_record(
        idempotency_key="compensation:1",
        kind=PostingKind.COMPENSATION,
        memo="O1 late",
        entries=[
            Entry(platform_account(), Decimal("-40.00")),
            Entry(wallet_account(user=alice), Decimal("40.00")),
        ],
        order_uid=order_uid,
    )
    posting_reverse(posting=compensation, memo="O1 was on time after all")
    # An investor moves money in.
    investor = make_user("investor@example.com", name="Investor Yi")
    posting_record(
        idempotency_key="round:1:commitment:1",
        kind=PostingKind.INVESTMENT,
        memo="Commitment",
        entries=[
            Entry(wallet_account(user=founder), Decimal("-50.00")),
            Entry(investor_account(user=investor), Decimal("50.00")),
        ],
    )
    return {"alice": alice, "bob": bob, "maker": maker, "supplier": supplier}


def test_account_names_follow_beancount_rules(db: Any) -> None:
    user = make_user("someone@example.com")
    venture = venture_found(founder=user, name="Rival Works")
    supplier = venture_found(founder=user, name="Parts", kind=VentureKind.SUPPLIER)
    uid = uuid.UUID("0f6e1d2c-3b4a-5968-7766-554433221100")
    escrow = escrow_account(subject_type="pre_order", subject_uid=uid, label="P1", currency="CNY")
    from heyi.ledger.services import external_account

    assert account_name(wallet_account(user=user)) == f"Liabilities:Wallets:U-{user.uid}"
    assert account_name(investor_account(user=user)) == f"Liabilities:Investors:I-{user.uid}"
    assert account_name(venture_account(venture=venture)) == f"Liabilities:Ventures:V-{venture.uid}"
    assert (
        account_name(venture_account(venture=supplier)) == f"Liabilities:Suppliers:S-{supplier.uid}"
    )
    assert account_name(escrow) == f"Liabilities:Escrow:PreOrder:E-{uid}"
    assert account_name(platform_account()) == "Income:Platform:Fees"
    assert account_name(external_account(provider="test")) == "Assets:Provider:Test"
    assert account_name(external_account(provider="wechat_pay-2")) == "Assets:Provider:WechatPay2"
    assert quoted('say "hi" \\ there\nnow') == '"say \\"hi\\" \\\\ there now"'


def test_export_passes_bean_check_and_balances_match(db: Any, tmp_path: Path) -> None:
    ledger_world()
    path = tmp_path / "heyi.beancount"
    with path.open("w", encoding="utf-8") as out:
        ledger_export(out)
    assert BEAN_CHECK.exists()
    checked = subprocess.run(
        [str(BEAN_CHECK), str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert (checked.returncode, checked.stdout, checked.stderr) == (0, "", "")

    from beancount import loader
    from beancount.core import data, realization

    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    assert options["operating_currency"] == ["CNY"]
    transactions = [entry for entry in entries if isinstance(entry, data.Transaction)]
    assert len(transactions) == Posting.objects.count() == 11
    real = realization.realize(entries)
    theirs: dict[str, Decimal] = {}
    for account in Account.objects.all():
        name = account_name(account)
        node = realization.get(real, name)
        position = node.balance.get_currency_units("CNY")
        theirs[account.key] = position.number
    ours = {account.key: -account.balance for account in Account.objects.all()}
    assert theirs == ours
    assert sum(ours.values()) == Decimal("0.00")
    # The open directives carry the accounts' names, the transactions their keys and uids.
    opens = {entry.account: entry for entry in entries if isinstance(entry, data.Open)}
    alice_wallet = Account.objects.get(key__startswith="wallet:", user__email="alice@example.com")
    assert opens[account_name(alice_wallet)].meta["name"] == 'Wallet of Alice "Ali" Wang'
    paid = next(t for t in transactions if t.meta["idempotency_key"].endswith(":pay:into"))
    posting = Posting.objects.get(idempotency_key=paid.meta["idempotency_key"])
    assert paid.narration == 'O1: a fridge "Graphite", 1 unit \\ with care'
    assert paid.meta["posting_uid"] == str(posting.uid)
    assert paid.meta["order_uid"] == str(posting.order_uid)
    reversal = next(t for t in transactions if t.meta["kind"] == "reversal")
    assert reversal.meta["reverses"] == str(
        Posting.objects.get(idempotency_key="compensation:1").uid
    )
    settle = next(t for t in transactions if t.meta["kind"] == "settlement")
    assert sorted(p.meta["term"] for p in settle.postings if p.meta and "term" in p.meta) == [
        "author_royalty",
        "maker_price",
        "platform_fee",
        "supplier_cost",
    ]


def test_export_text_of_an_empty_ledger_is_valid(db: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.beancount"
    path.write_text(ledger_export_text(), encoding="utf-8")
    checked = subprocess.run(
        [str(BEAN_CHECK), str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    assert (checked.returncode, checked.stderr) == (0, "")


def test_export_query_count_does_not_grow(db: Any, django_assert_num_queries: Any) -> None:
    ledger_world()
    # Accounts, first postings, then postings (one chunk) with their reversed postings joined,
    # and their lines.
    with django_assert_num_queries(4):
        text = ledger_export_text()
    assert text.count(" * ") == 11


def test_export_command_writes_a_file(db: Any, tmp_path: Path) -> None:
    ledger_world()
    path = tmp_path / "out.beancount"
    call_command("ledger_export", output=str(path))
    assert path.read_text(encoding="utf-8") == ledger_export_text()


def _people(world: dict[str, Any]) -> tuple[User, Venture]:
    return world["alice"], world["maker"]


@pytest.mark.parametrize("who", ["anonymous", "alice", "operator"])
def test_export_endpoint(db: Any, api_as: Any, who: str) -> None:
    world = ledger_world()
    user = {
        "anonymous": None,
        "alice": world["alice"],
        "operator": make_user("op@example.com", roles=["operator"]),
    }[who]
    response = api_as(user).get("ledger/export.beancount")
    status = {"anonymous": 401, "alice": 403, "operator": 200}[who]
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == ledger_export_text()


def test_export_command_writes_to_standard_output(db: Any) -> None:
    import io

    ledger_world()
    out = io.StringIO()
    call_command("ledger_export", stdout=out)
    assert out.getvalue() == ledger_export_text()
