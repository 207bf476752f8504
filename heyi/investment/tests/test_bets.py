"""Bet contracts: signing posts the stake (and an investor's reward) to escrow; the sweep settles
them from the record across the period's end, once, with exact balances."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.investment.models import BetContract, BetStatus
from heyi.investment.selectors import bet_progress
from heyi.investment.services import (
    bet_cancel,
    bet_propose,
    bet_settle,
    bet_sign,
    bets_sweep,
    commitment_set,
    round_close,
    round_open,
)
from heyi.investment.tasks import bet_contracts_sweep
from heyi.ledger.models import Account, Posting
from heyi.orders.models import Order
from heyi.orders.order_services import (
    order_advance,
    order_delivery_slot_choose,
    order_sample_decide,
)
from heyi.orders.tests.order_factories import Awarded, advance_as_maker, awarded
from heyi.ventures.models import Venture
from heyi.ventures.services import invitation_accept, invitation_send, venture_status_change

pytestmark = pytest.mark.django_db


def balance(key: str) -> Decimal:
    account = Account.objects.filter(key=key).first()
    return account.balance if account is not None else Decimal("0.00")


def fund(venture: Venture, member: Any, investor: Any, amount: str) -> None:
    """Give the venture money the real way: a round that raises `amount`."""
    if venture.status == "incubating":
        venture_status_change(venture=venture, actor=member, status="accelerating")
    funding_round = round_open(
        venture=venture,
        actor=member,
        amount_sought=amount,
        minimum_to_close=amount,
        pre_money_valuation="1000000.00",
        terms="Ordinary shares.",
        closes_at=timezone.now() + timedelta(days=10),
    )
    commitment_set(funding_round=funding_round, actor=investor, amount=amount)
    round_close(funding_round=funding_round, actor=member)
    venture.refresh_from_db()


def deliver(order: Order, maker: Any, buyer: Any) -> Order:
    order = advance_as_maker(order, maker, "sourcing", "in_production", "quality_checked")
    order = order_sample_decide(order=order, actor=buyer, approve=True)
    order = order_delivery_slot_choose(
        order=order,
        actor=buyer,
        delivery_date=timezone.localdate() + timedelta(days=2),
        window="15-18",
    )
    order = advance_as_maker(order, maker, "shipped", "at_station", "out_for_delivery")
    return order_advance(order=order, actor=buyer, to_stage="delivered")


@pytest.fixture
def world(owner: Any, operator: Any, django_capture_on_commit_callbacks: Any) -> Awarded:
    return awarded(owner, operator, [1], [("3000.00", 10)], django_capture_on_commit_callbacks)


def test_an_investor_s_bet_is_won_and_a_platform_bet_pays_from_the_platform(
    world: Awarded, investor: Any, investor_two: Any, operator: Any, provider: Any
) -> None:
    venture, maker, buyer = world.ventures[0], world.makers[0], world.buyers[0]
    fund(venture, maker, investor_two, "10000.00")
    venture_key = f"venture:{venture.uid}"
    assert balance(venture_key) == Decimal("10000.00")
    start = timezone.now()
    end = start + timedelta(days=30)

    bet = bet_propose(
        venture=venture,
        actor=maker,
        metric="users_served",
        target="1",
        period_start=start,
        period_end=end,
        reward="1000.00",
        stake="500.00",
        sponsor=investor,
        consequence="The stake goes to the investor if nobody is served.",
    )
    assert (bet.status, bet.venture_accepted_by, bet.sponsor_accepted_by) == (
        BetStatus.PROPOSED,
        maker,
        None,
    )
    with pytest.raises(DomainError) as caught:
        bet_sign(bet=bet, actor=maker)
    assert (caught.value.code, caught.value.status) == ("bet_already_accepted", 409)
    bet = bet_sign(bet=bet, actor=investor)
    assert bet.status == BetStatus.ACTIVE
    escrow_key = f"escrow:bet:{bet.uid}"
    assert (balance(venture_key), balance(escrow_key)) == (Decimal("9500.00"), Decimal("1500.00"))

    platform_bet = bet_propose(
        venture=venture,
        actor=operator,
        metric="users_served",
        target="1",
        period_start=start,
        period_end=end,
        reward="300.00",
    )
    platform_bet = bet_sign(bet=platform_bet, actor=maker)
    assert platform_bet.status == BetStatus.ACTIVE
    assert bet_progress(bet=bet).current == Decimal("0")

    deliver(Order.objects.get(venture=venture), maker, buyer)
    progress = bet_progress(bet=bet)
    assert (progress.current, progress.percent, progress.days_left) == (Decimal("1"), 100, 30)

    # Before the period ends nothing is settled.
    assert bets_sweep() == {"won": [], "lost": []}
    with time_machine.travel(end + timedelta(minutes=1)):
        assert bet_contracts_sweep.call() == {
            "won": [str(bet.uid), str(platform_bet.uid)],
            "lost": [],
        }
        assert bets_sweep() == {"won": [], "lost": []}
        assert bet_settle(bet=bet) is None

    bet.refresh_from_db()
    platform_bet.refresh_from_db()
    assert (bet.status, bet.achieved, platform_bet.status) == ("won", Decimal("1.00"), "won")
    # 10,000 raised − 500 staked + 500 back + 1,000 reward + 300 from the platform.
    assert balance(venture_key) == Decimal("11300.00")
    assert balance(escrow_key) == Decimal("0.00")
    assert balance("platform:fees") == Decimal("-300.00")
    settle = Posting.objects.get(idempotency_key=f"bet:{bet.uid}:settle")
    assert sorted((line.account.key, line.amount) for line in settle.lines.all()) == sorted(
        [(escrow_key, Decimal("-1500.00")), (venture_key, Decimal("1500.00"))]
    )


def test_a_lost_platform_bet_forfeits_the_stake_to_the_platform(
    venture: Venture, owner: Any, operator: Any, investor: Any, provider: Any
) -> None:
    fund(venture, owner, investor, "10000.00")
    start = timezone.now()
    end = start + timedelta(days=90)
    bet = bet_propose(
        venture=venture,
        actor=operator,
        metric="revenue",
        target="5000.00",
        period_start=start,
        period_end=end,
        reward="500.00",
        stake="2000.00",
        consequence="The stake goes to the platform.",
    )
    before = Posting.objects.count()
    bet = bet_sign(bet=bet, actor=owner)
    assert Posting.objects.count() == before + 1
    venture_key, escrow_key = f"venture:{venture.uid}", f"escrow:bet:{bet.uid}"
    assert (balance(venture_key), balance(escrow_key)) == (Decimal("8000.00"), Decimal("2000.00"))

    with time_machine.travel(end - timedelta(days=1)):
        assert bets_sweep() == {"won": [], "lost": []}
        progress = bet_progress(bet=bet)
        assert (progress.current, progress.percent, progress.days_left) == (
            Decimal("0.00"),
            0,
            1,
        )
    with time_machine.travel(end + timedelta(seconds=1)):
        assert bets_sweep() == {"won": [], "lost": [str(bet.uid)]}

    bet.refresh_from_db()
    assert (bet.status, bet.achieved) == ("lost", Decimal("0.00"))
    assert (balance(venture_key), balance(escrow_key), balance("platform:fees")) == (
        Decimal("8000.00"),
        Decimal("0.00"),
        Decimal("2000.00"),
    )


def test_a_lost_investor_bet_returns_the_reward_and_forfeits_the_stake(
    venture: Venture, owner: Any, investor: Any, investor_two: Any, provider: Any
) -> None:
    fund(venture, owner, investor_two, "1000.00")
    start = timezone.now()
    bet = bet_propose(
        venture=venture,
        actor=investor,
        sponsor=investor,
        metric="on_time_rate",
        target="95",
        period_start=start,
        period_end=start + timedelta(days=60),
        reward="400.00",
        stake="100.00",
    )
    bet = bet_sign(bet=bet, actor=owner)
    with time_machine.travel(bet.period_end):
        settled = bet_settle(bet=bet)
    assert settled is not None and settled.status == "lost"
    wallet = f"wallet:{investor.uid}"
    # The investor's card paid 400 into escrow; they get it back with the 100 stake.
    assert (
        balance(f"venture:{venture.uid}"),
        balance(f"escrow:bet:{bet.uid}"),
        balance(wallet),
    ) == (
        Decimal("900.00"),
        Decimal("0.00"),
        Decimal("500.00"),
    )


def test_proposal_and_signing_rules(
    venture: Venture, owner: Any, rival: Any, investor: Any, operator: Any
) -> None:
    start = timezone.now()
    fields: dict[str, Any] = {
        "metric": "revenue",
        "target": "1000.00",
        "period_start": start,
        "period_end": start + timedelta(days=30),
        "reward": "50.00",
    }
    before = BetContract.objects.count()
    with pytest.raises(DomainError) as caught:
        bet_propose(venture=venture, actor=rival, **fields)
    assert (caught.value.code, caught.value.status) == ("not_member", 403)
    with pytest.raises(DomainError) as caught:
        bet_propose(venture=venture, actor=owner, sponsor=rival, **fields)
    assert caught.value.code == "bet_invalid"
    with pytest.raises(DomainError) as caught:
        bet_propose(venture=venture, actor=owner, **{**fields, "metric": "happiness"})
    assert caught.value.code == "bet_invalid"
    with pytest.raises(DomainError) as caught:
        bet_propose(
            venture=venture, actor=owner, **{**fields, "metric": "on_time_rate", "target": "101"}
        )
    assert caught.value.code == "bet_invalid"
    assert BetContract.objects.count() == before

    bet = bet_propose(venture=venture, actor=owner, stake="100.00", **fields)
    for actor in (rival, investor):
        with pytest.raises(DomainError) as caught:
            bet_sign(bet=bet, actor=actor)
        assert (caught.value.code, caught.value.status) == ("not_sponsor", 403)
    # The venture has no money for the stake: signing is refused and nothing is written.
    with pytest.raises(DomainError) as caught:
        bet_sign(bet=bet, actor=operator)
    assert (caught.value.code, caught.value.status) == ("posting_overdrawn", 409)
    bet.refresh_from_db()
    assert (bet.status, bet.sponsor_accepted_by, Posting.objects.count()) == ("proposed", None, 0)

    cancelled = bet_cancel(bet=bet, actor=operator)
    assert cancelled.status == "cancelled"
    with pytest.raises(DomainError) as caught:
        bet_sign(bet=bet, actor=operator)
    assert caught.value.code == "bet_not_proposed"


def test_a_member_who_is_an_operator_accepts_only_for_the_venture(
    venture: Venture, owner: Any, operator: Any
) -> None:
    invitation_accept(
        invitation=invitation_send(venture=venture, actor=owner, invitee=operator),
        actor=operator,
    )
    start = timezone.now()
    bet = bet_propose(
        venture=venture,
        actor=operator,
        metric="revenue",
        target="1000.00",
        period_start=start,
        period_end=start + timedelta(days=30),
        reward="50.00",
    )
    assert (bet.venture_accepted_by, bet.sponsor_accepted_by) == (operator, None)
    with pytest.raises(DomainError) as caught:
        bet_sign(bet=bet, actor=owner)
    assert caught.value.code == "bet_already_accepted"
    with pytest.raises(DomainError) as caught:
        bet_sign(bet=bet, actor=operator)
    assert caught.value.code == "bet_already_accepted"
    assert BetContract.objects.get().status == "proposed"
