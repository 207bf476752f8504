"""A winning production bid's bet target becomes a platform-sponsored bet, once per award line."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from heyi.contention import award_handlers
from heyi.contention.models import AwardLine
from heyi.contention.services import bid_submit, tender_close
from heyi.contention.tests.factories import venture_found
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.investment.models import BetContract
from heyi.investment.services import bets_sweep
from heyi.ledger.models import Posting
from heyi.orders.tests.order_factories import tender_reached

pytestmark = pytest.mark.django_db


def test_the_award_makes_an_active_bet_once(
    owner: Any, operator: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.HEYI_BET_AWARD_PERIOD_DAYS = 60
    settings.HEYI_BET_AWARD_REWARD_RATE = "0.05"
    _demand, _campaign, tender = tender_reached(owner, [2])
    makers = []
    for index, (price, target) in enumerate([("3000.00", "80000.00"), ("3100.00", None)], 1):
        maker = person_make(f"maker{index}@example.com", f"Maker {index}")
        venture = venture_found(founder=maker, name=f"Maker Works {index}", categories=["kitchen"])
        bid_submit(
            tender=tender,
            venture=venture,
            actor=maker,
            unit_price=Decimal(price),
            lead_time_days=20,
            capacity=10,
            bet_target=target,
        )
        makers.append(venture)

    with django_capture_on_commit_callbacks(execute=True):
        tender = tender_close(tender=tender, actor=operator)

    line = AwardLine.objects.get()
    bet = BetContract.objects.get()
    assert (
        bet.venture,
        bet.metric,
        bet.target,
        bet.reward,
        bet.stake,
        bet.sponsor,
        bet.status,
        bet.source,
        bet.award_line_uid,
        bet.tender_uid,
    ) == (
        makers[0],
        "revenue",
        Decimal("80000.00"),
        Decimal("4000.00"),
        Decimal("0.00"),
        None,
        "active",
        "award",
        line.uid,
        tender.uid,
    )
    assert tender.closed_at is not None
    assert (bet.period_start, bet.period_end) == (
        tender.closed_at,
        tender.closed_at + timedelta(days=60),
    )
    assert AuditEvent.objects.filter(type="investment.bet.made_from_award").count() == 1

    # A second dispatch of the same award (a retried task) makes nothing new.
    award_handlers.dispatch(tender=tender)
    assert BetContract.objects.count() == 1

    # Nothing was staked: losing moves no money.
    postings = Posting.objects.count()
    with time_machine.travel(bet.period_end + timedelta(minutes=1)):
        assert bets_sweep() == {"won": [], "lost": [str(bet.uid)]}
    bet.refresh_from_db()
    assert (bet.status, bet.achieved, Posting.objects.count()) == (
        "lost",
        Decimal("0.00"),
        postings,
    )


def test_a_tender_closed_without_bids_makes_no_bet(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _demand, _campaign, tender = tender_reached(owner, [1])
    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=tender, actor=operator)
    assert BetContract.objects.count() == 0
