"""Race safety on PostgreSQL: a round closes once; a bet settles once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.investment.models import BetContract, CapTableEntry, FundingRound
from heyi.investment.services import (
    bet_propose,
    bet_settle,
    bet_sign,
    commitment_set,
    round_close,
    round_open,
)
from heyi.ledger.models import Account, Posting

# The release-together harness of the orders' race tests.
from heyi.orders.tests.test_concurrency import _at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions with row locks (SQLite locks the file)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_closes_at_once_close_the_round_once(
    venture: Any, owner: Any, investor: Any, investor_two: Any
) -> None:
    funding_round = round_open(
        venture=venture,
        actor=owner,
        amount_sought="500000.00",
        minimum_to_close="300000.00",
        pre_money_valuation="5000000.00",
        terms="Ordinary shares.",
        closes_at=timezone.now() + timedelta(days=30),
    )
    commitment_set(funding_round=funding_round, actor=investor, amount="300000.00")
    commitment_set(funding_round=funding_round, actor=investor_two, amount="200000.00")

    with time_machine.travel(funding_round.closes_at + timedelta(seconds=1), tick=True):
        results = _at_once(
            lambda: round_close(funding_round=FundingRound.objects.get(pk=funding_round.pk)),
            lambda: round_close(funding_round=FundingRound.objects.get(pk=funding_round.pk)),
        )

    closed = [r for r in results if isinstance(r, FundingRound)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(closed) == 1
    assert [error.code for error in refused] == ["round_not_open"]
    funding_round.refresh_from_db()
    assert (funding_round.status, funding_round.raised) == ("closed", Decimal("500000.00"))
    assert Posting.objects.filter(kind="investment").count() == 1
    assert Account.objects.get(key=f"venture:{venture.uid}").balance == Decimal("500000.00")
    assert list(CapTableEntry.objects.order_by("pk").values_list("shares", flat=True)) == [
        1_000_000,
        60_000,
        40_000,
    ]


def test_two_settlements_at_once_settle_a_bet_once(venture: Any, owner: Any, operator: Any) -> None:
    start = timezone.now()
    bet = bet_propose(
        venture=venture,
        actor=operator,
        metric="revenue",
        target="1000.00",
        period_start=start,
        period_end=start + timedelta(days=10),
        reward="100.00",
    )
    bet = bet_sign(bet=bet, actor=owner)

    with time_machine.travel(bet.period_end + timedelta(seconds=1), tick=True):
        results = _at_once(lambda: bet_settle(bet=bet), lambda: bet_settle(bet=bet))

    assert sorted(type(r).__name__ for r in results) == ["BetContract", "NoneType"]
    assert BetContract.objects.get().status == "lost"
