"""The venture lifecycle table (pure) and the status service that follows it."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.ventures import lifecycle
from heyi.ventures.lifecycle import Party, Refusal, Status, move_allowed, move_check, moves_for
from heyi.ventures.models import Venture, VentureStatus
from heyi.ventures.services import venture_investor_publishing_set, venture_status_change
from heyi.ventures.tests.factories import venture_found

MEMBER, OPERATOR, SYSTEM = Party.MEMBER, Party.OPERATOR, Party.SYSTEM


def test_the_table_names_every_status_of_the_model() -> None:
    assert {status.value for status in Status} == set(VentureStatus.values)


@pytest.mark.parametrize(
    ("source", "target", "parties"),
    [
        ("incubating", "accelerating", {MEMBER, OPERATOR}),
        ("accelerating", "raising", {SYSTEM}),
        ("raising", "spun_off", {SYSTEM}),
        ("raising", "accelerating", {SYSTEM}),
        ("incubating", "dissolved", {MEMBER, OPERATOR}),
        ("accelerating", "dissolved", {MEMBER, OPERATOR}),
        ("raising", "dissolved", {MEMBER, OPERATOR}),
        ("spun_off", "dissolved", {MEMBER, OPERATOR}),
    ],
)
def test_legal_moves_and_who_makes_them(source: str, target: str, parties: set[Party]) -> None:
    for party in Party:
        assert move_allowed(source, target, party=party) == (party in parties)


def test_every_other_move_is_illegal() -> None:
    legal = {(source.value, target.value) for source, target in lifecycle.TRANSITIONS}
    assert len(legal) == 8
    for source in Status:
        for target in Status:
            if (source.value, target.value) in legal:
                continue
            with pytest.raises(lifecycle.LifecycleError) as caught:
                move_check(source, target, party=SYSTEM)
            expected = Refusal.FINAL if source == Status.DISSOLVED else Refusal.ILLEGAL
            assert caught.value.refusal == expected


def test_the_moves_offered_to_each_party() -> None:
    assert moves_for("incubating", party=MEMBER) == [Status.ACCELERATING, Status.DISSOLVED]
    assert moves_for("accelerating", party=MEMBER) == [Status.DISSOLVED]
    assert moves_for("accelerating", party=SYSTEM) == [Status.RAISING]
    assert moves_for("raising", party=SYSTEM) == [Status.ACCELERATING, Status.SPUN_OFF]
    assert moves_for("spun_off", party=OPERATOR) == [Status.DISSOLVED]
    assert moves_for("dissolved", party=OPERATOR) == []


def test_a_raising_move_made_by_people_is_refused_with_the_reason(owner: Any) -> None:
    with pytest.raises(lifecycle.LifecycleError) as caught:
        move_check("accelerating", "raising", party=MEMBER)
    assert caught.value.refusal == Refusal.NOT_YOURS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "target", "message"),
    [
        ([], "raising", "A venture that is Incubating cannot become Raising."),
        (["accelerating"], "raising", "A venture starts raising only by opening a funding round."),
        (
            ["accelerating"],
            "spun_off",
            "A venture that is Accelerating cannot become Spun off.",
        ),
        (
            ["accelerating"],
            "incubating",
            "A venture that is Accelerating cannot become Incubating.",
        ),
        (
            ["dissolved"],
            "accelerating",
            "A dissolved venture is closed for good; it cannot become Accelerating.",
        ),
    ],
)
def test_people_cannot_make_the_rounds_moves(
    owner: Any, operator: Any, path: list[str], target: str, message: str
) -> None:
    venture = venture_found(founder=owner)
    for status in path:
        venture = venture_status_change(venture=venture, actor=owner, status=status)
    before = AuditEvent.objects.count()

    for actor in (owner, operator):
        with pytest.raises(DomainError) as caught:
            venture_status_change(venture=venture, actor=actor, status=target)
        assert (caught.value.code, caught.value.status, caught.value.message) == (
            "transition_not_allowed",
            409,
            message,
        )
    assert Venture.objects.get().status == (path[-1] if path else "incubating")
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_system_makes_the_rounds_moves(owner: Any) -> None:
    venture = venture_found(founder=owner)
    venture_status_change(venture=venture, actor=owner, status="accelerating")
    with pytest.raises(DomainError) as caught:
        venture_status_change(venture=venture, actor=None, status="spun_off", system=True)
    assert caught.value.code == "transition_not_allowed"

    for status in ("raising", "accelerating", "raising", "spun_off"):
        venture = venture_status_change(venture=venture, actor=None, status=status, system=True)
    venture = venture_status_change(venture=venture, actor=owner, status="dissolved")
    assert venture.status == "dissolved"
    moves = list(
        AuditEvent.objects.filter(type="ventures.venture.status_changed")
        .order_by("id")
        .values_list("data__from", "data__to")
    )
    assert moves == [
        ("incubating", "accelerating"),
        ("accelerating", "raising"),
        ("raising", "accelerating"),
        ("accelerating", "raising"),
        ("raising", "spun_off"),
        ("spun_off", "dissolved"),
    ]


@pytest.mark.django_db
def test_members_publish_statements_to_investors(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    with pytest.raises(DomainError) as caught:
        venture_investor_publishing_set(venture=venture, actor=rival, publishes=True)
    assert (caught.value.code, caught.value.status) == ("not_member", 403)
    assert Venture.objects.get().publishes_to_investors is False

    venture = venture_investor_publishing_set(venture=venture, actor=owner, publishes=True)
    venture_investor_publishing_set(venture=venture, actor=owner, publishes=True)
    assert Venture.objects.get().publishes_to_investors is True
    events = AuditEvent.objects.filter(type="ventures.venture.investor_publishing_changed")
    assert [event.data for event in events] == [{"publishes_to_investors": True}]
