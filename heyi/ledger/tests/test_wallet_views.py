"""The wallet, books and ledger pages: running balances, order links, who sees what."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from heyi.accounts.models import Role, User
from heyi.ledger.models import PostingKind
from heyi.ledger.selectors import order_link_provider_set
from heyi.ledger.services import (
    Entry,
    escrow_account,
    external_account,
    investor_account,
    payment_collect,
    platform_account,
    posting_record,
    refund_to_payer,
    venture_account,
    wallet_account,
)
from heyi.ventures.models import Venture
from heyi.ventures.services import invitation_accept, invitation_send
from heyi.ventures.tests.factories import venture_found


@dataclass
class Books:
    alice: User
    bob: User
    owner: User
    worker: User
    rival: User
    maker: Venture
    rival_venture: Venture
    order_uid: uuid.UUID


def books_world() -> Books:
    """Alice pays ¥1,000 for order O7 (all charged to her card), ¥300 comes back to her wallet
    and stays there, the platform compensates her ¥40; the maker is paid ¥600 from the escrow;
    Bob has money of his own."""
    alice = make_user("alice@example.com", name="Alice")
    bob = make_user("bob@example.com", name="Bob")
    owner = make_user("owner@example.com", name="Owner Olivia")
    worker = make_user("worker@example.com", name="Worker Wu")
    rival = make_user("rival@example.com", name="Rival Ren")
    maker = venture_found(founder=owner, name="Cold Chain Makers")
    invitation_accept(invitation=invitation_send(venture=maker, actor=owner, invitee=worker), actor=worker)  # fmt: skip
    rival_venture = venture_found(founder=rival, name="Rival Works")
    order_uid = uuid.uuid4()
    escrow = escrow_account(subject_type="order", subject_uid=order_uid, label="O7", currency="CNY")
    payment_collect(
        user=alice,
        amount=Decimal("1000.00"),
        currency="CNY",
        into=escrow,
        memo="Payment for O7",
        idempotency_key=f"order:{order_uid}:pay",
        order_uid=order_uid,
    )
    refund_to_payer(
        user=alice,
        source=escrow,
        amount=Decimal("300.00"),
        memo="Part of O7 refunded",
        idempotency_key=f"order:{order_uid}:refund",
        order_uid=order_uid,
    )
    posting_record(
        idempotency_key="compensation:7",
        kind=PostingKind.COMPENSATION,
        memo="O7 arrived late",
        entries=[
            Entry(platform_account(), Decimal("-40.00")),
            Entry(wallet_account(user=alice), Decimal("40.00")),
        ],
        order_uid=order_uid,
    )
    posting_record(
        idempotency_key=f"order:{order_uid}:settle",
        kind=PostingKind.SETTLEMENT,
        memo="O7 settled",
        entries=[
            Entry(escrow, Decimal("-700.00")),
            Entry(venture_account(venture=maker), Decimal("600.00"), "maker_price"),
            Entry(platform_account(), Decimal("100.00"), "platform_fee"),
        ],
        order_uid=order_uid,
    )
    posting_record(
        idempotency_key="bob:topup",
        kind=PostingKind.PAYMENT,
        memo="Bob tops up",
        entries=[
            Entry(external_account(provider="test"), Decimal("-55.00")),
            Entry(wallet_account(user=bob), Decimal("55.00")),
        ],
    )
    return Books(alice, bob, owner, worker, rival, maker, rival_venture, order_uid)


@pytest.fixture
def world(db: Any) -> Iterator[Books]:
    made = books_world()
    order_link_provider_set(
        lambda uids: {uid: ("O7", "/orders/7/") for uid in uids if uid == made.order_uid}
    )
    yield made
    order_link_provider_set(None)


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def operator() -> User:
    return make_user("operator@example.com", name="Operator Ming", roles=[Role.OPERATOR])


def test_wallet_shows_balance_and_running_balance(world: Books) -> None:
    response = signed_in(world.alice).get("/me/wallet/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="fs-4 fw-semibold" id="balance-user_wallet">340.00 CNY</div>' in page
    rows = [
        (row["line"].posting.memo, row["line"].amount, row["line"].running_balance, row["order"])
        for row in response.context["rows"]
    ]
    assert rows == [
        ("O7 arrived late", Decimal("40.00"), Decimal("340.00"), ("O7", "/orders/7/")),
        ("Part of O7 refunded", Decimal("300.00"), Decimal("300.00"), ("O7", "/orders/7/")),
        ("Payment for O7", Decimal("-1000.00"), Decimal("0.00"), ("O7", "/orders/7/")),
        (
            "Paid in by test: Payment for O7",
            Decimal("1000.00"),
            Decimal("1000.00"),
            ("O7", "/orders/7/"),
        ),
    ]
    assert '<a href="/orders/7/">O7</a>' in page
    assert "Bob tops up" not in page


def test_wallet_with_investor_account(world: Books) -> None:
    posting_record(
        idempotency_key="invest:1",
        kind=PostingKind.INVESTMENT,
        memo="Alice invests",
        entries=[
            Entry(wallet_account(user=world.alice), Decimal("-100.00")),
            Entry(investor_account(user=world.alice), Decimal("100.00")),
        ],
    )
    page = signed_in(world.alice).get("/me/wallet/").content.decode()
    assert '<div class="fs-4 fw-semibold" id="balance-user_wallet">240.00 CNY</div>' in page
    assert '<div class="fs-4 fw-semibold" id="balance-investor">100.00 CNY</div>' in page


def test_empty_wallet(world: Books) -> None:
    page = signed_in(make_user("new@example.com")).get("/me/wallet/").content.decode()
    assert '<div class="fs-4 fw-semibold" id="balance-user_wallet">0.00 CNY</div>' in page
    assert "No money has moved here yet." in page


def test_wallet_page_query_budget(world: Books, django_assert_max_num_queries: Any) -> None:
    for number in range(30):
        posting_record(
            idempotency_key=f"gift:{number}",
            kind=PostingKind.COMPENSATION,
            memo=f"Gift {number}",
            entries=[
                Entry(platform_account(), Decimal("-1.00")),
                Entry(wallet_account(user=world.alice), Decimal("1.00")),
            ],
        )
    client = signed_in(world.alice)
    with django_assert_max_num_queries(8):
        response = client.get("/me/wallet/")
    assert response.context["count"] == 34
    assert len(response.context["rows"]) == 34
    assert response.context["rows"][0]["line"].running_balance == Decimal("370.00")


def test_anonymous_wallet_goes_to_sign_in(world: Books) -> None:
    response = Client().get("/me/wallet/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/me/wallet/",
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("worker", 200), ("operator", 200), ("rival", 404), ("alice", 404)],
)
def test_books_page_permissions(world: Books, who: str, status: int) -> None:
    user = {
        "owner": world.owner,
        "worker": world.worker,
        "operator": None,
        "rival": world.rival,
        "alice": world.alice,
    }[who] or operator()
    response = signed_in(user).get(f"/ventures/{world.maker.slug}/books/")
    assert response.status_code == status
    page = response.content.decode()
    if status == 200:
        assert '<div class="fs-4 fw-semibold" id="balance-venture">600.00 CNY</div>' in page
        assert "O7 settled" in page
    else:
        assert "600.00" not in page


def test_anonymous_books_go_to_sign_in(world: Books) -> None:
    assert Client().get(f"/ventures/{world.maker.slug}/books/").status_code == 302


def test_ledger_overview_for_operators(world: Books, django_assert_max_num_queries: Any) -> None:
    client = signed_in(operator())
    with django_assert_max_num_queries(12):
        response = client.get("/ledger/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<td class="text-end" id="trial-total-CNY">0.00</td>' in page
    assert 'id="trial-verdict">The books balance' in page
    assert 'href="/ledger/export.beancount"' in page
    trial = response.context["trial"]
    assert [(kind.kind, kind.accounts, kind.balance) for kind in trial.kinds] == [
        ("escrow", 1, Decimal("0.00")),
        ("external", 1, Decimal("-1055.00")),
        ("platform", 1, Decimal("60.00")),
        ("user_wallet", 2, Decimal("395.00")),
        ("venture", 1, Decimal("600.00")),
    ]
    assert "Bob tops up" in page


@pytest.mark.parametrize("who", ["alice", "owner"])
def test_ledger_pages_refuse_others(world: Books, who: str) -> None:
    client = signed_in(getattr(world, who))
    assert client.get("/ledger/").status_code == 403
    assert client.get("/ledger/export.beancount").status_code == 403


def test_export_download_for_operators(world: Books) -> None:
    response = signed_in(operator()).get("/ledger/export.beancount")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="heyi.beancount"'
    assert response.content.decode().count(" * ") == 6
