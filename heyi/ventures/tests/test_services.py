"""Tests of the venture services: exact state, audit rows, permissions and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.ventures.models import (
    DecisionStatus,
    Invitation,
    JoinRequest,
    MemberRole,
    Membership,
    Venture,
    VentureStatus,
)
from heyi.ventures.selectors import membership_is_active
from heyi.ventures.services import (
    invitation_accept,
    invitation_decline,
    invitation_send,
    invitation_withdraw,
    join_request_approve,
    join_request_reject,
    join_request_send,
    join_request_withdraw,
    membership_leave,
    venture_create,
    venture_status_change,
    venture_update,
)
from heyi.ventures.tests.factories import CategoryFactory, venture_found

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int, int, int]:
    """Row counts of everything a venture service may write."""
    return (
        Venture.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        JoinRequest.objects.count(),
        AuditEvent.objects.count(),
    )


def event_types(since: int = 0) -> list[str]:
    return list(
        AuditEvent.objects.filter(type__startswith="ventures.")
        .order_by("id")
        .values_list("type", flat=True)
    )[since:]


@pytest.fixture
def applicant(db: Any) -> Any:
    return make_user("applicant@example.com", name="Applicant Ann")


@pytest.fixture
def actor(request: pytest.FixtureRequest) -> Any:
    """The person named by the test's `who` parameter; `anonymous` is nobody signed in."""
    who = request.param
    return AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)


# --- founding -------------------------------------------------------------------------------


def test_venture_create_makes_the_founder_the_first_member(owner: Any) -> None:
    fridges = CategoryFactory(slug="fridges", name="Fridges")
    CategoryFactory(slug="washers", name="Washing machines")

    venture = venture_create(
        actor=owner,
        name="  Cold Chain Makers ",
        kind="maker",
        mission="Refrigerators for small restaurants.",
        city="Qingdao",
        categories=["fridges"],
        capacity_per_day=40,
    )

    venture.refresh_from_db()
    assert venture.name == "Cold Chain Makers"
    assert venture.slug == "cold-chain-makers"
    assert venture.kind == "maker"
    assert venture.status == VentureStatus.INCUBATING
    assert venture.member_count == 1
    assert venture.capacity_per_day == 40
    assert venture.founded_by == owner
    assert list(venture.categories.all()) == [fridges]
    membership = Membership.objects.get()
    assert (membership.venture, membership.user, membership.role) == (
        venture,
        owner,
        MemberRole.FOUNDER,
    )
    assert membership.left_at is None
    assert event_types() == ["ventures.venture.created", "ventures.member.joined"]
    created = AuditEvent.objects.get(type="ventures.venture.created")
    assert created.actor == owner
    assert created.subject_uid == venture.uid
    assert created.data == {
        "slug": "cold-chain-makers",
        "kind": "maker",
        "categories": ["fridges"],
        "capacity_per_day": 40,
    }


def test_venture_slugs_get_a_number_on_a_clash(owner: Any) -> None:
    first = venture_found(founder=owner, name="Blue Fridge")
    second = venture_found(founder=owner, name="Blue Fridge!")
    third = venture_found(founder=owner, name="blue  fridge?")

    assert [first.slug, second.slug, third.slug] == [
        "blue-fridge",
        "blue-fridge-2",
        "blue-fridge-3",
    ]


def test_venture_slug_keeps_chinese_characters(owner: Any) -> None:
    venture = venture_found(founder=owner, name="海尔 冰箱小微")

    assert venture.slug == "海尔-冰箱小微"


def test_venture_slug_never_takes_a_reserved_page_name(owner: Any) -> None:
    assert venture_found(founder=owner, name="New").slug == "new-2"
    assert venture_found(founder=owner, name="Invitations").slug == "invitations-2"


def test_venture_name_must_be_unique_whatever_the_case(owner: Any, rival: Any) -> None:
    venture_found(founder=owner, name="Cold Chain Makers")
    before = written()

    with pytest.raises(DomainError) as caught:
        venture_found(founder=rival, name="COLD CHAIN MAKERS")

    assert (caught.value.code, caught.value.status) == ("venture_name_taken", 409)
    assert written() == before


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": ""}, "blank"),
        ({"name": "   "}, "blank"),
        ({"name": "x" * 5000}, "too_long"),
        ({"mission": ""}, "blank"),
        ({"mission": "m" * 4001}, "too_long"),
        ({"kind": "bakery"}, "venture_kind_unknown"),
        ({"capacity_per_day": -1}, "capacity_invalid"),
        ({"capacity_per_day": 1_000_001}, "capacity_invalid"),
        ({"categories": ["no-such-category"]}, "category_unknown"),
    ],
)
def test_venture_create_refuses_bad_input_and_writes_nothing(
    owner: Any, fields: dict[str, Any], code: str
) -> None:
    before = written()

    with pytest.raises(DomainError) as caught:
        venture_found(founder=owner, **fields)

    assert (caught.value.code, caught.value.status) == (code, 422)
    assert written() == before


def test_venture_create_needs_a_signed_in_person(db: Any) -> None:
    with pytest.raises(DomainError) as caught:
        venture_found(founder=AnonymousUser())  # type: ignore[arg-type]

    assert caught.value.status == 403
    assert written() == (0, 0, 0, 0, 0)


# --- describing -----------------------------------------------------------------------------


def test_venture_update_changes_the_description_and_records_what_changed(owner: Any) -> None:
    CategoryFactory(slug="fridges")
    washers = CategoryFactory(slug="washers")
    venture = venture_found(founder=owner, categories=["fridges"], capacity_per_day=40)

    venture = venture_update(
        venture=venture,
        actor=owner,
        mission="Washing machines for laundromats.",
        categories=["washers"],
        capacity_per_day=25,
    )

    venture.refresh_from_db()
    assert venture.mission == "Washing machines for laundromats."
    assert venture.city == "Qingdao"
    assert venture.capacity_per_day == 25
    assert list(venture.categories.all()) == [washers]
    updated = AuditEvent.objects.get(type="ventures.venture.updated")
    assert updated.data == {
        "mission": {
            "from": "We build made-to-order refrigerators for small restaurants.",
            "to": "Washing machines for laundromats.",
        },
        "categories": {"from": ["fridges"], "to": ["washers"]},
        "capacity_per_day": {"from": 40, "to": 25},
    }


def test_venture_update_without_a_change_writes_nothing(owner: Any) -> None:
    venture = venture_found(founder=owner)
    before = written()

    venture_update(venture=venture, actor=owner, city="Qingdao", capacity_per_day=40)

    assert written() == before


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("anonymous", False), ("owner", True), ("rival", False), ("operator", False)],
    indirect=["actor"],
)
def test_only_members_update_the_description(owner: Any, actor: Any, allowed: bool) -> None:
    venture = venture_found(founder=owner)
    before = written()

    if allowed:
        venture_update(venture=venture, actor=actor, city="Yantai")
        venture.refresh_from_db()
        assert venture.city == "Yantai"
        assert written() == (before[0], before[1], before[2], before[3], before[4] + 1)
    else:
        with pytest.raises(DomainError) as caught:
            venture_update(venture=venture, actor=actor, city="Yantai")
        assert (caught.value.code, caught.value.status) == ("not_member", 403)
        venture.refresh_from_db()
        assert venture.city == "Qingdao"
        assert written() == before


def test_venture_update_refuses_a_negative_capacity(owner: Any) -> None:
    venture = venture_found(founder=owner)
    before = written()

    with pytest.raises(DomainError) as caught:
        venture_update(venture=venture, actor=owner, capacity_per_day=-5)

    assert caught.value.code == "capacity_invalid"
    venture.refresh_from_db()
    assert venture.capacity_per_day == 40
    assert written() == before


# --- status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("anonymous", False), ("owner", True), ("rival", False), ("operator", True)],
    indirect=["actor"],
)
def test_members_and_operators_set_the_status(owner: Any, actor: Any, allowed: bool) -> None:
    venture = venture_found(founder=owner)
    before = written()

    if allowed:
        venture = venture_status_change(venture=venture, actor=actor, status="accelerating")
        assert Venture.objects.get().status == VentureStatus.ACCELERATING
        event = AuditEvent.objects.get(type="ventures.venture.status_changed")
        assert event.data == {"from": "incubating", "to": "accelerating"}
        assert event.actor == actor
    else:
        with pytest.raises(DomainError) as caught:
            venture_status_change(venture=venture, actor=actor, status="accelerating")
        assert (caught.value.code, caught.value.status) == ("not_member", 403)
        assert Venture.objects.get().status == VentureStatus.INCUBATING
        assert written() == before


def test_dissolved_is_final(owner: Any, operator: Any) -> None:
    venture = venture_found(founder=owner)
    venture_status_change(venture=venture, actor=owner, status="dissolved")
    before = written()

    for status in ("incubating", "accelerating", "raising", "spun_off", "dissolved"):
        with pytest.raises(DomainError) as caught:
            venture_status_change(venture=venture, actor=operator, status=status)
        assert (caught.value.code, caught.value.status) == ("transition_not_allowed", 409)
    assert Venture.objects.get().status == VentureStatus.DISSOLVED
    assert written() == before


def test_an_unknown_status_is_refused(owner: Any) -> None:
    venture = venture_found(founder=owner)

    with pytest.raises(DomainError) as caught:
        venture_status_change(venture=venture, actor=owner, status="sold")

    assert (caught.value.code, caught.value.status) == ("venture_status_unknown", 422)


def test_dissolving_withdraws_pending_invitations_and_requests(
    owner: Any, rival: Any, applicant: Any
) -> None:
    venture = venture_found(founder=owner)
    invitation = invitation_send(venture=venture, actor=owner, invitee=rival)
    join_request = join_request_send(venture=venture, actor=applicant, message="Let me in.")

    venture_status_change(venture=venture, actor=owner, status="dissolved")

    invitation.refresh_from_db()
    join_request.refresh_from_db()
    assert invitation.status == DecisionStatus.WITHDRAWN
    assert join_request.status == DecisionStatus.WITHDRAWN
    event = AuditEvent.objects.get(type="ventures.venture.status_changed")
    assert event.data == {
        "from": "incubating",
        "to": "dissolved",
        "invitations_withdrawn": 1,
        "join_requests_withdrawn": 1,
    }
    with pytest.raises(DomainError) as caught:
        join_request_send(venture=venture, actor=applicant, message="Again?")
    assert caught.value.code == "venture_dissolved"


# --- invitations ------------------------------------------------------------------------------


def test_invitation_by_email_then_accepted_adds_a_member(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)

    invitation = invitation_send(
        venture=venture, actor=owner, invitee_email=" RIVAL@example.com ", message="Join us!"
    )
    assert (invitation.invitee, invitation.invited_by, invitation.status) == (
        rival,
        owner,
        DecisionStatus.PENDING,
    )
    assert invitation.message == "Join us!"

    membership = invitation_accept(invitation=invitation, actor=rival)

    invitation.refresh_from_db()
    venture.refresh_from_db()
    assert invitation.status == DecisionStatus.ACCEPTED
    assert invitation.decided_at is not None
    assert (membership.user, membership.role) == (rival, MemberRole.MEMBER)
    assert venture.member_count == 2
    assert membership_is_active(venture=venture, user=rival) is True
    assert event_types(since=2) == [
        "ventures.invitation.sent",
        "ventures.invitation.accepted",
        "ventures.member.joined",
    ]


def test_invitation_by_user_uid(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)

    invitation = invitation_send(venture=venture, actor=owner, invitee_uid=rival.uid)

    assert invitation.invitee == rival


def test_invitation_declined(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    invitation = invitation_send(venture=venture, actor=owner, invitee=rival)

    invitation_decline(invitation=invitation, actor=rival)

    invitation.refresh_from_db()
    venture.refresh_from_db()
    assert invitation.status == DecisionStatus.DECLINED
    assert venture.member_count == 1
    assert event_types(since=2) == ["ventures.invitation.sent", "ventures.invitation.declined"]


def test_only_the_invitee_answers_an_invitation(owner: Any, rival: Any, applicant: Any) -> None:
    venture = venture_found(founder=owner)
    invitation = invitation_send(venture=venture, actor=owner, invitee=rival)
    before = written()

    people: list[Any] = [owner, applicant, AnonymousUser()]
    for answer in (invitation_accept, invitation_decline):
        for person in people:
            with pytest.raises(DomainError) as caught:
                answer(invitation=invitation, actor=person)
            assert (caught.value.code, caught.value.status) == ("not_invitee", 403)
    assert written() == before


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("anonymous", False), ("owner", True), ("rival", False), ("operator", False)],
    indirect=["actor"],
)
def test_only_members_invite(owner: Any, applicant: Any, actor: Any, allowed: bool) -> None:
    venture = venture_found(founder=owner)
    before = written()

    if allowed:
        invitation_send(venture=venture, actor=actor, invitee=applicant)
        assert Invitation.objects.get().invitee == applicant
        assert written()[4] == before[4] + 1
    else:
        with pytest.raises(DomainError) as caught:
            invitation_send(venture=venture, actor=actor, invitee=applicant)
        assert (caught.value.code, caught.value.status) == ("not_member", 403)
        assert written() == before


def test_outsiders_cannot_probe_addresses_by_inviting(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)

    with pytest.raises(DomainError) as caught:
        invitation_send(venture=venture, actor=rival, invitee_email="nobody@example.com")

    assert caught.value.code == "not_member"


@pytest.mark.parametrize(
    ("fields", "code", "status"),
    [
        ({}, "invitee_required", 422),
        ({"invitee_email": "nobody@example.com"}, "invitee_not_found", 404),
        ({"invitee_email": "owner@example.com"}, "already_member", 409),
        ({"invitee_email": "rival@example.com", "message": "m" * 2001}, "too_long", 422),
    ],
)
def test_invitation_refuses_bad_input(
    owner: Any, rival: Any, fields: dict[str, Any], code: str, status: int
) -> None:
    venture = venture_found(founder=owner)
    before = written()

    with pytest.raises(DomainError) as caught:
        invitation_send(venture=venture, actor=owner, **fields)

    assert (caught.value.code, caught.value.status) == (code, status)
    assert written() == before


def test_no_second_pending_invitation(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    invitation_send(venture=venture, actor=owner, invitee=rival)
    before = written()

    with pytest.raises(DomainError) as caught:
        invitation_send(venture=venture, actor=owner, invitee=rival)

    assert (caught.value.code, caught.value.status) == ("invitation_pending", 409)
    assert written() == before


def test_no_invitation_to_someone_who_already_asked(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    join_request_send(venture=venture, actor=rival, message="Hello")
    before = written()

    with pytest.raises(DomainError) as caught:
        invitation_send(venture=venture, actor=owner, invitee=rival)

    assert caught.value.code == "join_request_pending"
    assert written() == before


def test_invitation_withdrawn_by_another_member(owner: Any, rival: Any, applicant: Any) -> None:
    venture = venture_found(founder=owner)
    invitation_accept(
        invitation=invitation_send(venture=venture, actor=owner, invitee=rival), actor=rival
    )
    invitation = invitation_send(venture=venture, actor=owner, invitee=applicant)

    invitation_withdraw(invitation=invitation, actor=rival)

    invitation.refresh_from_db()
    assert invitation.status == DecisionStatus.WITHDRAWN
    assert event_types()[-1] == "ventures.invitation.withdrawn"
    with pytest.raises(DomainError) as caught:
        invitation_accept(invitation=invitation, actor=applicant)
    assert (caught.value.code, caught.value.status) == ("already_decided", 409)


def test_outsiders_cannot_withdraw_an_invitation(
    owner: Any, rival: Any, applicant: Any, operator: Any
) -> None:
    venture = venture_found(founder=owner)
    invitation = invitation_send(venture=venture, actor=owner, invitee=applicant)
    before = written()

    people: list[Any] = [rival, operator, AnonymousUser()]
    for person in people:
        with pytest.raises(DomainError) as caught:
            invitation_withdraw(invitation=invitation, actor=person)
        assert (caught.value.code, caught.value.status) == ("not_member", 403)
    assert written() == before


# --- join requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("anonymous", False), ("owner", True), ("rival", False), ("operator", False)],
    indirect=["actor"],
)
def test_only_members_approve_a_join_request(
    owner: Any, applicant: Any, actor: Any, allowed: bool
) -> None:
    venture = venture_found(founder=owner)
    join_request = join_request_send(venture=venture, actor=applicant, message="I weld.")
    before = written()

    if allowed:
        membership = join_request_approve(join_request=join_request, actor=actor)
        join_request.refresh_from_db()
        venture.refresh_from_db()
        assert (join_request.status, join_request.decided_by) == (DecisionStatus.ACCEPTED, owner)
        assert (membership.user, membership.role) == (applicant, MemberRole.MEMBER)
        assert venture.member_count == 2
        assert event_types(since=3) == [
            "ventures.join_request.approved",
            "ventures.member.joined",
        ]
    else:
        with pytest.raises(DomainError) as caught:
            join_request_approve(join_request=join_request, actor=actor)
        assert (caught.value.code, caught.value.status) == ("not_member", 403)
        assert written() == before
        assert JoinRequest.objects.get().status == DecisionStatus.PENDING


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [("anonymous", False), ("owner", True), ("rival", False), ("operator", False)],
    indirect=["actor"],
)
def test_only_members_reject_a_join_request(
    owner: Any, applicant: Any, actor: Any, allowed: bool
) -> None:
    venture = venture_found(founder=owner)
    join_request = join_request_send(venture=venture, actor=applicant, message="I weld.")
    before = written()

    if allowed:
        join_request_reject(join_request=join_request, actor=actor)
        join_request.refresh_from_db()
        assert (join_request.status, join_request.decided_by) == (DecisionStatus.DECLINED, owner)
        assert Venture.objects.get().member_count == 1
        assert event_types()[-1] == "ventures.join_request.rejected"
    else:
        with pytest.raises(DomainError) as caught:
            join_request_reject(join_request=join_request, actor=actor)
        assert (caught.value.code, caught.value.status) == ("not_member", 403)
        assert written() == before


def test_join_request_sent_with_its_message(owner: Any, applicant: Any) -> None:
    venture = venture_found(founder=owner)

    join_request = join_request_send(venture=venture, actor=applicant, message="  I weld.  ")

    assert (join_request.user, join_request.message, join_request.status) == (
        applicant,
        "I weld.",
        DecisionStatus.PENDING,
    )
    event = AuditEvent.objects.get(type="ventures.join_request.sent")
    assert (event.actor, event.is_public) == (applicant, False)


@pytest.mark.parametrize(
    ("message", "code"), [("", "blank"), ("   ", "blank"), ("m" * 2001, "too_long")]
)
def test_join_request_needs_a_message(owner: Any, applicant: Any, message: str, code: str) -> None:
    venture = venture_found(founder=owner)
    before = written()

    with pytest.raises(DomainError) as caught:
        join_request_send(venture=venture, actor=applicant, message=message)

    assert (caught.value.code, caught.value.status) == (code, 422)
    assert written() == before


def test_no_join_request_from_a_member_or_twice(owner: Any, applicant: Any) -> None:
    venture = venture_found(founder=owner)
    join_request_send(venture=venture, actor=applicant, message="Hello")
    before = written()

    with pytest.raises(DomainError) as from_member:
        join_request_send(venture=venture, actor=owner, message="Me too")
    with pytest.raises(DomainError) as twice:
        join_request_send(venture=venture, actor=applicant, message="Hello again")

    assert (from_member.value.code, from_member.value.status) == ("already_member", 409)
    assert (twice.value.code, twice.value.status) == ("join_request_pending", 409)
    assert written() == before


def test_no_join_request_while_invited(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    invitation_send(venture=venture, actor=owner, invitee=rival)

    with pytest.raises(DomainError) as caught:
        join_request_send(venture=venture, actor=rival, message="Hello")

    assert caught.value.code == "invitation_pending"


def test_only_the_requester_withdraws(owner: Any, rival: Any, applicant: Any) -> None:
    venture = venture_found(founder=owner)
    join_request = join_request_send(venture=venture, actor=applicant, message="Hello")
    before = written()

    people: list[Any] = [owner, rival, AnonymousUser()]
    for person in people:
        with pytest.raises(DomainError) as caught:
            join_request_withdraw(join_request=join_request, actor=person)
        assert (caught.value.code, caught.value.status) == ("not_requester", 403)
    assert written() == before

    join_request_withdraw(join_request=join_request, actor=applicant)

    join_request.refresh_from_db()
    assert join_request.status == DecisionStatus.WITHDRAWN
    assert event_types()[-1] == "ventures.join_request.withdrawn"
    with pytest.raises(DomainError) as caught:
        join_request_approve(join_request=join_request, actor=owner)
    assert caught.value.code == "already_decided"


# --- leaving ----------------------------------------------------------------------------------


def test_a_member_leaves(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    invitation_accept(
        invitation=invitation_send(venture=venture, actor=owner, invitee=rival), actor=rival
    )

    membership = membership_leave(venture=venture, actor=rival)

    venture.refresh_from_db()
    assert membership.left_at is not None
    assert venture.member_count == 1
    assert membership_is_active(venture=venture, user=rival) is False
    assert event_types()[-1] == "ventures.member.left"
    # Leaving keeps the row, and a former member may come back.
    invitation_accept(
        invitation=invitation_send(venture=venture, actor=owner, invitee=rival), actor=rival
    )
    venture.refresh_from_db()
    assert venture.member_count == 2
    assert Membership.objects.filter(user=rival).count() == 2


@pytest.mark.parametrize("status", ["incubating", "accelerating"])
def test_the_last_member_cannot_leave_an_open_venture(owner: Any, status: str) -> None:
    venture = venture_found(founder=owner)
    if status != "incubating":
        venture_status_change(venture=venture, actor=owner, status=status)
    before = written()

    with pytest.raises(DomainError) as caught:
        membership_leave(venture=venture, actor=owner)

    assert (caught.value.code, caught.value.status) == ("last_member", 409)
    assert "Dissolve the venture first" in caught.value.message
    assert written() == before
    assert Venture.objects.get().member_count == 1


def test_the_last_member_leaves_after_dissolving(owner: Any) -> None:
    venture = venture_found(founder=owner)
    venture_status_change(venture=venture, actor=owner, status="dissolved")

    membership_leave(venture=venture, actor=owner)

    venture.refresh_from_db()
    assert venture.member_count == 0
    assert Membership.objects.filter(left_at__isnull=True).count() == 0


def test_a_non_member_cannot_leave(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    before = written()

    with pytest.raises(DomainError) as caught:
        membership_leave(venture=venture, actor=rival)

    assert (caught.value.code, caught.value.status) == ("not_member", 403)
    assert written() == before
