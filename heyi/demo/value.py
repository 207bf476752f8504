"""The demo world's money beyond the orders: pay rules, funding rounds and bet contracts.

Orders pay into escrow, are refunded and are settled by their share rule as the story runs
(the services do it); this module adds what people decide about money: each venture's pay rule
(published when the venture starts), the spun-off venture's funding round, and, once the story
has a record, rounds and bet contracts in every state, judged from that record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.db.models import Sum

from heyi.accounts.models import Role, User
from heyi.investment.models import BetContract, FundingRound
from heyi.investment.services import (
    bet_cancel,
    bet_propose,
    bet_sign,
    bets_sweep,
    commitment_set,
    investor_publishing_set,
    round_cancel,
    round_close,
    round_open,
)
from heyi.ledger.models import PostingLine
from heyi.ledger.services import venture_account
from heyi.value.models import PayBasis
from heyi.value.services import pay_rule_publish
from heyi.value.statements import venture_figures
from heyi.ventures.models import Venture, VentureKind, VentureStatus

ROUND_TERMS = (
    "Ordinary shares at the valuation shown. Investors join the venture's quarterly review of "
    "its statement; the members keep every operating decision."
)


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def pay_rule_start(*, venture: Venture, founder: User, position: int, at: datetime) -> None:
    """A new venture publishes how its members share what its orders earn."""
    if venture.kind == VentureKind.SUPPLIER:
        return
    pool = (Decimal(40), Decimal(50), Decimal(60))[position % 3]
    basis = PayBasis.STEPS if position % 2 == 0 else PayBasis.EQUAL
    with _at(at):
        pay_rule_publish(
            venture=venture,
            actor=founder,
            pool_percent=pool,
            basis=basis,
            note="Our first rule: agreed at the founding meeting.",
        )


def spin_off(*, venture: Venture, founder: User, investor: User, start: datetime) -> datetime:
    """The spun-off venture's story: a round that raised all it sought, closed early by its
    founder. Returns the moment it closed."""
    with _at(start):
        funding_round = round_open(
            venture=venture,
            actor=founder,
            amount_sought=Decimal("2000000.00"),
            minimum_to_close=Decimal("1000000.00"),
            pre_money_valuation=Decimal("8000000.00"),
            terms=ROUND_TERMS,
            closes_at=start + timedelta(days=30),
        )
    with _at(start + timedelta(days=3)):
        commitment_set(funding_round=funding_round, actor=investor, amount=Decimal("2000000.00"))
    closed = start + timedelta(days=5)
    with _at(closed):
        round_close(funding_round=funding_round, actor=founder)
    return closed


def _balance_at(venture: Venture, moment: datetime) -> Decimal:
    account = venture_account(venture=venture)
    total = PostingLine.objects.filter(account=account, posting__posted_at__lte=moment).aggregate(
        total=Sum("amount")
    )["total"]
    return total or Decimal(0)


def _revenue(venture: Venture, start: datetime, end: datetime) -> Decimal:
    return venture_figures(venture=venture, start=start, end=end).revenue


def demo_investment_add(
    *,
    ventures: list[Venture],
    members: dict[int, list[User]],
    operator: User,
    investor: User,
    residents: list[User],
    now: datetime,
    count: Callable[[str, int], None],
) -> None:
    """Rounds (open, failed, cancelled) and bet contracts (proposed, active, won, lost,
    cancelled) on the record the story left, at moments in the story's past."""
    makers = list(
        Venture.objects.filter(
            pk__in=[v.pk for v in ventures],
            kind=VentureKind.MAKER,
            status=VentureStatus.ACCELERATING,
        ).order_by("pk")
    )
    # The ventures with the most revenue over the story show investors their statements.
    story = now - timedelta(days=150)
    earning = sorted(makers, key=lambda v: (-_revenue(v, story, now), v.pk))
    earning = [v for v in earning if _revenue(v, story, now) > 0]
    others = [p for p in residents if p.roles.filter(role=Role.INVESTOR).exists() and p != investor]
    backers = [investor, *others[:2]]
    for venture in earning[:3]:
        with _at(now - timedelta(days=20)):
            investor_publishing_set(venture=venture, actor=members[venture.pk][0], publishes=True)
    if len(earning) >= 3:
        _rounds(earning, members, backers, now, count)
    if earning:
        _bets(earning, members, operator, investor, now, count)


def _round_open(
    venture: Venture, member: User, start: datetime, sought: str, valuation: str, days: int
) -> FundingRound:
    """A member opens a round at `start`, closing `days` later; the minimum is half of it."""
    with _at(start):
        return round_open(
            venture=venture,
            actor=member,
            amount_sought=Decimal(sought),
            minimum_to_close=Decimal(sought) / 2,
            pre_money_valuation=Decimal(valuation),
            terms=ROUND_TERMS,
            closes_at=start + timedelta(days=days),
        )


def _rounds(
    earning: list[Venture],
    members: dict[int, list[User]],
    backers: list[User],
    now: datetime,
    count: Callable[[str, int], None],
) -> None:
    # A round that failed a month ago: too little committed by its closing date.
    failed, cancelled, live = earning[2], earning[1], earning[0]
    start = now - timedelta(days=50)
    funding_round = _round_open(
        failed, members[failed.pk][0], start, "3000000.00", "12000000.00", 21
    )
    with _at(start + timedelta(days=4)):
        commitment_set(funding_round=funding_round, actor=backers[0], amount=Decimal("400000.00"))
    with _at(funding_round.closes_at + timedelta(minutes=5)):
        round_close(funding_round=funding_round)
    # A round its members called off.
    start = now - timedelta(days=25)
    funding_round = _round_open(
        cancelled, members[cancelled.pk][0], start, "1000000.00", "6000000.00", 30
    )
    with _at(start + timedelta(days=2)):
        round_cancel(funding_round=funding_round, actor=members[cancelled.pk][0])
    # The round open now: investors have committed part of it.
    start = now - timedelta(days=6)
    funding_round = _round_open(live, members[live.pk][0], start, "1600000.00", "9000000.00", 20)
    for days, backer, amount in zip(
        (1, 2, 4),
        backers,
        (Decimal("300000.00"), Decimal("150000.00"), Decimal("50000.00")),
        strict=False,
    ):
        with _at(start + timedelta(days=days)):
            commitment_set(funding_round=funding_round, actor=backer, amount=amount)
    count("funding rounds", FundingRound.objects.count())


def _bets(
    earning: list[Venture],
    members: dict[int, list[User]],
    operator: User,
    investor: User,
    now: datetime,
    count: Callable[[str, int], None],
) -> None:
    venture = earning[0]
    member = members[venture.pk][0]
    day = timedelta(days=1)

    def signed(propose_at: datetime, **terms: Any) -> BetContract:
        with _at(propose_at):
            bet = bet_propose(venture=venture, actor=member, **terms)
        with _at(propose_at + timedelta(hours=6)):
            return bet_sign(bet=bet, actor=terms.get("sponsor") or operator)

    # Won: revenue over a past month, with a target the venture beat.
    start, end = now - 75 * day, now - 45 * day
    revenue = _revenue(venture, start, end)
    if revenue > 0:
        stake = Decimal("500.00") if _balance_at(venture, start) >= 500 else Decimal(0)
        signed(
            start,
            metric="revenue",
            target=(revenue * Decimal("0.8")).quantize(Decimal("1.00")),
            period_start=start,
            period_end=end,
            reward=Decimal("3000.00"),
            stake=stake,
            consequence="The stake goes to the platform if the target is missed.",
        )
    # Lost: more users served than the venture reached.
    start, end = now - 44 * day, now - 14 * day
    served = venture_figures(venture=venture, start=start, end=end).users_served
    signed(
        start,
        metric="users_served",
        target=Decimal(served + 5),
        period_start=start,
        period_end=end,
        reward=Decimal("2000.00"),
        stake=Decimal("300.00") if _balance_at(venture, start) >= 300 else Decimal(0),
        consequence="The stake goes to the platform if the target is missed.",
    )
    # Active, sponsored by the investor, for the venture earning most these days: its page
    # shows the progress.
    start = now - 10 * day
    venture = max(earning, key=lambda v: (_revenue(v, start, now), -v.pk))
    member = members[venture.pk][0]
    signed(
        start,
        metric="revenue",
        target=Decimal("60000.00"),
        period_start=start,
        period_end=now + 50 * day,
        reward=Decimal("5000.00"),
        sponsor=investor,
        consequence="The investor's reward goes back to the investor if the target is missed.",
    )
    # Proposed, waiting for the platform's signature; and one withdrawn before signing.
    with _at(now - 2 * day):
        bet_propose(
            venture=venture,
            actor=member,
            metric="on_time_rate",
            target=Decimal("95"),
            period_start=now + day,
            period_end=now + 91 * day,
            reward=Decimal("2500.00"),
            consequence="No stake: the reward is simply not paid if the rate is missed.",
        )
        withdrawn = bet_propose(
            venture=venture,
            actor=member,
            metric="marginal_income",
            target=Decimal("40000.00"),
            period_start=now + day,
            period_end=now + 61 * day,
            reward=Decimal("1500.00"),
        )
    with _at(now - day):
        bet_cancel(bet=withdrawn, actor=member)
    # Every bet whose period has ended is judged from the record, as the sweep does hourly.
    with _at(now):
        bets_sweep(now=now)
    count("bet contracts", BetContract.objects.count())
