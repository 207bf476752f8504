"""The ledger's API: my wallet, a venture's books, operators' accounts; who reaches what."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import make_user
from heyi.accounts.models import Role, User
from heyi.ledger.models import Account
from heyi.ledger.selectors import order_link_provider_set
from heyi.ledger.tests import test_wallet_views as books_module

Books = books_module.Books


@pytest.fixture
def world(db: Any) -> Iterator[Books]:
    made = books_module.books_world()
    order_link_provider_set(
        lambda uids: {uid: ("O7", "/orders/7/") for uid in uids if uid == made.order_uid}
    )
    yield made
    order_link_provider_set(None)


def operator() -> User:
    return make_user("operator@example.com", name="Operator Ming", roles=[Role.OPERATOR])


def test_my_wallet(world: Books, api_as: Any, django_assert_max_num_queries: Any) -> None:
    client = api_as(world.alice)
    with django_assert_max_num_queries(8):
        response = client.get("me/wallet", {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    wallet = Account.objects.get(key=f"wallet:{world.alice.uid}")
    assert body["accounts"] == [
        {
            "uid": str(wallet.uid),
            "kind": "user_wallet",
            "name": "Wallet of Alice",
            "currency": "CNY",
            "balance": "340.00",
        }
    ]
    assert body["count"] == 4
    assert [
        (line["memo"], line["amount"], line["running_balance"], line["order_label"], line["order_url"])
        for line in body["lines"]
    ] == [
        ("O7 arrived late", "40.00", "340.00", "O7", "/orders/7/"),
        ("Part of O7 refunded", "300.00", "300.00", "O7", "/orders/7/"),
    ]  # fmt: skip
    first = body["lines"][0]
    assert (first["posting_kind"], first["account_kind"], first["order_uid"]) == (
        "compensation",
        "user_wallet",
        str(world.order_uid),
    )
    older = client.get("me/wallet", {"limit": 2, "offset": 2}).json()
    assert [(line["memo"], line["running_balance"]) for line in older["lines"]] == [
        ("Payment for O7", "0.00"),
        ("Paid in by test: Payment for O7", "1000.00"),
    ]


def test_each_person_sees_only_their_own_wallet(world: Books, api_as: Any) -> None:
    body = api_as(world.bob).get("me/wallet").json()
    assert [account["balance"] for account in body["accounts"]] == ["55.00"]
    assert [line["memo"] for line in body["lines"]] == ["Bob tops up"]
    # There is no address for somebody else's wallet at all.
    response = api_as(world.bob).get(f"people/{world.alice.uid}/wallet")
    assert response.status_code == 404


def test_wallet_needs_sign_in(world: Books, api_as: Any) -> None:
    response = api_as(None).get("me/wallet")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("owner", 200),
        ("worker", 200),
        ("operator", 200),
        ("rival", 404),
        ("alice", 404),
    ],
)
def test_books_permissions(world: Books, api_as: Any, who: str, status: int) -> None:
    user = {
        "anonymous": lambda: None,
        "owner": lambda: world.owner,
        "worker": lambda: world.worker,
        "operator": operator,
        "rival": lambda: world.rival,
        "alice": lambda: world.alice,
    }[who]()
    response = api_as(user).get(f"ventures/{world.maker.slug}/books")
    assert response.status_code == status
    body = response.json()
    if status == 200:
        assert body["venture"] == world.maker.slug
        assert [(a["kind"], a["balance"]) for a in body["accounts"]] == [("venture", "600.00")]
        assert [(line["memo"], line["term"], line["amount"]) for line in body["lines"]] == [
            ("O7 settled", "maker_price", "600.00")
        ]
    elif status == 404:
        assert body["code"] == "venture_not_found"


def test_rival_books_are_not_a_members(world: Books, api_as: Any) -> None:
    response = api_as(world.owner).get(f"ventures/{world.rival_venture.slug}/books")
    assert (response.status_code, response.json()["code"]) == (404, "venture_not_found")


def test_ledger_accounts_for_operators(
    world: Books, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = api_as(operator())
    with django_assert_max_num_queries(10):
        response = client.get("ledger/accounts")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert body["totals"] == {"CNY": "0.00"}
    assert body["balanced"] is True
    assert [(k["kind"], k["accounts"], k["balance"]) for k in body["kinds"]] == [
        ("escrow", 1, "0.00"),
        ("external", 1, "-1055.00"),
        ("platform", 1, "60.00"),
        ("user_wallet", 2, "395.00"),
        ("venture", 1, "600.00"),
    ]
    venture = next(item for item in body["items"] if item["kind"] == "venture")
    assert (venture["owner_venture"], venture["owner_user"], venture["balance"]) == (
        world.maker.slug,
        None,
        "600.00",
    )
    wallets = client.get("ledger/accounts", {"kind": "user_wallet"}).json()
    assert [(item["name"], item["balance"]) for item in wallets["items"]] == [
        ("Wallet of Alice", "340.00"),
        ("Wallet of Bob", "55.00"),
    ]


@pytest.mark.parametrize("who", ["alice", "owner"])
def test_ledger_accounts_refuse_others(world: Books, api_as: Any, who: str) -> None:
    response = api_as(getattr(world, who)).get("ledger/accounts")
    assert (response.status_code, response.json()["code"]) == (403, "not_operator")
    assert api_as(None).get("ledger/accounts").status_code == 401
