"""The investment API: shapes, permissions (denied calls write nothing), what investors see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi.core.models import AuditEvent
from heyi.investment.models import BetContract, CapTableEntry, Commitment, FundingRound
from heyi.investment.services import commitment_set, round_cancel, round_open
from heyi.ledger.models import Posting
from heyi.ventures.models import Venture

pytestmark = pytest.mark.django_db

ROUND = {
    "amount_sought": "500000.00",
    "minimum_to_close": "300000.00",
    "pre_money_valuation": "5000000.00",
    "terms": "Ordinary shares.",
}


def written() -> tuple[int, ...]:
    return (
        FundingRound.objects.count(),
        Commitment.objects.count(),
        CapTableEntry.objects.count(),
        BetContract.objects.count(),
        Posting.objects.count(),
        AuditEvent.objects.filter(type__startswith="investment.").count(),
    )


def opened(venture: Venture, owner: Any) -> FundingRound:
    return round_open(
        venture=venture,
        actor=owner,
        closes_at=timezone.now() + timedelta(days=30),
        **ROUND,
    )


@pytest.fixture
def clients(
    api_as: Any, owner: Any, rival: Any, operator: Any, investor: Any, investor_two: Any
) -> dict[str, Any]:
    """Every caller's client, made before anything is counted (tokens write audit rows)."""
    return {
        "anonymous": api_as(None),
        "owner": api_as(owner),
        "rival": api_as(rival),
        "operator": api_as(operator),
        "investor": api_as(investor),
        "investor_two": api_as(investor_two),
    }


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("rival", 403, "not_member"),
        ("operator", 403, "not_member"),
        ("investor", 403, "not_member"),
    ],
)
def test_only_members_open_a_round(
    venture: Venture, clients: dict[str, Any], who: str, status: int, code: str
) -> None:
    closes_at = (timezone.now() + timedelta(days=30)).isoformat()
    before = written()

    response = clients[who].post(
        f"ventures/{venture.slug}/funding-rounds", {**ROUND, "closes_at": closes_at}
    )

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert written() == before
    venture.refresh_from_db()
    assert venture.status == "accelerating"


def test_a_member_opens_a_round_and_an_investor_commits(
    venture: Venture, clients: dict[str, Any], investor: Any
) -> None:
    closes_at = (timezone.now() + timedelta(days=30)).isoformat()
    response = clients["owner"].post(
        f"ventures/{venture.slug}/funding-rounds", {**ROUND, "closes_at": closes_at}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["status"], body["venture"]["status"], body["committed"]) == (
        1,
        "open",
        "raising",
        "0.00",
    )
    uid = body["uid"]

    committed = clients["investor"].post(
        f"funding-rounds/{uid}/commitment", {"amount": "300000.00"}
    )
    assert committed.status_code == 200
    assert (committed.json()["amount"], committed.json()["status"]) == ("300000.00", "live")
    too_much = clients["investor_two"].post(
        f"funding-rounds/{uid}/commitment", {"amount": "200000.01"}
    )
    assert (too_much.status_code, too_much.json()["code"]) == (409, "round_oversubscribed")
    malformed = clients["investor_two"].post(f"funding-rounds/{uid}/commitment", {"amount": "lots"})
    assert (malformed.status_code, malformed.json()["code"]) == (422, "amount_invalid")

    detail = clients["owner"].get(f"funding-rounds/{uid}").json()
    assert (detail["committed"], detail["commitment_count"]) == ("300000.00", 1)
    assert [c["investor"]["uid"] for c in detail["commitments"]] == [str(investor.uid)]
    # Another investor sees the totals but not who committed what.
    other = clients["investor_two"].get(f"funding-rounds/{uid}").json()
    assert (other["committed"], other["commitments"]) == ("300000.00", [])

    unknown = clients["owner"].get("funding-rounds/00000000-0000-0000-0000-000000000000")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "round_not_found")


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("rival", 403, "not_investor"),
        ("owner", 403, "not_investor"),
        ("operator", 403, "not_investor"),
    ],
)
def test_non_investors_cannot_commit(
    venture: Venture, owner: Any, clients: dict[str, Any], who: str, status: int, code: str
) -> None:
    funding_round = opened(venture, owner)
    before = written()

    response = clients[who].post(
        f"funding-rounds/{funding_round.uid}/commitment", {"amount": "100.00"}
    )
    withdraw = clients[who].post(f"funding-rounds/{funding_round.uid}/withdraw")

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert (withdraw.status_code, withdraw.json()["code"]) == (status, code)
    assert written() == before


def test_rivals_cannot_close_or_cancel_someone_else_s_round(
    venture: Venture, owner: Any, investor: Any, clients: dict[str, Any]
) -> None:
    funding_round = opened(venture, owner)
    commitment_set(funding_round=funding_round, actor=investor, amount="300000.00")
    before = written()

    for who in ("rival", "investor", "operator"):
        for action in ("close", "cancel"):
            response = clients[who].post(f"funding-rounds/{funding_round.uid}/{action}")
            assert (response.status_code, response.json()["code"]) == (403, "not_member")
    assert written() == before

    closed = clients["owner"].post(f"funding-rounds/{funding_round.uid}/close")
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["raised"], closed.json()["shares_issued"]) == (
        "closed",
        "300000.00",
        60_000,
    )
    again = clients["owner"].post(f"funding-rounds/{funding_round.uid}/close")
    assert (again.status_code, again.json()["code"]) == (409, "round_not_open")

    table = clients["rival"].get(f"ventures/{venture.slug}/cap-table").json()
    assert table["total_shares"] == 1_060_000
    assert [
        (row["holder"]["uid"], row["shares"], row["percentage"], row["rounds"])
        for row in table["rows"]
    ] == [
        (str(owner.uid), 1_000_000, "94.34", []),
        (str(investor.uid), 60_000, "5.66", [1]),
    ]
    mine = clients["investor"].get("me/investments").json()
    assert mine["holdings"] == [
        {
            "venture": {
                "uid": str(venture.uid),
                "slug": venture.slug,
                "name": venture.name,
                "status": "accelerating",
            },
            "shares": 60_000,
            "percentage": "5.66",
            "paid": "300000.00",
        }
    ]
    assert [c["status"] for c in mine["commitments"]] == ["collected"]


def test_investors_see_statements_only_when_the_venture_publishes_them(
    venture: Venture, clients: dict[str, Any]
) -> None:
    url = f"ventures/{venture.slug}/traction"
    hidden = clients["investor"].get(url).json()
    assert (hidden["statements_visible"], hidden["statements"]) == (False, None)
    assert (hidden["orders_won"], hidden["users_served"], hidden["on_time_rate"]) == (0, 0, None)
    member_view = clients["owner"].get(url).json()
    assert member_view["statements"] == {
        "revenue": "0.00",
        "costs": "0.00",
        "marginal_income": "0.00",
        "shared_with_members": "0.00",
        "shared_with_partners": "0.00",
        "profit_retained": "0.00",
    }

    before = AuditEvent.objects.count()
    refused = clients["investor"].post(
        f"ventures/{venture.slug}/investor-publishing", {"publishes_to_investors": True}
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "not_member")
    assert AuditEvent.objects.count() == before

    published = clients["owner"].post(
        f"ventures/{venture.slug}/investor-publishing", {"publishes_to_investors": True}
    )
    assert published.json()["publishes_to_investors"] is True
    shown = clients["investor"].get(url).json()
    assert (shown["statements_visible"], shown["statements"]["revenue"]) == (True, "0.00")
    # Someone without the investor role still sees only the public record.
    rival_view = clients["rival"].get(url).json()
    assert (rival_view["statements_visible"], rival_view["statements"]) == (False, None)


def test_bets_through_the_api(
    venture: Venture, clients: dict[str, Any], investor: Any, provider: Any
) -> None:
    start = timezone.now()
    payload = {
        "metric": "users_served",
        "target": "10",
        "period_start": start.isoformat(),
        "period_end": (start + timedelta(days=30)).isoformat(),
        "reward": "200.00",
        "sponsor": str(investor.uid),
        "consequence": "No stake; the investor keeps the reward if missed.",
    }
    before = written()
    refused = clients["rival"].post(f"ventures/{venture.slug}/bets", payload)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_member")
    assert written() == before

    proposed = clients["owner"].post(f"ventures/{venture.slug}/bets", payload)
    assert proposed.status_code == 201
    body = proposed.json()
    assert (body["status"], body["venture_accepted"], body["sponsor_accepted"], body["stake"]) == (
        "proposed",
        True,
        False,
        "0.00",
    )
    rival_sign = clients["rival"].post(f"bets/{body['uid']}/sign")
    assert (rival_sign.status_code, rival_sign.json()["code"]) == (403, "not_sponsor")
    signed = clients["investor"].post(f"bets/{body['uid']}/sign")
    assert signed.status_code == 200
    assert (signed.json()["status"], signed.json()["progress"]) == (
        "active",
        {"current": "0", "percent": 0, "days_left": 30, "elapsed_percent": 0},
    )
    listed = clients["anonymous"].get(f"ventures/{venture.slug}/bets")
    assert listed.status_code == 401
    assert [b["uid"] for b in clients["rival"].get(f"ventures/{venture.slug}/bets").json()] == [
        body["uid"]
    ]
    assert clients["rival"].get(f"bets/{body['uid']}").json()["sponsor"]["uid"] == str(investor.uid)


def test_the_rounds_list_reads_in_a_constant_number_of_queries(
    venture: Venture,
    owner: Any,
    investor: Any,
    clients: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    for _ in range(3):
        funding_round = opened(venture, owner)
        commitment_set(funding_round=funding_round, actor=investor, amount="1000.00")
        round_cancel(funding_round=funding_round, actor=owner)
    funding_round = opened(venture, owner)
    commitment_set(funding_round=funding_round, actor=investor, amount="2500.50")
    client = clients["rival"]

    # Token and its person, the venture, the rounds with their totals.
    with django_assert_num_queries(5):
        response = client.get(f"ventures/{venture.slug}/funding-rounds")

    rounds = response.json()
    assert [(r["number"], r["status"], r["committed"], r["commitment_count"]) for r in rounds] == [
        (4, "open", "2500.50", 1),
        (3, "cancelled", "0.00", 0),
        (2, "cancelled", "0.00", 0),
        (1, "cancelled", "0.00", 0),
    ]
