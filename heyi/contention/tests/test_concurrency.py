"""Race tests with real concurrent database sessions: one award per tender, no late bids.

They need PostgreSQL: SQLite serialises all writers on one file lock, so it cannot show that
the row locks in tender_close and bid_submit are what keeps the award single.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from heyi.contention.models import AwardLine, Bid, Tender, TenderStatus
from heyi.contention.services import bid_submit, tender_close
from heyi.contention.tests.factories import tender_make
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions with row locks (set DATABASE_URL)",
    ),
]


def _award(tender: Tender) -> dict[str, Any]:
    assert tender.award is not None
    return tender.award


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each thread has and closes its connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = call()
        except DomainError as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _fresh(tender: Tender) -> Tender:
    return Tender.objects.get(pk=tender.pk)


@pytest.mark.parametrize("attempt", range(5))
def test_two_closes_at_once_make_one_award(
    attempt: int, owner: Any, rival: Any, operator: Any, owner_venture: Any, rival_venture: Any
) -> None:
    tender = tender_make(quantity=150)
    for venture, user, price in ((owner_venture, owner, "100"), (rival_venture, rival, "120")):
        bid_submit(
            tender=tender,
            venture=venture,
            actor=user,
            unit_price=Decimal(price),
            lead_time_days=7,
            capacity=100,
        )

    outcomes = _race(
        lambda: tender_close(tender=_fresh(tender), actor=operator),
        lambda: tender_close(tender=_fresh(tender), actor=operator),
    )

    refused = [o for o in outcomes if isinstance(o, DomainError)]
    closed = [o for o in outcomes if isinstance(o, Tender)]
    assert (len(closed), [e.code for e in refused]) == (1, ["tender_not_open"])
    assert _fresh(tender).status == TenderStatus.AWARDED
    assert AwardLine.objects.filter(tender=tender).count() == 2
    assert AuditEvent.objects.filter(type="contention.tender.awarded").count() == 1


@pytest.mark.parametrize("attempt", range(5))
def test_a_bid_racing_the_close_is_counted_or_refused(
    attempt: int, owner: Any, rival: Any, operator: Any, owner_venture: Any, rival_venture: Any
) -> None:
    tender = tender_make(quantity=100)
    bid_submit(
        tender=tender,
        venture=owner_venture,
        actor=owner,
        unit_price=Decimal("100"),
        lead_time_days=7,
        capacity=100,
    )

    outcomes = _race(
        lambda: tender_close(tender=_fresh(tender), actor=operator),
        lambda: bid_submit(
            tender=_fresh(tender),
            venture=rival_venture,
            actor=rival,
            unit_price=Decimal("90"),
            lead_time_days=7,
            capacity=100,
        ),
    )

    closed, late = outcomes
    assert isinstance(closed, Tender)
    decided = _fresh(tender)
    scored = {row["bidder_id"] for row in _award(decided)["table"]}
    if isinstance(late, DomainError):
        # Refused: the close came first, and nothing of the bid was written.
        assert late.code == "bidding_closed"
        assert scored == {str(owner_venture.uid)}
        assert Bid.objects.filter(venture=rival_venture).count() == 0
    else:
        # Counted: the bid committed before the close read the bids, and it was scored.
        assert isinstance(late, Bid)
        assert scored == {str(owner_venture.uid), str(rival_venture.uid)}
        assert Bid.objects.get(venture=rival_venture).rank is not None
    assert decided.bid_count == len(scored)
