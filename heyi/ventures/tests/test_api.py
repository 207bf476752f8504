"""Tests of the ventures API: shapes, permissions, bad input, query budgets."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from heyi.core.models import AuditEvent
from heyi.ventures.models import DecisionStatus, Invitation, JoinRequest, Membership, Venture
from heyi.ventures.services import invitation_send, join_request_send
from heyi.ventures.tests.factories import CategoryFactory, venture_found

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int, int, int]:
    return (
        Venture.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        JoinRequest.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def client_for(request: pytest.FixtureRequest, api_as: Any) -> Any:
    """An API client for the person named `anonymous`, `owner`, `rival` or `operator`."""

    def make(who: str) -> Any:
        return api_as(None if who == "anonymous" else request.getfixturevalue(who))

    return make


PEOPLE = ["anonymous", "owner", "rival", "operator"]
DENIED = {"anonymous": 401, "rival": 403, "operator": 403}


# --- reading ----------------------------------------------------------------------------------


def test_venture_list_is_public_and_paginated(owner: Any, api_as: Any) -> None:
    CategoryFactory(slug="fridges", name="Fridges")
    venture = venture_found(founder=owner, categories=["fridges"])
    venture_found(founder=owner, name="Second Venture")

    response = api_as(None).get("ventures", {"limit": 1})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["items"] == [
        {
            "uid": str(venture.uid),
            "slug": "cold-chain-makers",
            "name": "Cold Chain Makers",
            "kind": "maker",
            "mission": "We build made-to-order refrigerators for small restaurants.",
            "city": "Qingdao",
            "categories": [{"slug": "fridges", "name": "Fridges"}],
            "capacity_per_day": 40,
            "status": "incubating",
            "member_count": 1,
            "founded_by": {"uid": str(owner.uid), "name": "Owner Olivia", "city": ""},
            "founded_at": body["items"][0]["founded_at"],
        }
    ]


def test_venture_list_filters(owner: Any, api_as: Any) -> None:
    venture_found(founder=owner)
    venture_found(founder=owner, name="Last Mile Vans", kind="delivery", mission="Vans.")

    response = api_as(None).get("ventures", {"kind": "delivery", "search": "van"})

    assert [v["name"] for v in response.json()["items"]] == ["Last Mile Vans"]


def test_venture_list_query_count_does_not_grow(
    owner: Any, api_as: Any, django_assert_num_queries: Any
) -> None:
    CategoryFactory(slug="fridges")
    client = api_as(None)
    for number in range(2):
        venture_found(founder=owner, name=f"Venture {number}", categories=["fridges"])

    # A count, the page of ventures with their founders, and all their categories.
    with django_assert_num_queries(3):
        assert len(client.get("ventures").json()["items"]) == 2
    for number in range(2, 12):
        venture_found(founder=owner, name=f"Venture {number}", categories=["fridges"])
    with django_assert_num_queries(3):
        assert len(client.get("ventures").json()["items"]) == 12


def test_venture_list_is_capped(owner: Any, api_as: Any) -> None:
    response = api_as(None).get("ventures", {"limit": 1000})

    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_venture_get_by_chinese_slug(owner: Any, api_as: Any) -> None:
    venture_found(founder=owner, name="海尔冰箱小微")

    response = api_as(None).get("/api/v1/ventures/海尔冰箱小微")

    assert response.status_code == 200
    assert response.json()["name"] == "海尔冰箱小微"


def test_venture_get_unknown_slug(db: Any, api_as: Any) -> None:
    response = api_as(None).get("ventures/no-such-venture")

    assert response.status_code == 404
    assert response.json()["code"] == "venture_not_found"


def test_member_list_is_public(owner: Any, api_as: Any) -> None:
    venture_found(founder=owner)

    response = api_as(None).get("ventures/cold-chain-makers/members")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(m["person"]["uid"], m["role"], m["left_at"]) for m in items] == [
        (str(owner.uid), "founder", None)
    ]


# --- founding ---------------------------------------------------------------------------------


def test_venture_create(owner: Any, api_as: Any) -> None:
    CategoryFactory(slug="fridges", name="Fridges")

    response = api_as(owner).post(
        "ventures",
        {
            "name": "海尔冰箱小微",
            "kind": "maker",
            "mission": "Fridges for small kitchens.",
            "city": "Qingdao",
            "categories": ["fridges"],
            "capacity_per_day": 12,
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["slug"], body["status"], body["member_count"], body["capacity_per_day"]) == (
        "海尔冰箱小微",
        "incubating",
        1,
        12,
    )
    assert body["categories"] == [{"slug": "fridges", "name": "Fridges"}]
    assert Membership.objects.get().user == owner


def test_venture_create_needs_a_signed_in_person(db: Any, api_as: Any) -> None:
    response = api_as(None).post("ventures", {"name": "A", "kind": "maker", "mission": "m"})

    assert response.status_code == 401
    assert written() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"name": "", "kind": "maker", "mission": "m"}, 422, "blank"),
        ({"name": "x" * 5000, "kind": "maker", "mission": "m"}, 422, "too_long"),
        (
            {"name": "A", "kind": "maker", "mission": "m", "capacity_per_day": -1},
            422,
            "capacity_invalid",
        ),
        ({"name": "A", "kind": "bakery", "mission": "m"}, 422, "venture_kind_unknown"),
        (
            {"name": "A", "kind": "maker", "mission": "m", "categories": ["nope"]},
            422,
            "category_unknown",
        ),
        ({"name": "A", "kind": "maker"}, 422, "invalid"),
        (
            {"name": "A", "kind": "maker", "mission": "m", "capacity_per_day": "many"},
            422,
            "invalid",
        ),
        ("{not json", 400, "invalid"),
    ],
)
def test_venture_create_refuses_bad_input(
    owner: Any, api_as: Any, payload: Any, status: int, code: str
) -> None:
    client = api_as(owner)
    before = written()

    response = client.post("ventures", payload)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert written() == before


# --- describing and status --------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_venture_update_permissions(owner: Any, client_for: Any, who: str) -> None:
    venture_found(founder=owner)
    client = client_for(who)
    before = written()

    response = client.patch("ventures/cold-chain-makers", {"city": "Yantai"})

    if who == "owner":
        assert response.status_code == 200
        assert (response.json()["city"], response.json()["mission"]) == (
            "Yantai",
            "We build made-to-order refrigerators for small restaurants.",
        )
        assert written()[4] == before[4] + 1
    else:
        assert response.status_code == DENIED[who]
        assert Venture.objects.get().city == "Qingdao"
        assert written() == before


def test_venture_update_bad_input(owner: Any, api_as: Any) -> None:
    venture_found(founder=owner)
    client = api_as(owner)
    before = written()

    negative = client.patch("ventures/cold-chain-makers", {"capacity_per_day": -3})
    malformed = client.patch("ventures/cold-chain-makers", "{oops")
    unknown = client.patch("ventures/no-such-venture", {"city": "Yantai"})

    assert (negative.status_code, negative.json()["code"]) == (422, "capacity_invalid")
    assert (malformed.status_code, malformed.json()["code"]) == (400, "invalid")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "venture_not_found")
    assert written() == before


@pytest.mark.parametrize("who", PEOPLE)
def test_venture_status_change_permissions(owner: Any, client_for: Any, who: str) -> None:
    venture_found(founder=owner)
    client = client_for(who)
    before = written()

    response = client.post("ventures/cold-chain-makers/status", {"status": "accelerating"})

    if who in {"owner", "operator"}:
        assert response.status_code == 200
        assert response.json()["status"] == "accelerating"
        assert AuditEvent.objects.filter(type="ventures.venture.status_changed").count() == 1
    else:
        assert response.status_code == DENIED[who]
        assert Venture.objects.get().status == "incubating"
        assert written() == before


def test_venture_status_unknown(owner: Any, api_as: Any) -> None:
    venture_found(founder=owner)

    response = api_as(owner).post("ventures/cold-chain-makers/status", {"status": "sold"})

    assert (response.status_code, response.json()["code"]) == (422, "venture_status_unknown")


@pytest.mark.parametrize(
    ("path", "target"),
    [([], "raising"), (["accelerating"], "raising"), (["accelerating"], "spun_off")],
)
def test_moves_made_only_by_rounds_are_refused(
    owner: Any, operator: Any, api_as: Any, path: list[str], target: str
) -> None:
    venture = venture_found(founder=owner)
    clients = [api_as(owner), api_as(operator)]
    for status in path:
        clients[0].post(f"ventures/{venture.slug}/status", {"status": status})
    before = written()

    for client in clients:
        response = client.post(f"ventures/{venture.slug}/status", {"status": target})
        assert (response.status_code, response.json()["code"]) == (409, "transition_not_allowed")
    assert Venture.objects.get().status == (path[-1] if path else "incubating")
    assert written() == before


# --- invitations ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_invitation_send_permissions(owner: Any, client_for: Any, who: str) -> None:
    venture_found(founder=owner)
    invitee = make_user("invitee@example.com", name="Invitee Ivy")
    client = client_for(who)
    before = written()

    response = client.post(
        "ventures/cold-chain-makers/invitations",
        {"email": "invitee@example.com", "message": "Come and weld with us."},
    )

    if who == "owner":
        assert response.status_code == 201
        body = response.json()
        assert (body["invitee"]["uid"], body["invited_by"]["uid"], body["status"]) == (
            str(invitee.uid),
            str(owner.uid),
            "pending",
        )
        assert body["venture"]["slug"] == "cold-chain-makers"
    else:
        assert response.status_code == DENIED[who]
        assert written() == before


def test_invitation_flow_by_user_uid(owner: Any, rival: Any, api_as: Any) -> None:
    venture_found(founder=owner)
    owner_client, rival_client = api_as(owner), api_as(rival)

    sent = owner_client.post("ventures/cold-chain-makers/invitations", {"user_uid": str(rival.uid)})
    assert sent.status_code == 201
    uid = sent.json()["uid"]
    duplicate = owner_client.post(
        "ventures/cold-chain-makers/invitations", {"user_uid": str(rival.uid)}
    )
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "invitation_pending")

    mine = rival_client.get("ventures/invitations")
    assert [i["uid"] for i in mine.json()["items"]] == [uid]
    by_venture = owner_client.get("ventures/cold-chain-makers/invitations")
    assert [i["uid"] for i in by_venture.json()["items"]] == [uid]
    assert rival_client.get("ventures/cold-chain-makers/invitations").status_code == 403

    wrong_person = owner_client.post(f"ventures/invitations/{uid}/accept")
    assert (wrong_person.status_code, wrong_person.json()["code"]) == (403, "not_invitee")

    accepted = rival_client.post(f"ventures/invitations/{uid}/accept")
    assert accepted.status_code == 200
    assert (accepted.json()["person"]["uid"], accepted.json()["role"]) == (str(rival.uid), "member")
    assert Venture.objects.get().member_count == 2
    again = rival_client.post(f"ventures/invitations/{uid}/decline")
    assert (again.status_code, again.json()["code"]) == (409, "already_decided")
    assert [v["slug"] for v in rival_client.get("ventures/mine").json()["items"]] == [
        "cold-chain-makers"
    ]


def test_invitation_decline_and_withdraw(owner: Any, rival: Any, api_as: Any) -> None:
    venture = venture_found(founder=owner)
    first = invitation_send(venture=venture, actor=owner, invitee=rival)

    declined = api_as(rival).post(f"ventures/invitations/{first.uid}/decline")
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")

    second = invitation_send(venture=venture, actor=owner, invitee=rival)
    refused = api_as(rival).post(f"ventures/invitations/{second.uid}/withdraw")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_member")
    withdrawn = api_as(owner).post(f"ventures/invitations/{second.uid}/withdraw")
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")


def test_invitation_bad_input(owner: Any, api_as: Any) -> None:
    venture_found(founder=owner)
    client = api_as(owner)
    before = written()

    nobody = client.post("ventures/cold-chain-makers/invitations", {"email": "x@example.com"})
    empty = client.post("ventures/cold-chain-makers/invitations", {})
    member = client.post("ventures/cold-chain-makers/invitations", {"email": "owner@example.com"})
    bad_uid = client.post("ventures/cold-chain-makers/invitations", {"user_uid": "not-a-uuid"})
    unknown = client.post("ventures/invitations/00000000-0000-0000-0000-000000000000/accept")

    assert (nobody.status_code, nobody.json()["code"]) == (404, "invitee_not_found")
    assert (empty.status_code, empty.json()["code"]) == (422, "invitee_required")
    assert (member.status_code, member.json()["code"]) == (409, "already_member")
    assert (bad_uid.status_code, bad_uid.json()["code"]) == (422, "invalid")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "invitation_not_found")
    assert written() == before


# --- join requests ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_join_request_approve_permissions(owner: Any, client_for: Any, who: str) -> None:
    venture = venture_found(founder=owner)
    applicant = make_user("applicant@example.com")
    join_request = join_request_send(venture=venture, actor=applicant, message="I weld.")
    client = client_for(who)
    before = written()

    response = client.post(f"ventures/join-requests/{join_request.uid}/approve")

    if who == "owner":
        assert response.status_code == 200
        assert (response.json()["person"]["uid"], response.json()["role"]) == (
            str(applicant.uid),
            "member",
        )
        assert Venture.objects.get().member_count == 2
    else:
        assert response.status_code == DENIED[who]
        assert JoinRequest.objects.get().status == DecisionStatus.PENDING
        assert written() == before


@pytest.mark.parametrize("who", PEOPLE)
def test_join_request_reject_permissions(owner: Any, client_for: Any, who: str) -> None:
    venture = venture_found(founder=owner)
    join_request = join_request_send(
        venture=venture, actor=make_user("applicant@example.com"), message="I weld."
    )
    client = client_for(who)
    before = written()

    response = client.post(f"ventures/join-requests/{join_request.uid}/reject")

    if who == "owner":
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["decided_by"]["uid"]) == (
            "declined",
            str(owner.uid),
        )
    else:
        assert response.status_code == DENIED[who]
        assert written() == before


def test_join_request_flow(owner: Any, rival: Any, api_as: Any) -> None:
    venture_found(founder=owner)
    rival_client, owner_client = api_as(rival), api_as(owner)

    sent = rival_client.post("ventures/cold-chain-makers/join-requests", {"message": "I weld."})
    assert sent.status_code == 201
    body = sent.json()
    assert (body["person"]["uid"], body["message"], body["status"]) == (
        str(rival.uid),
        "I weld.",
        "pending",
    )
    twice = rival_client.post("ventures/cold-chain-makers/join-requests", {"message": "Again"})
    assert (twice.status_code, twice.json()["code"]) == (409, "join_request_pending")
    from_member = owner_client.post("ventures/cold-chain-makers/join-requests", {"message": "Me"})
    assert (from_member.status_code, from_member.json()["code"]) == (409, "already_member")

    listed = owner_client.get("ventures/cold-chain-makers/join-requests")
    assert [r["uid"] for r in listed.json()["items"]] == [body["uid"]]
    hidden = rival_client.get("ventures/cold-chain-makers/join-requests")
    assert (hidden.status_code, hidden.json()["code"]) == (403, "not_member")
    assert [r["uid"] for r in rival_client.get("ventures/join-requests").json()["items"]] == [
        body["uid"]
    ]

    not_yours = owner_client.post(f"ventures/join-requests/{body['uid']}/withdraw")
    assert (not_yours.status_code, not_yours.json()["code"]) == (403, "not_requester")
    withdrawn = rival_client.post(f"ventures/join-requests/{body['uid']}/withdraw")
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")


def test_join_request_bad_input(owner: Any, rival: Any, api_as: Any) -> None:
    venture_found(founder=owner)
    client = api_as(rival)
    before = written()

    empty = client.post("ventures/cold-chain-makers/join-requests", {"message": ""})
    missing = client.post("ventures/cold-chain-makers/join-requests", {})
    malformed = client.post("ventures/cold-chain-makers/join-requests", "{")
    unknown = client.post("ventures/no-such-venture/join-requests", {"message": "Hi"})

    assert (empty.status_code, empty.json()["code"]) == (422, "blank")
    assert (missing.status_code, missing.json()["code"]) == (422, "invalid")
    assert (malformed.status_code, malformed.json()["code"]) == (400, "invalid")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "venture_not_found")
    assert written() == before


# --- leaving ----------------------------------------------------------------------------------


def test_leave(owner: Any, rival: Any, api_as: Any) -> None:
    venture = venture_found(founder=owner)
    invitation = invitation_send(venture=venture, actor=owner, invitee=rival)
    api_as(rival).post(f"ventures/invitations/{invitation.uid}/accept")

    left = api_as(rival).post("ventures/cold-chain-makers/leave")
    last = api_as(owner).post("ventures/cold-chain-makers/leave")
    outsider = api_as(rival).post("ventures/cold-chain-makers/leave")

    assert left.status_code == 200
    assert left.json()["left_at"] is not None
    assert (last.status_code, last.json()["code"]) == (409, "last_member")
    assert "Dissolve the venture first" in last.json()["detail"]
    assert (outsider.status_code, outsider.json()["code"]) == (403, "not_member")
    assert Venture.objects.get().member_count == 1
