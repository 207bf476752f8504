"""Funding rounds through the real services: exact ledger balances and cap table numbers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from conftest import make_user
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.investment.models import (
    CapTableEntry,
    Commitment,
    CommitmentStatus,
    FundingRound,
    RoundStatus,
)
from heyi.investment.selectors import cap_table
from heyi.investment.services import (
    commitment_set,
    commitment_withdraw,
    round_cancel,
    round_close,
    round_open,
    rounds_sweep,
    shares_for,
)
from heyi.investment.tasks import funding_rounds_sweep
from heyi.ledger.models import Account, Payment, Posting
from heyi.notifications.models import Notification
from heyi.ventures.models import Venture
from heyi.ventures.services import invitation_accept, invitation_send, venture_status_change

pytestmark = pytest.mark.django_db


def balances() -> dict[str, Decimal]:
    """Every account that holds something, by key (user and subject uids replaced by names)."""
    return {account.key: account.balance for account in Account.objects.exclude(balance=0)}


def written() -> tuple[int, int, int, int, int]:
    return (
        FundingRound.objects.count(),
        Commitment.objects.count(),
        CapTableEntry.objects.count(),
        Posting.objects.count(),
        AuditEvent.objects.filter(type__startswith="investment.").count(),
    )


def open_round(venture: Venture, owner: Any, **fields: Any) -> FundingRound:
    values: dict[str, Any] = {
        "amount_sought": "500000.00",
        "minimum_to_close": "300000.00",
        "pre_money_valuation": "5000000.00",
        "terms": "Ordinary shares; one seat as an observer.",
        "closes_at": timezone.now() + timedelta(days=30),
    }
    values.update(fields)
    return round_open(venture=venture, actor=owner, **values)


def test_a_round_that_raises_all_it_sought(
    venture: Venture, owner: Any, investor: Any, investor_two: Any, provider: Any
) -> None:
    funding_round = open_round(venture, owner)
    venture.refresh_from_db()
    assert (funding_round.number, funding_round.status, venture.status) == (1, "open", "raising")
    founders = CapTableEntry.objects.get()
    assert (founders.holder, founders.kind, founders.shares, founders.round) == (
        owner,
        "founder",
        1_000_000,
        None,
    )

    commitment_set(funding_round=funding_round, actor=investor, amount="250000.00")
    changed = commitment_set(funding_round=funding_round, actor=investor, amount="300000.00")
    commitment_set(funding_round=funding_round, actor=investor_two, amount="200000.00")
    assert Commitment.objects.filter(status="live").count() == 2
    assert changed.amount == Decimal("300000.00")
    # Nothing moves in the ledger while the round is open.
    assert Posting.objects.count() == 0

    # The minimum is reached: a member may close early.
    closed = round_close(funding_round=funding_round, actor=owner)

    venture.refresh_from_db()
    assert (closed.status, closed.raised, venture.status) == (
        RoundStatus.CLOSED,
        Decimal("500000.00"),
        "spun_off",
    )
    assert (closed.price_per_share, closed.shares_before, closed.shares_issued) == (
        Decimal("5.000000"),
        1_000_000,
        100_000,
    )
    assert balances() == {
        "external:test": Decimal("-500000.00"),
        f"venture:{venture.uid}": Decimal("500000.00"),
    }
    round_postings = Posting.objects.filter(subject_type="round", subject_uid=closed.uid)
    assert sorted(round_postings.values_list("kind", flat=True)) == [
        "escrow",
        "escrow",
        "investment",
        "payment",
        "payment",
    ]
    invest = Posting.objects.get(idempotency_key=f"round:{closed.uid}:invest")
    assert sorted((line.account.key, line.amount) for line in invest.lines.all()) == [
        (f"escrow:round:{closed.uid}", Decimal("-500000.00")),
        (f"venture:{venture.uid}", Decimal("500000.00")),
    ]
    assert set(Commitment.objects.values_list("status", flat=True)) == {"collected"}

    table = cap_table(venture=venture)
    assert table.total_shares == 1_100_000
    assert [
        (row.holder, row.kind, row.shares, row.percentage, row.rounds) for row in table.rows
    ] == [
        (owner, "founder", 1_000_000, Decimal("90.91"), ()),
        (investor, "investor", 60_000, Decimal("5.45"), (1,)),
        (investor_two, "investor", 40_000, Decimal("3.64"), (1,)),
    ]
    event = AuditEvent.objects.get(type="investment.round.closed")
    assert event.data["shares_issued"] == 100_000


def test_a_round_below_what_it_sought_goes_back_to_accelerating_and_rounds_down(
    venture: Venture, owner: Any, investor: Any, provider: Any
) -> None:
    funding_round = open_round(
        venture,
        owner,
        amount_sought="10000.00",
        minimum_to_close="1000.00",
        pre_money_valuation="3000000.00",
    )
    commitment_set(funding_round=funding_round, actor=investor, amount="1000.00")

    with time_machine.travel(funding_round.closes_at + timedelta(minutes=1)):
        assert funding_rounds_sweep.call() == {
            "closed": [str(funding_round.uid)],
            "failed": [],
            "cancelled": [],
        }

    funding_round.refresh_from_db()
    venture.refresh_from_db()
    assert (funding_round.status, funding_round.raised, venture.status) == (
        "closed",
        Decimal("1000.00"),
        "accelerating",
    )
    # ¥1,000 at ¥3 a share is 333⅓ shares: 333 are issued.
    entry = CapTableEntry.objects.get(kind="investor")
    assert (entry.shares, entry.amount_paid, funding_round.price_per_share) == (
        333,
        Decimal("1000.00"),
        Decimal("3.000000"),
    )

    # A second round prices its shares over everything issued so far.
    second = open_round(
        venture,
        owner,
        amount_sought="7000.00",
        minimum_to_close="7000.00",
        pre_money_valuation="7000999.00",
    )
    assert second.number == 2
    commitment_set(funding_round=second, actor=investor, amount="7000.00")
    closed = round_close(funding_round=second, actor=owner)
    assert (closed.shares_before, closed.price_per_share, closed.shares_issued) == (
        1_000_333,
        Decimal("6.998668"),
        1000,
    )
    venture.refresh_from_db()
    assert venture.status == "spun_off"
    assert balances() == {
        "external:test": Decimal("-8000.00"),
        f"venture:{venture.uid}": Decimal("8000.00"),
    }
    assert [(row.shares, row.rounds) for row in cap_table(venture=venture).rows] == [
        (1_000_000, ()),
        (1333, (1, 2)),
    ]


def test_shares_are_computed_on_the_exact_fraction() -> None:
    assert (
        shares_for(
            amount=Decimal("1000.00"), outstanding=1_000_000, pre_money_valuation=Decimal("3000000")
        )
        == 333
    )
    assert (
        shares_for(amount=Decimal("0.03"), outstanding=100, pre_money_valuation=Decimal("1.00"))
        == 3
    )


def test_a_round_below_its_minimum_fails_and_posts_nothing(
    venture: Venture, owner: Any, investor: Any, investor_two: Any, provider: Any
) -> None:
    funding_round = open_round(venture, owner)
    commitment_set(funding_round=funding_round, actor=investor, amount="100000.00")
    commitment_set(funding_round=funding_round, actor=investor_two, amount="50000.00")
    commitment_withdraw(funding_round=funding_round, actor=investor_two)

    with pytest.raises(DomainError) as caught:
        round_close(funding_round=funding_round, actor=owner)
    assert (caught.value.code, caught.value.status) == ("round_close_not_due", 409)
    with pytest.raises(DomainError) as caught:
        round_close(funding_round=funding_round)
    assert caught.value.code == "round_close_not_due"

    with time_machine.travel(funding_round.closes_at + timedelta(seconds=1)):
        assert rounds_sweep() == {"closed": [], "failed": [str(funding_round.uid)], "cancelled": []}
        assert rounds_sweep() == {"closed": [], "failed": [], "cancelled": []}

    funding_round.refresh_from_db()
    venture.refresh_from_db()
    assert (funding_round.status, funding_round.raised, venture.status) == (
        "failed",
        Decimal("0.00"),
        "accelerating",
    )
    assert sorted(Commitment.objects.values_list("status", flat=True)) == [
        "released",
        "withdrawn",
    ]
    assert Posting.objects.count() == 0
    assert Payment.objects.count() == 0
    assert provider.charges == []
    assert balances() == {}
    # The founders' shares stay; nobody else holds any.
    assert list(CapTableEntry.objects.values_list("kind", "shares")) == [("founder", 1_000_000)]


def test_a_declined_charge_fails_that_commitment_alone(
    venture: Venture,
    owner: Any,
    investor: Any,
    investor_two: Any,
    investor_three: Any,
    provider: Any,
) -> None:
    funding_round = open_round(venture, owner)
    kept = commitment_set(funding_round=funding_round, actor=investor, amount="300000.00")
    declined = commitment_set(funding_round=funding_round, actor=investor_two, amount="100000.00")
    other = commitment_set(funding_round=funding_round, actor=investor_three, amount="50000.00")
    provider.declined.add(f"commitment:{declined.uid}")

    closed = round_close(funding_round=funding_round, actor=owner)

    assert (closed.status, closed.raised, closed.shares_issued) == (
        "closed",
        Decimal("350000.00"),
        70_000,
    )
    statuses = dict(Commitment.objects.values_list("uid", "status"))
    assert statuses == {kept.uid: "collected", declined.uid: "failed", other.uid: "collected"}
    declined.refresh_from_db()
    assert declined.failure_message == "The payment was declined: The card was declined."
    venture.refresh_from_db()
    assert venture.status == "accelerating"
    assert balances() == {
        "external:test": Decimal("-350000.00"),
        f"venture:{venture.uid}": Decimal("350000.00"),
    }
    assert sorted((row.holder.email, row.shares) for row in cap_table(venture=venture).rows) == [
        ("iris@example.com", 10_000),
        ("ivy@example.com", 60_000),
        ("owner@example.com", 1_000_000),
    ]
    told = Notification.objects.filter(kind__startswith="investment.").select_related("user")
    assert sorted((n.user.email, n.kind, n.title) for n in told) == [
        (
            "ian@example.com",
            "investment.commitment.failed",
            "Your payment of 100000.00 CNY to Cold Chain Makers was declined; the commitment "
            "was left out.",
        ),
        (
            "iris@example.com",
            "investment.commitment.collected",
            "Your 50000.00 CNY bought shares of Cold Chain Makers.",
        ),
        (
            "ivy@example.com",
            "investment.commitment.collected",
            "Your 300000.00 CNY bought shares of Cold Chain Makers.",
        ),
    ]


def test_a_decline_below_the_minimum_fails_the_round_and_refunds_everyone(
    venture: Venture, owner: Any, investor: Any, investor_two: Any, provider: Any
) -> None:
    funding_round = open_round(venture, owner)
    paid = commitment_set(funding_round=funding_round, actor=investor, amount="200000.00")
    declined = commitment_set(funding_round=funding_round, actor=investor_two, amount="150000.00")
    provider.declined.add(f"commitment:{declined.uid}")

    closed = round_close(funding_round=funding_round, actor=owner)

    assert (closed.status, closed.raised) == ("failed", Decimal("0.00"))
    statuses = dict(Commitment.objects.values_list("uid", "status"))
    assert statuses == {paid.uid: "refunded", declined.uid: "failed"}
    venture.refresh_from_db()
    assert venture.status == "accelerating"
    # The collected money went back to the card: every account is even again.
    assert balances() == {}
    refunds = Payment.objects.filter(kind="refund")
    assert [(p.user, p.amount, p.status) for p in refunds] == [
        (investor, Decimal("200000.00"), "succeeded")
    ]
    assert list(CapTableEntry.objects.values_list("kind", flat=True)) == ["founder"]


def test_opening_rules(venture: Venture, owner: Any, rival: Any, operator: Any) -> None:
    before = written()
    for actor in (rival, operator):
        with pytest.raises(DomainError) as caught:
            open_round(venture, actor)
        assert (caught.value.code, caught.value.status) == ("not_member", 403)
    with pytest.raises(DomainError) as caught:
        open_round(venture, owner, minimum_to_close="600000.00")
    assert (caught.value.code, caught.value.status) == ("round_invalid", 422)
    with pytest.raises(DomainError) as caught:
        open_round(venture, owner, amount_sought="-5")
    assert (caught.value.code, caught.value.status) == ("amount_invalid", 422)
    with pytest.raises(DomainError) as caught:
        open_round(venture, owner, closes_at=timezone.now() - timedelta(minutes=1))
    assert caught.value.code == "round_invalid"
    assert written() == before

    funding_round = open_round(venture, owner)
    with pytest.raises(DomainError) as caught:
        open_round(venture, owner)
    assert (caught.value.code, caught.value.status) == ("round_open_exists", 409)

    round_cancel(funding_round=funding_round, actor=owner)
    venture.refresh_from_db()
    assert venture.status == "accelerating"
    venture_status_change(venture=venture, actor=owner, status="dissolved")
    with pytest.raises(DomainError) as caught:
        open_round(venture, owner)
    assert (caught.value.code, caught.value.status) == ("venture_not_accelerating", 409)


def test_commitment_rules(
    venture: Venture, owner: Any, rival: Any, investor: Any, investor_two: Any
) -> None:
    funding_round = open_round(venture, owner)
    before = written()
    for actor in (rival, owner):
        with pytest.raises(DomainError) as caught:
            commitment_set(funding_round=funding_round, actor=actor, amount="1000.00")
        assert (caught.value.code, caught.value.status) == ("not_investor", 403)
    member_investor = make_user("mia@example.com", roles=["investor"])
    invitation_accept(
        invitation=invitation_send(venture=venture, actor=owner, invitee=member_investor),
        actor=member_investor,
    )
    before = written()
    with pytest.raises(DomainError) as caught:
        commitment_set(funding_round=funding_round, actor=member_investor, amount="1000.00")
    assert caught.value.code == "commitment_own_venture"
    with pytest.raises(DomainError) as caught:
        commitment_set(funding_round=funding_round, actor=investor, amount="0.001")
    assert caught.value.code == "amount_invalid"
    commitment_set(funding_round=funding_round, actor=investor, amount="400000.00")
    with pytest.raises(DomainError) as caught:
        commitment_set(funding_round=funding_round, actor=investor_two, amount="100000.01")
    assert (caught.value.code, caught.value.status) == ("round_oversubscribed", 409)
    with pytest.raises(DomainError) as caught:
        commitment_withdraw(funding_round=funding_round, actor=investor_two)
    assert (caught.value.code, caught.value.status) == ("commitment_not_found", 404)
    assert written()[1] == before[1] + 1

    # After the closing time nobody commits or withdraws.
    with time_machine.travel(funding_round.closes_at):
        with pytest.raises(DomainError) as caught:
            commitment_withdraw(funding_round=funding_round, actor=investor)
        assert caught.value.code == "round_not_open"

    withdrawn = commitment_withdraw(funding_round=funding_round, actor=investor)
    again = commitment_set(funding_round=funding_round, actor=investor, amount="100.00")
    assert (withdrawn.status, again.status, again.pk != withdrawn.pk) == (
        CommitmentStatus.WITHDRAWN,
        CommitmentStatus.LIVE,
        True,
    )


def test_a_dissolved_venture_s_round_is_cancelled_by_the_sweep(
    venture: Venture, owner: Any, investor: Any
) -> None:
    funding_round = open_round(venture, owner)
    commitment_set(funding_round=funding_round, actor=investor, amount="1000.00")
    venture_status_change(venture=venture, actor=owner, status="dissolved")

    assert rounds_sweep() == {"closed": [], "failed": [], "cancelled": [str(funding_round.uid)]}

    funding_round.refresh_from_db()
    venture.refresh_from_db()
    assert (funding_round.status, venture.status) == ("cancelled", "dissolved")
    assert Commitment.objects.get().status == "released"
    assert Posting.objects.count() == 0
