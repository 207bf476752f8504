"""Co-design reads: lists in a constant number of queries, lookups, tallies and permissions."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from heyi.core.errors import DomainError
from heyi.designs import selectors, services
from heyi.designs.tests.factories import (
    claimed_demand,
    demand_make,
    fan_make,
    member_add,
    proposal_make,
    venture_make,
)

pytestmark = pytest.mark.django_db


def price(proposal: Any) -> Decimal:
    """The current version's price, annotated on listed proposals by the selectors."""
    return proposal.current_price  # type: ignore[no-any-return]


def test_round_list_with_proposals_in_constant_queries(
    owner: Any, designer: Any, django_assert_num_queries: Any
) -> None:
    demand = claimed_demand(owner, designer)
    proposal_make(demand, designer, title="One")
    with django_assert_num_queries(2):
        rounds = selectors.round_list(demand=demand)
        summary: list[Any] = [
            (r.number, [(p.title, price(p)) for p in r.proposals.all()]) for r in rounds
        ]
    assert summary == [(1, [("One", Decimal("3999.00"))])]
    services.round_open_next(demand=demand, user=owner)
    for title in ("Two", "Three"):
        proposal_make(demand, designer, title=title)
    services.version_post(
        proposal=selectors.proposal_list(demand=demand).last(),  # type: ignore[arg-type]
        user=designer,
        description="Cheaper",
        base_price=Decimal("2500"),
    )
    with django_assert_num_queries(2):
        rounds = selectors.round_list(demand=demand)
        summary = [
            (
                r.number,
                r.status,
                [(p.title, price(p), p.author.name) for p in r.proposals.all()],
            )
            for r in rounds
        ]
    assert summary == [
        (1, "closed", [("One", Decimal("3999.00"), "Designer Dai")]),
        (
            2,
            "open",
            [
                ("Two", Decimal("3999.00"), "Designer Dai"),
                ("Three", Decimal("2500.00"), "Designer Dai"),
            ],
        ),
    ]


def test_proposal_list_by_round(owner: Any, designer: Any, django_assert_num_queries: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal_make(demand, designer, title="Round one")
    round_two = services.round_open_next(demand=demand, user=owner)
    proposal_make(demand, designer, title="Round two")
    with django_assert_num_queries(1):
        titles = [
            (p.title, p.round.number, p.venture) for p in selectors.proposal_list(demand=demand)
        ]
    assert titles == [("Round one", 1, None), ("Round two", 2, None)]
    assert [p.title for p in selectors.proposal_list(demand=demand, round=round_two)] == [
        "Round two"
    ]


def test_lookups_raise_not_found(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    checks = [
        (lambda: selectors.proposal_get(uid=uuid.uuid4()), "proposal_not_found"),
        (lambda: selectors.claim_get(uid=uuid.uuid4()), "claim_not_found"),
        (lambda: selectors.round_get(uid=uuid.uuid4()), "round_not_found"),
        (lambda: selectors.round_get_by_number(demand=demand, number=3), "round_not_found"),
        (lambda: selectors.version_get(proposal=proposal, number=2), "version_not_found"),
        (lambda: selectors.comment_get(uid=uuid.uuid4()), "comment_not_found"),
        (lambda: selectors.selection_get(demand=demand), "selection_not_found"),
    ]
    for call, code in checks:
        with pytest.raises(DomainError) as error:
            call()
        assert (error.value.code, error.value.status) == (code, 404)


def test_comment_list_in_constant_queries(
    owner: Any, designer: Any, rival: Any, django_assert_num_queries: Any
) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    root = services.comment_post(proposal=proposal, user=rival, body="First")
    services.comment_post(proposal=proposal, user=designer, body="Reply", parent=root)
    with django_assert_num_queries(2):
        threads: list[Any] = [
            (
                t.author.name,
                t.body,
                [(r.author.name, r.body, getattr(r.parent, "uid", None)) for r in t.replies.all()],
            )
            for t in selectors.comment_list(proposal=proposal)
        ]
    assert threads == [("Rival Ren", "First", [("Designer Dai", "Reply", root.uid)])]
    for i in range(3):
        parent = services.comment_post(proposal=proposal, user=rival, body=f"Thread {i}")
        services.comment_post(proposal=proposal, user=owner, body=f"Answer {i}", parent=parent)
    with django_assert_num_queries(2):
        threads = [
            (t.body, [r.author.name for r in t.replies.all()])
            for t in selectors.comment_list(proposal=proposal)
        ]
    assert [t[0] for t in threads] == ["First", "Thread 0", "Thread 1", "Thread 2"]


def test_vote_tally_and_the_users_vote(
    owner: Any, designer: Any, second_designer: Any, fans: list[Any]
) -> None:
    demand = claimed_demand(owner, designer)
    services.claim_make(demand=demand, user=second_designer)
    first = proposal_make(demand, designer, title="First")
    second = proposal_make(demand, second_designer, title="Second")
    for fan in fans[:3]:
        fan_make(demand, fan)
    services.vote_cast(proposal=second, user=fans[0])
    services.vote_cast(proposal=second, user=fans[1])
    services.vote_cast(proposal=first, user=fans[2])
    round_one = selectors.round_open_find(demand=demand)
    assert round_one is not None
    assert [
        (r.place, r.proposal.title, r.votes) for r in selectors.vote_tally(round=round_one)
    ] == [
        (1, "Second", 2),
        (2, "First", 1),
    ]
    vote = selectors.vote_get_for_user(round=round_one, user=fans[2])
    assert vote is not None and vote.proposal == first
    assert selectors.vote_get_for_user(round=round_one, user=fans[3]) is None
    assert selectors.vote_get_for_user(round=round_one, user=AnonymousUser()) is None


def test_who_may_do_what(
    owner: Any, designer: Any, second_designer: Any, rival: Any, operator: Any
) -> None:
    venture = venture_make(designer)
    member_add(venture, second_designer)
    demand = demand_make(owner)
    services.claim_make(demand=demand, user=designer, venture=venture)
    demand.refresh_from_db()
    proposal = proposal_make(demand, designer, venture=venture)
    fan_make(demand, rival)
    assert selectors.user_can_vote(demand=demand, user=owner)
    assert selectors.user_can_vote(demand=demand, user=rival)
    assert not selectors.user_can_vote(demand=demand, user=operator)
    assert not selectors.user_can_vote(demand=demand, user=AnonymousUser())
    assert selectors.user_acts_for_proposal(proposal=proposal, user=second_designer)
    assert not selectors.user_acts_for_proposal(proposal=proposal, user=rival)
    assert selectors.user_can_close_vote(demand=demand, user=operator)
    assert not selectors.user_can_close_vote(demand=demand, user=rival)
    assert [
        c.venture for c in selectors.claim_list_for_user(demand=demand, user=second_designer)
    ] == [venture]
    assert selectors.claim_list_for_user(demand=demand, user=rival) == []
    assert list(selectors.claimable_venture_list(user=second_designer)) == [venture]
